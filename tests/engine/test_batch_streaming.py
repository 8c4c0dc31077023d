"""The streamed batch (issue 10, item 2): a ledger read, computed and written chunk by chunk gives
the same rows as the ledger computed in one piece, in order, with the same line numbers and the
same per-row errors; a failure part-way leaves no output at all.

Duty figures (as in test_ledger_formats): 8703.23.01 from Japan entered 1 Oct 2025 owes 15%
all-in (EO 14345, HTS 9903.94.41); 9503.00.00 from Japan entered 1 Jun 2024 owes 0 (MFN free,
no Chapter 99 measure then); '87' is not an HTS code."""

from __future__ import annotations

import json

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline import api
from tariffline.cli.app import main
from tariffline.engine import ledger_read
from tariffline.engine.ledger import open_ledger, read_ledger, run_batch, run_ledger, summarise
from tariffline.engine.ledger_write import ChunkedOutput
from tariffline.errors import InputError

GOOD = [b"8703.23.01,JP,2025-10-01,30000,a", b"9503.00.00,JP,2024-06-01,1000,b"]
BAD = [b"87,JP,2025-10-01,1000,c", b"9503.00.00,JP,2025-10-01,1000,d,extra", b"9503.00.00,JP,2025-10-01,caf\xe9,e"]
DUTY = {GOOD[0]: 4500.0, GOOD[1]: 0.0}


def ledger_bytes(n: int) -> tuple[bytes, list[bytes]]:
    """n data lines cycling through good and bad ones, a blank line every 7th (skipped)."""
    pool = GOOD + BAD
    rows = [pool[i * 3 % len(pool)] for i in range(n)]
    body = b"".join(r + b"\n" + (b"\n" if i % 7 == 6 else b"") for i, r in enumerate(rows))
    return b"hts,origin,entry_date,value,ref\n" + body, rows


