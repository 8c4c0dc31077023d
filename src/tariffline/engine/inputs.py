"""Normalise and validate the engine's input rows; a bad row gets an error, never dropped.

Required columns: ``hts``, ``origin``, ``entry_date``, ``value``. Optional: ``quantity``,
``quantity_unit``, ``unit_value``, ``metal_value``, ``program``, ``loaded_date``, ``row_id``.

Every number must be finite and within :data:`LIMITS` (NaN, infinities, subnormals and absurd
magnitudes are refused in their row). Entry dates must lie between :data:`COVERAGE_START` and the
horizon (:func:`date_horizon`, ``law_current_through`` plus :data:`HORIZON_YEARS`, ASSUMPTIONS LG-02);
a date past ``law_current_through`` but within the horizon is answered with a warning.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from tariffline.countries import to_iso2
from tariffline.engine.distinct import distinct_texts
from tariffline.engine.quantities import with_unit_keys
from tariffline.engine.rare import where_needed
from tariffline.errors import InputError

COVERAGE_START = dt.date(2018, 1, 1)  # the engine's rules reach back to 1 Jan 2018
HORIZON_YEARS = 3  # entry dates up to law_current_through + 3 years are answered (LG-02)
# (smallest, largest) accepted value of each number; 0 is also accepted where marked (LG-01)
LIMITS = {"value": (0.01, 1e12), "quantity": (1e-6, 1e12), "unit_value": (1e-6, 1e12),
          "metal_value": (0.01, 1e12)}
ZERO_OK = ("quantity", "metal_value")
REQUIRED = ("hts", "origin", "entry_date", "value")
OPTIONAL = {
    "quantity": pl.Float64, "quantity_unit": pl.Utf8, "unit_value": pl.Float64,
    "metal_value": pl.Float64, "program": pl.Utf8, "loaded_date": pl.Date,
}


def date_horizon() -> dt.date:
    """The last entry date answered: ``law_current_through`` plus :data:`HORIZON_YEARS`."""
    from tariffline.law import law_currency  # the law module loads the policy: import when asked

    through = law_currency().current_through
    try:
        return through.replace(year=through.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return through.replace(year=through.year + HORIZON_YEARS, day=28)


def check_date(day: dt.date, what: str = "entry date") -> dt.date:
    """``day`` if the data can answer it, else InputError naming the range."""
    horizon = date_horizon()
    if day < COVERAGE_START:
        raise InputError(f"{what} {day} is before the data's coverage (from {COVERAGE_START})")
    if day > horizon:
        raise InputError(f"{what} {day} is past the horizon tariffline answers ({horizon}: "
                         f"law current through + {HORIZON_YEARS} years)")
    return day


def check_number(x: float | None, name: str) -> float | None:
    """``x`` if it is None or finite and within :data:`LIMITS`, else InputError."""
    if x is None:
        return None
    lo, hi = LIMITS[name]
    ok = isinstance(x, (int, float)) and math.isfinite(x) and (lo <= x <= hi or (x == 0 and name in ZERO_OK))
    if not ok:
        raise InputError(_range_text(name) + f", not {x!r}")
    return float(x)


def _range_text(name: str) -> str:
    lo, hi = LIMITS[name]
    label = "customs value" if name == "value" else name.replace("_", " ")
    if name in ZERO_OK:
        return f"{label} must be a finite number, 0 or from {lo:g} to {hi:g}"
    return f"{label} must be a positive finite number from {lo:g} to {hi:g}"


def _number_bad(name: str) -> pl.Expr:
    lo, hi = LIMITS[name]
    c = pl.col(name)
    bad = ~c.is_finite() | ((c < lo) | (c > hi))
    if name in ZERO_OK:
        bad &= c != 0
    return c.is_not_null() & bad


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
    """Add ``row_id``, ``hts10`` (digits; ``_hts_id``: the place of the row's code among the
    distinct codes), ``origin_iso`` (``_origin_id``: the place of the row's origin as named among
    the distinct names) and ``error`` (first problem or null)."""
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
        df = df.with_columns(  # (codes and origins already coded stay so: see distinct_texts)
            *[pl.col(c) if isinstance(df.schema[c], pl.Categorical) else pl.col(c).cast(pl.Utf8) for c in ("hts", "origin")],
            pl.col("value").cast(pl.Float64, strict=False),
            pl.col("entry_date").cast(pl.Date, strict=False),
            *[pl.col(n).cast(t, strict=False) for n, t in OPTIONAL.items()],
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"input rows have a column of the wrong type: {exc}") from None
    df = with_unit_keys(df, ["quantity_unit"]).rename({"quantity_unit_key": "_qunit_key"})
    # each distinct code's digits, and whether they are 8 or 10, once (``_hts_id``: the row's
    # code's place among them, for column1.locate_lines)
    codes, which = distinct_texts(df.get_column("hts"))
    digits = codes.str.replace_all(r"[.\s]", "")
    well_formed = digits.str.contains(r"^\d{8}(\d{2})?$")
    df = df.with_columns(digits.gather(which).alias("hts10"), pl.Series("_hts_id", which),
                         well_formed.gather(which).alias("_hts_ok"))
    names, origin_of = distinct_texts(df.get_column("origin"))  # (each named origin read once)
    origins = _origin_table(names.to_list())
    df = df.hstack([origins.get_column("origin_iso").gather(origin_of),
                    origins.get_column("_origin_error").gather(origin_of), pl.Series("_origin_id", origin_of)])
    horizon = date_horizon()
    day = pl.col("entry_date")
    # (the row's problem, its message), first first: one list gives both which rows have an error
    # and the error, so that a check cannot be added to one and missed by the other
    checks = [
        (pl.col("hts").is_null(), pl.lit("HTS code is missing")),
        (~pl.col("_hts_ok").fill_null(False),
         pl.lit("HTS code '") + pl.col("hts").cast(pl.Utf8).str.replace_all(r"[\x00-\x1f\x7f]", "?").str.slice(0, 40)
         + pl.lit("' is malformed: expected 8 or 10 digits, e.g. 8703.23.01")),
        (pl.col("_origin_error").is_not_null(), pl.col("_origin_error")),
        (day.is_null(), pl.lit("entry date is missing or not a date (YYYY-MM-DD)")),
        (day < COVERAGE_START, pl.lit("entry date ") + day.cast(pl.Utf8)
         + pl.lit(f" is before the data's coverage (from {COVERAGE_START})")),
        (day > horizon, pl.lit("entry date ") + day.cast(pl.Utf8)
         + pl.lit(f" is past the horizon tariffline answers ({horizon}: law current through "
                  f"+ {HORIZON_YEARS} years)")),
        (pl.col("value").is_null(), pl.lit("customs value is missing")),
        *[(_number_bad(n), pl.lit(_range_text(n) + ", not ") + pl.col(n).cast(pl.Utf8)) for n in LIMITS],
        (pl.col("metal_value") > pl.col("value"), pl.lit("metal value must be between 0 and the customs value")),
    ]
    problem = pl.any_horizontal([cond for cond, _ in checks])
    error = pl.coalesce([pl.when(cond).then(text) for cond, text in checks])
    return df.with_columns(where_needed(df, problem, error, "error")).drop("_origin_error", "_hts_ok")
