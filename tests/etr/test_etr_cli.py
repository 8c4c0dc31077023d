"""`tariffline etr` and `tariffline coverage`: JSON keys, charts, and one-line errors."""

from __future__ import annotations

import json

import pytest

from tariffline.cli.app import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code or 0, out.out, out.err


def test_etr_json_has_the_issue_keys(capsys):
    code, out, _ = run(["etr", "--origin", "JP", "--date", "2025-10-01", "--by", "authority", "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert {"etr", "by_authority", "imports", "duties", "basket_year"} <= set(d)
    assert 0 < d["etr"] < 1 and d["basket_year"] == 2024


def test_etr_table_by_chapter(capsys):
    code, out, _ = run(["etr", "--origin", "JP", "--date", "2025-10-01", "--by", "chapter"], capsys)
    assert code == 0 and "by chapter" in out and "87" in out


def test_etr_series_writes_a_chart(tmp_path, capsys):
    png = tmp_path / "jp.png"
    code, out, _ = run(["etr", "--origin", "JP", "--start", "2025-01-01", "--end", "2025-12-31",
                        "--chart", str(png), "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["chart"] == str(png) and png.read_bytes()[:4] == b"\x89PNG"
    assert d["points"][0]["date"] == "2025-01-01" and d["authorities"]


def test_coverage_usjta_json(capsys):
    code, out, _ = run(["coverage", "usjta", "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["lines"] == 257 and 0 < d["import_share"] < 0.1


@pytest.mark.parametrize("argv,msg", [
    (["etr", "--origin", "Atlantis", "--date", "2025-10-01"], "unknown origin 'Atlantis'"),
    (["etr", "--origin", "JP", "--date", "2025-02-30"], "not a date"),
    (["etr", "--origin", "JP", "--date", "2017-06-01"], "before the engine's coverage"),
    (["etr", "--origin", "JP"], "give --date"),
    (["etr", "--date", "2025-10-01"], "--origin is required"),
    (["etr", "--origin", "JP", "--date", "2025-10-01", "--start", "2025-01-01"], "not both"),
    (["etr", "--origin", "JP", "--start", "2025-01-01"], "both --start and --end"),
    (["etr", "--origin", "JP", "--start", "2025-06-01", "--end", "2025-01-01"], "after end"),
    (["etr", "--origin", "JP", "--date", "2025-10-01", "--by", "country"], "--by 'country'"),
    (["etr", "--origin", "JP", "--date", "2025-10-01", "--chart", "x.png"], "--chart needs a series"),
    (["etr", "--origin", "JP", "--date", "2025-10-01", "--metal-share", "2"], "between 0 and 1"),
    (["etr", "--origin", "JP", "--start", "2025-01-01", "--end", "2025-02-01", "--chart", "x.pdf"],
     ".png or .svg"),
    (["etr", "--compare"], "--compare needs --date"),
    (["coverage", "usjta", "--edition", "hts_1999"], "unknown HTS edition"),
])
def test_bad_input_is_one_clean_line(argv, msg, capsys):
    code, out, err = run(argv, capsys)
    assert code == 1
    assert msg in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # one message (Rich may wrap a long line once)


def test_year_without_trade_data_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    code, _, err = run(["etr", "--origin", "JP", "--date", "2025-10-01", "--basket-year", "2023"], capsys)
    assert code == 1
    assert "no Census import data for 2023" in err and "TARIFFLINE_OFFLINE" in err