def expected_lines(n: int) -> list[int]:
    """File line of each data row: the header is line 1, a blank line follows every 7th row."""
    return [2 + i + i // 7 for i in range(n)]


@pytest.mark.parametrize("chunk_rows", [1, 4, 7, 1000])
def test_chunked_rows_equal_one_piece(tmp_path, chunk_rows):
    raw, rows = ledger_bytes(23)
    path = tmp_path / "l.csv"
    path.write_bytes(raw)
    whole = read_ledger(path)
    one_piece = summarise(whole, *run_ledger(whole))
    summary, streamed = run_batch(open_ledger(path, chunk_rows=chunk_rows), keep=True)
    assert streamed.equals(one_piece)
    assert streamed["line"].to_list() == expected_lines(23)
    assert streamed["ref"].to_list() == [r.split(b",")[4].decode("cp1252") for r in rows]
    for r, duty, err in zip(rows, streamed["total_duty"], streamed["error"]):
        if r in DUTY:
            assert err is None and duty == pytest.approx(DUTY[r])
        else:
            assert err is not None and duty is None
    assert summary["rows"] == 23 and summary["errors"] == sum(r not in DUTY for r in rows)
    assert summary["total_duty"] == pytest.approx(sum(DUTY.get(r, 0.0) for r in rows))


def test_ragged_and_latin1_lines_keep_their_line_numbers_across_chunks(tmp_path):
    raw, rows = ledger_bytes(15)
    path = tmp_path / "l.csv"
    path.write_bytes(raw)
    _, res = run_batch(open_ledger(path, chunk_rows=2), keep=True)
    lines = expected_lines(15)
    for r, line, err, warn in zip(rows, lines, res["error"], res["warnings"]):
        if r == BAD[1]:
            assert err == f"line {line}: 6 fields where the header has 5"
        if r == BAD[2]:
            assert f"line {line} is not UTF-8" in warn
        else:
            assert warn is None


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json", ".ndjson", ".xlsx"])
def test_streamed_file_equals_the_rows(tmp_path, suffix):
    raw, _ = ledger_bytes(11)
    path, out, lay = tmp_path / "l.csv", tmp_path / f"o{suffix}", tmp_path / f"lay{suffix}"
    path.write_bytes(raw)
    _, kept = run_batch(open_ledger(path), keep=True)
    run_batch(open_ledger(path, chunk_rows=3), out, lay)
    if suffix == ".csv":
        back = pl.read_csv(out, infer_schema=False)
        assert back["line"].to_list() == [str(x) for x in kept["line"]]
        assert back.columns == kept.columns
    elif suffix == ".parquet":
        assert pl.read_parquet(out).equals(kept)
        layers = pl.read_parquet(lay)
        assert layers["line"].is_sorted() and set(layers["line"]) <= set(kept["line"])
    elif suffix == ".json":
        assert [r["line"] for r in json.loads(out.read_text())] == kept["line"].to_list()
    elif suffix == ".ndjson":
        assert [json.loads(x)["line"] for x in out.read_text().splitlines()] == kept["line"].to_list()
    else:
        assert pl.read_excel(out)["line"].to_list() == kept["line"].to_list()
    assert not list(tmp_path.glob("*.part"))


def test_parquet_row_groups_gathered_into_whole_chunks(tmp_path):
    path = tmp_path / "l.parquet"
    n = 23
    pl.DataFrame({"hts": ["9503.00.00"] * n, "origin": ["JP"] * n, "entry_date": ["2024-06-01"] * n,
                  "value": [str(i) for i in range(n)]}).write_parquet(path, row_group_size=3)
    assert pq.ParquetFile(path).metadata.num_row_groups == 8
    opened = open_ledger(path, chunk_rows=5)
    chunks = list(opened.chunks)
    assert opened.rows == n and [c.height for c in chunks] == [5, 5, 5, 5, 3]
    assert [c.first_row for c in chunks] == [0, 5, 10, 15, 20]
    assert pl.concat([c.frame for c in chunks])["_line"].to_list() == list(range(1, n + 1))
    assert pl.concat([c.frame for c in chunks])["value"].to_list() == [str(i) for i in range(n)]


def test_failure_part_way_leaves_no_output(capsys, tmp_path):
    raw, _ = ledger_bytes(20)
    path = tmp_path / "l.csv"
    # the last line's field is longer than Python's csv field limit (131,072 characters)
    path.write_bytes(raw + b"9503.00.00,JP,2024-06-01,1000," + b"x" * 200_000 + b"\n")
    out, lay = tmp_path / "o.csv", tmp_path / "lay.csv"
    out.write_text("before\n")  # an earlier result stays as it was
    with pytest.raises(InputError, match="line 24"):
        run_batch(open_ledger(path, chunk_rows=3), out, lay)
    assert out.read_text() == "before\n" and not lay.exists()
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(path), "-o", str(tmp_path / "cli.parquet")])
    assert exc.value.code == 1 and "line 24" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.csv", "o.csv"]


def test_api_batch_with_out_streams_and_returns_the_counts(tmp_path):
    raw, rows = ledger_bytes(9)
    path, out, lay = tmp_path / "l.csv", tmp_path / "o.parquet", tmp_path / "lay.csv"
    path.write_bytes(raw)
    counts = api.batch(path, out, layers_out=lay)
    assert counts["rows"] == 9 and counts["errors"] == sum(r not in DUTY for r in rows)
    assert counts["total_duty"] == pytest.approx(sum(DUTY.get(r, 0.0) for r in rows))
    assert pl.read_parquet(out).height == 9 and pl.read_csv(lay).height > 0


def test_chunk_with_other_columns_refused(tmp_path):
    with pytest.raises(InputError, match="a chunk has columns the first did not have"), ChunkedOutput(tmp_path / "o.csv") as w:
        w.write(pl.DataFrame({"a": [1]}))
        w.write(pl.DataFrame({"b": [1]}))
    assert not (tmp_path / "o.csv").exists() and not list(tmp_path.iterdir())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200), block=st.integers(1, 9))
