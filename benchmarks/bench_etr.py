"""Benchmark: Japan's daily ETR series 2018 -> a given end day on the 2024 basket.

Measures wall-clock seconds (cold: first call loads HTS, rules and basket; warm: second
call) and the process's peak resident memory. Also times one all-origin rating (comparators).

    TARIFFLINE_MIRROR=../shared/data .venv/bin/python benchmarks/bench_etr.py --end 2026-11-22

Target: the Japan series takes seconds, not minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", default="2018-01-01")
    parser.add_argument("--end", required=True, help="last day of the series (YYYY-MM-DD)")
    parser.add_argument("--origin", default="JP")
    parser.add_argument("--skip-compare", action="store_true")
    args = parser.parse_args(argv)

    from tariffline.etr import api

    out: dict = {"origin": args.origin, "start": args.start, "end": args.end}
    t0 = time.perf_counter()
    s = api.etr_series(args.origin, args.start, args.end)
    out["series_cold_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    s = api.etr_series(args.origin, args.start, args.end)
    out["series_warm_s"] = round(time.perf_counter() - t0, 3)
    out["days"] = s.daily.height
    out["change_points"] = len(s.points)
    out["basket_source"] = s.provenance["basket"]["source"]
    out["policy_version"] = s.provenance["policy_version"]
    out["peak_rss_mb_after_series"] = round(peak_rss_mb(), 1)
    if not args.skip_compare:
        t0 = time.perf_counter()
        rows = api.compare(args.end)
        out["compare_all_origins_s"] = round(time.perf_counter() - t0, 3)
        out["compare_rows"] = len(rows)
        out["peak_rss_mb_after_compare"] = round(peak_rss_mb(), 1)
    out["date_run"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
