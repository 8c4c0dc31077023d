"""column1 spreads the edition used on each distinct entry date to the rows by position; every
row must get what hts.editions.edition_for (the rule of ASSUMPTIONS EN-15) gives its date: the
edition's name, its place in the calendar and the note owed when it is not the edition in force;
a row without a date gets none. Dates far apart (beyond the counting path) take the sorting path
and must agree too."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.engine import column1
from tariffline.hts.editions import edition_for, editions

DAYS = st.one_of(st.none(), st.dates(dt.date(2017, 1, 1), dt.date(2031, 12, 31)),
                 st.sampled_from([dt.date(2020, 7, 1), dt.date(2025, 4, 5), dt.date(2026, 2, 24)]))


def _check(days: list[dt.date | None]) -> None:
    names = column1.calendar().get_column("edition")
    place, note_id, edition, note = column1._edition_per_row(pl.Series(days, dtype=pl.Date), names)
    assert len(place) == len(note_id) == edition.len() == note.len() == len(days)
    pool = list(editions())
    for i, day in enumerate(days):
        if day is None:
            assert (place[i], note_id[i], edition[i], note[i]) == (-1, 0, None, None)
            continue
        want = edition_for(day, pool)
        assert edition[i] == want.name and names[int(place[i])] == want.name
        assert note[i] == (want.note or None)
        assert (note_id[i] == 0) == (not want.note)


@settings(max_examples=40, deadline=None)
@given(st.lists(DAYS, max_size=60))
def test_each_row_gets_the_edition_of_its_date(days):
    _check(days)


def test_dates_far_apart_take_the_sorting_path_and_agree():
    _check([dt.date(1, 1, 1), None, dt.date(2025, 4, 5), dt.date(9999, 12, 31), dt.date(2025, 4, 5)])


def test_no_rows():
    _check([])
