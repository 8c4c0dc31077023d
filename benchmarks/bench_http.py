"""HTTP load benchmark: start `tariffline serve` on loopback and run bounded loads on /api/duty
over varied lines, origins and dates, each against a floor measured in the same run: the same
load on /api/health (the cost of the HTTP stack alone, no work).

Loads (after a warm-up that sends every query on every connection, twice, then a few seconds of
load, so the answers come from each worker's engine cache):
  closed   N concurrent clients, each sending its next request when the last answer arrives
  open     a fixed arrival rate (e.g. 100, 200, 400 requests/s), whatever the answers' pace;
           latency is counted from each request's scheduled time, so queueing is not hidden

For each: requests/s, p50/p99/max latency, errors (must be 0) and the server's CPU time per
request (its cost, which other load on a shared machine changes far less than latency); for the
run: the server's peak memory (VmHWM of each of its processes) and the load generator's CPU per
request.

The load generator is this process (the server is another one, with its own GIL): one asyncio
loop with keep-alive connections that writes raw GET requests and parses the answers with
httptools (llhttp, the C parser uvicorn uses): ~0.1 ms of CPU per request where httpx's
AsyncClient spent ~1.6 ms (measured on the same server), leaving the 2 cores to the server.

Usage: python benchmarks/bench_http.py [--workers 2] [--clients 32] [--rates 100,200,400]
                                       [--seconds 15] [--warmup 3] [--port 8765]
Goal (issue 12): p99 under 50 ms for a single lookup on 2 cores; errors 0.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import httptools

LINES = ["8703.23.01", "9503.00.00", "8418.21.00", "8207.13.00", "8471.30.01", "6109.10.00",
         "0201.30.02", "8708.99.81", "7208.51.00", "3004.90.92"]
DATES = ["2018-06-01", "2019-12-01", "2024-01-15", "2025-04-10", "2025-08-07", "2025-10-01", "2026-03-31"]
ORIGINS = ["JP", "CN", "DE"]
MAX_OPEN_CONNECTIONS = 256  # the open-loop pool: beyond it requests wait (and the wait is counted)


def _targets(path: str) -> list[bytes]:
    if path != "/api/duty":
        return [path.encode()]
    return [f"{path}?{urllib.parse.urlencode({'hts': h, 'origin': o, 'date': d, 'value': 10000})}".encode()
            for h in LINES for d in DATES for o in ORIGINS]


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: one request at a time, the status of each answer."""

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None

    @classmethod
    async def open(cls, port: int) -> _Connection:
        _, conn = await asyncio.get_running_loop().create_connection(cls, "127.0.0.1", port)
        return conn

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._finish(exc)

    def on_message_complete(self) -> None:
        self._finish(self._parser.get_status_code())

    def connection_lost(self, exc) -> None:
        self._finish(exc or ConnectionError("connection closed"))

    def _finish(self, outcome) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            if isinstance(outcome, BaseException):
                waiter.set_exception(outcome)
            else:
                waiter.set_result(outcome)

    async def get(self, target: bytes) -> int:
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return await self._waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0

    async def send(self, conn: _Connection, target: bytes, since: float) -> bool:
        """One request; latency from ``since``. False when the connection is no longer usable."""
        try:
            ok = await conn.get(target) == 200
        except (OSError, httptools.HttpParserError):
            ok = False
            conn.close()
            self.errors += 1
            self.latencies.append(time.perf_counter() - since)
            return False
        self.errors += not ok
        self.latencies.append(time.perf_counter() - since)
        return True

    def summary(self, wall: float) -> dict:
        lat = sorted(self.latencies)
        pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2)) if lat else (lambda q: None)
        return {"requests": len(lat), "requests_per_s": round(len(lat) / wall, 1), "p50_ms": pick(0.50),
                "p99_ms": pick(0.99), "max_ms": round(lat[-1] * 1000, 2) if lat else None,
                "errors": self.errors}


