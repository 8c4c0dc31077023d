"""The fast CSV path (issue 10): plain blocks read by Polars string operations give exactly the
frames of the row-by-row reader (Python's csv module, line by line): values, ``_line``,
``_read_error``, ``_read_warning``, chunk boundaries, header handling and errors.

Expected values: the row-by-row reader (``fast=False``), and an independent reference written
here from the reading rules in ``ledger_read``'s docstring and issue 9 (the csv module over the
whole file's lines, \\n / \\r\\n / \\r, a leading UTF-8 byte-order mark dropped, a line that is not
UTF-8 read as Windows-1252 (Latin-1 where that fails), blank lines skipped, a ragged row flagged)."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline.engine import ledger_read
from tariffline.engine.ledger_read import _csv_chunks, open_ledger
from tariffline.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def block_bytes(size: int):
    """Read CSV in blocks of ``size`` bytes, so that small files take the fast path block by block."""
    kept, ledger_read.BLOCK_BYTES = ledger_read.BLOCK_BYTES, size
    try:
        yield
    finally:
        ledger_read.BLOCK_BYTES = kept


def read(path: Path, chunk_rows: int, fast: bool) -> tuple[list[str], list[pl.DataFrame]] | str:
    """The header and frames, or the InputError's message."""
    try:
        header, frames = _csv_chunks(path, chunk_rows, fast=fast)
        return header, list(frames)
    except InputError as exc:
        return str(exc)


def reference(data: bytes) -> tuple[list[str], list[tuple]] | None:
    """The header and the rows (values, line, error, warning) by the reading rules, over the whole
    file at once; None when there is no header line."""
    odd, text = set(), []
    for i, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True), 1):
        try:
            text.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            odd.add(i)
            try:
                text.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                text.append(line.decode("latin-1"))
    reader = csv.reader(text)
    blank = lambda rec: not rec or (len(rec) == 1 and not rec[0].strip())
    header = next((rec for rec in reader if not blank(rec)), None)
    if header is None:
        return None
    header = [h.strip() or f"column_{i}" for i, h in enumerate(header, 1)]
    n, rows, end = len(header), [], reader.line_num
    for rec in reader:
        start, end = end + 1, reader.line_num
        if blank(rec):
            continue
        rows.append(tuple((rec + [None] * n)[:n]) + (
            start, None if len(rec) == n else f"line {start}: {len(rec)} fields where the header has {n}",
            f"line {start} is not UTF-8: read as Windows-1252" if odd & set(range(start, end + 1)) else None))
    return header, rows


def assert_same(path: Path, chunk_rows: int) -> None:
    fast, slow = read(path, chunk_rows, True), read(path, chunk_rows, False)
    if isinstance(slow, str):
        assert fast == slow
        return
    assert fast[0] == slow[0]
    assert [f.height for f in fast[1]] == [f.height for f in slow[1]]
    assert all(f.height == chunk_rows for f in slow[1][:-1])
    for a, b in zip(fast[1], slow[1]):
        assert a.schema == b.schema
        assert a.equals(b)
    expected = reference(path.read_bytes())
    assert expected is not None
    assert slow[0] == expected[0]
    assert [r for f in slow[1] for r in f.rows()] == expected[1]


PLAIN = "abz09 .-é日\x0b\x1c\ufeff\u2028"  # read by the fast path (the last four: not line ends in CSV)
ODD = ',"\n\r\t\x85\u2028\u3000\x1c\x00'  # send a block to the row-by-row reader, or test blankness
ENDINGS = ["\n", "\n", "\n", "\r\n", "\r"]


@st.composite
def csv_bytes(draw) -> bytes:
    n = draw(st.integers(1, 4))
    names = draw(st.lists(st.text("abcxyz", min_size=1, max_size=3), min_size=n, max_size=n, unique=True))
    out = [b"\xef\xbb\xbf"] if draw(st.booleans()) else []
    out.append((",".join(names) + draw(st.sampled_from(ENDINGS))).encode())
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["plain"] * 6 + ["quoted", "blank", "ragged", "bytes"]))
        if kind == "blank":
            line = draw(st.sampled_from(["", " ", "\t", "\x1c", "\u3000", "\xa0 "]))
        else:
            width = draw(st.integers(0, n + 2)) if kind == "ragged" else n
            cells = draw(st.lists(st.text(PLAIN + (ODD if kind == "quoted" else ""), max_size=6),
                                  min_size=width, max_size=width))
            if kind == "quoted":
                cells = ['"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c for c in cells]
            line = ",".join(cells)
        raw = line.encode()
        if kind == "bytes":
            raw += draw(st.sampled_from([b"\xe9", b"\x81", b"\xff\xfe", b"\xed\xa0\x80"]))
        out.append(raw + draw(st.sampled_from(ENDINGS)).encode())
    data = b"".join(out)
    return data.rstrip(b"\r\n") if draw(st.booleans()) else data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=csv_bytes(), size=st.sampled_from([1, 7, 16, 64, 1 << 20]), chunk_rows=st.sampled_from([1, 2, 3, 5, 1000]))
