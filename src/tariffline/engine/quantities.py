"""Specific duties: the quantity a row supplies, in the unit the duty is expressed in.

A specific duty needs the quantity in its unit. Without one, a stated unit value gives
quantity = value / unit value, flagged as an estimate; otherwise the caller chooses between an
error and counting the specific part as zero (flagged).
"""

from __future__ import annotations

import re

import polars as pl

_UNIT_ALIASES = {
    "kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg",
    "l": "liter", "liter": "liter", "liters": "liter", "litre": "liter", "litres": "liter",
    "no": "no", "number": "no", "pcs": "no", "pieces": "no", "each": "no", "units": "no",
    "doz": "doz", "dozen": "doz", "dozens": "doz",
    "pfliter": "pfliter", "pfl": "pfliter", "proofliter": "pfliter", "proofliters": "pfliter",
    "m2": "m2", "t": "t", "ton": "t", "tons": "t", "tonne": "t", "g": "g", "gram": "g",
}


def unit_key(unit: str | None) -> str | None:
    """Canonical key for a quantity unit: 'No.' -> 'no', 'Liters' -> 'liter', 'pf. liter' -> 'pfliter'."""
    if unit is None:
        return None
    key = re.sub(r"[.\s²]", "", unit.lower()).replace("m^2", "m2")
    return _UNIT_ALIASES.get(key, key)


def with_unit_keys(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """Add ``<col>_key`` canonical unit keys (computed once per distinct unit)."""
    for col in cols:
        uniq = df.get_column(col).unique().to_list()
        mapping = {u: unit_key(u) for u in uniq if u is not None}
        df = df.with_columns(pl.col(col).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
                             .alias(col + "_key"))
    return df


def specific_part(amount_col: str, unit_col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(duty, estimated, problem) for a specific component ``amount_col`` per ``unit_col``.

    ``unit_col + '_key'`` and ``_qunit_key`` (the row's quantity unit) must be present.

    Uses the row's ``quantity`` (with ``quantity_unit`` checked when given), else
    ``value / unit_value`` (estimated). ``problem`` is a message when neither is available
    or the units disagree; duty is then 0.
    """
    amt = pl.col(amount_col).fill_null(0.0)
    has_spec = amt > 0
    unit = pl.col(unit_col)
    qunit = pl.col("_qunit_key")
    unit_ok = qunit.is_null() | (qunit == pl.col(unit_col + "_key"))
    have_q = pl.col("quantity").is_not_null()
    have_uv = pl.col("unit_value").is_not_null() & (pl.col("unit_value") > 0)
    qty = (pl.when(have_q & unit_ok).then(pl.col("quantity"))
           .when(~have_q & have_uv).then(pl.col("value") / pl.col("unit_value"))
           .otherwise(None))
    duty = pl.when(has_spec).then(amt * qty.fill_null(0.0)).otherwise(0.0)
    estimated = has_spec & ~have_q & have_uv
    problem = (
        pl.when(has_spec & have_q & ~unit_ok).then(
            pl.lit("quantity unit '") + pl.col("quantity_unit") + pl.lit("' does not match the duty's unit '")
            + unit + pl.lit("'"))
        .when(has_spec & ~have_q & ~have_uv).then(
            pl.lit("the duty has a specific part per ") + unit
            + pl.lit("; give a quantity in ") + unit + pl.lit(" or a unit value"))
        .otherwise(None)
    )
    return duty, estimated, problem
