"""Read import ledgers as brokers have them: CSV (leniently), Parquet, Excel.

CSV and Excel cells are read as text; a Parquet column keeps its type when it is a number, a
date, a time, text or true/false (other types are read as text). The user's columns are kept
unchanged, and the columns the engine needs are found by name: tariffline's own names, the
common column names of ACE entry-summary reports and of forwarders' (Flexport-style) templates,
or an explicit ``--map``.

CSV is read in blocks cut at line ends: a plain block (valid UTF-8, no double quote, no NUL, no
lone \\r) by Polars string operations, any other line by line with Python's csv module, both
giving the same rows (see ``_csv_chunks``). A line that is not UTF-8 is decoded as Windows-1252
(Latin-1 where that fails) and computed, with a warning in its row; a ragged line (more or fewer
fields than the header) becomes an error in its own row with its line number. Blank lines are
skipped.
Each row keeps its source line (``line``: the file line for CSV, the sheet row for Excel, the
1-based row number for Parquet). Nothing is dropped: rows out = rows in, in order.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import polars as pl

from tariffline.errors import InputError

REQUIRED = ("hts", "origin", "entry_date", "value")
# canonical name -> recognised column names (compared after _norm: lower case, runs of
# non-alphanumerics as "_"); first match wins. ACE = ACE entry-summary line reports.
ALIASES: dict[str, tuple[str, ...]] = {
    "entry_date": ("entry_date", "date", "entered", "entry_summary_date", "release_date"),
    "origin": ("origin", "country", "country_of_origin", "coo", "country_of_origin_code",
               "origin_country", "country_of_origin_iso"),
    "hts": ("hts", "hts10", "hts_code", "htsus", "tariff_number", "hts_number", "htsus_number",
            "hts_us_code", "line_hts_number", "tariff_classification"),
    "value": ("value", "customs_value", "entered_value", "value_usd", "line_tariff_goods_value_amount",
              "line_goods_value_amount", "entered_value_usd", "customs_value_usd"),
    "quantity": ("quantity", "qty", "line_tariff_quantity", "line_tariff_quantity_1", "quantity_1"),
    "quantity_unit": ("quantity_unit", "unit", "uom", "line_tariff_uom_code", "line_tariff_uom_1_code",
                      "unit_of_measure", "uom_1"),
    "unit_value": ("unit_value",),
    "metal_value": ("metal_value", "steel_aluminum_value", "metal_content_value"),
    "program": ("program", "spi", "special_program", "line_spi_code", "special_program_indicator",
                "spi_code"),
    "loaded_date": ("loaded_date", "export_date", "date_of_export"),
    "entry": ("entry", "entry_number", "entry_no", "entry_summary_number", "entry_id"),
    "mode": ("mode", "mode_of_transport", "mode_of_transportation", "mode_of_transportation_code",
             "transport_mode", "mot", "mot_code"),
}


@dataclass(frozen=True)
class Ledger:
    """A ledger as read: the user's columns (text, or Parquet's own types), plus ``_line``,
    ``_read_error``, ``_read_warning``.

    ``columns`` maps each canonical input (``hts``, ``origin``...) to the user's column."""

    frame: pl.DataFrame
    columns: dict[str, str]
    user_columns: list[str]
    path: Path
    first_row: int = 0  # 0-based position of the frame's first row in the whole ledger

    @property
    def height(self) -> int:
        return self.frame.height


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def parse_map(text: str | None) -> dict[str, str]:
    """``hts=HTS Number,origin=COO`` -> {'hts': 'HTS Number', 'origin': 'COO'}; InputError if malformed."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        key, sep, col = part.partition("=")
        key = key.strip()
        if not sep or not col.strip():
            raise InputError(f"--map entry {part!r} is not NAME=COLUMN")
        if key not in ALIASES:
            raise InputError(f"--map name {key!r} is not one of {', '.join(ALIASES)}")
        out[key] = col.strip()
    return out


def match_columns(header: list[str], mapping: dict[str, str], where: str) -> dict[str, str]:
    """Canonical input -> user column, from ``mapping`` first and then the aliases."""
    for key, col in mapping.items():
        if col not in header:
            raise InputError(f"{where}: --map {key}={col}: no such column (has: {', '.join(header)})")
    found = dict(mapping)
    normed = {}
    for col in header:
        normed.setdefault(_norm(col), col)
    taken = set(found.values())
    for target, names in ALIASES.items():
        if target in found:
            continue
        for n in names:
            col = normed.get(n)
            if col is not None and col not in taken:
                found[target] = col
                taken.add(col)
                break
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InputError(f"{where} lacks column(s): {', '.join(missing)} (has: {', '.join(header)}); "
                         "name them with --map, e.g. --map hts=\"HTS Number\"")
    return found


BLOCK_BYTES = 1 << 20  # CSV is read in blocks of about 1 MiB, cut at line ends
# The characters str.strip() removes (all lie below U+3001): a line that is only these is blank.
_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_OWN_COLUMNS = ("_line", "_read_error", "_read_warning")
_BOM = b"\xef\xbb\xbf"


def _blocks(path: Path) -> Iterator[bytes]:
    """The file at ``path`` in blocks of whole lines, read ``BLOCK_BYTES`` at a time and cut after
    the last \\n (or, in a block with no \\n, after the last \\r not at its end; a line longer
    than a block makes a longer block); a UTF-8 byte-order mark at the start is dropped."""
    rest, first = b"", True
    with open(path, "rb") as fh:
        while data := fh.read(BLOCK_BYTES):
            data = rest + data
            cut = data.rfind(b"\n") + 1 or data.rfind(b"\r", 0, len(data) - 1) + 1
            rest = data[cut:]
            if cut:  # the mark lies before the first line end, so in the first block
                yield data[:cut].removeprefix(_BOM) if first else data[:cut]
                first = False
    if first:
        rest = rest.removeprefix(_BOM)
    if rest:
        yield rest


def _raw_lines(path: Path) -> Iterator[bytes]:
    """The lines of the file at ``path`` with their endings, as ``bytes.splitlines`` cuts them
    (\\n, \\r\\n or \\r), block by block: the lines the row-by-row reader is fed."""
    for block in _blocks(path):
        yield from block.splitlines(keepends=True)


def _decode(line: bytes) -> tuple[str, bool]:
    """A line as text, and whether it was not UTF-8 (then read as Windows-1252, or Latin-1)."""
    try:
        return line.decode("utf-8"), False
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252"), True
        except UnicodeDecodeError:
            return line.decode("latin-1"), True


class _Lines:
    """The lines the row-by-row reader is fed: those of the blocks handed to it (``take``), then,
    while a record runs on (a quoted field over a line end), those of the next blocks.
    ``count`` is the file line number of the last line handed out, by either path; the numbers
    of lines that were not UTF-8 are added to ``odd``."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks, self.pending, self.count, self.odd = blocks, deque[bytes](), 0, set[int]()

    def take(self, block: bytes) -> None:
        self.pending.extend(block.splitlines(keepends=True))

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if not self.pending:
            self.take(next(self.blocks))  # StopIteration at the end of the file ends the reader
        text, odd = _decode(self.pending.popleft())
        self.count += 1
        if odd:
            self.odd.add(self.count)
        return text


