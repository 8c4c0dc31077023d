"""The HTTP answers' JSON (orjson, web/encoding.py) against the CLI's ``--json`` encoder
(cli/output.print_json), which defines the encoding: parsed back, the two are equal for any data,
including NaN/inf (null), dates (ISO text), pydantic models, integers beyond 64 bits and non-string
keys (the last two go through the CLI's encoder). The law's currency, computed once per process,
gives the CLI's fields. And `tariffline serve --workers 2 --no-access-log` starts and answers in
a real process.

Expected values: the CLI's own output for the same data (an independent encoder, the standard
library's json), and the golden duty case (8703.23.01 from Japan on 2025-10-01: 15%, EO 14345).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from typer.testing import CliRunner

from tariffline.cli.app import app as cli_app
from tariffline.cli.output import print_json
from tariffline.web.encoding import dumps


class _Model(BaseModel):
    name: str
    rate: float
    day: dt.date


def _cli(data) -> object:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print_json(data)
    return json.loads(buf.getvalue())


_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
            | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
            | st.dates() | st.datetimes(timezones=st.none() | st.just(dt.timezone.utc))
            | st.builds(_Model, name=st.text(max_size=5), rate=st.floats(allow_nan=True), day=st.dates()))
_keys = st.text(max_size=8) | st.integers(min_value=-5, max_value=5)
_data = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                     | st.dictionaries(_keys, inner, max_size=5), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_data)
def test_http_json_parses_equal_to_the_clis(data):
    assert json.loads(dumps(data)) == _cli(data)


def test_huge_structure_and_empty_values():
    big = {"rows": [{"rate": i / 7, "day": dt.date(2025, 1, 1) + dt.timedelta(days=i % 400),
                     "nan": float("nan")} for i in range(20_000)], "empty": {}, "none": [], "s": ""}
    assert json.loads(dumps(big)) == _cli(big)


def test_japan_rate_without_origin_gives_the_clis_message(client):
    res = CliRunner().invoke(cli_app, ["japan", "rate", "0201.30", "--date", "2026-06-01"])
    assert res.exit_code != 0
    r = client.get("/api/japan/rate?hs=0201.30&date=2026-06-01")
    assert r.status_code == 400 and r.json() == {"error": str(res.exception)}


def test_law_fields_equal_the_clis_once_computed(client):
    """The currency computed once per process gives the CLI's fields (days before and after it)."""
    from tariffline.cli.law_footer import law_fields as cli_fields
    from tariffline.web.health import law_fields
    for day in ("2025-10-01", "2030-01-01"):
        assert law_fields(day) == cli_fields(day)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_two_workers_answers_the_golden_case():
    port = _free_port()
    exe = Path(sys.executable).with_name("tariffline")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "2", "--no-access-log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        r = httpx.get(base + "/api/duty", params={"hts": "8703.23.01", "origin": "JP", "date": "2025-10-01"},
                      timeout=120)
        assert r.status_code == 200
        body = r.json()
        assert body["total_rate"] == 0.15
        assert all(layer["citation"] for layer in body["layers"])
        bad = httpx.get(base + "/api/duty", params={"hts": "nonsense", "origin": "JP", "date": "2025-10-01"},
                        timeout=60)
        assert 400 <= bad.status_code < 500 and set(bad.json()) == {"error"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
