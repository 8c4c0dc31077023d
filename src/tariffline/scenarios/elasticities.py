"""Elasticities for the partial-equilibrium model, per HTS-10 of the basket, with their source.

Import demand (magnitude): Hauk (2012) HS-10 ``impliedelasticity`` where the estimate has the
right sign (``positive``), else HS-6, else :data:`DEFAULT_DEMAND` (SC-10). Substitution between
origins: Broda-Weinstein (2006) HTS-10 sigma (default) or Hauk HS-10 ``impliedsigma``; missing
codes fall back to the median at HS-6, then :data:`DEFAULT_SIGMA`; values are capped at
:data:`SIGMA_CAP` (the long right tail, SC-11). Both sets are estimated on 1989-2001 data with
1990s HTS codes, matched to 2024 codes by their digits (SC-12).
"""

from __future__ import annotations

import io

import polars as pl

from tariffline.data import store
from tariffline.errors import InputError
from tariffline.scenarios import datasets

DEFAULT_DEMAND = 1.0  # SC-10: near Hauk's median (0.95 at HS-10, 0.93 at HS-6)
DEFAULT_SIGMA = 3.14  # SC-11: Broda-Weinstein HTS-10 median (1990-2001)
DEMAND_CAP = 10.0
SIGMA_CAP = 20.0
SIGMA_SOURCES = ("broda_weinstein", "hauk")


def _csv(name: str, schema: dict) -> pl.DataFrame:
    raw = store.decompress(store.read_bytes(name))
    return pl.read_csv(io.BytesIO(raw), columns=list(schema), schema_overrides=schema)


def _demand() -> tuple[pl.DataFrame, pl.DataFrame]:
    def clean(df: pl.DataFrame, code: str) -> pl.DataFrame:
        return (df.filter((pl.col("positive") == 1) & pl.col("impliedelasticity").is_finite()
                          & (pl.col("impliedelasticity") > 0))
                .select(pl.col(code), pl.col("impliedelasticity").clip(0, DEMAND_CAP).alias("e"))
                .unique(code, keep="first"))
    h10 = clean(_csv(datasets.HAUK_HS10.name, {"hs10": pl.Utf8, "impliedelasticity": pl.Float64,
                                                "positive": pl.Float64}), "hs10")
    h6 = clean(_csv(datasets.HAUK_HS6.name, {"hs6": pl.Utf8, "impliedelasticity": pl.Float64,
                                              "positive": pl.Float64}), "hs6")
    return h10, h6


def _sigma(source: str) -> pl.DataFrame:
    if source == "broda_weinstein":
        df = _csv(datasets.BW_SIGMA.name, {"hts10": pl.Utf8, "sigma_1990_2001": pl.Float64})
        df = df.select(pl.col("hts10").alias("hs10"), pl.col("sigma_1990_2001").alias("s"))
    else:
        df = _csv(datasets.HAUK_SUB10.name, {"hs10": pl.Utf8, "impliedsigma": pl.Float64})
        df = df.select("hs10", pl.col("impliedsigma").alias("s"))
    return (df.filter(pl.col("s").is_finite() & (pl.col("s") > 0))
            .with_columns(pl.col("s").clip(0, SIGMA_CAP)).unique("hs10", keep="first"))


def for_codes(codes: pl.Series, sigma_source: str = "broda_weinstein") -> pl.DataFrame:
    """hs10, demand, demand_source, sigma, sigma_source for each distinct 10-digit code."""
    if sigma_source not in SIGMA_SOURCES:
        raise InputError(f"substitution source must be one of {', '.join(SIGMA_SOURCES)}, not {sigma_source!r}")
    h10, h6 = _demand()
    sig = _sigma(sigma_source)
    sig6 = sig.group_by(pl.col("hs10").str.slice(0, 6).alias("hs6")).agg(pl.col("s").median().alias("s6"))
    label = "Broda-Weinstein 2006" if sigma_source == "broda_weinstein" else "Hauk 2012"
    df = pl.DataFrame({"hs10": codes.unique()}, schema={"hs10": pl.Utf8}).with_columns(
        pl.col("hs10").str.slice(0, 6).alias("hs6"))
    df = (df.join(h10.rename({"e": "e10"}), on="hs10", how="left")
          .join(h6.rename({"e": "e6"}), on="hs6", how="left")
          .join(sig.rename({"s": "s10"}), on="hs10", how="left")
          .join(sig6, on="hs6", how="left"))
    return df.select(
        "hs10",
        pl.coalesce("e10", "e6", pl.lit(DEFAULT_DEMAND)).alias("demand"),
        pl.when(pl.col("e10").is_not_null()).then(pl.lit("Hauk 2012 HS-10"))
        .when(pl.col("e6").is_not_null()).then(pl.lit("Hauk 2012 HS-6"))
        .otherwise(pl.lit("default (SC-10)")).alias("demand_source"),
        pl.coalesce("s10", "s6", pl.lit(DEFAULT_SIGMA)).alias("sigma"),
        pl.when(pl.col("s10").is_not_null()).then(pl.lit(f"{label} HTS-10"))
        .when(pl.col("s6").is_not_null()).then(pl.lit(f"{label} HS-6 median"))
        .otherwise(pl.lit("default (SC-11)")).alias("sigma_source"),
    )
