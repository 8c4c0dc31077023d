"""Japanese government business days (執務日), for safeguard invocation dates.

A day is not a business day if it is a Saturday, Sunday, a national holiday, or one of the
year-end closing days 29 December - 3 January (Act on Holidays of Administrative Organs, Act
No. 91 of 1988, art. 1). National holidays follow the National Holidays Act (Act No. 178 of
1948) as amended, including the substitute holiday (a holiday on Sunday moves to the next
non-holiday), the "citizens' holiday" between two holidays, the one-off days of 2019 and the
Olympic moves of 2020-2021 (Act on Special Measures for the Tokyo 2020 Games). Equinox days are
computed with the usual formula valid 1980-2099; the Cabinet Office announces them each
February, so treat years far ahead as likely, not certain.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tariffline.errors import InputError


def _nth_monday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (0 - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _equinox(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - (year - 1980) // 4)


@lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[dt.date]:
    if not 2019 <= year <= 2099:
        raise InputError(f"Japanese holidays are encoded for 2019-2099, not {year}")
    d = dt.date
    days = {
        d(year, 1, 1), _nth_monday(year, 1, 2), d(year, 2, 11), d(year, 3, _equinox(year, 20.8431)),
        d(year, 4, 29), d(year, 5, 3), d(year, 5, 4), d(year, 5, 5),
        _nth_monday(year, 9, 3), d(year, 9, _equinox(year, 23.2488)), d(year, 11, 3), d(year, 11, 23),
    }
    if year >= 2020:
        days.add(d(year, 2, 23))  # Emperor's Birthday (from 2020)
    if year == 2019:
        days |= {d(2019, 4, 30), d(2019, 5, 1), d(2019, 5, 2), d(2019, 10, 22)}
    moved = {  # Marine Day, Mountain Day, Sports Day in the Olympic years
        2020: (d(2020, 7, 23), d(2020, 8, 10), d(2020, 7, 24)),
        2021: (d(2021, 7, 22), d(2021, 8, 8), d(2021, 7, 23)),
    }
    if year in moved:
        days |= set(moved[year])
    else:
        days |= {_nth_monday(year, 7, 3), d(year, 8, 11), _nth_monday(year, 10, 2)}
    # substitute holidays (振替休日)
    for h in sorted(days):
        if h.weekday() == 6:
            nxt = h + dt.timedelta(days=1)
            while nxt in days:
                nxt += dt.timedelta(days=1)
            days.add(nxt)
    # citizens' holidays (国民の休日): a non-Sunday day between two holidays
    for h in sorted(days):
        mid, after = h + dt.timedelta(days=1), h + dt.timedelta(days=2)
        if after in days and mid not in days and mid.weekday() != 6:
            days.add(mid)
    return frozenset(days)


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return False
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return False
    return day not in national_holidays(day.year)


def nth_business_day_after(day: dt.date, n: int) -> dt.date:
    """The n-th business day strictly after ``day``."""
    count, cur = 0, day
    while count < n:
        cur += dt.timedelta(days=1)
        if is_business_day(cur):
            count += 1
    return cur