def test_fast_and_row_by_row_readers_agree(data, size, chunk_rows):
    with tempfile.TemporaryDirectory() as tmp, block_bytes(size):
        path = Path(tmp) / "ledger.csv"
        path.write_bytes(data)
        assert_same(path, chunk_rows)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200), size=st.sampled_from([1, 5, 32]), chunk_rows=st.sampled_from([1, 4]))
def test_any_bytes_read_alike(data, size, chunk_rows):
    with tempfile.TemporaryDirectory() as tmp, block_bytes(size):
        path = Path(tmp) / "ledger.csv"
        path.write_bytes(b"a,b\n" + data)
        assert_same(path, chunk_rows)


def count_plain_lines(monkeypatch) -> list[int]:
    """The numbers of lines read by the fast path, gathered as it reads."""
    seen: list[int] = []
    plain_frame = ledger_read._plain_frame

    def counted(*args):
        read = plain_frame(*args)
        seen.append(0 if read is None else read[1])
        return read

    monkeypatch.setattr(ledger_read, "_plain_frame", counted)
    return seen


def test_a_quoted_field_over_blocks_then_plain_blocks(tmp_path, monkeypatch):
    # line 1 header; 2-3 one record (a quoted line end); 4 blank; 5 ragged; 6 Windows-1252 é; 7-8 plain
    path = tmp_path / "l.csv"
    path.write_bytes(b'hts,origin\r\n"8703.23\n.01",JP\r\n\r\n9503.00.00\n9503.00.00,D\xe9\nx,y\ny,z,w\n')
    seen = count_plain_lines(monkeypatch)
    with block_bytes(8):
        header, frames = _csv_chunks(path, 2)
        frames = list(frames)
    assert header == ["hts", "origin"]
    assert [f.height for f in frames] == [2, 2, 1]
    assert pl.concat(frames).rows() == [
        ("8703.23\n.01", "JP", 2, None, None),
        ("9503.00.00", None, 5, "line 5: 1 fields where the header has 2", None),
        ("9503.00.00", "Dé", 6, None, "line 6 is not UTF-8: read as Windows-1252"),
        ("x", "y", 7, None, None),
        ("y", "z", 8, "line 8: 3 fields where the header has 2", None)]
    assert sum(seen) >= 2  # lines 7 and 8 at least, plain, were read by the fast path


def test_a_line_over_the_field_limit_is_an_error_as_before(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("a,b\n" + "x" * (csv.field_size_limit() + 1) + ",1\n")
    with block_bytes(1 << 16):
        assert read(path, 10, True) == read(path, 10, False)
    assert "field larger than field limit" in read(path, 10, True)


def test_a_header_naming_an_own_column_is_an_error(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("a,_line\n1,2\n")
    for fast in (True, False):
        assert read(path, 10, fast) == f"ledger {path}: the header names column(s) _line, which tariffline adds; rename them"


@pytest.fixture(scope="module")
def ledger_200k(tmp_path_factory) -> Path:
    """A 200,000-row ledger by the benchmark's make_ledger, written as CSV by Polars."""
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "bench_scale.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tmp = tmp_path_factory.mktemp("ledger")
    bench.make_ledger(200_000, tmp / "l.parquet")
    pl.scan_parquet(tmp / "l.parquet").sink_csv(tmp / "l.csv")
    return tmp / "l.csv"


def test_a_200k_row_ledger_reads_alike(ledger_200k, monkeypatch):
    seen = count_plain_lines(monkeypatch)
    with block_bytes(1 << 18):
        assert_same(ledger_200k, 60_000)
    assert sum(seen) == 200_000  # the fast path read every line after the header
    opened = open_ledger(ledger_200k)
    assert [c.first_row for c in opened.chunks] == [0]