def test_block_reader_splits_lines_as_splitlines(tmp_path_factory, data, block):
    """Lines read block by block are those of ``bytes.splitlines`` (\\n, \\r\\n, \\r; a \\r\\n split
    across two blocks is one line end), with a UTF-8 byte-order mark dropped."""
    path = tmp_path_factory.mktemp("b") / "f.csv"
    path.write_bytes(data)
    old = ledger_read.BLOCK_BYTES
    ledger_read.BLOCK_BYTES = block
    try:
        got = list(ledger_read._raw_lines(path))
    finally:
        ledger_read.BLOCK_BYTES = old
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    assert got == body.splitlines(keepends=True)


def test_an_entry_split_by_a_chunk_is_charged_once(tmp_path):
    """MPF 0.3464% per entry, at most $651.50 from 1 Oct 2025 (19 CFR 24.23(b)(1)(i)(B); CBP Dec.
    25-10): entry A's three $100,000 lines owe 651.50 together, not 651.50 + 346.40 as two parts;
    entry B's single $1,000 line owes the minimum, $33.58."""
    path = tmp_path / "l.csv"
    path.write_text("entry,hts,origin,entry_date,value\n" + "".join(
        f"{e},9503.00.00,JP,2025-10-01,{v}\n" for e, v in [("A", 100000), ("A", 100000), ("A", 100000),
                                                           ("B", 1000)]))
    for chunk_rows in (1, 2, 3, 4):
        _, res = run_batch(open_ledger(path, chunk_rows=chunk_rows), keep=True, fees=True)
        assert res["line"].to_list() == [2, 3, 4, 5]
        mpf = res.group_by("entry", maintain_order=True).agg(pl.col("fee_mpf").sum())["fee_mpf"].to_list()
        assert mpf == pytest.approx([651.50, 33.58]), chunk_rows


def test_cli_chunk_rows(capsys, tmp_path):
    from tariffline.cli.duty_cmd import BATCH_CHUNK_ROWS
    from tariffline.engine.ledger_read import CHUNK_ROWS

    assert BATCH_CHUNK_ROWS == CHUNK_ROWS
    raw, rows = ledger_bytes(9)
    path = tmp_path / "l.csv"
    path.write_bytes(raw)
    outs = []
    for chunk in ("2", str(CHUNK_ROWS)):
        out = tmp_path / f"o{chunk}.csv"
        with pytest.raises(SystemExit) as exc:
            main(["batch", str(path), "-o", str(out), "--chunk-rows", chunk])
        assert exc.value.code == 3  # some rows carry an error
        assert f"{sum(r not in DUTY for r in rows)} with errors" in capsys.readouterr().out
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    with pytest.raises(InputError, match="chunk_rows"):
        api.batch(path, tmp_path / "x.csv", chunk_rows=0)


def test_fee_columns_the_same_whatever_the_chunks(tmp_path):
    """HMF 0.125% on ocean cargo only (19 CFR 24.24): $30,000 by ocean owes $37.50, $1,000 by air
    owes 0, in a chunk of its own as in one piece; a row that failed owes no fee (null)."""
    path = tmp_path / "l.csv"
    path.write_text("hts,origin,entry_date,value,mode\n8703.23.01,JP,2025-10-01,30000,ocean\n"
                    "9503.00.00,JP,2025-10-01,1000,air\n87,JP,2025-10-01,1000,air\n")
    for chunk_rows in (1, 3):
        _, res = run_batch(open_ledger(path, chunk_rows=chunk_rows), keep=True, fees=True)
        assert res["fee_hmf"].to_list() == pytest.approx([37.5, 0.0, None]), chunk_rows


def test_every_layer_authority_has_a_fixed_column():
    """A layer's authority is a column 1 authority, a program's or a measure's (policy schema
    AUTHORITIES, 'preference' included: the USJTA's 2020 staged rates are Chapter 99 measures
    with that authority), so no chunk can bring a column another chunk lacks."""
    from tariffline.engine.ledger import duty_authorities
    from tariffline.policy.loader import load_policy
    from tariffline.policy.schema import AUTHORITIES

    policy = load_policy()
    every = {m.authority for m in policy.measures} | {p.authority for p in policy.programs} | set(AUTHORITIES)
    assert every <= set(duty_authorities())
