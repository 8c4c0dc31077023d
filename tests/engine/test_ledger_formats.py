"""Batch ledgers as brokers have them (issue 9): ACE/forwarder columns, --map, MM/DD/YYYY and
thousands separators, lenient CSV (ragged and Latin-1 lines in their own row), .xlsx in and out,
JSON/NDJSON out, header-only ledgers, bad output paths, fixed column order, umask, exit codes.

Duty figures: 8703.23.01 (cars) from Japan entered 1 Oct 2025 owe 15% all-in (EO 14345, HTS
9903.94.41, as in test_engine_cli); 9503.00.00 (toys, MFN free) from Japan on 1 Oct 2025 owe
15% (9903.02.73, EO 14345 Annex)."""

from __future__ import annotations

import json
import os
import random
import time

import polars as pl
import pytest

from tariffline import api
from tariffline.cli.app import main
from tariffline.engine.ledger import result_columns
from tariffline.errors import InputError

ACE_HEADER = ("Entry Summary Number,Entry Summary Line Number,HTS Number,Country of Origin Code,"
              "Entry Date,Line Tariff Goods Value Amount,Mode of Transportation Code\n")


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def ace_ledger(path):
    path.write_text(ACE_HEADER
                    + 'ABC-1234567-8,1,8703.23.01,JP,10/01/2025,"30,000",11\n'
                    + 'ABC-1234567-8,2,9503.00.00,JP,10/01/2025,"1,000.00",11\n')
    return path


def test_ace_csv_goes_through_unchanged(capsys, tmp_path):
    ledger, out = ace_ledger(tmp_path / "ace.csv"), tmp_path / "out.csv"
    code, stdout, _ = run(capsys, "batch", str(ledger), "-o", str(out))
    assert code == 0 and "0 with errors" in stdout
    res = pl.read_csv(out, infer_schema=False)
    user = pl.read_csv(ledger, infer_schema=False)
    assert res.select(user.columns).equals(user)  # the user's columns, unchanged, first
    assert res.columns == user.columns + result_columns(fees=False)
    assert [float(x) for x in res["total_duty"]] == pytest.approx([4500.0, 150.0])
    assert res["line"].to_list() == ["2", "3"]


def test_ace_csv_with_fees_groups_by_entry_and_reads_mode_codes(tmp_path):
    res = api.batch(ace_ledger(tmp_path / "ace.csv"), fees=True)
    # one entry of 31,000: MPF 107.38 (0.3464%) allocated 30:1; mode 11 = vessel: HMF 0.125%
    assert res["fee_mpf"].sum() == pytest.approx(31_000 * 0.003464)
    assert res["fee_hmf"].to_list() == pytest.approx([37.5, 1.25])
    assert res["total_owed"].sum() == pytest.approx(4650 + 31_000 * 0.003464 + 38.75)


