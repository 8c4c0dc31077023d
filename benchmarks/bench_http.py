"""HTTP load benchmark: start `tariffline serve` on loopback, run a bounded load of concurrent
clients on /api/duty over varied lines and dates, and report requests/s, p50/p99 latency,
errors (must be 0) and the server's peak memory (its max RSS, read from /proc).

Also reports /api/health under the same load as the floor (the cost of the HTTP stack alone),
so the duty figures can be read as ratios to it, measured in the same run.

Usage: python benchmarks/bench_http.py [--clients 32] [--seconds 60] [--port 8765]
Goal (issue 12): p99 under 50 ms for a single lookup on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

LINES = ["8703.23.01", "9503.00.00", "8418.21.00", "8207.13.00", "8471.30.01", "6109.10.00",
         "0201.30.02", "8708.99.81", "7208.51.00", "3004.90.92"]
DATES = ["2018-06-01", "2019-12-01", "2024-01-15", "2025-04-10", "2025-08-07", "2025-10-01", "2026-03-31"]


def _queries(path: str):
    if path != "/api/duty":
        return itertools.repeat((path, {}))
    return itertools.cycle([(path, {"hts": h, "origin": o, "date": d, "value": 10000})
                            for h in LINES for d in DATES for o in ("JP", "CN", "DE")])


async def _load(base: str, path: str, clients: int, seconds: float) -> dict:
    lat, errors, queries = [], 0, _queries(path)
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient):
        nonlocal errors
        while time.perf_counter() < deadline:
            url, params = next(queries)
            t0 = time.perf_counter()
            try:
                r = await client.get(url, params=params)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            lat.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()
    pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1) if lat else None  # noqa: E731
    return {"path": path, "requests": len(lat), "requests_per_s": round(len(lat) / wall, 1),
            "p50_ms": pick(0.50), "p99_ms": pick(0.99), "errors": errors}


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("tariffline")
    server = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        floor = asyncio.run(_load(base, "/api/health", args.clients, min(10.0, args.seconds)))
        duty = asyncio.run(_load(base, "/api/duty", args.clients, args.seconds))
        peak = _peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = (round(duty["p50_ms"] / floor["p50_ms"], 1)
             if duty["p50_ms"] and floor["p50_ms"] else None)
    print(json.dumps({"clients": args.clients, "seconds": args.seconds, "floor_health": floor,
                      "duty": duty, "duty_p50_over_floor_p50": ratio, "server_peak_rss_mb": peak,
                      "goal": "p99 < 50 ms for one lookup on 2 cores; errors 0"}, indent=2))


if __name__ == "__main__":
    main()