async def warm_up(port: int, clients: int) -> None:
    """Every duty query on every one of ``clients`` connections, so that each worker process
    (a connection stays with one) has answered each query once before anything is measured."""
    targets = _targets("/api/duty")

    async def client(offset: int) -> None:
        conn = await _Connection.open(port)
        for t in targets[offset:] + targets[:offset]:
            await conn.get(t)
        conn.close()

    await asyncio.gather(*(client(i * len(targets) // clients) for i in range(clients)))


async def closed_loop(port: int, path: str, clients: int, seconds: float) -> dict:
    """``clients`` connections, each sending its next request as soon as it has an answer."""
    tally, targets = _Tally(), itertools.cycle(_targets(path))
    conns = [await _Connection.open(port) for _ in range(clients)]
    t0 = time.perf_counter()
    deadline = t0 + seconds

    async def client(conn: _Connection) -> None:
        while time.perf_counter() < deadline:
            if not await tally.send(conn, next(targets), time.perf_counter()):
                conn = await _Connection.open(port)
        conn.close()

    await asyncio.gather(*(client(c) for c in conns))
    return {"load": f"closed, {clients} clients", **tally.summary(time.perf_counter() - t0)}


async def open_loop(port: int, path: str, rate: float, seconds: float) -> dict:
    """Requests at ``rate`` per second on a fixed schedule; a pool of keep-alive connections grows
    as needed (up to MAX_OPEN_CONNECTIONS); latency counts from each scheduled send time."""
    tally, targets = _Tally(), itertools.cycle(_targets(path))
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    opened = 0
    t0 = time.perf_counter()

    async def one(target: bytes, due: float) -> None:
        nonlocal opened
        if idle.empty() and opened < MAX_OPEN_CONNECTIONS:
            opened += 1
            conn = await _Connection.open(port)
        else:
            conn = await idle.get()
        if await tally.send(conn, target, due):
            idle.put_nowait(conn)
        else:
            opened -= 1

    tasks = []
    for i in range(int(rate * seconds)):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(next(targets), due)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()
    return {"load": f"open, {rate:g} req/s", "connections": opened,
            **tally.summary(time.perf_counter() - t0)}


def _server_pids(pid: int) -> list[int]:
    """The server's process and its workers (uvicorn's children)."""
    kids = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(c) for c in kids.read_text().split())] if kids.exists() else [pid]


def _server_cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) spent so far by the server's processes: the server's cost per
    request, which other load on the machine does not change much (unlike latency)."""
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def _server_peak_rss_mb(pid: int) -> dict:
    """VmHWM (peak resident memory) of the server and of each of its worker processes."""
    def hwm(p: int) -> float | None:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None

    peaks = {p: hwm(p) for p in _server_pids(pid)}
    return {"per_process": [v for v in peaks.values() if v is not None],
            "largest": max((v for v in peaks.values() if v is not None), default=None),
            "sum": round(sum(v for v in peaks.values() if v is not None), 1)}


def _start_server(port: int, workers: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("tariffline")
    return subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--no-access-log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())


def _wait_ready(port: int, server: subprocess.Popen) -> None:
    for _ in range(1200):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise SystemExit("the server did not start within 5 minutes")


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


async def _run(args, pids: list[int]) -> dict:
    port = args.port
    for _ in range(2):  # fresh connections the second time: a worker missed by the first is warmed
        await warm_up(port, args.clients)
    await closed_loop(port, "/api/duty", args.clients, args.warmup)
    await closed_loop(port, "/api/health", args.clients, args.warmup)
    loads = [("closed", args.clients)] + [("open", r) for r in args.rates]
    results = []
    cpu0 = time.process_time()
    sent = 0
    for kind, n in loads:
        pair = {}
        for path in ("/api/health", "/api/duty"):
            server_cpu = _server_cpu_s(pids)
            res = (await closed_loop(port, path, n, args.seconds) if kind == "closed"
                   else await open_loop(port, path, n, args.seconds))
            res["server_cpu_us_per_request"] = round(
                (_server_cpu_s(pids) - server_cpu) / max(res["requests"], 1) * 1e6, 1)
            sent += res["requests"]
            pair["floor_health" if path == "/api/health" else "duty"] = res
        pair["duty_over_floor"] = {"p50": _ratio(pair["duty"]["p50_ms"], pair["floor_health"]["p50_ms"]),
                                   "p99": _ratio(pair["duty"]["p99_ms"], pair["floor_health"]["p99_ms"])}
        results.append(pair)
    client_us = round((time.process_time() - cpu0) / max(sent, 1) * 1e6, 1)
    return {"loads": results, "load_generator_cpu_us_per_request": client_us}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (2 cores: 2)")
    ap.add_argument("--clients", type=int, default=32, help="closed-loop concurrent clients")
    ap.add_argument("--rates", default="100,200,400", help="open-loop arrival rates, requests/s")
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of each measured load")
    ap.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds before measuring")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    try:
        from uvloop import run
    except ImportError:
        run = asyncio.run
    server = _start_server(args.port, args.workers)
    try:
        _wait_ready(args.port, server)
        out = run(_run(args, _server_pids(server.pid)))
        peak = _server_peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps({"server_workers": args.workers, "cores": os.cpu_count(), "seconds_per_load": args.seconds,
                      **out, "server_peak_rss_mb": peak,
                      "goal": "p99 < 50 ms for one lookup on 2 cores; errors 0"}, indent=2))


if __name__ == "__main__":
    main()
