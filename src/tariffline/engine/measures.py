"""Chapter 99 measures: which rows each measure reaches, on what value, at what rate.

Measures are evaluated in the policy's topological order so that a measure's ``excluded_by``
measures are known first: a row they reach pays this measure only on the value they do not
cover (a metal-content §232 duty leaves the non-metal value to IEEPA; a full-value one leaves
nothing). A row's value has two portions, its metal content and the rest; metal-content duties
draw on one pool, so the same metal value is never charged twice.

Measures sharing a ``stack_group`` are one authority's overlapping lists: of those reaching a row
only the highest rate is charged (ties: the first id), the others are not charged nor reported.
A measure with ``claims`` reaches only rows entered under one of those programs. A layer's legal
status is the one known at the view date (``as_known_on``) or, without one, at the entry date.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from typing import TYPE_CHECKING

import polars as pl

from tariffline.engine.stacking import legal_entries, use_signatures
from tariffline.policy.loader import ALL, BoundMeasure, Policy
from tariffline.policy.products import Prefixes, resolve

if TYPE_CHECKING:
    from tariffline.engine.line_table import LineTable


def prefix_expr(prefixes: Prefixes, col: str = "hts10") -> pl.Expr:
    expr = pl.lit(False)
    for length, codes in sorted(prefixes.items()):
        expr = expr | pl.col(col).str.slice(0, length).is_in(_series(codes))
    return expr


@functools.lru_cache(maxsize=1024)
def _series(codes: frozenset[str]) -> pl.Series:
    """The codes as a one-element list Series, built once per product set."""
    return pl.Series(sorted(codes), dtype=pl.Utf8).implode()


_RESOLVED: dict[int, tuple[object, Prefixes]] = {}


def _resolved(scope) -> Prefixes:
    """``resolve(scope)``, kept per product-set object (checked by identity, so an overlaid
    policy's new objects are resolved afresh)."""
    hit = _RESOLVED.get(id(scope))
    if hit is None or hit[0] is not scope:
        hit = _RESOLVED[id(scope)] = (scope, resolve(scope))
    return hit[1]


def _in(code: str, prefixes: Prefixes) -> bool:
    return any(code[:n] in codes for n, codes in prefixes.items())


def _masks_python(codes: list[str | None], measures: list[BoundMeasure]) -> pl.DataFrame:
    """product_masks for a few codes: set look-ups in Python, no query to plan."""
    cols: dict[str, list[bool]] = {"hts10": codes}
    for bm in measures:
        scope = bm.measure.products
        inc = _resolved(scope.include) if scope.include is not None else None
        exc = _resolved(scope.exclude)
        hit = [c is not None and (inc is None or _in(c, inc)) and not _in(c, exc) for c in codes]
        cols[f"_p_{bm.id}"] = hit
        if inc is not None and 10 in inc:
            parents = {c[:8] for c in inc[10]}
            cols[f"_pp_{bm.id}"] = [c is not None and len(c) == 8 and c in parents and not h
                                    for c, h in zip(codes, hit)]
    return pl.DataFrame(cols, schema={"hts10": pl.Utf8, **{k: pl.Boolean for k in list(cols)[1:]}})


def product_masks(hts: pl.Series, measures: list[BoundMeasure]) -> pl.DataFrame:
    """Per measure over the distinct HTS codes: ``_p_<id>`` (in scope) and, where the scope names
    10-digit statistical lines, ``_pp_<id>`` (an 8-digit code some of whose lines are in scope)."""
    if hts.n_unique() <= 64:
        return _masks_python(hts.unique().to_list(), measures)
    frame = pl.DataFrame({"hts10": hts.unique()})
    cols = []
    for bm in measures:
        scope = bm.measure.products
        inc_prefixes = _resolved(scope.include) if scope.include is not None else {}
        inc = pl.lit(True) if scope.include is None else prefix_expr(inc_prefixes)
        exc = prefix_expr(_resolved(scope.exclude))
        cols.append((inc & ~exc).fill_null(False).alias(f"_p_{bm.id}"))
        if 10 in inc_prefixes:
            parents = frozenset(c[:8] for c in inc_prefixes[10])
            cols.append(((pl.col("hts10").str.len_chars() == 8) & pl.col("hts10").is_in(_series(parents))
                         & ~(inc & ~exc).fill_null(False)).alias(f"_pp_{bm.id}"))
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


def program_open_expr(policy: Policy, indicators: list[str] | None = None) -> pl.Expr:
    """Rows whose origin may claim, on the entry date, a program among ``indicators`` (all
    programs when None) — the one the row names in ``program`` or, where it names none, any."""
    may = pl.lit(False)
    for p in policy.programs:
        if indicators is not None and p.indicator not in indicators:
            continue
        ok = origin_expr(policy, p.origins) & (pl.col("entry_date") >= p.start)
        if p.end is not None:
            ok &= pl.col("entry_date") < p.end
        may = may | (ok & (pl.col("program").is_null() | (pl.col("program") == p.indicator)))
    return may.fill_null(False)


def claim_expr(policy: Policy, indicators: list[str]) -> pl.Expr:
    """Rows entered under one of the programs ``indicators``: the row names one of them in
    ``program``, or names none and ``_claim_default`` is set (the engine claims what the origin
    may claim on the date); ``program='none'`` claims nothing."""
    named = pl.col("program").is_in(indicators) | (pl.col("program").is_null() & pl.col("_claim_default"))
    return (named & program_open_expr(policy, indicators)).fill_null(False)


def context_expr(policy: Policy, bm: BoundMeasure) -> pl.Expr:
    """Rows (or contexts) the measure reaches by origin, dates, claimed program and in-transit
    rule, whatever their product."""
    m = bm.measure
    expr = origin_expr(policy, m.origins) & (pl.col("entry_date") >= m.start)
    if m.claims:
        expr &= claim_expr(policy, m.claims)
    if m.exclude_origins:
        expr &= ~origin_expr(policy, m.exclude_origins)
    if bm.end is not None:
        expr &= pl.col("entry_date") < bm.end
    if m.in_transit is not None:
        expr &= ~(pl.col("loaded_date").is_not_null()
                  & (pl.col("loaded_date") < m.in_transit.loaded_before)
                  & (pl.col("entry_date") < m.in_transit.entered_before))
    return expr.fill_null(False)


def reach_expr(policy: Policy, bm: BoundMeasure, product_col: str | None = None) -> pl.Expr:
    """Rows the measure reaches by origin, date, product, claimed program and in-transit rule
    (not exclusions nor stacking)."""
    return (pl.col("error").is_null() & pl.col(product_col or f"_p_{bm.id}")
            & context_expr(policy, bm))


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


def stack_beaten(policy: Policy, bm: BoundMeasure, group: list[BoundMeasure]) -> pl.Expr:
    """Rows where another measure of ``bm``'s stack group reaches at a higher rate (or the same
    rate and an earlier id), so ``bm`` is not charged."""
    beaten = pl.lit(False)
    own = rate_expr(bm)
    for other in group:
        if other.id == bm.id:
            continue
        theirs = rate_expr(other)
        wins = (theirs > own) | ((theirs == own) & pl.lit(other.id < bm.id))
        beaten = beaten | (reach_expr(policy, other) & wins)
    return beaten.fill_null(False)


def legal_note(policy: Policy, bm: BoundMeasure) -> tuple[pl.Expr, pl.Expr]:
    """(status code, history text) per row: the measure's own status entries (or its
    instrument's entries for its authority) known at ``as_known_on``, else at the entry date."""
    entries = legal_entries(bm)
    cutoff = pl.lit(policy.as_known_on) if policy.as_known_on else pl.col("entry_date")
    status = pl.lit("in_force")
    for s in entries:
        status = pl.when(cutoff >= s.from_).then(pl.lit(s.status)).otherwise(status)
    if not entries:
        return status, pl.lit("")
    history = pl.concat_list(
        [pl.when(cutoff >= s.from_).then(pl.lit(f"{s.status.replace('_', ' ')} {s.from_} ({s.citation})"))
         .otherwise(pl.lit(None, dtype=pl.Utf8)) for s in entries]).list.drop_nulls().list.join("; ")
    return status, history


def _layer(df: pl.DataFrame, policy: Policy, bm: BoundMeasure) -> pl.LazyFrame:
    """The layer rows of one measure from the evaluated frame (``_b_<id>`` set where it applies)."""
    m = bm.measure
    status, history = legal_note(policy, bm)
    rate = pl.col(f"_r_{m.id}") if f"_r_{m.id}" in df.columns else rate_expr(bm)
    return df.lazy().filter(pl.col(f"_b_{m.id}").is_not_null()).select(
        "row_id",
        pl.lit(bm.authority).alias("authority"),
        pl.lit(m.id).alias("measure_id"),
        (pl.when(rate <= 0).then(pl.lit(m.heading_when_no_duty or m.heading, dtype=pl.Utf8))
         .otherwise(pl.lit(m.heading, dtype=pl.Utf8))).alias("heading"),
        pl.lit(m.description).alias("description"),
        rate.cast(pl.Float64).alias("rate"),
        pl.col(f"_b_{m.id}").alias("base_value"),
        pl.lit(m.value_base).alias("value_base"),
        (rate * pl.col(f"_b_{m.id}")).alias("amount"),
        pl.lit(f"{bm.citation}; {m.source}").alias("citation"),
        status.alias("legal_status"),
        history.alias("legal_history"),
        pl.lit(bm.confidence).alias("confidence"),
    )


def _may_reach(policy: Policy, bm: BoundMeasure, origins: set[str], first: dt.date | None,
               last: dt.date | None) -> bool:
    """False only when the measure reaches no row of the chunk by origin (groups expanded over
    all their members, whatever the dates) or by date window."""
    m = bm.measure
    if ALL not in m.origins and not origins & set().union(*(policy.expand_origin(o) for o in m.origins)):
        return False
    return first is not None and last >= m.start and (bm.end is None or first < bm.end)


def relevant_measures(df: pl.DataFrame, policy: Policy, measures: list[BoundMeasure]
                      ) -> tuple[list[BoundMeasure], pl.DataFrame]:
    """(measures that may reach some row of ``df``, their product masks over ``_match_hts``).

    The others add nothing: no layer, no duty, no cover for the measures they would exclude, no
    stacking rival. Pruning them is what makes a small batch cheap: the chain is built over a
    handful of measures instead of all of them. ``TARIFFLINE_ENGINE_PRUNE=0`` turns it off (the
    differential test tests/engine/test_engine_pruning_differential.py compares both)."""
    prune = os.environ.get("TARIFFLINE_ENGINE_PRUNE", "1") != "0"
    if prune:
        origins = set(df.get_column("origin_iso").drop_nulls().unique().to_list())
        dates = df.get_column("entry_date").drop_nulls()
        first, last = (dates.min(), dates.max()) if dates.len() else (None, None)
        measures = [bm for bm in measures if _may_reach(policy, bm, origins, first, last)]
    masks = product_masks(df.get_column("_match_hts"), measures).rename({"hts10": "_match_hts"})
    if prune:  # and by product: no row's line is in its scope, nor partly (``_pp_``)
        hit = {c for c in masks.columns[1:] if masks.get_column(c).any()}
        measures = [bm for bm in measures if f"_p_{bm.id}" in hit or f"_pp_{bm.id}" in hit]
        masks = masks.select("_match_hts", *[c for bm in measures for c in (f"_p_{bm.id}", f"_pp_{bm.id}")
                                             if c in masks.columns])
    return measures, masks


def evaluate(df: pl.DataFrame, policy: Policy, table: LineTable, *, claim_preferences: bool = True,
             texts: bool = True) -> tuple[pl.DataFrame, list[pl.LazyFrame]]:
    """Apply every Chapter 99 measure; return (rows with ``_extra`` duty, lazy layer frames).
    ``table``: the line table of the rows' lines (``column1.locate_lines``).
    ``_partial`` names (sorted, comma-separated) the measures reaching only some statistical
    lines of the row's 8-digit code (null when none).
    ``claim_preferences``: a row naming no program claims those its origin may (see claim_expr).
    ``texts=False``: the layers' description, citation and legal status may be left null.

    The measures are chained in one lazy query (collected once); ``_b_<id>`` holds the value a
    measure is charged on where it applies (null elsewhere), ``_r_<id>`` its per-row rate when
    the rate depends on the row (inclusive and capped rules).
    """
    measures = [bm for bm in policy.measures if bm.measure.rate.type != "column2"]
    df = df.with_columns(pl.lit(claim_preferences).alias("_claim_default"))
    from tariffline.engine import signatures  # it builds on this module's expressions

    if use_signatures(policy, measures):
        return signatures.evaluate_by_signature(df, policy, measures, table, texts=texts)
    # products are matched on the line found in the edition (an 8-digit code printed only as a
    # 10-digit line matches 10-digit list entries)
    df = df.with_columns(pl.coalesce("line_hts", "hts10").alias("_match_hts"))
    measures, masks = relevant_measures(df, policy, measures)
    lf = df.lazy().join(masks.lazy(), on="_match_hts", how="left", maintain_order="left").with_columns(
        pl.lit(0.0).alias("_extra"), pl.lit(False).alias("_uses_mfn_ave"),
        pl.lit(False).alias("_metal_assumed"), pl.lit(0.0).alias("_metal_used"),
        pl.coalesce(pl.col("metal_value"), pl.col("value")).alias("_metal"),
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("_partial"))
    metal_based = {bm.id: bm.measure.value_base == "metal_content" for bm in measures}
    stacks: dict[str, list[BoundMeasure]] = {}
    for bm in measures:
        if bm.measure.stack_group:
            stacks.setdefault(bm.measure.stack_group, []).append(bm)
    for bm in measures:
        m = bm.measure
        # what the measures excluding this one already cover: 2 = full value, 1 = metal content
        covers = [pl.when(pl.col(f"_b_{d}").is_not_null()).then(1 if metal_based[d] else 2).otherwise(0)
                  for d in m.excluded_by if d in metal_based]
        cover = pl.max_horizontal(covers) if covers else pl.lit(0)
        if m.value_base == "full":
            base = (pl.when(cover == 2).then(0.0)
                    .when(cover == 1).then(pl.col("value") - pl.col("_metal"))
                    .otherwise(pl.col("value")))
        else:
            base = pl.when(cover >= 1).then(0.0).otherwise(pl.col("_metal") - pl.col("_metal_used"))
        reach = reach_expr(policy, bm)
        if m.stack_group:
            reach &= ~stack_beaten(policy, bm, stacks[m.stack_group])
        charged = pl.when(reach & (base > 0)).then(base).otherwise(None)
        lf = lf.with_columns(charged.alias(f"_b_{m.id}"))
        b = pl.col(f"_b_{m.id}")
        rate = rate_expr(bm)
        if m.rate.type in ("inclusive", "capped"):
            lf = lf.with_columns(rate.alias(f"_r_{m.id}"))
            rate = pl.col(f"_r_{m.id}")
        updates = [(pl.col("_extra") + (rate * b).fill_null(0.0)).alias("_extra")]
        if m.rate.type in ("inclusive", "capped"):
            updates.append((pl.col("_uses_mfn_ave") | b.is_not_null()).alias("_uses_mfn_ave"))
        if metal_based[m.id]:
            updates += [
                (pl.col("_metal_assumed") | (b.is_not_null() & pl.col("metal_value").is_null()))
                .alias("_metal_assumed"),
                (pl.col("_metal_used") + b.fill_null(0.0)).alias("_metal_used"),
            ]
        if f"_pp_{m.id}" in masks.columns:
            updates.append(pl.when(reach_expr(policy, bm, f"_pp_{m.id}"))
                           .then(pl.col("_partial").list.concat(pl.lit([m.heading or m.id])))
                           .otherwise(pl.col("_partial")).alias("_partial"))
        lf = lf.with_columns(updates)
    df = lf.with_columns(pl.when(pl.col("_partial").list.len() > 0)
                         .then(pl.col("_partial").list.unique().list.sort().list.join(", "))
                         .otherwise(None).alias("_partial")).collect(engine="in-memory")
    layers = [_layer(df, policy, bm) for bm in measures]
    drop = [c for c in df.columns if c.startswith(("_p_", "_pp_", "_b_", "_r_"))] + [
        "_metal", "_metal_used", "_match_hts", "_claim_default"]
    return df.select(pl.exclude(drop)), layers
