"""Issue 10's benchmark table: every case as a ratio to the floor measured in the same run.

The floor is a plain Polars pipeline over the same ledger file: scan, join on HTS-10 against a
rate per line, as-of join on (origin, date) against change points, arithmetic, sink to Parquet.
Each case runs in its own process (wall seconds, peak RSS of that process):

  floor          the floor on the Parquet ledger
  floor_csv      the same floor on the ledger as CSV (scan_csv): the floor of batch_csv
  batch_parquet  api.batch on the Parquet ledger, streamed to Parquet (its ratio: to floor), timed
                 like the floor from after the imports (their seconds: import_s)
  batch_csv      api.batch on the same ledger as CSV, streamed to CSV (its ratio: to floor_csv)
  batch_io       the batch's input and output alone: the ledger read as the batch reads it (every
                 cell as text, in chunks) and an output of the batch's shape written as the batch
                 writes it (its own output, made first and read back untimed, its coded text
                 columns made Categorical again): what any batch with this output costs before
                 computing a duty (its peak includes that batch)
  schedule       every 10-digit line of the 2026 Rev 4 schedule, origin JP, one date
  lookup         api.duty warm p50/p99 (wall and CPU) over 2,000 varied lines, origins, dates and
                 metal values: new questions (the scalar path) and repeated ones (the process-wide
                 engine's answers), after ENGINE.warm() (its seconds reported as warmup_s)
  cli_cold       `tariffline duty` in a fresh interpreter, the compiled policy on disk (median of 5; its
                 ratios to `tariffline --help` and `python -c "import polars"` of the same run as
                 cold_x_help, cold_x_import_polars; the compiled policy's build seconds and size)
  dask           the Dask batch on 2 local worker processes, the ledger in 4 Parquet parts
  etr_japan      Japan's daily ETR series 2018 -> --etr-end (benchmarks/bench_etr.py)

    .venv/bin/python benchmarks/bench_scale.py [--rows 1000000] [--big-rows 10000000] [--only floor,lookup]

``--big-rows`` adds the floors and both batches on a second, larger ledger, and prints each
batch's peak memory on the larger ledger over that on the smaller one (the streamed batch's goal:
within 1.5x for 10M over 1M rows; issue 10). Ratios are case wall / floor wall on the same rows;
on a shared machine they move with the load: ``--repeat N`` runs the floors and the batches N
times, interleaved (floor, batch, floor, batch, ...), and reports each one's median seconds (the
largest peak), so that a burst of load on the machine falls on both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH_CASES = ("floor", "floor_csv", "batch_parquet", "batch_csv")  # also run on --big-rows
ORIGINS = ["JP", "CN", "DE", "KR", "MX", "CA", "GB", "VN", "IN", "BR", "FR", "IT", "TW", "TH", "CH"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _codes() -> list[str]:
    import polars as pl

    from tariffline.hts.loader import load_edition

    return load_edition("hts_2026_rev4").lines.filter(
        (pl.col("level") == 10) & ~pl.col("hts").str.starts_with("98")
        & ~pl.col("hts").str.starts_with("99"))["hts"].to_list()


def make_ledger(rows: int, path: Path) -> None:
    """A synthetic ledger: random lines, origins, dates 2018-2026, values, some quantities."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(10)
    codes = _codes()
    days = (dt.date(2026, 11, 30) - dt.date(2018, 1, 1)).days
    pl.DataFrame({
        "hts": pl.Series(codes).gather(rng.integers(0, len(codes), rows)),
        "origin": pl.Series(ORIGINS).gather(rng.integers(0, len(ORIGINS), rows)),
        "entry_date": pl.Series(rng.integers(0, days, rows) + (dt.date(2018, 1, 1) - dt.date(1970, 1, 1)).days
                                ).cast(pl.Int32).cast(pl.Date),
        "value": np.round(rng.lognormal(8, 1.5, rows), 2),
        "quantity": np.round(rng.lognormal(3, 1, rows), 1),
    }).write_parquet(path)


