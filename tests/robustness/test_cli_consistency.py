"""CLI consistency (issue 9): one origin option, 'today' accepted and documented, tables within
80 columns, law currency in JSON and footer (issue 8)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from tariffline.cli.app import app
from tariffline.law import law_currency

runner = CliRunner()
ENV = {"COLUMNS": "80"}


def _ok(args):
    res = runner.invoke(app, args, env=ENV)
    assert res.exit_code == 0, (args, res.output, res.exception)
    return res.output


def test_japan_rate_origin_and_hidden_from_alias_agree():
    a = json.loads(_ok(["japan", "rate", "0201.30.010", "--origin", "US", "--date", "2026-06-01", "--json"]))
    b = json.loads(_ok(["japan", "rate", "0201.30.010", "--from", "US", "--date", "2026-06-01", "--json"]))
    assert a == b and a[0]["program"] == "USJTA"
    help_text = _ok(["japan", "rate", "--help"])
    assert "--origin" in help_text and "--from" not in help_text


def test_japan_rate_conflicting_origins_refused():
    res = runner.invoke(app, ["japan", "rate", "0201.30", "--origin", "JP", "--from", "US", "--date", "2026-06-01"])
    assert "disagree" in str(res.exception)


def test_japan_json_carries_schedule_edition_currency_and_english():
    rows = json.loads(_ok(["japan", "rate", "0201.30.010", "--origin", "US", "--date", "2026-06-01", "--json"]))
    # the rate is read from Japan Customs' schedule edition of 2026-07-09 (edition name 2026_07_09)
    assert rows[0]["edition"] == "2026_07_09" and rows[0]["law_current_through"] == "2026-07-09"
    assert "schedule edition" in rows[0]["law_currency_basis"]
    assert rows[0]["best"]["text_en"] == "20.8%"  # USJTA 2026 beef rate 20.8% (schedule text)


@pytest.mark.parametrize("args", [
    ["japan", "rate", "0201.30", "--origin", "US", "--date", "2026-06-01"],
    ["japan", "compare", "1701.99", "--date", "2026-06-01", "--origins", "AU,EU"],
    ["hts", "show", "8703"],
    ["hts", "search", "green", "tea", "--date", "2026-03-01"],
    ["commitments", "status", "--as-of", "2026-03-31"],
    ["commitments", "deadlines", "--as-of", "2026-03-01", "--days", "150"],
    ["commitments", "agreements", "--as-of", "2026-03-01"],
    ["events", "--start", "2025-01-01", "--end", "2025-12-31"],
    ["etr", "--origin", "JP", "--date", "2025-10-01", "--by", "chapter"],
])
def test_tables_fit_80_columns(args):
    out = _ok(args)
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert not too_wide, too_wide[:3]


@pytest.mark.parametrize("args", [
    ["japan", "rate", "0201.30", "--origin", "US", "--date", "today"],
    ["commitments", "status", "--as-of", "today"],
    ["commitments", "deadlines", "--as-of", "today", "--days", "30"],
    ["commitments", "agreements", "--as-of", "today"],
    ["events", "--end", "today"],
    ["hts", "search", "horses", "--date", "today"],
])
def test_today_accepted(args):
    _ok(args)


@pytest.mark.parametrize("args", [
    ["japan", "rate", "--help"], ["japan", "compare", "--help"], ["commitments", "status", "--help"],
    ["commitments", "deadlines", "--help"], ["events", "--help"], ["etr", "--help"],
    ["hts", "search", "--help"], ["timeline", "--help"],
])
def test_help_says_today(args):
    assert "today" in re.sub(r"\s+", " ", _ok(args))


def test_commitments_and_events_carry_law_currency():
    law = law_currency().current_through.isoformat()
    for args in (["commitments", "status", "--as-of", "2026-03-31", "--json"],
                 ["commitments", "deadlines", "--as-of", "2026-03-01", "--days", "150", "--json"],
                 ["events", "--start", "2025-01-01", "--end", "2025-12-31", "--json"]):
        rows = json.loads(_ok(args))
        assert rows and all(r["law_current_through"] == law for r in rows)
    assert f"U.S. law current through {law}" in _ok(["commitments", "status", "--as-of", "2026-03-31"])


def test_events_after_currency_warn():
    law = law_currency().current_through
    later = (law + dt.timedelta(days=1)).isoformat()
    rows = json.loads(_ok(["events", "--start", "2025-01-01", "--end", later, "--json"]))
    assert rows[0]["warnings"] and "currency date" in rows[0]["warnings"][0]
    on_the_day = json.loads(_ok(["events", "--start", "2025-01-01", "--end", law.isoformat(), "--json"]))
    assert on_the_day[0]["warnings"] == []


def test_etr_carries_law_currency():
    law = law_currency().current_through.isoformat()
    res = json.loads(_ok(["etr", "--origin", "JP", "--date", "2025-10-01", "--json"]))
    assert res["law_current_through"] == law and res["warnings"] == []
    out = _ok(["etr", "--origin", "JP", "--date", "2025-10-01"])
    assert f"U.S. law current through {law}" in out
