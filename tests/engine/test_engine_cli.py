"""The duty/timeline/batch command line: readable output, JSON keys, exit codes, atomic writes."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tariffline.cli.app import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_duty_json_keys(capsys):
    code, out, _ = run(capsys, "duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01",
                       "--value", "30000", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total_rate"] == pytest.approx(0.15)
    assert data["total_duty"] == pytest.approx(4500)
    for layer in data["layers"]:
        assert {"authority", "heading", "rate", "amount", "citation"} <= set(layer)
    assert [la["heading"] for la in data["layers"]] == ["8703.23.01", "9903.94.41"]


def test_duty_table(capsys):
    code, out, _ = run(capsys, "duty", "8704.31.01", "--origin", "JP", "--date", "2025-06-01", "--value", "40000")
    assert code == 0
    assert "9903.94.01" in out and "50.00%" in out and "Proclamation 10908" in out


@pytest.mark.parametrize("args,needle", [
    (["duty", "87.03", "--origin", "JP", "--date", "2025-10-01"], "malformed"),
    (["duty", "8703.23.01", "--origin", "Narnia", "--date", "2025-10-01"], "unknown origin"),
    (["duty", "8703.23.01", "--origin", "JP", "--date", "2016-01-01"], "before the data's coverage"),
    (["duty", "2204.21.50", "--origin", "JP", "--date", "2024-01-01"], "quantity"),
    (["timeline", "8703.23.01", "--origin", "JP", "--start", "2026-01-01", "--end", "2025-01-01"], "before start"),
])
def test_errors_are_one_line(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 1
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 3


def test_timeline_json(capsys):
    code, out, _ = run(capsys, "timeline", "8703.23.01", "--origin", "JP", "--start", "2018-01-01",
                       "--end", "2026-12-31", "--json")
    assert code == 0
    points = json.loads(out)
    assert [p["date"] for p in points] == ["2018-01-01", "2025-04-03", "2025-09-16"]


def test_batch_csv_keeps_bad_rows(capsys, tmp_path):
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "hts,country,date,value,quantity\n"
        "8703.23.01,JP,2025-10-01,30000,\n"
        "8703.23.01,JP,2025-10-01,abc,\n"
        "2204.21.50,Japan,2024-06-01,1000,100\n"
        "2204.21.50,JP,2024-06-01,1000,\n"
        "9503.00.00,JP,2025-02-30,1000,\n")
    out = tmp_path / "out.csv"
    code, stdout, _ = run(capsys, "batch", str(ledger), "-o", str(out))
    assert code == 3  # some rows carry an error: output written, exit 3 (README, batch)
    res = pl.read_csv(out)
    assert res.height == 5
    errs = res["error"].to_list()
    assert errs[0] is None and "not a number" in errs[1] and errs[2] is None
    assert "quantity" in errs[3] and "not a date" in errs[4]
    assert res["total_duty"][0] == pytest.approx(4500)
    assert res["headings"][0] == "8703.23.01;9903.94.41"


def test_batch_parquet_and_layers(capsys, tmp_path):
    ledger = tmp_path / "l.parquet"
    pl.DataFrame({"hts": ["9503.00.00"] * 3, "origin": ["JP"] * 3,
                  "entry_date": ["2025-04-09", "2025-10-01", "2026-03-10"],
                  "value": [100.0, 100.0, 100.0]}).write_parquet(ledger)
    out, layers = tmp_path / "o.parquet", tmp_path / "layers.csv"
    code, _, _ = run(capsys, "batch", str(ledger), "-o", str(out), "--layers", str(layers))
    assert code == 0
    assert pl.read_parquet(out)["total_rate"].round(4).to_list() == [0.24, 0.15, 0.10]
    assert pl.read_csv(layers).height == 6


def test_batch_missing_column_is_clear(capsys, tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("hts,value\n8703.23.01,5\n")
    out = tmp_path / "o.csv"
    code, _, err = run(capsys, "batch", str(ledger), "-o", str(out))
    assert code == 1 and "lacks column" in err
    assert not out.exists()