def test_map_names_unrecognised_columns(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("Tariff No,Made In,When,Amount\n8703.23.01,JP,2025-10-01,30000\n")
    with pytest.raises(InputError, match="lacks column"):
        api.batch(ledger)
    res = api.batch(ledger, column_map="hts=Tariff No,origin=Made In,entry_date=When,value=Amount")
    assert res["total_duty"].to_list() == pytest.approx([4500.0])
    with pytest.raises(InputError, match="no such column"):
        api.batch(ledger, column_map="hts=Nope")
    with pytest.raises(InputError, match="not one of"):
        api.batch(ledger, column_map="colour=Amount")


def test_ragged_and_latin1_rows_stay_in_their_row(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_bytes(b"hts,origin,entry_date,value,note\n"
                       b"8703.23.01,JP,2025-10-01,30000,ok\n"
                       b"8703.23.01,JP,2025-10-01,30000,extra,field\n"
                       b"9503.00.00,JP,2025-10-01,1000,caf\xe9\n"
                       b"\n"
                       b"9503.00.00,JP,2025-10-01\n")
    res = api.batch(ledger)
    assert res.height == 4 and res["line"].to_list() == [2, 3, 4, 6]
    assert res["error"].to_list()[0] is None and res["error"][2] is None
    assert res["error"][1] == "line 3: 6 fields where the header has 5"
    assert res["error"][3] == "line 6: 3 fields where the header has 5"
    assert res["note"][2] == "café" and "line 4 is not UTF-8" in res["warnings"][2]
    assert res["total_duty"].to_list()[::2] == pytest.approx([4500.0, 150.0])


def test_users_own_row_id_and_clashing_columns(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("row_id,hts,origin,entry_date,value,error\nA-7,8703.23.01,JP,2025-10-01,30000,x\n")
    res = api.batch(ledger)
    assert res["row_id"].to_list() == ["A-7"] and res["error (ledger)"].to_list() == ["x"]
    assert res["error"].to_list() == [None] and res["total_duty"][0] == pytest.approx(4500)


@pytest.mark.parametrize("kind", ["csv", "parquet", "xlsx"])
def test_header_only_ledger(capsys, tmp_path, kind):
    ledger = tmp_path / f"l.{kind}"
    empty = pl.DataFrame(schema={"hts": pl.Utf8, "origin": pl.Utf8, "entry_date": pl.Utf8, "value": pl.Utf8})
    if kind == "csv":
        ledger.write_text("hts,origin,entry_date,value\n")
    elif kind == "parquet":
        empty.write_parquet(ledger)
    else:
        empty.write_excel(ledger)
    out = tmp_path / "o.csv"
    code, stdout, _ = run(capsys, "batch", str(ledger), "-o", str(out), "--fees")
    assert code == 0 and "0 rows" in stdout
    assert pl.read_csv(out).columns == empty.columns + result_columns(fees=True)


def test_xlsx_in_and_out(capsys, tmp_path):
    ledger, out = tmp_path / "l.xlsx", tmp_path / "o.xlsx"
    pl.DataFrame({"HTS Number": ["8703.23.01", "bad"], "Country of Origin": ["JP", "JP"],
                  "Entry Date": ["10/01/2025", "10/01/2025"], "Entered Value": [30000.0, 5.0],
                  "PO": ["P1", "P2"]}).write_excel(ledger)
    code, _, _ = run(capsys, "batch", str(ledger), "-o", str(out))
    assert code == 3
    with open(out, "rb") as fh:
        assert fh.read(2) == b"PK"  # a real .xlsx (zip), not CSV
    res = pl.read_excel(out)
    assert res["PO"].to_list() == ["P1", "P2"] and res["line"].to_list() == [2, 3]
    assert res["total_duty"][0] == pytest.approx(4500) and "malformed" in res["error"][1]


@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_json_outputs(tmp_path, suffix):
    out = tmp_path / f"o{suffix}"
    api.batch(ace_ledger(tmp_path / "ace.csv"), out)
    text = out.read_text()
    rows = json.loads(text) if suffix == ".json" else [json.loads(x) for x in text.splitlines()]
    assert [r["HTS Number"] for r in rows] == ["8703.23.01", "9503.00.00"]
    assert rows[0]["total_duty"] == pytest.approx(4500)


def test_bad_output_paths_refused_before_any_work(capsys, tmp_path):
    missing_ledger = tmp_path / "nope.csv"  # never read: the output is checked first
    a_file = tmp_path / "f.txt"
    a_file.write_text("x")
    for out, needle in [("", "output path is empty"), (str(tmp_path), "is a directory"),
                        (str(a_file / "o.csv"), "is a file, not a directory"),
                        (str(tmp_path / "o.txt"), "unknown format"),
                        (str(tmp_path / "o"), "unknown format")]:
        code, _, err = run(capsys, "batch", str(missing_ledger), "-o", out)
        assert code == 1 and needle in err and "Traceback" not in err, out


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run(capsys, "batch", str(ace_ledger(tmp_path / "a.csv")), "-o", str(locked / "o.csv"))
    assert code == 1 and "not writable" in err


def test_output_has_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "o.csv"
        api.batch(ace_ledger(tmp_path / "ace.csv"), out)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_column_order_fixed_whatever_the_layers(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("hts,origin,entry_date,value\n9503.00.00,JP,2024-06-01,1000\n")  # MFN only
    b.write_text("hts,origin,entry_date,value\n7208.51.00,CN,2025-10-01,1000\n")  # §232 and more
    assert api.batch(a).columns == api.batch(b).columns


def test_exit_codes(capsys, tmp_path):
    good, bad = tmp_path / "g.csv", tmp_path / "b.csv"
    good.write_text("hts,origin,entry_date,value\n9503.00.00,JP,2024-06-01,1000\n")
    bad.write_text("hts,origin,entry_date,value\n87,JP,2024-06-01,1000\n")
    assert run(capsys, "batch", str(good), "-o", str(tmp_path / "g.out.csv"))[0] == 0
    code, stdout, _ = run(capsys, "batch", str(bad), "-o", str(tmp_path / "b.out.csv"))
    assert code == 3 and "1 with errors" in stdout and (tmp_path / "b.out.csv").exists()


def test_future_rows_warned_and_counted(capsys, tmp_path):
    from tariffline.law import law_currency
    after = law_currency().current_through.replace(day=1).replace(year=law_currency().current_through.year + 1)
    ledger = tmp_path / "l.csv"
    ledger.write_text(f"hts,origin,entry_date,value\n9503.00.00,JP,2024-06-01,1000\n9503.00.00,JP,{after},1000\n"
                      "9503.00.00,JP,9999-12-31,1000\n")
    code, stdout, _ = run(capsys, "batch", str(ledger), "-o", str(tmp_path / "o.csv"))
    res = pl.read_csv(tmp_path / "o.csv")
    assert code == 3 and "1 with warnings" in stdout and "1 with errors" in stdout
    assert res["warnings"][0] is None and "currency date" in res["warnings"][1]
    assert "past the horizon" in res["error"][2]


def test_100k_rows_with_one_percent_garbage(tmp_path):
    rng = random.Random(9)
    garbage = [b"8703.23.01,JP,2025-10-01,30000,x,extra", b"9503.00.00,JP,2025-10-01,caf\xe9 1000,x",
               b"87,JP,2025-10-01,1000,x", b"9503.00.00,JP,2025-10-01,nan,x", b"9503.00.00,JP,13/45/2025,1000,x"]
    good = [b"8703.23.01,JP,2025-10-01,30000,x", b"9503.00.00,JP,2024-06-01,1000,x",
            b"7208.51.00,DE,2025-10-01,2000,x"]
    bad_rows = set(rng.sample(range(100_000), 1_000))
    lines = [rng.choice(garbage) if i in bad_rows else rng.choice(good) for i in range(100_000)]
    ledger = tmp_path / "big.csv"
    ledger.write_bytes(b"hts,origin,entry_date,value,ref\n" + b"\n".join(lines) + b"\n")
    t0 = time.perf_counter()
    res = api.batch(ledger)
    elapsed = time.perf_counter() - t0
    assert res.height == 100_000 and res["line"].to_list() == list(range(2, 100_002))
    failed = set(res.with_row_index("i").filter(pl.col("error").is_not_null())["i"].to_list())
    assert failed == bad_rows
    print(f"100k rows in {elapsed:.1f} s")
