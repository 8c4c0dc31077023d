"""Chapter 99 measures: which rows each measure reaches, on what value, at what rate.

Measures are evaluated in the policy's topological order so that a measure's ``excluded_by``
measures are known first: a row they reach pays this measure only on the value they do not
cover (a metal-content §232 duty leaves the non-metal value to IEEPA; a full-value one leaves
nothing). A row's value has two portions, its metal content and the rest; metal-content duties
draw on one pool, so the same metal value is never charged twice.
"""

from __future__ import annotations

import polars as pl

from tariffline.policy.loader import ALL, BoundMeasure, Policy
from tariffline.policy.products import Prefixes, resolve


def prefix_expr(prefixes: Prefixes, col: str = "hts10") -> pl.Expr:
    expr = pl.lit(False)
    for length, codes in sorted(prefixes.items()):
        expr = expr | pl.col(col).str.slice(0, length).is_in(sorted(codes))
    return expr


def product_masks(hts: pl.Series, measures: list[BoundMeasure]) -> pl.DataFrame:
    """One boolean column ``_p_<id>`` per measure over the distinct HTS codes."""
    frame = pl.DataFrame({"hts10": hts.unique()})
    cols = []
    for bm in measures:
        scope = bm.measure.products
        inc = pl.lit(True) if scope.include is None else prefix_expr(resolve(scope.include))
        exc = prefix_expr(resolve(scope.exclude))
        cols.append((inc & ~exc).fill_null(False).alias(f"_p_{bm.id}"))
    return frame.with_columns(cols) if cols else frame


def origin_expr(policy: Policy, codes: list[str]) -> pl.Expr:
    """Rows whose origin is among ``codes`` (ISO-2 or groups, with dated membership)."""
    if ALL in codes:
        return pl.lit(True)
    plain: set[str] = set()
    expr = pl.lit(False)
    for code in codes:
        group = policy.groups.get(code)
        if group is None:
            plain.add(code)
            continue
        for m in group.members:
            if m.from_ is None and m.to is None:
                plain.add(m.code)
                continue
            cond = pl.col("origin_iso") == m.code
            if m.from_:
                cond &= pl.col("entry_date") >= m.from_
            if m.to:
                cond &= pl.col("entry_date") < m.to
            expr = expr | cond
    return expr | pl.col("origin_iso").is_in(sorted(plain))


def reach_expr(policy: Policy, bm: BoundMeasure) -> pl.Expr:
    """Rows the measure reaches by origin, date, product and in-transit rule (not exclusions)."""
    m = bm.measure
    expr = (pl.col("error").is_null() & origin_expr(policy, m.origins)
            & (pl.col("entry_date") >= m.start) & pl.col(f"_p_{m.id}"))
    if m.exclude_origins:
        expr &= ~origin_expr(policy, m.exclude_origins)
    if bm.end is not None:
        expr &= pl.col("entry_date") < bm.end
    if m.in_transit is not None:
        expr &= ~(pl.col("loaded_date").is_not_null()
                  & (pl.col("loaded_date") < m.in_transit.loaded_before)
                  & (pl.col("entry_date") < m.in_transit.entered_before))
    return expr


def rate_expr(bm: BoundMeasure) -> pl.Expr:
    """The measure's rate on its base for each row (fraction)."""
    r = bm.measure.rate
    ref_col = "mfn_amount" if r.reference == "column1_general" else "c1_amount"
    reference = pl.col(ref_col) / pl.col("value")
    if r.type == "additional":
        return pl.lit(r.value)
    if r.type == "inclusive":
        return pl.max_horizontal(pl.lit(0.0), pl.lit(r.target) - reference)
    if r.type == "capped":
        return pl.min_horizontal(pl.lit(r.value), pl.max_horizontal(pl.lit(0.0), pl.lit(r.cap) - reference))
    return pl.lit(0.0)  # exempt


def legal_note(policy: Policy, bm: BoundMeasure) -> tuple[str, str]:
    """(status code, history text) of the measure's instrument as of the policy view."""
    entries = [s for s in bm.instrument.legal_status
               if (policy.as_known_on is None or s.from_ <= policy.as_known_on)
               and s.authority in (None, bm.authority)]
    if not entries:
        return "in_force", ""
    entries.sort(key=lambda s: s.from_)
    text = "; ".join(f"{s.status.replace('_', ' ')} {s.from_} ({s.citation})" for s in entries)
    return entries[-1].status, text


