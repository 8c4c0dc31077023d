"""Benchmark: scenario runs on the full 2024 basket.

1. ``japan-autos-25`` with the partial equilibrium over every origin (all ~335,000 HTS-10 x
   country rows rated under the baseline and the scenario);
2. the same scenario's ETR series for Japan, 2025-01-01 to 2026-12-31 (change points only).

Reports wall-clock seconds and the process's peak resident memory, and each time as a ratio to a
floor measured in the same run: a plain Polars pipeline over the same basket file (read the
2024 basket, join a rate per HTS-10, duty = value x rate under a baseline and a scenario rate,
sum by origin), the least any scenario run has to do.

    TARIFFLINE_MIRROR=../shared/data .venv/bin/python benchmarks/bench_scenarios.py
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def cpu_s() -> float:
    """CPU seconds used by this process so far (user + system): on a loaded machine the wall time
    grows with the load, this much less."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def floor_rates():
    """The floor's baseline and scenario rate per HTS-10 of the basket, built before timing."""
    import polars as pl

    from tariffline.trade.imports import load_imports

    codes = load_imports(2024).frame["hs10"].unique().sort()
    return pl.DataFrame({"hs10": codes, "adv": [(i % 17) / 100 for i in range(len(codes))]}).with_columns(
        (pl.col("adv") + pl.when(pl.col("hs10").str.starts_with("87")).then(0.125).otherwise(0.0))
        .alias("adv_s")).lazy()


def floor(rates) -> dict:
    """Read the basket file, join the rates, duties under both, totals by origin."""
    import io

    import polars as pl

    from tariffline.data import store
    from tariffline.trade.datasets import BASKET_DATASETS

    raw = store.read_bytes(BASKET_DATASETS[2024].name)
    return (pl.read_csv(io.BytesIO(raw), schema_overrides={"hs10": pl.Utf8, "cty_code": pl.Utf8}).lazy()
            .join(rates, on="hs10", how="left")
            .with_columns((pl.col("imports") * pl.col("adv")).alias("d0"),
                          (pl.col("imports") * pl.col("adv_s")).alias("d1"))
            .group_by("cty_code").agg(pl.col("imports").sum(), pl.col("d0").sum(), pl.col("d1").sum())
            .collect().height)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="japan-autos-25")
    parser.add_argument("--date", default="2026-01-01")
    args = parser.parse_args(argv)

    from tariffline.scenarios import api

    out: dict = {"scenario": args.scenario, "date": args.date}
    api.run("baseline", origin="JP", date=args.date, chapters=["8703"])  # warm: policy, editions, lists
    rates = floor_rates()
    t0, c0 = time.perf_counter(), cpu_s()
    floor(rates)
    out["floor_polars_basket_s"] = floor_s = round(time.perf_counter() - t0, 3)
    out["floor_polars_basket_cpu_s"] = round(cpu_s() - c0, 2)
    t0, c0 = time.perf_counter(), cpu_s()
    r = api.run(args.scenario, origin="ALL", date=args.date, pe=True)
    out["pe_all_origins_s"] = round(time.perf_counter() - t0, 3)
    out["pe_all_origins_cpu_s"] = round(cpu_s() - c0, 1)
    out["pe_rows"] = r["pe"]["rows"]
    out["pe_all_origins_ratio"] = round(out["pe_all_origins_s"] / floor_s, 1)
    out["peak_rss_mb_after_pe"] = round(peak_rss_mb(), 1)
    t0, c0 = time.perf_counter(), cpu_s()
    r = api.run(args.scenario, origin="JP", date="2025-01-01", end="2026-12-31")
    out["series_jp_2025_2026_s"] = round(time.perf_counter() - t0, 3)
    out["series_jp_2025_2026_cpu_s"] = round(cpu_s() - c0, 1)
    out["series_points"] = len(r["series"])
    out["series_ratio"] = round(out["series_jp_2025_2026_s"] / floor_s, 1)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
