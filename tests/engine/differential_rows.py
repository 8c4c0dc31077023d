"""Random engine input rows and the comparison used by the engine's differential tests.

The rows cover every origin the rules name and more, entry dates 2018–2026, 8- and 10-digit lines
of an edition (9801–9999 left out), values, quantities, unit values, metal values (none, zero,
part, all of the value), programs (none named, 'none', every program indicator) and dates loaded
(none, or 0–120 days before entry, which reaches the in-transit rules).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from tariffline.hts.loader import load_edition
from tariffline.policy.loader import load_policy

N_ROWS = 100_000
ORIGINS = ["JP", "CN", "DE", "FR", "IT", "IE", "CA", "MX", "KR", "GB", "VN", "IN", "BR", "AU", "CH",
           "TW", "TH", "RU", "CU", "KP", "SG", "IL", "CL", "CO", "PE", "ZA", "TR", "ID", "MY", "NO",
           "SV", "GT", "HN", "NI", "DO", "CR", "JO", "MA", "BH", "OM", "PA", "HK", "MO", "AR", "KH"]


def _some(present: np.ndarray, values: np.ndarray) -> pl.Series:
    """``values`` where ``present``, null elsewhere."""
    return pl.Series(np.where(present, values, np.nan), nan_to_null=True)


def random_rows(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    lines = load_edition("hts_2026_rev4").lines.filter(
        pl.col("level").is_in([8, 10]) & ~pl.col("hts").str.starts_with("98")
        & ~pl.col("hts").str.starts_with("99"))["hts"].to_list()
    programs = [None] * 8 + ["none"] + sorted({p.indicator for p in load_policy().programs})
    days = (dt.date(2026, 12, 31) - dt.date(2018, 1, 1)).days
    entry_days = rng.integers(0, days, n)
    value = np.round(rng.lognormal(8, 2, n).clip(0.01, 1e9), 2)
    has_q, has_uv, has_metal = rng.random(n) < 0.6, rng.random(n) < 0.2, rng.random(n) < 0.3
    share = rng.choice([0.0, 1.0, -1.0], n)  # none, all, or (-1) a random part of the value
    metal_share = np.where(share < 0, rng.random(n), share)
    return pl.DataFrame({
        "row_id": np.arange(n),
        "hts": [lines[i] for i in rng.integers(0, len(lines), n)],
        "origin": [ORIGINS[i] for i in rng.integers(0, len(ORIGINS), n)],
        "entry_date": [dt.date(2018, 1, 1) + dt.timedelta(days=int(d)) for d in entry_days],
        "value": value,
        "quantity": _some(has_q, np.round(rng.lognormal(4, 2, n), 3).clip(1e-3, 1e9)),
        "unit_value": _some(has_uv, np.round(rng.lognormal(2, 1, n), 2).clip(0.01, 1e6)),
        "metal_value": _some(has_metal, np.round(value * metal_share, 2)),
        "loaded_date": [dt.date(2018, 1, 1) + dt.timedelta(days=int(d) - int(back)) if has_l else None
                        for d, back, has_l in zip(entry_days, rng.integers(0, 120, n), rng.random(n) < 0.2)],
        "program": [programs[i] for i in rng.integers(0, len(programs), n)],
    }, schema_overrides={"program": pl.Utf8, "loaded_date": pl.Date})


def _layers_key(layers: pl.DataFrame) -> pl.DataFrame:
    return layers.with_columns(pl.col("amount").round(2), pl.col("base_value").round(2),
                               pl.col("rate").round(9)).sort("row_id", maintain_order=True)


def assert_same(full, pruned) -> None:
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


