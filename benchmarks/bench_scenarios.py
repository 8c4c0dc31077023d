"""Benchmark: scenario runs on the full 2024 basket.

1. ``japan-autos-25`` with the partial equilibrium over every origin (all ~335,000 HTS-10 x
   country rows rated under the baseline and the scenario);
2. the same scenario's ETR series for Japan, 2025-01-01 to 2026-12-31 (change points only).

Reports wall-clock seconds and the process's peak resident memory, and each time as a ratio to a
floor measured in the same run: one baseline engine pass over Japan's basket on one date.

    TARIFFLINE_MIRROR=../shared/data .venv/bin/python benchmarks/bench_scenarios.py
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="japan-autos-25")
    parser.add_argument("--date", default="2026-01-01")
    args = parser.parse_args(argv)

    from tariffline.scenarios import api

    out: dict = {"scenario": args.scenario, "date": args.date}
    t0 = time.perf_counter()
    api.run("baseline", origin="JP", date=args.date)
    out["floor_jp_static_s"] = floor = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    r = api.run(args.scenario, origin="ALL", date=args.date, pe=True)
    out["pe_all_origins_s"] = round(time.perf_counter() - t0, 3)
    out["pe_rows"] = r["pe"]["rows"]
    out["pe_all_origins_ratio"] = round(out["pe_all_origins_s"] / floor, 2)
    out["peak_rss_mb_after_pe"] = round(peak_rss_mb(), 1)
    t0 = time.perf_counter()
    r = api.run(args.scenario, origin="JP", date="2025-01-01", end="2026-12-31")
    out["series_jp_2025_2026_s"] = round(time.perf_counter() - t0, 3)
    out["series_points"] = len(r["series"])
    out["series_ratio"] = round(out["series_jp_2025_2026_s"] / floor, 2)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
