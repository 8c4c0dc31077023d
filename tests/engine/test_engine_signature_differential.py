"""Differential test: the engine's signature path (the default, engine/signatures.py) against the
measure-by-measure chain (``TARIFFLINE_ENGINE_PATH=chain``, engine/measures.py) on 100,000 random
rows (tests/engine/differential_rows.py): totals to the cent, errors, notes and flags equal, and
the same layers (measure, heading, rate, base, amount, citation, legal status) in the same order.

Also in the view of a past day (``as_known_on``: the legal status known then, a constant per
measure) and with preferences declined. The chain is the reference: the golden tables hold it.
Kept until the chain is removed (issue 10).
"""

from __future__ import annotations

import datetime as dt

import pytest
from differential_rows import N_ROWS, assert_same, random_rows

from tariffline.engine import compute_duties


@pytest.fixture(scope="module")
def rows():
    return random_rows(N_ROWS, seed=11)


def _both(rows, monkeypatch, **kw):
    monkeypatch.setenv("TARIFFLINE_ENGINE_PATH", "chain")
    # the chain is wide (columns per measure per row): small chunks bound its memory
    chain = compute_duties(rows, missing_quantity="ave_estimate", chunk_rows=20_000, **kw)
    monkeypatch.delenv("TARIFFLINE_ENGINE_PATH")
    return chain, compute_duties(rows, missing_quantity="ave_estimate", **kw)


def test_signatures_equal_chain(rows, monkeypatch):
    chain, sig = _both(rows, monkeypatch)
    ch99 = chain.layers.filter(~chain.layers["measure_id"].str.starts_with("column1:"))
    assert ch99.height > 5_000 and ch99["measure_id"].n_unique() > 50  # many measures are reached
    assert_same(chain, sig)


def test_signatures_equal_chain_as_known_on_a_past_day(rows, monkeypatch):
    # 2026-02-19: the day before the Supreme Court's IEEPA ruling (the status changes after it)
    assert_same(*_both(rows.head(20_000), monkeypatch, as_known_on=dt.date(2026, 2, 19)))


def test_signatures_equal_chain_without_preferences(rows, monkeypatch):
    assert_same(*_both(rows.head(20_000), monkeypatch, claim_preferences=False))


def test_signatures_equal_chain_on_and_around_every_change_date(rows, monkeypatch):
    """The signature path tells contexts apart by the interval between change dates an entry date
    falls in (stacking.context_breaks); the chain compares each row's own date. Rows entered the
    day before, on and after every change date from 2018 on, every origin of the random rows."""
    import polars as pl

    from tariffline.engine.stacking import context_breaks
    from tariffline.policy.loader import load_policy

    days = sorted({b + dt.timedelta(days=k) for b in context_breaks(load_policy())
                   if dt.date(2018, 1, 2) <= b <= dt.date(2026, 12, 30) for k in (-1, 0, 1)})
    grid = (rows.select("origin").unique().sort("origin")
            .join(pl.DataFrame({"entry_date": days}), how="cross"))
    picked = rows.drop("origin", "entry_date", "row_id").sample(grid.height, with_replacement=True, seed=5)
    edge = pl.concat([grid, picked], how="horizontal").with_row_index("row_id").with_columns(
        pl.col("row_id").cast(pl.Int64))
    assert edge.height > 5_000
    assert_same(*_both(edge, monkeypatch))
