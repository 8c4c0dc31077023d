"""Import ledgers: read a CSV/Parquet ledger, run it through the engine in chunks, write results.

Column names are matched loosely (``date`` for ``entry_date``, ``country`` for ``origin``...).
A bad row keeps its place and gets an ``error``; nothing is dropped. The output is written to a
temporary file and moved into place, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from tariffline.engine.compute import compute_duties
from tariffline.errors import InputError

ALIASES = {
    "entry_date": ("entry_date", "date", "entry date", "entered"),
    "origin": ("origin", "country", "country_of_origin", "coo"),
    "hts": ("hts", "hts10", "hts_code", "htsus", "tariff_number"),
    "value": ("value", "customs_value", "entered_value", "value_usd"),
    "quantity": ("quantity", "qty"),
    "quantity_unit": ("quantity_unit", "unit", "uom"),
    "unit_value": ("unit_value",),
    "metal_value": ("metal_value", "steel_aluminum_value", "metal_content_value"),
    "program": ("program", "spi", "special_program"),
    "loaded_date": ("loaded_date", "export_date", "date_of_export"),
}


def read_ledger(path: Path) -> pl.DataFrame:
    """Read a ledger, every column as text (the engine validates each row itself)."""
    if not path.is_file():
        raise InputError(f"ledger {path} does not exist")
    try:
        if path.suffix.lower() == ".parquet":
            df = pl.read_parquet(path)
            df = df.with_columns([pl.col(c).cast(pl.Utf8) for c in df.columns])
        elif path.suffix.lower() in (".csv", ".txt"):
            df = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=False)
        else:
            raise InputError(f"ledger {path}: expected a .csv or .parquet file")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"ledger {path} cannot be read: {str(exc).splitlines()[0]}") from None
    rename = {}
    lower = {c.lower().strip(): c for c in df.columns}
    for target, names in ALIASES.items():
        for n in names:
            if n in lower:
                rename[lower[n]] = target
                break
    df = df.rename(rename)
    missing = [c for c in ("hts", "origin", "entry_date", "value") if c not in df.columns]
    if missing:
        raise InputError(f"ledger {path} lacks column(s): {', '.join(missing)} "
                         f"(has: {', '.join(df.columns)})")
    return df


def _typed(df: pl.DataFrame) -> pl.DataFrame:
    """Cast text columns to their types; an unreadable cell becomes null (see _cell_errors)."""
    casts = {"value": pl.Float64, "quantity": pl.Float64, "unit_value": pl.Float64,
             "metal_value": pl.Float64}
    return df.with_columns(
        [pl.col(c).str.strip_chars().cast(t, strict=False).alias(c) for c, t in casts.items() if c in df.columns]
        + [pl.col(c).str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias(c)
           for c in ("entry_date", "loaded_date") if c in df.columns])


def run_ledger(df: pl.DataFrame, *, chunk_rows: int = 200_000, as_known_on: dt.date | None = None,
               claim_preferences: bool = True, missing_quantity: str = "error",
               progress: Callable[[int], None] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(totals, layers) for a ledger of text columns, computed in chunks."""
    df = df.with_row_index("row_id")
    totals, layers = [], []
    for offset in range(0, df.height, chunk_rows):
        raw = df.slice(offset, chunk_rows)
        typed = _typed(raw.drop("row_id")).with_columns(raw.get_column("row_id"))
        res = compute_duties(typed, as_known_on=as_known_on, claim_preferences=claim_preferences,
                             missing_quantity=missing_quantity)
        bad = _cell_errors(raw)
        t = res.totals.join(bad, on="row_id", how="left", maintain_order="left").with_columns(
            pl.coalesce("_cell_error", "error").alias("error")).drop("_cell_error")
        t = t.with_columns(pl.when(pl.col("error").is_null()).then(pl.col("total_duty")).alias("total_duty"),
                           pl.when(pl.col("error").is_null()).then(pl.col("total_rate")).alias("total_rate"))
        totals.append(t)
        layers.append(res.layers.join(t.filter(pl.col("error").is_null()).select(pl.col("row_id").cast(pl.Int64)),
                                      on="row_id", how="semi"))
        if progress:
            progress(raw.height)
    return pl.concat(totals, how="vertical_relaxed"), pl.concat(layers, how="vertical_relaxed")


def _cell_errors(raw: pl.DataFrame) -> pl.DataFrame:
    """Per row, the first cell that is present but cannot be read as its type."""
    checks = []
    for c in ("value", "quantity", "unit_value", "metal_value"):
        if c in raw.columns:
            checks.append(pl.when(pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "")
                                  & pl.col(c).str.strip_chars().cast(pl.Float64, strict=False).is_null())
                          .then(pl.lit(f"{c} '") + pl.col(c) + pl.lit("' is not a number")))
    for c in ("entry_date", "loaded_date"):
        if c in raw.columns:
            checks.append(pl.when(pl.col(c).is_not_null()
                                  & pl.col(c).str.strip_chars().str.to_date("%Y-%m-%d", strict=False).is_null())
                          .then(pl.lit(f"{c} '") + pl.col(c) + pl.lit("' is not a date (YYYY-MM-DD)")))
    expr = pl.coalesce(checks) if checks else pl.lit(None, dtype=pl.Utf8)
    return raw.select("row_id", expr.alias("_cell_error"))


def summarise(totals: pl.DataFrame, layers: pl.DataFrame) -> pl.DataFrame:
    """Totals with per-authority duty columns and the headings to report, one row per input row."""
    if layers.height:
        by_auth = (layers.group_by("row_id", "authority").agg(pl.col("amount").sum())
                   .pivot(on="authority", index="row_id", values="amount"))
        by_auth = by_auth.rename({c: f"duty_{c}" for c in by_auth.columns if c != "row_id"})
        heads = layers.group_by("row_id", maintain_order=True).agg(
            pl.col("heading").drop_nulls().str.join(";").alias("headings"))
        totals = (totals.with_columns(pl.col("row_id").cast(pl.Int64))
                  .join(by_auth, on="row_id", how="left", maintain_order="left").join(heads, on="row_id", how="left", maintain_order="left"))
    return totals.with_columns(pl.col("notes").list.join(" | "), pl.col("flags").list.join(";")).sort("row_id")


def write_atomic(df: pl.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".part")
    os.close(fd)
    try:
        if out.suffix.lower() == ".parquet":
            df.write_parquet(tmp)
        else:
            df.write_csv(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
