"""Engine benchmarks: rows/second and peak memory (each scenario in its own process).

Scenarios:
  schedule  every 10-digit line of the 2026 Rev 4 schedule, origin JP, one date
  ledger    a synthetic 1,000,000-row ledger (random lines, origins, dates 2018-2026)
  naive     the same engine called once per row (a naive per-row loop), on a sample

Usage: python benchmarks/run.py [--rows 1000000] [--naive-rows 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time


def _scenario(name: str, rows: int, naive_rows: int) -> dict:
    import numpy as np
    import polars as pl

    from tariffline.engine import compute_duties
    from tariffline.hts.loader import load_edition

    lines = load_edition("hts_2026_rev4").lines.filter(
        (pl.col("level") == 10) & ~pl.col("hts").str.starts_with("98") & ~pl.col("hts").str.starts_with("99"))
    codes = lines["hts"].to_list()
    rng = np.random.default_rng(1)
    compute_duties(pl.DataFrame({"hts": codes[:10], "origin": ["JP"] * 10,
                                 "entry_date": [dt.date(2025, 10, 1)] * 10, "value": [1.0] * 10}),
                   missing_quantity="ave_estimate")  # warm caches (edition parse, lists)
    if name == "schedule":
        n = len(codes)
        frame = pl.DataFrame({"hts": codes, "origin": ["JP"] * n, "entry_date": [dt.date(2025, 10, 1)] * n,
                              "value": [1000.0] * n})
    else:
        n = rows if name == "ledger" else naive_rows
        origins = np.array(["JP", "DE", "CN", "KR", "MX", "CA", "GB", "VN"])
        start = dt.date(2018, 1, 1).toordinal()
        days = rng.integers(0, dt.date(2026, 12, 31).toordinal() - start, n) + start
        frame = pl.DataFrame({
            "hts": np.array(codes)[rng.integers(0, len(codes), n)],
            "origin": origins[rng.integers(0, len(origins), n)],
            "entry_date": [dt.date.fromordinal(int(d)) for d in days],
            "value": rng.lognormal(8, 1.5, n),
        })
    t0 = time.perf_counter()
    if name == "naive":
        for i in range(n):
            compute_duties(frame.slice(i, 1), missing_quantity="ave_estimate")
    else:
        res = compute_duties(frame, missing_quantity="ave_estimate")
        assert res.totals.height == n
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"scenario": name, "rows": n, "seconds": round(secs, 3),
            "rows_per_second": round(n / secs, 1), "peak_rss_mb": round(peak_mb, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=200)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_scenario(args.one, args.rows, args.naive_rows)))
        return
    results = []
    for name in ("schedule", "ledger", "naive"):
        out = subprocess.run([sys.executable, __file__, "--one", name, "--rows", str(args.rows),
                              "--naive-rows", str(args.naive_rows)],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'scenario':10} {'rows':>10} {'seconds':>9} {'rows/s':>12} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['scenario']:10} {r['rows']:>10,} {r['seconds']:>9.2f} {r['rows_per_second']:>12,.0f} "
              f"{r['peak_rss_mb']:>12,.0f}")
    naive, ledger = results[2]["rows_per_second"], results[1]["rows_per_second"]
    print(f"vectorised ledger vs naive per-row loop: {ledger / naive:,.0f}x faster")


if __name__ == "__main__":
    main()
