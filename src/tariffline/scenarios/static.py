"""Static effects: the basket rated under the baseline and the scenario policy on one date.

Both runs go through ``compute_duties(rows, policy=...)`` with nothing after the engine.
Results: duties by authority, ETR, revenue on the trade basket (no behaviour), the change by HS
chapter and the 20 lines that move most, each with both sets of layers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from tariffline.engine import compute_duties
from tariffline.policy.loader import Policy

TOP_LINES = 20


@dataclass(frozen=True)
class Rated:
    """Per-row duties under one policy: ``rows`` (row_id, hts, origin, value, duty, error) and
    ``layers`` (row_id, measure_id, authority, heading, rate, amount)."""

    rows: pl.DataFrame
    layers: pl.DataFrame
    policy_version: str


def rate(rows: pl.DataFrame, day: dt.date, policy: Policy) -> Rated:
    """Rate engine rows (``etr.compute.engine_rows``) entered on ``day`` under ``policy``."""
    res = compute_duties(rows.with_columns(pl.lit(day, dtype=pl.Date).alias("entry_date")), policy=policy,
                         claim_preferences=True, missing_quantity="ave_estimate", texts=False)
    layers = res.layers.select(pl.col("row_id").cast(pl.UInt32), "measure_id", "authority", "heading",
                               "rate", "amount")
    totals = res.totals.select(pl.col("row_id").cast(pl.UInt32), "total_duty", "error")
    out = rows.select(pl.col("row_id").cast(pl.UInt32), "hts", "origin", "value").join(
        totals, on="row_id", how="left").rename({"total_duty": "duty"})
    return Rated(out, layers, res.policy_version)


def _by_authority(layers: pl.DataFrame, ok_ids: pl.Series) -> dict[str, float]:
    """Duties by authority, summed exactly (``math.fsum``: independent of row order, so two runs
    of the same duties give exactly the same totals)."""
    f = layers.filter(pl.col("row_id").is_in(ok_ids.implode()))
    return {a: math.fsum(f.filter(pl.col("authority") == a)["amount"].to_list())
            for a in f["authority"].unique().to_list()}


def summarise(base: Rated, scen: Rated, origins: frozenset[str] | None) -> dict:
    """Static comparison over the rows of ``origins`` (None: all) rated in both runs."""
    keep = pl.lit(True) if origins is None else pl.col("origin").is_in(sorted(origins))
    joined = base.rows.filter(keep).join(scen.rows.select("row_id", pl.col("duty").alias("duty_s"),
                                                          pl.col("error").alias("error_s")), on="row_id")
    ok = joined.filter(pl.col("error").is_null() & pl.col("error_s").is_null())
    imports = float(ok["value"].sum() or 0.0)
    d_b, d_s = math.fsum(ok["duty"].to_list()), math.fsum(ok["duty_s"].to_list())
    auth_b, auth_s = _by_authority(base.layers, ok["row_id"]), _by_authority(scen.layers, ok["row_id"])
    by_auth = {a: {"baseline_usd": auth_b.get(a, 0.0), "scenario_usd": auth_s.get(a, 0.0),
                   "change_usd": auth_s.get(a, 0.0) - auth_b.get(a, 0.0),
                   "etr_change": (auth_s.get(a, 0.0) - auth_b.get(a, 0.0)) / imports if imports else 0.0}
               for a in sorted(set(auth_b) | set(auth_s))}
    chapters = (ok.group_by(pl.col("hts").str.slice(0, 2).alias("chapter"))
                .agg(pl.col("value").sum().alias("imports_usd"), pl.col("duty").sum().alias("baseline_usd"),
                     pl.col("duty_s").sum().alias("scenario_usd"),
                     (pl.col("duty_s") - pl.col("duty")).sum().alias("change_usd"))  # 0 where no row moves
                .filter(pl.col("change_usd") != 0).sort("change_usd", descending=True))
    lines = (ok.group_by("hts", "origin").agg(pl.col("value").sum(), pl.col("duty").sum(),
                                             pl.col("duty_s").sum(), pl.col("row_id"),
                                             (pl.col("duty_s") - pl.col("duty")).sum().alias("change"))
             .filter(pl.col("change") != 0)
             .sort(pl.col("change").abs(), "hts", "origin", descending=[True, False, False]).head(TOP_LINES))
    top = []
    for r in lines.iter_rows(named=True):
        first = r["row_id"][0]
        top.append({"hts": r["hts"], "origin": r["origin"], "imports_usd": r["value"],
                    "baseline_usd": r["duty"], "scenario_usd": r["duty_s"], "change_usd": r["change"],
                    "baseline_layers": _layers(base.layers, first), "scenario_layers": _layers(scen.layers, first)})
    dropped = float(joined["value"].sum() or 0.0) - imports
    return {
        "imports_usd": imports, "duties_baseline_usd": d_b, "duties_scenario_usd": d_s,
        "etr_baseline": d_b / imports if imports else 0.0, "etr_scenario": d_s / imports if imports else 0.0,
        "etr_change": (d_s - d_b) / imports if imports else 0.0,
        "revenue_change_usd": d_s - d_b, "by_authority": by_auth,
        "by_chapter": chapters.to_dicts(), "top_lines": top, "unrated_imports_usd": dropped,
        "policy_version_baseline": base.policy_version, "policy_version_scenario": scen.policy_version,
    }


def _layers(layers: pl.DataFrame, row_id: int) -> list[dict]:
    return layers.filter(pl.col("row_id") == row_id).drop("row_id").to_dicts()
