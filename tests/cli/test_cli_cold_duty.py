"""A cold `tariffline duty` answers from the compiled policy on disk (engine.policy_cache) without
importing Polars or the vectorised engine, and prints exactly what the full path prints: the same
JSON, the same table, the same one-line errors and exit codes. The full path is forced by naming
an (empty) editions manifest, which the snapshot's key does not cover."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("polars", "numpy", "pyarrow", "tariffline.engine.compute", "tariffline.engine.signatures")
QUESTIONS = [
    ["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--value", "30000", "--json"],
    ["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--value", "30000"],
    ["duty", "8418.21.00", "--origin", "Japan", "--date", "2025-10-01", "--value", "10000", "--metal-value", "4000"],
    ["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01"],
    ["duty", "87.03", "--origin", "JP", "--date", "2025-10-01"],
    ["duty", "8703.23.01", "--origin", "Narnia", "--date", "2025-10-01"],
    ["duty", "2204.21.50", "--origin", "JP", "--date", "2025-10-01", "--value", "1000"],
    ["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--value", "30000", "--as-known-on",
     "2025-08-01", "--json"],
    ["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01", "--as-known-on", "2025-08-01"],
]


def _run(argv: list[str], **env: str) -> tuple[int, str, str, list[str]]:
    """The command line in a fresh interpreter: exit code, stdout, stderr, heavy modules loaded."""
    code = f"""
import sys
from tariffline.cli.app import main
try:
    main({argv!r})
    rc = 0
except SystemExit as exc:
    rc = exc.code or 0
sys.stdout.flush()
print("\\n@@" + repr((rc, [n for n in {HEAVY!r} if n in sys.modules
                            and type(sys.modules[n]).__name__ != "_LazyModule"])))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    stdout, _, tail = out.stdout.rpartition("\n@@")
    rc, loaded = eval(tail)  # noqa: S307 - our own repr of (int, list of str)
    return rc, stdout, out.stderr, loaded


@pytest.fixture(scope="module")
def full_path_env(tmp_path_factory) -> dict:
    manifest = tmp_path_factory.mktemp("manifest") / "editions.yaml"
    manifest.write_text("[]\n")
    return {"TARIFFLINE_HTS_EDITIONS": str(manifest)}


@pytest.mark.parametrize("argv", QUESTIONS, ids=[" ".join(q[1:]) for q in QUESTIONS])
def test_cold_duty_prints_what_the_full_path_prints(argv, full_path_env):
    _run(argv)  # writes the snapshot and the edition's pack if they are missing
    rc, out, err, loaded = _run(argv)
    rc_full, out_full, err_full, loaded_full = _run(argv, **full_path_env)
    assert (rc, out, err) == (rc_full, out_full, err_full)
    assert "polars" in loaded_full or rc_full != 0
    if rc == 0:
        assert loaded == []  # answered from the snapshot: no Polars, no vectorised engine


def test_cold_duty_golden_value():
    # EO 14345 (HTS 9903.94.41): 15% all-in on Japanese passenger cars entered 1 Oct 2025
    rc, out, _, _ = _run(QUESTIONS[0])
    assert rc == 0 and json.loads(out)["total_duty"] == pytest.approx(4500.0)
