"""Each entry date's context day (``signatures._Compiled.intervals``): the first day of its
interval between the policy's change dates, the day before the first change date for days
before it, null for null. Expected values: a binary search over the change dates, day by day."""

from __future__ import annotations

import bisect
import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.engine import signatures
from tariffline.policy.loader import load_policy

POLICY = load_policy()
VIEW = signatures.compiled_view(POLICY, [bm for bm in POLICY.measures if bm.measure.rate.type != "column2"])
BREAKS = VIEW.breaks.to_list()


def _expected(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    i = bisect.bisect_right(BREAKS, day) - 1
    return BREAKS[i] if i >= 0 else BREAKS[0] - dt.timedelta(days=1)


def _first_days(values: list[dt.date | None]) -> list[dt.date | None]:
    """The first day of each value's interval as ``intervals`` gives it (a place among the starts)."""
    place, starts = VIEW.intervals(pl.Series(values, dtype=pl.Date))
    return [None if p < 0 else dt.date(1970, 1, 1) + dt.timedelta(days=int(starts[p])) for p in place]


days = st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2031, 12, 31)), st.dates())


@settings(max_examples=200, deadline=None)
@given(st.lists(days, max_size=300))
def test_each_day_is_the_first_day_of_its_interval(values):
    assert _first_days(values) == [_expected(d) for d in values]


def test_change_dates_and_their_eves():
    values = [d + dt.timedelta(days=k) for d in BREAKS for k in (-1, 0, 1)]
    assert _first_days(values) == [_expected(d) for d in values]
    assert len(BREAKS) > 10
