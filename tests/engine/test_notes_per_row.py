"""Notes and flags built once per distinct combination of their reasons (engine/compute.py):
the same lists as building them row by row, whether combinations are told apart by their hash
or, when hashes collide, by their keys. Expected values: the sentences and codes the DutyResult
documents, built here for each row by :func:`_notes` on that row alone."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.engine.compute import _NOTE_KEYS, _notes, _notes_per_row

text = st.one_of(st.none(), st.sampled_from(["a", "b", "rates from edition hts_2021_rev12", ""]))
row = st.tuples(text, text, text, text, st.booleans())


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"_note_edition": pl.Utf8, "_note_line": pl.Utf8, "_qp": pl.Utf8,
                                      "_partial": pl.Utf8, "_metal_assumed": pl.Boolean}, orient="row")


def _one_by_one(keys: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([_notes(keys.slice(i, 1)).drop(_NOTE_KEYS) for i in range(keys.height)])


@settings(max_examples=40, deadline=None)
@given(st.lists(row, min_size=1, max_size=30))
def test_per_combination_equals_row_by_row(rows):
    keys = _frame(rows)
    expected = _one_by_one(keys)
    assert _notes_per_row(keys).equals(expected)
    # every hash equal: the keys themselves must tell the combinations apart
    assert _notes_per_row(keys, digest=pl.lit(0, dtype=pl.UInt64)).equals(expected)


def test_the_documented_sentences_and_codes():
    keys = _frame([(None, "statistical suffix not in the edition; rates of its 8-digit line", None, None, True)])
    got = _notes_per_row(keys).row(0, named=True)
    assert got["flags"] == ["line_fallback", "metal_assumed"]
    assert got["notes"][1] == ("metal value not given: duty on metal content charged on the full value "
                               "(upper bound)")
    assert got["_flags_text"] == "line_fallback;metal_assumed"