def floor_tables() -> tuple:
    """The floor's rate per line and (origin, change point) table, built before timing."""
    import polars as pl

    from tariffline.policy.loader import load_policy

    codes = _codes()
    rates = pl.DataFrame({"hts10": [c.replace(".", "") for c in codes],
                          "adv": [(i % 17) / 100 for i in range(len(codes))]}).lazy()
    days = sorted(set(load_policy().change_dates()) | {dt.date(2018, 1, 1)})
    points = pl.DataFrame({"origin": [o for o in ORIGINS for _ in days], "entry_date": days * len(ORIGINS),
                           "extra": [(i % 5) / 20 for i in range(len(days) * len(ORIGINS))]}
                          ).sort("entry_date").lazy()
    return rates, points


def floor(ledger: Path, out: Path, rates, points) -> None:
    import polars as pl

    scan = (pl.scan_csv(ledger, try_parse_dates=True, schema_overrides={"hts": pl.Utf8})
            if ledger.suffix == ".csv" else pl.scan_parquet(ledger))
    (scan
     .with_columns(pl.col("hts").str.replace_all(".", "", literal=True).alias("hts10"))
     .join(rates, on="hts10", how="left")
     .sort("entry_date")
     .join_asof(points, on="entry_date", by="origin")
     .with_columns((pl.col("adv") * pl.col("value") + pl.col("extra") * pl.col("value")).alias("duty"))
     .sink_parquet(out))


def lookup() -> dict:
    """api.duty p50/p99: 2,000 new questions (lines, origins, dates, amounts all varied) after a
    warm-up that reads the editions, then the same questions again (the answer cache)."""
    import random

    from tariffline import api
    from tariffline.engine.lookup import ENGINE
    from tariffline.errors import TariffLineError

    random.seed(10)
    codes = _codes()
    qs = [(random.choice(codes), random.choice(ORIGINS),
           dt.date(2018, 1, 1) + dt.timedelta(days=random.randrange(3190)),
           random.choice([1000.0, 2500.0, 30000.0]), random.choice([None, 0.0, 100.0]))
          for _ in range(2000)]
    t0 = time.perf_counter()
    warm_s = ENGINE.warm()
    api.duty("8703.23.01", origin="JP", date=dt.date(2025, 10, 1))
    warm_total = time.perf_counter() - t0

    def timed() -> tuple[list[float], list[float], int]:
        wall, cpu, errors = [], [], 0
        for h, o, d, v, metal in qs:
            t, c = time.perf_counter(), time.thread_time()
            try:
                api.duty(h, origin=o, date=d, value=v, quantity=10.0, unit_value=5.0, metal_value=metal)
            except TariffLineError:
                errors += 1
            cpu.append(time.thread_time() - c)
            wall.append(time.perf_counter() - t)
        return sorted(wall), sorted(cpu), errors

    (new, new_cpu, errors), (again, again_cpu, _) = timed(), timed()
    pct = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000  # noqa: E731
    # wall time includes waiting for a core on a loaded machine; CPU time is the lookup's own work
    return {"warmup_s": warm_total, "warm_editions_s": warm_s, "questions": len(qs), "refused": errors,
            "new_p50_ms": pct(new, .5), "new_p99_ms": pct(new, .99), "new_max_ms": pct(new, 1.0),
            "new_cpu_p50_ms": pct(new_cpu, .5), "new_cpu_p99_ms": pct(new_cpu, .99),
            "repeat_p50_ms": pct(again, .5), "repeat_p99_ms": pct(again, .99),
            "repeat_cpu_p99_ms": pct(again_cpu, .99)}


