"""Parsing of user-supplied dates; the query date is always an explicit argument."""

from __future__ import annotations

import datetime as dt

from tariffline.errors import InputError


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """Parse an ISO date (YYYY-MM-DD) or pass a date through; raise InputError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date in YYYY-MM-DD form") from None