def _plain_text(block: bytes) -> str | None:
    """The block as text if it is plain: valid UTF-8, with no double quote, no NUL and no \\r but
    before \\n (so the csv module would split its lines at each comma); else None."""
    if b'"' in block or b"\0" in block or block.count(b"\r") != block.count(b"\r\n"):
        return None
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _plain_frame(text: str, header: list[str], first_line: int) -> tuple[pl.DataFrame, int] | None:
    """The rows of plain text (see ``_plain_text``) whose first line is ``first_line``, as the
    row-by-row reader gives them (blank lines skipped, a ragged row flagged), and the number of
    lines read; None if a line is longer than the csv module's field limit (an error there)."""
    n = len(header)
    lines = pl.Series("text", [text]).str.strip_suffix("\n").str.split("\n").explode().str.strip_suffix("\r")
    if lines.str.len_bytes().max() > csv.field_size_limit():
        return None
    fields = pl.col("text").str.count_matches(",", literal=True) + 1
    frame = (pl.DataFrame([lines])
             .with_columns(pl.int_range(first_line, first_line + len(lines), dtype=pl.Int64).alias("_line"),
                           fields.alias("_fields"))
             .filter((pl.col("_fields") > 1) | (pl.col("text").str.strip_chars(_SPACE) != ""))
             .select(pl.col("text").str.split_exact(",", n - 1).struct.rename_fields(header).struct.unnest(),
                     pl.col("_line"),
                     pl.when(pl.col("_fields") != n)
                     .then(pl.format(f"line {{}}: {{}} fields where the header has {n}", "_line", "_fields"))
                     .otherwise(None).alias("_read_error"),
                     pl.lit(None, dtype=pl.Utf8).alias("_read_warning")))
    return frame, len(lines)


