"""engine/rare.where_needed computes a value on the rows that need it only; its column must be
exactly ``pl.when(need).then(value)`` over the frame, whatever the mix of true, false and null
conditions (none, some, all), including on an empty frame."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from tariffline.engine.rare import where_needed


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.text(max_size=4)), max_size=40))
def test_where_needed_equals_when_then(rows):
    df = pl.DataFrame({"a": [r[0] for r in rows], "b": [r[1] for r in rows]},
                      schema={"a": pl.Int64, "b": pl.Utf8})
    values = (pl.lit("row ") + pl.col("b") + pl.lit(" / ") + pl.col("a").cast(pl.Utf8),
              pl.col("b") + pl.col("b"),  # a column read twice
              pl.lit("constant"))  # no column read
    for need in (pl.col("a") > 0, pl.col("a") > 99, pl.col("a").is_null(), pl.lit(True)):
        for value in values:
            # (one value per row: Polars gives a lone literal one row even on an empty frame)
            want = df.select(pl.repeat(0, pl.len()).alias("_"), pl.when(need).then(value).alias("m"))["m"]
            assert_series_equal(where_needed(df, need, value, "m"), want)


def test_numbers_keep_their_type():
    df = pl.DataFrame({"a": [1, None, 3]})
    got = where_needed(df, pl.col("a") > 1, pl.col("a") * 2, "m", pl.Int64)
    assert got.to_list() == [None, None, 6] and got.dtype == pl.Int64
