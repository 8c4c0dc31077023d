"""Partial equilibrium (SMART-style), per HTS-10 x origin on the basket year's imports.

For each row i of product k (value M_i at world prices, ad valorem duty t0 -> t1 from the
static runs) the consumer price moves by p_i = pass * (t1 - t0) / (1 + t0), where ``pass`` is 1
with an infinite export supply elasticity (default, SC-13) and e_x / (e_x + e_m) with a finite
one. With the product's value-weighted price change pbar_k:
  trade creation  TC_i = -e_m * M_i * p_i          (import demand elasticity e_m, magnitude)
  trade diversion TD_i = -sigma * M_i * (p_i - pbar_k)   (sums to zero over origins)
Imports change by TC_i + TD_i, no further than to zero (SC-16). Revenue: t1 * M1 - t0 * M0. Consumer surplus change:
-(M0 * dP + 0.5 * dM * dP) with dP = p_i * (1 + t0) the price change per dollar of world value;
deadweight loss change: -0.5 * dP * TC_i. First-order (linear) approximations, as in WITS/SMART.
"""

from __future__ import annotations

import polars as pl

from tariffline.errors import InputError
from tariffline.scenarios.elasticities import for_codes


def effects(rows: pl.DataFrame, elasticities: pl.DataFrame, *, supply_elasticity: float | None = None
            ) -> pl.DataFrame:
    """Per-row effects. ``rows``: hts, origin, value, t0, t1; ``elasticities``: hs10, demand, sigma."""
    if supply_elasticity is not None and not (supply_elasticity > 0 and supply_elasticity < float("inf")):
        raise InputError(f"export supply elasticity {supply_elasticity} must be a positive finite number "
                         "(omit it for an infinite one)")
    df = rows.join(elasticities.select("hs10", "demand", "sigma"), left_on="hts", right_on="hs10", how="left")
    passthrough = (pl.lit(1.0) if supply_elasticity is None
                   else pl.lit(supply_elasticity) / (pl.lit(supply_elasticity) + pl.col("demand")))
    df = df.with_columns(((pl.col("t1") - pl.col("t0")) / (1 + pl.col("t0")) * passthrough).alias("p"))
    df = df.with_columns(
        ((pl.col("p") * pl.col("value")).sum().over("hts") / pl.col("value").sum().over("hts")).alias("pbar"))
    df = df.with_columns(
        pl.max_horizontal(-pl.col("demand") * pl.col("value") * pl.col("p"), -pl.col("value")).alias("creation_usd"),
        (-pl.col("sigma") * pl.col("value") * (pl.col("p") - pl.col("pbar"))).alias("diversion_usd"),
        (pl.col("p") * (1 + pl.col("t0"))).alias("dprice"),
    )
    # exact zero where nothing moves (no rounding residue from p - pbar)
    same = (pl.col("p") == 0) & (pl.col("pbar") == 0)
    df = df.with_columns(pl.when(same).then(0.0).otherwise(pl.col("diversion_usd")).alias("diversion_usd"))
    # a linear fall larger than the trade itself stops at zero imports, and only what the origin
    # actually loses is diverted: the others' gains are scaled to it (SC-16)
    lost = pl.max_horizontal(pl.col("diversion_usd"), -pl.col("value") - pl.col("creation_usd"))
    df = df.with_columns(pl.when(pl.col("diversion_usd") < 0).then(lost).otherwise(pl.col("diversion_usd"))
                         .alias("diversion_usd"))
    neg = pl.col("diversion_usd").clip(upper_bound=0.0).sum().over("hts")
    pos = pl.col("diversion_usd").clip(lower_bound=0.0).sum().over("hts")
    df = df.with_columns(pl.when((pl.col("diversion_usd") > 0) & (pos > -neg))
                         .then(pl.col("diversion_usd") * (-neg / pos)).otherwise(pl.col("diversion_usd"))
                         .alias("diversion_usd"))
    df = df.with_columns((pl.col("creation_usd") + pl.col("diversion_usd")).alias("imports_change_usd"))
    return df.with_columns(
        (pl.col("t1") * (pl.col("value") + pl.col("imports_change_usd")) - pl.col("t0") * pl.col("value"))
        .alias("revenue_change_usd"),
        (-(pl.col("value") * pl.col("dprice") + 0.5 * pl.col("imports_change_usd") * pl.col("dprice")))
        .alias("consumer_surplus_change_usd"),
        (-0.5 * pl.col("dprice") * pl.col("creation_usd")).alias("deadweight_loss_change_usd"),
    )


def run(base_rows: pl.DataFrame, scen_rows: pl.DataFrame, origins: frozenset[str] | None, *,
        sigma_source: str = "broda_weinstein", supply_elasticity: float | None = None) -> dict:
    """PE summary from the two static runs' per-row duties (rows rated in both only)."""
    joined = (base_rows.filter(pl.col("error").is_null() & (pl.col("value") > 0))
              .join(scen_rows.filter(pl.col("error").is_null()).select("row_id", pl.col("duty").alias("duty_s")),
                    on="row_id")
              .group_by("hts", "origin").agg(pl.col("value").sum(), pl.col("duty").sum(), pl.col("duty_s").sum())
              .select("hts", "origin", "value", (pl.col("duty") / pl.col("value")).alias("t0"),
                      (pl.col("duty_s") / pl.col("value")).alias("t1")))
    el = for_codes(joined["hts"], sigma_source)
    df = effects(joined, el, supply_elasticity=supply_elasticity)
    mine = pl.lit(True) if origins is None else pl.col("origin").is_in(sorted(origins))
    sums = ["creation_usd", "diversion_usd", "imports_change_usd", "revenue_change_usd",
            "consumer_surplus_change_usd", "deadweight_loss_change_usd"]
    own = df.filter(mine).select(pl.col(c).sum() for c in sums).row(0, named=True)
    others = df.filter(~mine) if origins is not None else df.clear()
    total = df.select(pl.col(c).sum() for c in sums).row(0, named=True)
    val = float(df["value"].sum() or 0.0)
    price = float((df["dprice"] * df["value"]).sum() / val) if val else 0.0
    used = el.join(joined.select("hts").unique(), left_on="hs10", right_on="hts")
    by_chapter = (df.group_by(pl.col("hts").str.slice(0, 2).alias("chapter"))
                  .agg(pl.col(c).sum() for c in sums).filter(pl.col("imports_change_usd") != 0)
                  .sort("imports_change_usd"))
    return {
        "imports_change_usd": float(own["imports_change_usd"]),
        "creation_usd": float(own["creation_usd"]),
        "diversion_from_origin_usd": float(own["diversion_usd"]),
        "diversion_usd": float(others["diversion_usd"].sum() or 0.0),
        "other_origins_imports_change_usd": float(others["imports_change_usd"].sum() or 0.0),
        "total_imports_change_usd": float(total["imports_change_usd"]),
        "revenue_change_usd": float(total["revenue_change_usd"]),
        "consumer_surplus_change_usd": float(total["consumer_surplus_change_usd"]),
        "deadweight_loss_change_usd": float(total["deadweight_loss_change_usd"]),
        "price_change": price,
        "by_chapter": by_chapter.to_dicts(),
        "elasticity_sources": {
            "demand": dict(used.group_by("demand_source").len().iter_rows()),
            "substitution": dict(used.group_by("sigma_source").len().iter_rows()),
            "export_supply": "infinite (SC-13)" if supply_elasticity is None else supply_elasticity,
        },
        "rows": df.height,
    }