def _median_wall(argv: list[str], runs: int = 5) -> float:
    """Median wall seconds of ``argv`` run in a fresh process ``runs`` times."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def cli_cold() -> dict:
    """`tariffline duty` in a fresh interpreter (median of 5) once the compiled policy is on disk
    (a first run writes it), next to `tariffline --help` and `python -c "import polars"` measured
    here; the compiled policy's build time (in a fresh process) and size."""
    exe = str(Path(sys.executable).with_name("tariffline"))
    duty = [exe, "duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--value", "30000", "--json"]
    subprocess.run(duty, check=True, capture_output=True)  # writes the snapshot and pack if missing
    cold = _median_wall(duty)
    helps = _median_wall([exe, "--help"])
    polars = _median_wall([sys.executable, "-c", "import polars"])
    build = subprocess.run([sys.executable, "-c", """
import tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from tariffline.engine import policy_cache
from tariffline.policy.loader import load_policy
path = policy_cache.build(load_policy(), Path(tempfile.mkdtemp()))
print(time.perf_counter() - t0)
"""], check=True, capture_output=True, text=True)
    from tariffline.engine import policy_cache
    snap = policy_cache.load()
    packs = list((snap.directory / "editions").glob("*.pack")) if snap else []
    return {"seconds": cold, "cold_help_s": helps, "cold_import_polars_s": polars,
            "cold_x_help": cold / helps, "cold_x_import_polars": cold / polars,
            "cold_build_s": float(build.stdout.split()[-1]),
            "cold_snapshot_mb": (snap.directory / "snapshot.pickle").stat().st_size / 1e6 if snap else None,
            "cold_pack_mb": max((p.stat().st_size for p in packs), default=0) / 1e6}


