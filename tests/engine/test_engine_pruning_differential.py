"""Differential test: the measure chain (``TARIFFLINE_ENGINE_PATH=chain``) with measure pruning
(its default) against the full chain (``TARIFFLINE_ENGINE_PRUNE=0``) on 100,000 random rows — every origin, date 2018–2026,
HTS line, value, quantity, metal value and program. Totals must agree to the cent and the layers
must be the same (measure, rate, base, amount, citation, status), in the same order.

Pruning drops the measures that can reach no row of a chunk, so it is exercised by chunks that
are narrow in origin, date and product: the pruned run gets the rows sorted by (origin, date,
line) in chunks of 5,000, and a hundred rows one by one (the single-lookup case).
Kept until the full chain is removed (issue 10).
"""

from __future__ import annotations

import polars as pl
import pytest
from differential_rows import N_ROWS, assert_same, random_rows

from tariffline.engine import compute_duties

@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return random_rows(N_ROWS, seed=10)


@pytest.fixture(autouse=True)
def _chain(monkeypatch):
    """Pruning is the chain's (the signature path compiles every measure once per process)."""
    monkeypatch.setenv("TARIFFLINE_ENGINE_PATH", "chain")


def _full(rows: pl.DataFrame, monkeypatch) -> object:
    monkeypatch.setenv("TARIFFLINE_ENGINE_PRUNE", "0")
    # unpruned, the chain is widest (columns per measure per row): small chunks bound its memory
    res = compute_duties(rows, missing_quantity="ave_estimate", chunk_rows=20_000)
    monkeypatch.delenv("TARIFFLINE_ENGINE_PRUNE")
    return res


def test_pruned_chunks_equal_full_chain(rows, monkeypatch):
    ordered = rows.sort(["origin", "entry_date", "hts"])
    full = _full(ordered, monkeypatch)
    pruned = compute_duties(ordered, missing_quantity="ave_estimate", chunk_rows=5_000)
    assert_same(full, pruned)


def test_single_rows_equal_full_chain(rows, monkeypatch):
    sample = rows.head(100)
    full = _full(sample, monkeypatch)
    ones = [compute_duties(sample.slice(i, 1), missing_quantity="ave_estimate") for i in range(sample.height)]
    pruned = type(full)(totals=pl.concat([r.totals for r in ones]), layers=pl.concat([r.layers for r in ones]),
                        policy_version=full.policy_version, as_known_on=None, editions=full.editions)
    assert_same(full, pruned)
