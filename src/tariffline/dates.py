"""Parsing of user-supplied dates; the query date is always an explicit argument.

``today`` is accepted wherever a date is asked for and resolved here, at the edge, to the
machine's calendar date: the engine itself never reads the clock.
"""

from __future__ import annotations

import datetime as dt

from tariffline.errors import InputError

TODAY = "today"


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """Parse an ISO date (YYYY-MM-DD) or ``today``, or pass a date through; InputError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text.lower() == TODAY:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date in YYYY-MM-DD form (or 'today')") from None
