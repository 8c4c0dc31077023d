"""USJTA beef safeguard: the March 2021 snapback from 10-day volumes, monthly windows, the
duration rules, the 2022 Protocol's three triggers, Japanese business days, bad input."""

import calendar
import datetime as dt

import pytest

from tariffline.errors import InputError, PolicyError
from tariffline.japan import api
from tariffline.japan.jp_calendar import is_business_day, national_holidays, nth_business_day_after
from tariffline.japan.safeguard import check, read_imports

D = dt.date
MONTHS = [(2020, m) for m in range(4, 13)] + [(2021, m) for m in range(1, 4)]


def ten_day_csv(fy_months, per_period, cptpp=None, overrides=None):
    lines = ["period,us_tonnes" + (",cptpp_tonnes" if cptpp is not None else "")]
    for y, m in fy_months:
        for d in (10, 20, calendar.monthrange(y, m)[1]):
            key = f"{y}-{m:02d}-{d:02d}"
            v = (overrides or {}).get(key, per_period)
            lines.append(f"{key},{v}" + (f",{cptpp}" if cptpp is not None else ""))
    return "\n".join(lines)


def test_march_2021_snapback_from_ten_day_volumes():
    # 33 periods of 7,000 t to 28 Feb (231,000 t), then 11,229 t in 1-10 March: 242,229 t > 242,000
    csv_text = ten_day_csv(MONTHS, 7000, overrides={"2021-03-10": 11229, "2021-03-20": 5000, "2021-03-31": 5000})
    r = check(2020, read_imports(csv_text))
    assert r.triggered and r.exceeded_in_period == "2021-03-01..2021-03-10"
    assert (r.start, r.end) == (D(2021, 3, 18), D(2021, 4, 16))  # MAFF 2021-03-17
    assert r.rate == pytest.approx(0.385)
    assert r.us_trigger == 242000


def test_no_trigger_below_the_level():
    r = check(2020, read_imports(ten_day_csv(MONTHS, 6700)))
    assert not r.triggered and r.us_imports == pytest.approx(241200)


def test_monthly_data_gives_a_window():
    text = "period,us_tonnes\n" + "\n".join(
        f"{y}-{m:02d},{20000 if (y, m) != (2021, 3) else 22229}" for y, m in MONTHS)
    r = check(2020, read_imports(text))
    assert r.triggered and r.start == D(2021, 3, 18) and r.start_latest == D(2021, 4, 8)
    assert r.end == D(2021, 4, 16) and r.end_latest == D(2021, 5, 7)
    assert any("monthly data" in n for n in r.notes)


@pytest.mark.parametrize("crossing,start,end", [
    # 11 Feb is a holiday: business days 12, 15, 16, 17, 18 -> start 19 Feb; 45 days to 4 April
    ("2021-02-10", D(2021, 2, 19), D(2021, 4, 4)),
    # 23 Nov is a holiday: business days 24-27, 30 -> start 1 Dec; to the end of the JFY
    ("2020-11-20", D(2020, 12, 1), D(2021, 3, 31)),
])
def test_duration_by_month_of_crossing(crossing, start, end):
    big = {crossing: 250000}
    r = check(2020, read_imports(ten_day_csv(MONTHS, 0, overrides=big)))
    assert (r.start, r.end) == (start, end)


def jfy_csv(year, us, cptpp):
    months = [(year, m) for m in range(4, 13)] + [(year + 1, m) for m in range(1, 4)]
    return ten_day_csv(months, us, cptpp=cptpp)


def test_three_triggers_all_needed_from_2023():
    # JFY2024: U.S. 36 x 8,000 = 288,000 t; previous year given; triggers given by the user
    periods = read_imports(jfy_csv(2024, 8000, 10000))
    kw = dict(us_trigger=260000, previous_us_total=250000)
    assert not check(2024, periods, cptpp_trigger=700000, **kw).triggered   # 648,000 t combined
    hit = check(2024, periods, cptpp_trigger=600000, **kw)
    assert hit.triggered and hit.rule.startswith("three-trigger")
    prev_high = check(2024, periods, cptpp_trigger=600000, us_trigger=260000, previous_us_total=300000)
    assert not prev_high.triggered and prev_high.us_trigger_effective == 300000


def test_previous_year_rule_ends_after_jfy2027():
    periods = read_imports(jfy_csv(2028, 8000, 10000))
    r = check(2028, periods, us_trigger=260000, cptpp_trigger=600000)
    assert r.triggered and r.us_trigger_effective == 260000


def test_missing_inputs():
    periods = read_imports(jfy_csv(2024, 8000, 10000))
    with pytest.raises(PolicyError, match="no U.S. beef safeguard trigger encoded for JFY2024"):
        check(2024, periods)
    with pytest.raises(InputError, match="previous-us-total"):
        check(2024, periods, us_trigger=1, cptpp_trigger=1)
    with pytest.raises(InputError, match="cptpp_tonnes"):
        check(2024, read_imports(jfy_csv(2024, 8000, None)), us_trigger=1, cptpp_trigger=1, previous_us_total=1)
    with pytest.raises(InputError, match="no rows in JFY2022"):
        check(2022, read_imports(ten_day_csv(MONTHS, 1)))


@pytest.mark.parametrize("text,msg", [
    ("month,tonnes\n2021-03,1", "columns"),
    ("period,us_tonnes\n2021-03-15,1", "10-day period"),
    ("period,us_tonnes\n2021-13,1", "out of range"),
    ("period,us_tonnes\n2021-03,abc", "numbers"),
    ("period,us_tonnes\n2021-03,-5", "negative"),
    ("period,us_tonnes\n2021-03,1\n2021-03,2", "twice"),
    ("period,us_tonnes\n2021-03,1\n2021-02-10,2", "mixes"),
    ("period,us_tonnes\n", "no rows"),
])
def test_bad_imports_files(text, msg):
    with pytest.raises(InputError, match=msg):
        read_imports(text)


def test_api_reads_a_file(tmp_path):
    f = tmp_path / "imports.csv"
    f.write_text(ten_day_csv(MONTHS, 7000, overrides={"2021-03-10": 11229}))
    out = api.safeguard(2020, f)
    assert out["triggered"] and out["start"] == "2021-03-18" and out["end"] == "2021-04-16"
    with pytest.raises(InputError, match="cannot read imports file"):
        api.safeguard(2020, tmp_path / "missing.csv")


@pytest.mark.parametrize("day,business", [
    (D(2021, 3, 20), False),   # Vernal Equinox Day (Saturday)
    (D(2021, 3, 22), True),
    (D(2024, 2, 12), False),   # substitute holiday for National Foundation Day on Sunday
    (D(2026, 9, 22), False),   # citizens' holiday between Respect for the Aged Day and the equinox
    (D(2020, 7, 24), False),   # Sports Day moved for the Olympics
    (D(2020, 10, 12), True),   # ... so the usual second Monday of October was a working day
    (D(2025, 12, 30), False),  # year-end closing
    (D(2026, 1, 5), True),
])
def test_business_days(day, business):
    assert is_business_day(day) is business


def test_fifth_business_day_after_10_march_2021():
    assert nth_business_day_after(D(2021, 3, 10), 5) == D(2021, 3, 17)
    assert D(2019, 10, 22) in national_holidays(2019)
