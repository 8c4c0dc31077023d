"""Two concurrent add-event writers lose nothing (issue 9: 40% of events were lost before).

Each writer is a separate process adding 200 events to the same log; afterwards the log holds
all 400, each a valid line, and re-reading it against the rules succeeds.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tariffline.commitments import events_store
from tariffline.commitments.loader import load_rules
from tariffline.errors import InputError

import pytest

N = 200
_WRITER = """
import sys
from tariffline.commitments import events_store
tag, log = sys.argv[1], sys.argv[2]
for i in range({n}):
    events_store.add_event({{
        "id": f"conc_{{tag}}_{{i}}", "date": "2026-04-10", "type": "investment",
        "title": "concurrency test", "commitment": "jp_invest_550bn", "amount": 0.001,
        "unit": "USD_bn", "source": "test", "confidence": "confirmed"}}, log)
"""


def test_two_processes_200_events_each_all_kept(tmp_path):
    log = tmp_path / "events.jsonl"
    code = _WRITER.format(n=N)
    procs = [subprocess.Popen([sys.executable, "-c", code, tag, str(log)]) for tag in ("a", "b")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    lines = log.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(lines) == 2 * N
    assert set(ids) == {f"conc_{t}_{i}" for t in "ab" for i in range(N)}
    book = events_store.read_log(log, load_rules())
    assert len(book.events) == len(load_rules().events) + 2 * N


def test_refused_event_leaves_log_byte_identical(tmp_path):
    log = tmp_path / "events.jsonl"
    good = {"id": "e1", "date": "2026-04-10", "type": "investment", "title": "t",
            "commitment": "jp_invest_550bn", "amount": 1.0, "unit": "USD_bn", "source": "s",
            "confidence": "confirmed"}
    events_store.add_event(good, log)
    before = log.read_bytes()
    with pytest.raises(InputError):
        events_store.add_event(good, log)  # same id again
    with pytest.raises(InputError):
        events_store.add_event(good | {"id": "e2", "commitment": "no_such"}, log)
    assert log.read_bytes() == before