class _Chunker:
    """Rows gathered, as frames and one by one, and given out in frames of ``chunk_rows``."""

    def __init__(self, schema: dict[str, pl.DataType], chunk_rows: int) -> None:
        self.schema, self.chunk_rows = schema, chunk_rows
        self.parts: list[pl.DataFrame] = []  # rows gathered, not yet given out
        self.cols: list[list] = [[] for _ in schema]  # and rows one by one, after them
        self.held = 0  # rows in both

    def _close_rows(self) -> None:
        if self.cols[0]:
            self.parts.append(pl.DataFrame(dict(zip(self.schema, self.cols)), schema=self.schema))
            self.cols = [[] for _ in self.schema]

    def add_frame(self, frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
        self._close_rows()
        self.parts.append(frame)
        self.held += frame.height
        if self.held >= self.chunk_rows:
            joined = pl.concat(self.parts)
            while joined.height >= self.chunk_rows:
                yield joined.slice(0, self.chunk_rows).rechunk()
                joined = joined.slice(self.chunk_rows)
            self.parts, self.held = [joined], joined.height

    def add_row(self, values: list) -> Iterator[pl.DataFrame]:
        for c, v in zip(self.cols, values):
            c.append(v)
        self.held += 1
        if self.held >= self.chunk_rows:
            yield from self.rest()
            self.parts, self.held = [], 0

    def rest(self) -> Iterator[pl.DataFrame]:
        self._close_rows()
        if self.held:
            yield pl.concat(self.parts).rechunk() if len(self.parts) > 1 else self.parts[0]


def _csv_chunks(path: Path, chunk_rows: int, fast: bool = True) -> tuple[list[str], Iterator[pl.DataFrame]]:
    """The header, and the rows in frames of ``chunk_rows`` (the last may be shorter): every
    column as text, then ``_line``, ``_read_error`` and ``_read_warning``. The header is read
    here; the rows as the frames are asked for.

    Rows are read by Python's csv module, line by line; with ``fast``, a block that starts at a
    record's start and is plain (``_plain_text``) is read by Polars string operations instead,
    which give the same rows."""
    lines = _Lines(_blocks(path))
    reader = csv.reader(lines)
    header: list[str] | None = None
    try:
        for rec in reader:
            if rec and not (len(rec) == 1 and not rec[0].strip()):
                header = [h.strip() or f"column_{i}" for i, h in enumerate(rec, 1)]
                break
    except csv.Error as exc:
        raise InputError(f"ledger {path}: line {lines.count}: {exc}") from None
    if header is None:
        raise InputError(f"ledger {path} is empty: no header line")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise InputError(f"ledger {path}: the header repeats column(s) {', '.join(dup)}")
    own = [h for h in header if h in _OWN_COLUMNS]
    if own:
        raise InputError(f"ledger {path}: the header names column(s) {', '.join(own)}, which tariffline "
                         "adds; rename them")
    n = len(header)
    schema = {h: pl.Utf8 for h in header} | {"_line": pl.Int64, "_read_error": pl.Utf8, "_read_warning": pl.Utf8}

    def frames() -> Iterator[pl.DataFrame]:
        end, odd = lines.count, lines.odd
        if lines.pending:  # the lines after the header in its block: a block of their own
            lines.blocks = chain([b"".join(lines.pending)], lines.blocks)
            lines.pending.clear()
        rows = _Chunker(schema, chunk_rows)
        while True:
            if not lines.pending:  # at a record's start, with no line left over
                block = next(lines.blocks, None)
                if block is None:
                    break
                text = _plain_text(block) if fast else None
                read = None if text is None else _plain_frame(text, header, end + 1)
                if read is None:
                    lines.take(block)
                else:
                    lines.count = end = end + read[1]
                    yield from rows.add_frame(read[0])
                    continue
            try:
                while lines.pending:
                    rec = next(reader)
                    start, end = end + 1, lines.count
                    if not rec or (len(rec) == 1 and not rec[0].strip()):
                        continue
                    values = (rec + [None] * n)[:n]
                    values += [start, None if len(rec) == n else f"line {start}: {len(rec)} fields where the header has {n}",
                               f"line {start} is not UTF-8: read as Windows-1252"
                               if odd and any(i in odd for i in range(start, end + 1)) else None]
                    odd.difference_update(range(start, end + 1))
                    yield from rows.add_row(values)
            except csv.Error as exc:
                raise InputError(f"ledger {path}: line {lines.count}: {exc}") from None
        yield from rows.rest()

    return header, frames()


def _kept(dtype: pl.DataType) -> bool:
    """A Parquet column type passed through as it is (the rest are read as text); text read as
    a dictionary comes as a Categorical (written back as text)."""
    return (dtype.is_numeric() or dtype.is_temporal() or dtype in (pl.Utf8, pl.Boolean)
            or isinstance(dtype, pl.Categorical))


def ledger_frame(df: pl.DataFrame, first_line: int, keep_types: bool = False) -> pl.DataFrame:
    """``df``'s columns as text (``keep_types``: those of a type :func:`_kept` keeps stay as they
    are) and the reader's own columns, lines numbered from ``first_line``."""
    return df.with_columns([pl.col(c).cast(pl.Utf8) for c, t in df.schema.items()
                            if not (keep_types and _kept(t))]).with_columns(
        pl.int_range(first_line, first_line + df.height, dtype=pl.Int64).alias("_line"),
        pl.lit(None, dtype=pl.Utf8).alias("_read_error"), pl.lit(None, dtype=pl.Utf8).alias("_read_warning"))


def _parquet_chunks(path: Path, chunk_rows: int
                    ) -> tuple[list[str], int, Callable[[list[str]], Iterator[pl.DataFrame]]]:
    """The header, the row count and the rows in frames of ``chunk_rows`` (the last may be
    shorter; ``frames(coded)``), read batch by batch (pyarrow ``ParquetFile.iter_batches``),
    columns of a type :func:`_kept` keeps as they are, the rest as text; the text columns named
    in ``coded`` (a ledger's codes and origins, whose values repeat) read as Parquet
    dictionaries, that is as Categorical: the engine numbers their rows without hashing a cell."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except pa.ArrowException as exc:
        raise _read_failed(path, exc) from None
    text = {f.name for f in pf.schema_arrow if f.type in (pa.string(), pa.large_string(), pa.string_view())}

    def frames(coded: list[str]) -> Iterator[pl.DataFrame]:
        pending: list[pa.RecordBatch] = []
        line = 1
        try:
            source = pq.ParquetFile(path, read_dictionary=[c for c in coded if c in text]) if text & set(coded) else pf
            for batch in source.iter_batches(batch_size=chunk_rows):  # batches stop at row groups:
                pending.append(batch)                             # gathered into whole chunks
                if sum(b.num_rows for b in pending) < chunk_rows:
                    continue
                table = pa.Table.from_batches(pending)
                while table.num_rows >= chunk_rows:
                    yield ledger_frame(pl.from_arrow(table.slice(0, chunk_rows)), line, keep_types=True)
                    table, line = table.slice(chunk_rows), line + chunk_rows
                pending = table.to_batches()
            if sum(b.num_rows for b in pending) or line == 1:  # (no rows: one empty frame, typed)
                yield ledger_frame(pl.from_arrow(pa.Table.from_batches(pending, schema=source.schema_arrow)), line,
                                   keep_types=True)
        except pa.ArrowException as exc:
            raise _read_failed(path, exc) from None

    return list(pf.schema_arrow.names), pf.metadata.num_rows, frames


def _xlsx_chunks(path: Path, chunk_rows: int) -> tuple[list[str], int, Iterator[pl.DataFrame]]:
    """An Excel sheet is read whole (it holds at most 1,048,576 rows), then cut into chunks."""
    df = pl.read_excel(path, infer_schema_length=0)  # every cell as text
    return df.columns, df.height, (ledger_frame(df.slice(i, chunk_rows), i + 2)
                                   for i in range(0, df.height, chunk_rows))


LEDGER_FORMATS = (".csv", ".txt", ".parquet", ".xlsx")
CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class LedgerChunks:
    """A ledger opened for reading in chunks: its header, the columns matched, the row count
    when the format says it up front (Parquet, Excel; None for CSV), and the chunks, each a
    :class:`Ledger` whose ``first_row`` is the 0-based position of its first row."""

    columns: dict[str, str]
    user_columns: list[str]
    path: Path
    rows: int | None
    chunks: Iterator[Ledger]


def _read_failed(path: Path, exc: Exception) -> InputError:
    return InputError(f"ledger {path} cannot be read: {(str(exc).splitlines() or [type(exc).__name__])[0]}")


def open_ledger(path: Path | str, mapping: dict[str, str] | None = None,
                chunk_rows: int = CHUNK_ROWS) -> LedgerChunks:
    """Open a ledger (.csv, .txt, .parquet, .xlsx) to be read in chunks of ``chunk_rows`` (cells
    as text, Parquet's numbers, dates and text as they are: see :func:`_kept`). The header is
    read and the columns matched here; the rows as the chunks are iterated (at least one chunk,
    empty for a header-only ledger)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in LEDGER_FORMATS:
        raise InputError(f"ledger {path}: expected one of {', '.join(LEDGER_FORMATS)}")
    if not path.is_file():
        raise InputError(f"ledger {path} does not exist")
    try:
        if suffix in (".csv", ".txt"):
            (header, frames), rows = _csv_chunks(path, chunk_rows), None
        elif suffix == ".parquet":
            header, rows, parquet_frames = _parquet_chunks(path, chunk_rows)
        else:
            header, rows, frames = _xlsx_chunks(path, chunk_rows)
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:  # pyarrow's errors are ValueError/OSError
        raise _read_failed(path, exc) from None
    columns = match_columns(list(header), mapping or {}, f"ledger {path}")
    if suffix == ".parquet":
        frames = parquet_frames([columns[c] for c in ("hts", "origin") if c in columns])

    def chunks() -> Iterator[Ledger]:
        first, empty = 0, True
        try:
            for frame in frames:
                yield Ledger(frame=frame, columns=columns, user_columns=list(header), path=path, first_row=first)
                first, empty = first + frame.height, False
        except InputError:
            raise
        except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
            raise _read_failed(path, exc) from None
        if empty:
            frame = ledger_frame(pl.DataFrame(schema={h: pl.Utf8 for h in header}), 1)
            yield Ledger(frame=frame, columns=columns, user_columns=list(header), path=path)

    return LedgerChunks(columns=columns, user_columns=list(header), path=path, rows=rows, chunks=chunks())


def read_ledger(path: Path | str, mapping: dict[str, str] | None = None) -> Ledger:
    """Read a whole ledger (.csv, .txt, .parquet, .xlsx), as :func:`open_ledger` reads it."""
    opened = open_ledger(path, mapping)
    parts = list(opened.chunks)
    return Ledger(frame=pl.concat([p.frame for p in parts]), columns=opened.columns,
                  user_columns=opened.user_columns, path=opened.path)
