"""The batch's coded text columns (``compute_duties(coded=True)``) and how they are written.

Expected values: the uncoded engine (its golden tables and differential tests are the reference);
a coded column must hold the same text, only as Categorical, and every file the batch writes
must read back with the types of the uncoded rows (text as text, the user's columns as they were).
"""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
from differential_rows import random_rows
from polars.testing import assert_frame_equal

from tariffline import api
from tariffline.engine.compute import _notes, compute_duties
from tariffline.engine.ledger_write import ChunkedOutput

CODED = ["edition", "hts_line", "description", "_notes_text", "_flags_text"]


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return random_rows(6_000, seed=2026)


@pytest.mark.parametrize("texts", [True, False])
def test_coded_columns_hold_the_uncoded_text(rows, texts):
    plain = compute_duties(rows, texts=texts).totals
    coded = compute_duties(rows, texts=texts, coded=True).totals
    for c in CODED:
        assert coded.schema[c] == pl.Categorical, c
    assert "notes" not in coded.columns and "flags" not in coded.columns
    expected = plain.with_columns(pl.col("notes").list.join(" | ").alias("_notes_text"),
                                  pl.col("flags").list.join(";").alias("_flags_text")).drop("notes", "flags")
    got = coded.with_columns(pl.col(CODED).cast(pl.Utf8))
    assert_frame_equal(got.select(expected.columns), expected)
    # the rows reach every kind of note and flag the random rows give (not only empty ones)
    assert got["_flags_text"].str.contains("edition_fallback").any()
    assert got["_flags_text"].str.contains("metal_assumed").any()


def test_coded_summary_carries_column_1_in_the_totals(rows):
    """``coded`` without texts (the batch's summary): column 1 is not among the layers but in the
    totals, on the rows not in error, with the column-1 layer's own authority and amount."""
    plain = compute_duties(rows, texts=False)
    coded = compute_duties(rows, texts=False, coded=True)
    col1 = plain.layers.filter(pl.col("measure_id").str.starts_with("column1:"))
    assert col1.height > 0
    assert_frame_equal(coded.layers, plain.layers.filter(~pl.col("measure_id").str.starts_with("column1:")))
    got = (coded.totals.filter(pl.col("_c1_amount").is_not_null())
           .select(pl.col("row_id").cast(pl.Int64), pl.col("_c1_authority").alias("authority"),
                   pl.col("_c1_amount").alias("amount")))
    assert_frame_equal(got, col1.select("row_id", "authority", "amount"), check_row_order=False)
    errors = coded.totals.filter(pl.col("error").is_not_null())
    assert errors.height > 0 and errors["_c1_amount"].is_null().all() and errors["_c1_authority"].is_null().all()


def test_notes_joined_without_lists_equal_the_lists_joined():
    """Every combination of the five reasons (present or not), as ``_notes`` sees them."""
    combos = list(itertools.product([None, "edition note"], [None, "line note"], [None, "no quantity"],
                                    [None, "Section 232"], [False, True]))
    keys = pl.DataFrame(combos, schema={"_note_edition": pl.Utf8, "_note_line": pl.Utf8, "_qp": pl.Utf8,
                                        "_partial": pl.Utf8, "_metal_assumed": pl.Boolean}, orient="row")
    both = _notes(keys, lists=True)
    texts = _notes(keys, lists=False)
    assert "notes" not in texts.columns
    assert both["_notes_text"].to_list() == both["notes"].list.join(" | ").to_list() == texts["_notes_text"].to_list()
    assert both["_flags_text"].to_list() == both["flags"].list.join(";").to_list() == texts["_flags_text"].to_list()
    assert texts["_flags_text"][0] == "" and texts["_notes_text"][0] == ""  # no reason: empty, not null
    assert texts["_flags_text"][-1] == "edition_fallback;line_fallback;quantity_missing;partial_scope;metal_assumed"


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".ndjson", ".json"])
def test_batch_files_read_back_as_the_rows_returned(tmp_path, rows, suffix):
    ledger = tmp_path / "ledger.parquet"
    rows.drop("row_id", strict=False).write_parquet(ledger)
    kept = api.batch(ledger, chunk_rows=2_500)
    assert pl.Categorical not in kept.schema.values()  # the rows returned: text as text
    out = tmp_path / f"out{suffix}"
    api.batch(ledger, out, chunk_rows=2_500)
    if suffix == ".parquet":
        back = pl.read_parquet(out)
        assert back.schema == kept.schema
        assert_frame_equal(back, kept)
    else:
        back = (pl.read_csv(out, infer_schema_length=0) if suffix == ".csv" else
                pl.read_ndjson(out, infer_schema_length=None) if suffix == ".ndjson"
                else pl.read_json(out, infer_schema_length=None))
        for c in ("hts_line", "description", "edition", "notes", "flags", "origin_iso"):
            assert back[c].cast(pl.Utf8).fill_null("").to_list() == kept[c].fill_null("").to_list(), c


def _frame(extra: dict) -> pl.DataFrame:
    base = pl.DataFrame({"code": ["a", "b", None, "a"], "n": [1, 2, 3, 4]}).with_columns(
        pl.col("code").cast(pl.Categorical))
    return base.with_columns(**extra)


@pytest.mark.parametrize("extra", [
    {},
    {"d": pl.Series([dt.date(2026, 1, 1)] * 4), "f": pl.Series([1.5, None, 2.5, 3.0], dtype=pl.Float32),
     "i": pl.Series([1, 2, 3, 4], dtype=pl.Int8), "u": pl.Series([1, 2, 3, 4], dtype=pl.UInt16),
     "b": pl.Series([True, False, None, True]), "t": pl.Series([dt.datetime(2026, 1, 1, 12)] * 4),
     "tm": pl.Series([dt.time(9, 30)] * 4), "s": pl.Series(["x", None, "y", "z"])},
])
def test_parquet_dictionaries_read_back_as_text_with_every_plain_type(tmp_path, extra):
    frame = _frame(extra)
    with ChunkedOutput(tmp_path / "o.parquet") as w:
        w.write(frame)
        w.write(frame)
    back = pl.read_parquet(tmp_path / "o.parquet")
    expected = pl.concat([frame, frame]).with_columns(pl.col("code").cast(pl.Utf8))
    assert back.schema == expected.schema
    assert_frame_equal(back, expected)


@pytest.mark.parametrize("extra", [
    {"zoned": pl.Series([dt.datetime(2026, 1, 1, 12)] * 4).dt.replace_time_zone("Asia/Tokyo")},
    {"span": pl.Series([dt.timedelta(hours=1)] * 4)},
])
def test_a_type_that_needs_the_stored_schema_keeps_it(tmp_path, extra):
    """A zone or a duration is only read back from the Arrow schema stored in the file: then the
    Categorical columns are written as plain text, and every type comes back."""
    frame = _frame(extra)
    with ChunkedOutput(tmp_path / "o.parquet") as w:
        w.write(frame)
    back = pl.read_parquet(tmp_path / "o.parquet")
    expected = frame.with_columns(pl.col("code").cast(pl.Utf8))
    assert back.schema == expected.schema
    assert_frame_equal(back, expected)
