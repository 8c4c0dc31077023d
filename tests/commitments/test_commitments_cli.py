"""The command line: JSON fields, tables, one-line errors with exit 1, chart files."""

import json

import pytest

from tariffline.cli.app import main


def run(capsys, *argv):
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def log(tmp_path):
    return str(tmp_path / "events.jsonl")


def test_status_json_fields(capsys, log):
    code, out, _ = run(capsys, "commitments", "status", "--as-of", "2026-03-31", "--json",
                       "--events-file", log)
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    inv = rows["jp_invest_550bn"]
    assert {"id", "target", "delivered", "unit", "deadline", "pace"} <= set(inv)
    # announced: $36bn (Feb. 17) + up to $73bn (White House fact sheet, Mar. 19); 109 > 550*208/1233
    assert (inv["target"], inv["delivered"], inv["deadline"], inv["pace"]) == (550, 109, "2029-01-19", "on_pace")
    assert inv["funded"] is None  # no funding recorded: unknown, not zero
    assert rows["jp_boeing_100"]["delivered"] is None


def test_status_table_mentions_unknown(capsys, log):
    code, out, _ = run(capsys, "commitments", "status", "--as-of", "2026-03-31", "--events-file", log)
    assert code == 0 and "jp_invest_550bn" in out and "unknown" in out and "on_pace" in out
    assert "announced" in out and "funded" in out


def test_deadlines_json(capsys):
    code, out, _ = run(capsys, "commitments", "deadlines", "--as-of", "2026-03-31", "--days", "30",
                       "--json")
    assert code == 0
    assert any(r["ref"] == "cm_financing_6_months" for r in json.loads(out))


def test_events_timeline_kind_filter(capsys, log):
    code, out, _ = run(capsys, "events", "--start", "2026-02-01", "--end", "2026-03-31",
                       "--kind", "event", "--json", "--events-file", log)
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["kind"] for r in rows} == {"event"}


def test_agreements_table(capsys):
    code, out, _ = run(capsys, "commitments", "agreements", "--as-of", "2026-03-31", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["framework_2025"]["status"] == "partly_void"
    assert rows["usjta"]["status"] == "in_force"


def test_add_event_then_refuse_invalid_one(capsys, log, tmp_path):
    code, out, _ = run(capsys, "commitments", "add-event", "--id", "cli_event", "--date", "2026-04-01",
                       "--type", "investment", "--title", "Another project", "--commitment",
                       "jp_invest_550bn", "--amount", "5", "--unit", "USD_bn", "--source", "test",
                       "--confidence", "likely", "--events-file", log)
    assert code == 0 and "recorded cli_event" in out
    before = (tmp_path / "events.jsonl").read_bytes()
    code, out, err = run(capsys, "commitments", "add-event", "--id", "cli_event_2", "--date",
                         "2026-04-31", "--type", "investment", "--title", "x", "--source", "test",
                         "--confidence", "likely", "--events-file", log)
    assert code == 1
    assert err.count("\n") == 1 and "error:" in err and "date" in err and "Traceback" not in err
    assert (tmp_path / "events.jsonl").read_bytes() == before


@pytest.mark.parametrize("argv, message", [
    (["commitments", "status", "--as-of", "2026-02-30"], "not a date"),
    (["commitments", "deadlines", "--as-of", "2026-03-01", "--days", "-3"], "days"),
    (["events", "--end", "2026-01-01", "--kind", "gossip"], "unknown kind"),
    (["commitments", "chart", "--as-of", "2026-03-31", "--out", "x.pdf"], ".png or .svg"),
])
def test_errors_are_one_line(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.strip().count("\n") == 0 and message in err and "Traceback" not in err


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_chart_files(capsys, tmp_path, log, suffix, magic):
    out_file = tmp_path / f"chart{suffix}"
    code, out, _ = run(capsys, "commitments", "chart", "--as-of", "2026-03-31", "--out", str(out_file),
                       "--events-file", log)
    assert code == 0 and out_file.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    if suffix == ".svg":
        text = out_file.read_text()
        assert "announced" in text and "pledged" in text


def test_chart_refuses_per_year_commitment(capsys, tmp_path):
    code, _, err = run(capsys, "commitments", "chart", "--as-of", "2026-03-31", "--commitment",
                       "jp_ag_purchases_8bn", "--out", str(tmp_path / "c.png"))
    assert code == 1 and "no cumulative target" in err


def test_tables_show_brackets_literally(capsys, log):
    code, out, _ = run(capsys, "events", "--start", "2026-02-17", "--end", "2026-02-17", "--kind",
                       "event", "--events-file", log)
    assert code == 0 and "[part of" in out
