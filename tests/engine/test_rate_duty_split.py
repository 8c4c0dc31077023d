"""A rate priced from its percentages alone (``column1._rate_duty``) gives what the full rate
expression (``column1._duty``, the engine's reference, tested by the golden tables) gives.

Every General rate of every line content on hand and every preference rate, each with a value,
a quantity (or none, or a unit value only, or a quantity in another unit): the amounts, the
estimate flags and the problems must be equal, row by row.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_series_equal

from tariffline.engine import column1
from tariffline.engine.column1 import (
    _QUANTITY,
    GEN_COLS,
    _duty,
    _rate_duty,
    _with_contents,
)


@pytest.fixture(scope="module")
def table():
    return column1.line_table(column1.calendar()["edition"].to_list())


def _rows(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 4, n)  # quantity given / none / unit value only / another unit
    quantity = np.where(kind == 1, np.nan, np.round(rng.lognormal(3, 1, n), 1))
    return pl.DataFrame({
        "value": np.round(rng.lognormal(8, 1.5, n), 2),
        "quantity": pl.Series(np.where(kind == 2, np.nan, quantity), nan_to_null=True),
        "quantity_unit": pl.Series(["doz" if k == 3 else None for k in kind], dtype=pl.Utf8),
        "unit_value": pl.Series(np.where(kind == 2, 12.5, np.nan), nan_to_null=True),
        "_qunit_key": pl.Series(["doz" if k == 3 else None for k in kind], dtype=pl.Utf8),
    })


def _check(got: list[pl.Series], want: pl.DataFrame) -> None:
    for s, i in zip(got, range(3)):
        assert_series_equal(s, want.to_series(i), check_names=False)


def test_every_general_rate(table):
    n = table.contents.height
    rows = _rows(n, 1).with_columns(pl.Series("_cid", np.arange(n), dtype=pl.Int32))
    want = _with_contents(rows, table.contents, GEN_COLS).select(*_duty("gen"))
    got = _rate_duty(rows, table.general_simple, "gen",
                     lambda r: _with_contents(r.select(*_QUANTITY, "_cid"), table.contents, GEN_COLS))
    _check(got, want)
    simple = table.general_simple.get_column("_simple")
    assert 0 < simple.sum() < n  # both ways are taken
    assert want.to_series(2).is_not_null().sum() > 0  # and rates with problems are among them


def test_every_preference_rate(table):
    special = table.special
    rows = _rows(special.height, 2).with_columns(pl.Series("_srow", np.arange(special.height)))
    rest = special.drop("_cid", "program")
    want = rows.hstack(rest).select(*_duty("pref"))
    simple = table.special_simple
    got = _rate_duty(rows, simple, "pref", lambda r: r.select(*_QUANTITY).hstack(rest.gather(r.get_column("_srow"))))
    _check(got, want)
    assert 0 < simple.get_column("_simple").sum() < special.height


def test_rows_without_a_line_are_priced_by_the_full_expression(table):
    rows = _rows(5, 3).with_columns(pl.Series("_cid", [None, 0, None, 1, None], dtype=pl.Int32))
    lines = table.general_simple.select(pl.all().gather(rows.get_column("_cid")))
    want = _with_contents(rows, table.contents, GEN_COLS).select(*_duty("gen"))
    got = _rate_duty(rows, lines, "gen",
                     lambda r: _with_contents(r.select(*_QUANTITY, "_cid"), table.contents, GEN_COLS))
    _check(got, want)
    assert got[2][0] is not None and "not a computable duty" in got[2][0]  # no line: a problem, not 0
