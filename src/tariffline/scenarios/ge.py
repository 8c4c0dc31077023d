"""General equilibrium: a one-sector structural gravity model solved by the ``gegravity``
package (USITC; Yotov, Piermartini, Monteiro and Larch 2016), not by tariffline.

The scenario enters as a change in the bilateral tariff on exports to the United States:
``ln(1 + ETR)`` of each origin tariffline computed, baseline vs scenario, with the trade-cost
coefficient ``1 - sigma`` (SC-20). Trade costs otherwise use the gravity variables with the
coefficients the gegravity example estimated by PPML on its sample (SC-21). Data: the common
gravity layout (exporter, importer, year, trade, optional Y and E, gravity variables) as in
CEPII Gravity or ITPD-E, with their column names accepted too; the shipped example reads the
gegravity 2006 30-country sample, which is old and illustrative.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

import polars as pl

from tariffline.data import store
from tariffline.errors import DataError, InputError
from tariffline.scenarios import datasets

SIGMA = 7.0  # elasticity of substitution of the gegravity example (SC-20)
# PPML estimates on the sample, as printed in gegravity's example (SC-21)
COST_COEFFS = {"lndist": -0.3898623, "contiguity": 0.891577, "common_language": 0.0326249,
               "pta": 0.4711383, "international": -3.412584}
ALIASES = {  # CEPII Gravity / ITPD-E names -> the common layout
    "iso3_o": "exporter", "exporter_iso3": "exporter", "iso3_d": "importer", "importer_iso3": "importer",
    "tradeflow_baci": "trade", "contig": "contiguity", "comlang_off": "common_language", "fta_wto": "pta",
}
SAMPLE_NOTE = ("GE example data: gegravity's sample of 30 countries in 2006 (old and illustrative; not "
               "for policy numbers).")
US, JP = "USA", "JPN"
ISO3 = {"US": US, "JP": JP}


def load_gravity(source: str | Path | None = None) -> tuple[pl.DataFrame, str]:
    """A gravity dataset in the common layout; None or ``sample`` reads the shipped example."""
    if source is None or str(source) == "sample":
        raw, label = store.decompress(store.read_bytes(datasets.GE_SAMPLE.name)), SAMPLE_NOTE
    else:
        path = Path(source)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read gravity data {path}: {exc.strerror}") from None
        label = f"user gravity data {path}"
    try:
        df = pl.read_csv(io.BytesIO(raw), infer_schema_length=10_000)
    except Exception as exc:  # polars raises several kinds on malformed CSV
        raise InputError(f"gravity data is not a readable CSV: {str(exc).splitlines()[0]}") from None
    df = df.rename({k: v for k, v in ALIASES.items() if k in df.columns and v not in df.columns})
    if "lndist" not in df.columns and "dist" in df.columns:
        df = df.with_columns(pl.col("dist").cast(pl.Float64).log().alias("lndist"))
    need = ["exporter", "importer", "year", "trade", *COST_COEFFS]
    if "international" not in df.columns and {"exporter", "importer"} <= set(df.columns):
        df = df.with_columns((pl.col("exporter") != pl.col("importer")).cast(pl.Int64).alias("international"))
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"gravity data lacks columns {', '.join(missing)} (common layout: exporter, importer, "
                         "year, trade, lndist or dist, contiguity, common_language, pta)")
    df = df.with_columns(pl.col("trade").cast(pl.Float64, strict=False))
    bad = df.filter(pl.col("trade").is_null() | ~pl.col("trade").is_finite() | (pl.col("trade") < 0))
    if bad.height:
        raise InputError(f"gravity data: {bad.height} rows have a trade value that is not a finite number >= 0")
    if "Y" not in df.columns:
        df = df.with_columns(pl.col("trade").sum().over("exporter", "year").alias("Y"))
    if "E" not in df.columns:
        df = df.with_columns(pl.col("trade").sum().over("importer", "year").alias("E"))
    return df, label


def simulate(etr_change: dict[str, tuple[float, float]], source: str | Path | None = None,
             year: str | None = None) -> dict:
    """Welfare (real GDP), output and trade changes (percent) by country from the scenario's ETR by
    origin on U.S. imports: ``{"JP": (etr_baseline, etr_scenario)}``; ``ALL`` applies to every
    exporter to the U.S."""
    try:
        import gegravity as ge
        import pandas as pd
    except ImportError as exc:
        raise DataError(f"the GE model needs the gegravity package ({exc.name} is missing): "
                        "pip install gegravity") from None
    df, label = load_gravity(source)
    years = sorted({str(y) for y in df["year"].to_list()})
    year = str(year or years[-1])
    if year not in years:
        raise InputError(f"gravity data has no year {year} (has {', '.join(years)})")
    pdf = pd.DataFrame(df.with_columns(pl.col("year").cast(pl.Utf8)).filter(pl.col("year") == year)
                       .to_dict(as_series=False))
    countries = set(pdf["exporter"]) | set(pdf["importer"])
    if US not in countries:
        raise InputError("gravity data has no USA rows: the scenario changes U.S. tariffs")
    shocks = {}
    for origin, (t0, t1) in etr_change.items():
        for name in ([c for c in countries if c != US] if origin == "ALL" else [ISO3.get(origin, origin)]):
            shocks[name] = (t0, t1)
    pdf["ln_tariff"] = 0.0
    to_us = pdf["importer"] == US
    for name, (t0, t1) in shocks.items():
        pdf.loc[to_us & (pdf["exporter"] == name), "ln_tariff"] = math.log1p(t0)
    coeffs = pd.DataFrame([(k, v) for k, v in {**COST_COEFFS, "ln_tariff": 1 - SIGMA}.items()],
                          columns=["var", "beta"])
    baseline = ge.BaselineData(pdf, exp_var_name="exporter", imp_var_name="importer", year_var_name="year",
                               trade_var_name="trade", expend_var_name="E", output_var_name="Y")
    cost = ge.CostCoeffs(coeffs, identifier_col="var", coeff_col="beta")
    reference = "DEU" if "DEU" in countries else sorted(countries - {US, JP})[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ge.OneSectorGE(baseline=baseline, cost_coeff_values=cost, year=year, sigma=SIGMA,
                               reference_importer=reference, cost_variables=[*COST_COEFFS, "ln_tariff"],
                               quiet=True)
        model.build_baseline(omr_rescale=100)
        exp = model.baseline_data.copy()
        for name, (t0, t1) in shocks.items():
            exp.loc[(exp["importer"] == US) & (exp["exporter"] == name), "ln_tariff"] = math.log1p(t1)
        model.define_experiment(exp)
        model.simulate()
    res = model.country_results
    cols = {c.lower(): c for c in res.columns}

    def pick(*names):
        for n in names:
            for low, c in cols.items():
                if n in low:
                    return c
        return None

    welfare, stat = pick("gdp change"), pick("welfare stat")
    output, exports, imports = pick("output change"), pick("foreign exports"), pick("foreign imports")
    out = {}
    for country in res.index:
        row = res.loc[country]
        out[str(country)] = {k: (float(row[c]) if c is not None else None) for k, c in
                             (("welfare_change", welfare), ("welfare_statistic", stat),
                              ("output_change_pct", output), ("exports_change_pct", exports),
                              ("imports_change_pct", imports))}
    if all(v["welfare_change"] is None for v in out.values()):
        raise DataError("gegravity returned no welfare statistic")
    return {"data": label, "year": year, "sigma": SIGMA, "countries": out,
            "welfare_change": {c: out[c]["welfare_change"] for c in (US, JP) if c in out},
            "note": ("welfare_change: real GDP change in percent (factory-gate price over inward "
                     "multilateral resistance; Yotov et al. 2016), as reported by gegravity; tariffs enter "
                     "as trade costs, without tariff revenue (SC-22). " + label)}
