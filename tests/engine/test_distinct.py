"""engine/distinct.py: each distinct text once and each row's place among them. Expected values:
the input itself (the distinct values gathered by the rows' places give back every row) and
Python's own set of the values, for text, for Categorical columns numbered densely (a private
Categorical, as the ledger reader makes) and sparsely (the global one, whose numbers other
columns share), with nulls and empty input."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.engine.distinct import distinct_texts, first_rows, private_categorical

texts = st.lists(st.one_of(st.none(), st.sampled_from(["8703.23.01.90", "0101.21.00", " JP", "JP", "", "é"]),
                           st.text(max_size=6)), max_size=200)


def _check(values: list[str | None], series: pl.Series) -> None:
    distinct, which = distinct_texts(series)
    assert distinct.dtype == pl.Utf8
    assert distinct.gather(which).to_list() == values
    assert sorted(distinct.to_list(), key=repr) == sorted(set(values), key=repr)  # each once
    if None in values:
        assert distinct[-1] is None  # (null last)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_text_columns(values):
    _check(values, pl.Series(values, dtype=pl.Utf8))


@settings(max_examples=150, deadline=None)
@given(texts)
def test_private_categorical_columns(values):
    _check(values, pl.Series(values, dtype=pl.Utf8).cast(private_categorical()))


@settings(max_examples=100, deadline=None)
@given(texts)
def test_global_categorical_columns_numbered_sparsely(values):
    pl.Series([f"other value {i}" for i in range(50)]).cast(pl.Categorical)  # (numbers taken first)
    _check(values, pl.Series(values, dtype=pl.Utf8).cast(pl.Categorical))


def test_first_rows():
    assert first_rows(__import__("numpy").array([2, 0, 2, 1, 0]), 4).tolist() == [1, 3, 0, -1]
