"""The batch's summary path (no layers file: layers without texts, notes joined once per
combination, authority sums scattered, ISO cells read without the lenient parser) against its
full path (with a layers file: cited, sorted layers) and against the layers file itself.

Expected values: the full path is the engine's reference (its golden tables and differential
tests); the per-authority sums and headings are recomputed here from the layers file, one layer
at a time, independently of :func:`tariffline.engine.ledger.summarise`.
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from differential_rows import random_rows
from polars.testing import assert_frame_equal

from tariffline import api

N = 12_000


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> pl.DataFrame:
    rows = random_rows(N, seed=1201)
    # a few unreadable cells and a lenient number, so the lenient reader and cell errors run too
    rows = rows.with_columns(pl.col("value").cast(pl.Utf8)).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("12x")).when(pl.int_range(pl.len()) == 11)
        .then(pl.lit("$1,250.50")).otherwise(pl.col("value")).alias("value"))
    return rows


@pytest.fixture(scope="module")
def runs(ledger, tmp_path_factory):
    d = tmp_path_factory.mktemp("paths")
    ledger.write_csv(d / "ledger.csv")
    api.batch(d / "ledger.csv", d / "summary.parquet", chunk_rows=5_000)
    api.batch(d / "ledger.csv", d / "full.parquet", layers_out=d / "layers.parquet", chunk_rows=5_000)
    return (pl.read_parquet(d / "summary.parquet"), pl.read_parquet(d / "full.parquet"),
            pl.read_parquet(d / "layers.parquet"))


def test_summary_path_equals_full_path(runs):
    summary, full, _ = runs
    assert summary.height == N
    assert_frame_equal(summary, full)


def test_cell_errors_and_lenient_numbers(runs):
    summary, _, layers = runs
    assert summary["error"][7] == "value '12x' is not a number"
    assert summary["total_duty"][7] is None and layers.filter(pl.col("line") == summary["line"][7]).height == 0
    assert summary["error"][11] is None or "customs value" not in summary["error"][11]


def test_authority_sums_and_headings_match_the_layers_file(runs):
    summary, _, layers = runs
    by_line: dict[int, list[dict]] = {}
    for layer in layers.iter_rows(named=True):
        by_line.setdefault(layer["line"], []).append(layer)
    duty_cols = [c for c in summary.columns if c.startswith("duty_")]
    checked = 0
    for row in summary.iter_rows(named=True):
        own = by_line.get(row["line"], [])
        if row["error"] is not None:
            assert not own
            continue
        sums: dict[str, float] = {}
        for layer in own:
            sums[f"duty_{layer['authority']}"] = sums.get(f"duty_{layer['authority']}", 0.0) + layer["amount"]
        for c in duty_cols:
            if c in sums:
                assert math.isclose(row[c], sums[c], rel_tol=1e-12, abs_tol=1e-9), (row["line"], c)
            else:
                assert row[c] is None, (row["line"], c)
        assert row["headings"] == ";".join(h for h in (layer["heading"] for layer in own) if h is not None)
        assert math.isclose(row["total_duty"], sum(layer["amount"] for layer in own), rel_tol=1e-9, abs_tol=1e-6)
        checked += 1
    assert checked > 2_000  # about 3,300 of the random rows are computed (many lack a quantity)