def evaluate(df: pl.DataFrame, policy: Policy) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Apply every Chapter 99 measure; return (rows with ``_extra`` duty, layer frames)."""
    measures = [bm for bm in policy.measures if bm.measure.rate.type != "column2"]
    needed = {dep for bm in measures for dep in bm.measure.excluded_by}
    # products are matched on the line found in the edition (an 8-digit code printed only as a
    # 10-digit line matches 10-digit list entries)
    df = df.with_columns(pl.coalesce("line_hts", "hts10").alias("_match_hts"))
    masks = product_masks(df.get_column("_match_hts"), measures).rename({"hts10": "_match_hts"})
    df = df.join(masks, on="_match_hts", how="left")
    df = df.with_columns(pl.lit(0.0).alias("_extra"), pl.lit(False).alias("_uses_mfn_ave"),
                         pl.lit(False).alias("_metal_assumed"), pl.lit(0.0).alias("_metal_used"),
                         pl.coalesce(pl.col("metal_value"), pl.col("value")).alias("_metal"))
    layers = []
    for bm in measures:
        m = bm.measure
        deps = [f"_cov_{d}" for d in m.excluded_by if f"_cov_{d}" in df.columns]
        cover = pl.max_horizontal(deps) if deps else pl.lit(0, dtype=pl.Int8)
        if m.value_base == "full":
            base = (pl.when(cover == 2).then(0.0)
                    .when(cover == 1).then(pl.col("value") - pl.col("_metal"))
                    .otherwise(pl.col("value")))
        else:
            base = pl.when(cover >= 1).then(0.0).otherwise(pl.col("_metal") - pl.col("_metal_used"))
        applies = reach_expr(policy, bm) & (base > 0)
        rate = rate_expr(bm)
        df = df.with_columns(applies.alias("_applies"), base.alias("_base"), rate.alias("_rate"))
        metal_based = m.value_base == "metal_content"
        df = df.with_columns(
            (pl.col("_extra") + pl.when(pl.col("_applies")).then(pl.col("_rate") * pl.col("_base"))
             .otherwise(0.0)).alias("_extra"),
            (pl.col("_uses_mfn_ave") | (pl.col("_applies") & (m.rate.type in ("inclusive", "capped"))))
            .alias("_uses_mfn_ave"),
            (pl.col("_metal_assumed") | (pl.col("_applies") & metal_based & pl.col("metal_value").is_null()))
            .alias("_metal_assumed"),
            (pl.col("_metal_used") + pl.when(pl.col("_applies") & metal_based).then(pl.col("_base")).otherwise(0.0))
            .alias("_metal_used"),
        )
        if m.id in needed:
            code = 1 if metal_based else 2
            df = df.with_columns(pl.when(pl.col("_applies")).then(pl.lit(code, dtype=pl.Int8))
                                 .otherwise(pl.lit(0, dtype=pl.Int8)).alias(f"_cov_{m.id}"))
        status, history = legal_note(policy, bm)
        layers.append(
            df.filter(pl.col("_applies")).select(
                "row_id",
                pl.lit(bm.authority).alias("authority"),
                pl.lit(m.id).alias("measure_id"),
                (pl.when(pl.col("_rate") <= 0).then(pl.lit(m.heading_when_no_duty or m.heading, dtype=pl.Utf8))
                 .otherwise(pl.lit(m.heading, dtype=pl.Utf8))).alias("heading"),
                pl.lit(m.description).alias("description"),
                pl.col("_rate").alias("rate"),
                pl.col("_base").alias("base_value"),
                pl.lit(m.value_base).alias("value_base"),
                (pl.col("_rate") * pl.col("_base")).alias("amount"),
                pl.lit(f"{bm.citation}; {m.source}").alias("citation"),
                pl.lit(status).alias("legal_status"),
                pl.lit(history).alias("legal_history"),
                pl.lit(bm.confidence).alias("confidence"),
            ))
    drop = [c for c in df.columns if c.startswith(("_p_", "_cov_"))] + [
        "_applies", "_base", "_rate", "_metal", "_metal_used", "_match_hts"]
    return df.drop(drop), layers
