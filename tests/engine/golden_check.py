"""Shared assertion of the golden tables: one case's total rate and reported headings."""

from __future__ import annotations

import polars as pl
import pytest


def assert_golden(results, i: int, cid: str, expected: float, headings: list[str], source: str) -> None:
    tot = results.totals.filter(pl.col("row_id") == i).row(0, named=True)
    assert tot["error"] is None, f"{cid}: {tot['error']}"
    layers = results.layers.filter(pl.col("row_id") == i)
    got = layers["heading"].to_list()
    assert tot["total_rate"] == pytest.approx(expected, abs=1e-6), (
        f"{cid} ({source}): total {tot['total_rate']:.4f} != {expected}; layers "
        f"{list(zip(layers['authority'], got, layers['rate']))}")
    for h in headings:
        assert h in got, f"{cid}: heading {h} not reported ({got})"
