"""Normalise and validate the engine's input rows; a bad row gets an error, never dropped.

Required columns: ``hts``, ``origin``, ``entry_date``, ``value``. Optional: ``quantity``,
``quantity_unit``, ``unit_value``, ``metal_value``, ``program``, ``loaded_date``, ``row_id``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from tariffline.countries import to_iso2
from tariffline.engine.quantities import with_unit_keys
from tariffline.errors import InputError

COVERAGE_START = dt.date(2018, 1, 1)  # the engine's rules reach back to 1 Jan 2018
REQUIRED = ("hts", "origin", "entry_date", "value")
OPTIONAL = {
    "quantity": pl.Float64, "quantity_unit": pl.Utf8, "unit_value": pl.Float64,
    "metal_value": pl.Float64, "program": pl.Utf8, "loaded_date": pl.Date,
}


def _origin_table(origins: list[str | None]) -> pl.DataFrame:
    iso, err = [], []
    for o in origins:
        try:
            iso.append(to_iso2(o) if o is not None else None)
            err.append(None if o is not None else "origin is missing")
        except InputError as exc:
            iso.append(None)
            err.append(str(exc))
    return pl.DataFrame({"origin": origins, "origin_iso": iso, "_origin_error": err},
                        schema={"origin": pl.Utf8, "origin_iso": pl.Utf8, "_origin_error": pl.Utf8})


def prepare(rows: pl.DataFrame) -> pl.DataFrame:
    """Add ``row_id``, ``hts10`` (digits), ``origin_iso`` and ``error`` (first problem or null)."""
    missing = [c for c in REQUIRED if c not in rows.columns]
    if missing:
        raise InputError(f"input rows lack column(s) {', '.join(missing)}; "
                         f"required: {', '.join(REQUIRED)}")
    df = rows
    if "row_id" not in df.columns:
        df = df.with_row_index("row_id")
    for name, dtype in OPTIONAL.items():
        if name not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=dtype).alias(name))
    try:
        df = df.with_columns(
            pl.col("hts").cast(pl.Utf8),
            pl.col("origin").cast(pl.Utf8),
            pl.col("value").cast(pl.Float64, strict=False),
            pl.col("entry_date").cast(pl.Date, strict=False),
            *[pl.col(n).cast(t, strict=False) for n, t in OPTIONAL.items()],
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"input rows have a column of the wrong type: {exc}") from None
    df = with_unit_keys(df, ["quantity_unit"]).rename({"quantity_unit_key": "_qunit_key"})
    df = df.with_columns(
        pl.col("hts").str.replace_all(r"[.\s]", "").alias("hts10"),
    )
    origins = _origin_table(df.get_column("origin").unique().to_list())
    df = df.join(origins, on="origin", how="left", nulls_equal=True, maintain_order="left")
    hts_ok = pl.col("hts10").str.contains(r"^\d{8}(\d{2})?$")
    error = (
        pl.when(pl.col("hts").is_null()).then(pl.lit("HTS code is missing"))
        .when(~hts_ok.fill_null(False)).then(
            pl.lit("HTS code '") + pl.col("hts") + pl.lit("' is malformed: expected 8 or 10 digits, e.g. 8703.23.01"))
        .when(pl.col("_origin_error").is_not_null()).then(pl.col("_origin_error"))
        .when(pl.col("entry_date").is_null()).then(pl.lit("entry date is missing or not a date (YYYY-MM-DD)"))
        .when(pl.col("entry_date") < COVERAGE_START).then(
            pl.lit("entry date ") + pl.col("entry_date").cast(pl.Utf8)
            + pl.lit(f" is before the data's coverage (from {COVERAGE_START})"))
        .when(pl.col("value").is_null() | ~pl.col("value").is_finite() | (pl.col("value") <= 0)).then(
            pl.lit("customs value must be a positive number"))
        .when(pl.col("quantity").is_not_null() & (pl.col("quantity") < 0)).then(pl.lit("quantity is negative"))
        .when(pl.col("metal_value").is_not_null()
              & ((pl.col("metal_value") < 0) | (pl.col("metal_value") > pl.col("value")))).then(
            pl.lit("metal value must be between 0 and the customs value"))
        .otherwise(None)
    )
    return df.with_columns(error.alias("error")).drop("_origin_error")
