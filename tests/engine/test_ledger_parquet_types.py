"""A Parquet ledger's typed columns (dates, numbers, true/false, text) come out of the batch with
their types, and are computed as the same ledger written as text is; other types are read as text.

Duty figures: 8703.23.01 (cars) from Japan entered 1 Oct 2025 owe 15% all-in (EO 14345, HTS
9903.94.41); 9503.00.00 (toys, MFN free) from Japan on 1 Oct 2025 owe 15% (9903.02.73, EO 14345
Annex), as in test_ledger_formats."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline import api
from tariffline.engine.ledger import result_columns

TYPED = pl.DataFrame({
    "entry": ["E1", "E1", "E2", "E3", "E4", "E5", "E6"],
    "hts": ["8703.23.01", "9503.00.00", "9503.00.00", "9503.00.00", "9503.00.00", "9503.00.00", "9503.00.00"],
    "origin": ["JP"] * 7,
    "entry_date": [dt.date(2025, 10, 1)] * 6 + [None],
    "value": [30000.0, 1000.0, float("nan"), float("inf"), -5.0, None, 1000.0],
    "quantity": pl.Series([1, 2, None, 4, 5, 6, 7], dtype=pl.Int32),
    "checked": [True, False, None, True, True, True, True],
})


def _as_text_ledger(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.all().cast(pl.Utf8))


def test_typed_columns_keep_their_types(tmp_path):
    TYPED.write_parquet(tmp_path / "l.parquet")
    res = api.batch(tmp_path / "l.parquet", tmp_path / "o.parquet")
    out = pl.read_parquet(tmp_path / "o.parquet")
    assert res["rows"] == 7
    assert out.select(TYPED.columns).equals(TYPED)  # the user's columns, types and values unchanged
    assert out.columns == TYPED.columns + result_columns(fees=False)
    assert out["total_duty"].head(2).to_list() == pytest.approx([4500.0, 150.0])


def test_typed_and_text_ledgers_give_the_same_results(tmp_path):
    """The same rows as numbers and dates, and as text (the CSV path, tested by the golden tables):
    the same duties, flags, notes and errors row by row, the bad values among them (NaN, inf, a
    negative value, no value, no date)."""
    TYPED.write_parquet(tmp_path / "typed.parquet")
    _as_text_ledger(TYPED).write_parquet(tmp_path / "text.parquet")
    typed = api.batch(tmp_path / "typed.parquet")
    text = api.batch(tmp_path / "text.parquet")
    mine = result_columns(fees=False)
    assert typed.select(mine).equals(text.select(mine))
    errors = typed["error"].to_list()
    assert errors[:2] == [None, None] and all(errors[2:])


def test_datetime_entry_dates_and_integer_values_are_read_as_dates_and_numbers(tmp_path):
    frame = pl.DataFrame({"hts": ["8703.23.01"], "origin": ["JP"],
                          "entry_date": [dt.datetime(2025, 10, 1, 9, 30)], "value": [30000]})
    frame.write_parquet(tmp_path / "l.parquet")
    out = api.batch(tmp_path / "l.parquet")
    assert out["entry_date"].dtype == pl.Datetime and out["value"].dtype == pl.Int64
    assert out["total_duty"].to_list() == pytest.approx([4500.0])


def test_other_types_are_read_as_text(tmp_path):
    """A binary column is not one of the kept types: it is read as text, as before."""
    frame = pl.DataFrame({"hts": ["9503.00.00"], "origin": ["JP"], "entry_date": ["2025-10-01"],
                          "value": ["1000"], "blob": [b"abc"]})
    frame.write_parquet(tmp_path / "l.parquet")
    out = api.batch(tmp_path / "l.parquet")
    assert out["blob"].dtype == pl.Utf8 and out["total_duty"].to_list() == pytest.approx([150.0])


def test_typed_entry_numbers_group_fees_by_entry(tmp_path):
    """With fees an entry's lines are charged together; an integer entry number works as text does."""
    frame = pl.DataFrame({"entry": [7, 7], "hts": ["8703.23.01", "9503.00.00"], "origin": ["JP", "JP"],
                          "entry_date": [dt.date(2025, 10, 1)] * 2, "value": [30000.0, 1000.0]})
    frame.write_parquet(tmp_path / "typed.parquet")
    _as_text_ledger(frame).write_parquet(tmp_path / "text.parquet")
    typed, text = (api.batch(tmp_path / f"{k}.parquet", fees=True) for k in ("typed", "text"))
    # one entry of 31,000: MPF 0.3464% (19 CFR 24.23), allocated by value
    assert typed["fee_mpf"].sum() == pytest.approx(31_000 * 0.003464)
    assert typed["fee_mpf"].to_list() == pytest.approx(text["fee_mpf"].to_list())


_DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
                   st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 12, 31)))
_VALUES = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                    st.floats(min_value=0.01, max_value=1e7), st.just(0.0), st.just(-1.0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["8703.23.01", "9503.00.00", "7208.51.00", "0201.30.80", "x"]),
                               st.sampled_from(["JP", "CN", "DE", "Atlantis", ""]), _DATES, _VALUES, _VALUES),
                     min_size=0, max_size=12))
def test_any_typed_rows_compute_as_their_text_does(tmp_path_factory, rows):
    """Typed rows (extreme and missing dates, NaN, inf, huge, zero and negative values) never
    crash the batch, keep rows out = rows in, and give what the same rows as text give."""
    tmp = tmp_path_factory.mktemp("typed")
    frame = pl.DataFrame(rows, schema={"hts": pl.Utf8, "origin": pl.Utf8, "entry_date": pl.Date,
                                       "value": pl.Float64, "metal_value": pl.Float64}, orient="row")
    frame.write_parquet(tmp / "typed.parquet")
    _as_text_ledger(frame).write_parquet(tmp / "text.parquet")
    typed, text = api.batch(tmp / "typed.parquet"), api.batch(tmp / "text.parquet")
    mine = result_columns(fees=False)
    assert typed.height == frame.height
    assert typed.select(frame.columns).equals(frame)
    assert typed.select(mine).equals(text.select(mine))
