"""The `tariffline japan` commands: output, JSON shape, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

from tariffline.cli.app import main


def run(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_rate_json(capsys):
    code, out, _ = run(["japan", "rate", "0201.30", "--from", "US", "--date", "2026-06-01", "--json"], capsys)
    assert code in (0, None)
    data = json.loads(out)
    assert {d["line"] for d in data} == {"020130010", "020130020", "020130030", "020130090"}
    assert all(d["rate"] == pytest.approx(0.208) and d["program"] == "USJTA" for d in data)


def test_rate_table_and_compare(capsys):
    code, out, _ = run(["japan", "rate", "0201.30.010", "--from", "AUS", "--date", "2021-03-20"], capsys)
    assert code in (0, None) and "CPTPP" in out and "25.8%" in out
    code, out, _ = run(["japan", "compare", "0201.30.010", "--date", "2025-06-01", "--origins", "AU,EU,CN",
                        "--json"], capsys)
    data = json.loads(out)[0]["origins"]
    assert list(data) == ["US", "AU", "EU", "CN"] and data["EU"]["rate"] == pytest.approx(0.217)


def test_parity_writes_csv_atomically(tmp_path, capsys):
    dest = tmp_path / "parity.csv"
    code, out, _ = run(["japan", "parity", "--date", "2026-07-10", "--chapter", "02",
                        "--competitors", "AU,EU", "--out", str(dest)], capsys)
    assert code in (0, None) and "by competitor" in out
    assert dest.read_text().startswith("line,hs6,chapter")
    assert not list(tmp_path.glob("*.part"))


def test_safeguard_and_coverage(tmp_path, capsys):
    f = tmp_path / "imports.csv"
    rows = ["period,us_tonnes"] + [f"2020-{m:02d},20000" for m in range(4, 13)] + \
           ["2021-01,20000", "2021-02,20000", "2021-03,22229"]
    f.write_text("\n".join(rows))
    code, out, _ = run(["japan", "safeguard", "--fiscal-year", "2020", "--imports", str(f)], capsys)
    assert code in (0, None) and "safeguard triggers" in out and "2021-03-18" in out
    code, out, _ = run(["japan", "coverage", "--json"], capsys)
    data = json.loads(out)
    assert data["coverage"] >= 0.99 and data["usjta"]["lines_with_usjta_rate"] == 606


@pytest.mark.parametrize("args,msg", [
    (["japan", "rate", "9999", "--from", "US", "--date", "2025-06-01"], "not in Japan's tariff schedule"),
    (["japan", "rate", "0201", "--from", "KP", "--date", "2025-06-01"], "no known program"),
    (["japan", "rate", "0201", "--from", "US", "--date", "2019-06-01"], "before 2020-01-01"),
    (["japan", "rate", "0201", "--from", "US", "--date", "June 1"], "not a date"),
    (["japan", "rate", "8703.23", "--from", "US", "--date", "2030-06-01"], "no staging rule"),
    (["japan", "rate", "0201", "--from", "US", "--date", "2025-06-01", "--unit-value", "kg"], "UNIT=YEN"),
    (["japan", "rate", "0201", "--from", "US", "--date", "2025-06-01", "--quota", "maybe"], "quota"),
    (["japan", "safeguard", "--fiscal-year", "2024", "--imports", "/nonexistent.csv"], "cannot read"),
    (["japan", "parity", "--date", "2030-06-01"], "parity needs a schedule edition"),
    (["japan", "coverage", "--edition", "nope"], "unknown edition"),
])
def test_errors_are_one_line(args, msg, capsys):
    code, out, err = run(args, capsys)
    assert code == 1 and msg in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_subprocess_error_is_one_line():
    proc = subprocess.run([sys.executable, "-c", "from tariffline.cli.app import main; main()",
                           "japan", "rate", "0201.30", "--from", "KP", "--date", "2025-06-01"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no known program for origin KP")
