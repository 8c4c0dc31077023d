"""Differential test: the engine with measure pruning (the default) against the full measure
chain (``TARIFFLINE_ENGINE_PRUNE=0``) on 100,000 random rows — every origin, date 2018–2026,
HTS line, value, quantity, metal value and program. Totals must agree to the cent and the layers
must be the same (measure, rate, base, amount, citation, status), in the same order.

Pruning drops the measures that can reach no row of a chunk, so it is exercised by chunks that
are narrow in origin, date and product: the pruned run gets the rows sorted by (origin, date,
line) in chunks of 5,000, and a hundred rows one by one (the single-lookup case).
Kept until the full chain is removed (issue 10).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from tariffline.engine import compute_duties
from tariffline.hts.loader import load_edition
from tariffline.policy.loader import load_policy

N_ROWS = 100_000
ORIGINS = ["JP", "CN", "DE", "FR", "IT", "IE", "CA", "MX", "KR", "GB", "VN", "IN", "BR", "AU", "CH",
           "TW", "TH", "RU", "CU", "KP", "SG", "IL", "CL", "CO", "PE", "ZA", "TR", "ID", "MY", "NO",
           "SV", "GT", "HN", "NI", "DO", "CR", "JO", "MA", "BH", "OM", "PA", "HK", "MO", "AR", "KH"]


def _some(present: np.ndarray, values: np.ndarray) -> pl.Series:
    """``values`` where ``present``, null elsewhere."""
    return pl.Series(np.where(present, values, np.nan), nan_to_null=True)


def _rows(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    lines = load_edition("hts_2026_rev4").lines.filter(
        pl.col("level").is_in([8, 10]) & ~pl.col("hts").str.starts_with("98")
        & ~pl.col("hts").str.starts_with("99"))["hts"].to_list()
    programs = [None] * 8 + ["none"] + sorted({p.indicator for p in load_policy().programs})
    days = (dt.date(2026, 12, 31) - dt.date(2018, 1, 1)).days
    value = np.round(rng.lognormal(8, 2, n).clip(0.01, 1e9), 2)
    has_q, has_uv, has_metal = rng.random(n) < 0.6, rng.random(n) < 0.2, rng.random(n) < 0.3
    return pl.DataFrame({
        "row_id": np.arange(n),
        "hts": [lines[i] for i in rng.integers(0, len(lines), n)],
        "origin": [ORIGINS[i] for i in rng.integers(0, len(ORIGINS), n)],
        "entry_date": [dt.date(2018, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, days, n)],
        "value": value,
        "quantity": _some(has_q, np.round(rng.lognormal(4, 2, n), 3).clip(1e-3, 1e9)),
        "unit_value": _some(has_uv, np.round(rng.lognormal(2, 1, n), 2).clip(0.01, 1e6)),
        "metal_value": _some(has_metal, np.round(value * rng.random(n), 2)),
        "program": [programs[i] for i in rng.integers(0, len(programs), n)],
    }, schema_overrides={"program": pl.Utf8})


def _layers_key(layers: pl.DataFrame) -> pl.DataFrame:
    return layers.with_columns(pl.col("amount").round(2), pl.col("base_value").round(2),
                               pl.col("rate").round(9)).sort("row_id", maintain_order=True)


def _assert_same(full, pruned) -> None:
    a = full.totals.sort("row_id")
    b = pruned.totals.sort("row_id")
    assert a["row_id"].to_list() == b["row_id"].to_list()
    assert a["error"].to_list() == b["error"].to_list()
    assert a["flags"].to_list() == b["flags"].to_list()
    assert a["notes"].to_list() == b["notes"].to_list()
    diff = (a["total_duty"] - b["total_duty"]).abs().fill_null(0.0)
    assert diff.max() is None or diff.max() < 0.005  # to the cent
    la, lb = _layers_key(full.layers), _layers_key(pruned.layers)
    assert la.height == lb.height
    assert la.equals(lb)


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    return _rows(N_ROWS, seed=10)


def _full(rows: pl.DataFrame, monkeypatch) -> object:
    monkeypatch.setenv("TARIFFLINE_ENGINE_PRUNE", "0")
    res = compute_duties(rows, missing_quantity="ave_estimate")
    monkeypatch.delenv("TARIFFLINE_ENGINE_PRUNE")
    return res


def test_pruned_chunks_equal_full_chain(rows, monkeypatch):
    ordered = rows.sort(["origin", "entry_date", "hts"])
    full = _full(ordered, monkeypatch)
    pruned = compute_duties(ordered, missing_quantity="ave_estimate", chunk_rows=5_000)
    _assert_same(full, pruned)


def test_single_rows_equal_full_chain(rows, monkeypatch):
    sample = rows.head(100)
    full = _full(sample, monkeypatch)
    ones = [compute_duties(sample.slice(i, 1), missing_quantity="ave_estimate") for i in range(sample.height)]
    pruned = type(full)(totals=pl.concat([r.totals for r in ones]), layers=pl.concat([r.layers for r in ones]),
                        policy_version=full.policy_version, as_known_on=None, editions=full.editions)
    _assert_same(full, pruned)