def case(name: str, ledger: str, work: str, etr_end: str) -> dict:
    t0 = time.perf_counter()
    extra: dict = {}
    if name in ("floor", "floor_csv"):
        tables = floor_tables()
        t0 = time.perf_counter()
        floor(Path(ledger), Path(work) / "floor.parquet", *tables)
    elif name in ("batch_parquet", "batch_csv"):
        # timed from after the import, as the floor is (its modules and tables made before its
        # clock starts); the import's seconds are reported beside (import_s)
        from tariffline import api
        extra["import_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        api.batch(ledger, Path(work) / ("out.parquet" if name == "batch_parquet" else "out.csv"))
    elif name == "batch_io":
        import polars as pl

        from tariffline import api
        from tariffline.engine.ledger_read import open_ledger
        from tariffline.engine.ledger_write import ChunkedOutput
        api.batch(ledger, Path(work) / "out.parquet")
        # its text columns of few values as Categorical, as the engine gives them to the writer
        result = pl.read_parquet(Path(work) / "out.parquet").with_columns(
            pl.col("hts_line", "description", "edition", "notes", "flags").cast(pl.Categorical))
        t0 = time.perf_counter()
        for _ in open_ledger(ledger).chunks:
            pass
        with ChunkedOutput(Path(work) / "again.parquet") as w:
            for i in range(0, result.height, 200_000):
                w.write(result.slice(i, 200_000))
    elif name == "schedule":
        import polars as pl

        from tariffline.engine import compute_duties
        codes = _codes()
        compute_duties(pl.DataFrame({"hts": codes, "origin": ["JP"] * len(codes),
                                     "entry_date": [dt.date(2025, 10, 1)] * len(codes),
                                     "value": [1000.0] * len(codes)}), missing_quantity="ave_estimate")
    elif name == "lookup":
        extra = lookup()
    elif name == "cli_cold":
        extra = cli_cold()
    elif name == "dask":
        import polars as pl
        from distributed import Client, LocalCluster

        from tariffline.engine.dask_batch import run_dask
        parts = Path(work) / "parts"
        parts.mkdir()
        frame = pl.read_parquet(ledger)
        step = -(-frame.height // 4)
        for i in range(4):
            frame.slice(i * step, step).write_parquet(parts / f"p{i}.parquet")
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cl, Client(cl) as c:
            t0 = time.perf_counter()
            run_dask(parts, Path(work) / "dask_out", client=c)
    elif name == "etr_japan":
        sys.path.insert(0, str(Path(__file__).parent))
        import bench_etr
        bench_etr.main(["--end", etr_end, "--skip-compare"])
    return {"case": name, "seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), **extra}


def _run(name: str, ledger: Path, etr_end: str) -> dict:
    with tempfile.TemporaryDirectory() as work:
        proc = subprocess.run([sys.executable, __file__, "--case", name, "--ledger", str(ledger),
                               "--work", work, "--etr-end", etr_end], capture_output=True, text=True)
    if proc.returncode:
        return {"case": name, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    """The run of median seconds (of an even count, the upper), with the largest peak and the
    count of runs; a failed run is reported as it is."""
    failed = [r for r in runs if "seconds" not in r]
    if failed:
        return failed[0]
    ranked = sorted(runs, key=lambda r: r["seconds"])
    return {**ranked[len(ranked) // 2], "peak_mb": max(r["peak_mb"] for r in runs), "runs": len(runs)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--big-rows", type=int, default=0)
    p.add_argument("--only", default="")
    p.add_argument("--etr-end", default="2026-08-21")
    p.add_argument("--repeat", type=int, default=1, help="runs of the floors and batches, interleaved (medians)")
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--ledger", help=argparse.SUPPRESS)
    p.add_argument("--work", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.case:
        print(json.dumps(case(a.case, a.ledger, a.work, a.etr_end)))
        return
    names = ["floor", "floor_csv", "batch_parquet", "batch_io", "batch_csv", "schedule", "lookup", "cli_cold", "dask",
             "etr_japan"]
    names = [n for n in names if not a.only or n in a.only.split(",")]
    floor_of = {"batch_csv": "floor_csv", "floor_csv": "floor_csv"}  # the rest: "floor"
    sizes = [a.rows] + ([a.big_rows] if a.big_rows else [])
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for rows in sizes:
            ledger = Path(tmp) / f"ledger_{rows}.parquet"
            make_ledger(rows, ledger)
            todo = names if rows == a.rows else [n for n in names if n in BATCH_CASES]
            todo = list(dict.fromkeys([floor_of.get(n, "floor") for n in todo] + todo))
            if any(n in floor_of for n in todo):
                import polars as pl
                pl.scan_parquet(ledger).sink_csv(ledger.with_suffix(".csv"))
            runs: dict[str, list[dict]] = {n: [] for n in todo}
            for i in range(max(a.repeat, 1)):  # (interleaved: a burst of load falls on floor and case alike)
                for n in todo:
                    if i == 0 or n in BATCH_CASES:
                        runs[n].append(_run(n, ledger.with_suffix(".csv") if n in floor_of else ledger, a.etr_end))
            res = {n: _median(r) for n, r in runs.items()}
            for n, r in res.items():
                base = res[floor_of.get(n, "floor")].get("seconds")
                r["rows"], r["ratio"] = rows, (r["seconds"] / base if base and "seconds" in r else None)
                results.append(r)
            for p in Path(tmp).iterdir():
                p.unlink()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (the machine may be shared)"
          + (f"; floors and batches: median of {a.repeat} interleaved runs" if a.repeat > 1 else ""))
    print(f"{'case':<14}{'rows':>11}{'seconds':>10}{'x floor':>9}{'peak MB':>9}  other")
    for r in results:
        other = ({k: round(v, 3) for k, v in r.items()
                  if k.endswith(("_ms", "warmup_s", "import_s")) or k.startswith("cold_") or k == "refused"}
                 or r.get("error", ""))
        print(f"{r['case']:<14}{r['rows']:>11,}{r.get('seconds', float('nan')):>10.2f}"
              f"{r['ratio'] or float('nan'):>9.1f}{r.get('peak_mb', float('nan')):>9.0f}  {other or ''}")
    if a.big_rows:
        peak = {(r["case"], r["rows"]): r.get("peak_mb") for r in results}
        for n in [n for n in names if n in BATCH_CASES]:
            small, big = peak.get((n, a.rows)), peak.get((n, a.big_rows))
            if small and big:
                print(f"peak memory {n}: {a.big_rows:,} rows / {a.rows:,} rows = {big / small:.2f}x "
                      f"(goal for the streamed batch: <= 1.5x)")


if __name__ == "__main__":
    main()
