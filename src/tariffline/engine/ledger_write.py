"""Write batch results: CSV, Parquet, Excel (.xlsx), JSON (an array of objects) or NDJSON.

The output path is checked before any work is done (format known, not a directory, not under
a file, writable). :class:`ChunkedOutput` writes a result chunk by chunk (CSV and NDJSON
appended, Parquet through pyarrow's ``ParquetWriter``, JSON as one array, Excel row by row in
xlsxwriter's constant-memory mode) to a temporary file beside the output, moved into place only
when every chunk is written, so a failure never leaves a half-written file; the file gets the
permissions the user's umask gives a new file (not the temporary file's 0600). A chunk is
encoded and written in a background thread while the caller computes the next one (at most one
chunk waits; a write error is raised at the next write or at the end).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from tariffline.errors import InputError

OUTPUT_FORMATS = (".csv", ".parquet", ".xlsx", ".json", ".ndjson", ".jsonl")
XLSX_MAX_ROWS = 1_048_576  # rows in an Excel worksheet, the header included


def check_output(out: Path | str | None, what: str = "output") -> Path:
    """``out`` as a Path if a result can be written there, else InputError saying why."""
    if out is None or str(out).strip() == "":
        raise InputError(f"{what} path is empty")
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{what} {out} is a directory")
    if out.suffix.lower() not in OUTPUT_FORMATS:
        raise InputError(f"{what} {out}: unknown format {out.suffix or '(no extension)'!r}; "
                         f"use one of {', '.join(OUTPUT_FORMATS)}")
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{what} {out}: {parent} is a file, not a directory")
    if not os.access(parent, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(f"{what} {out} is not writable")
    return out


# types a Parquet file gives back as they were without the Arrow schema stored in it (a zone, a
# duration or a decimal's width would be lost)
_PLAIN = (pl.Utf8, pl.Boolean, pl.Date, pl.Time, pl.Float32, pl.Float64, pl.Int8, pl.Int16,
          pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def _plain(dtype: pl.DataType) -> bool:
    return (dtype in _PLAIN or isinstance(dtype, pl.Categorical)  # (of any categories)
            or (isinstance(dtype, pl.Datetime) and dtype.time_zone is None))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class ChunkedOutput:
    """``with ChunkedOutput(out) as w: w.write(chunk) ...``: ``out`` written atomically, chunk
    by chunk; every chunk has the first one's columns and types. Nothing is moved into place
    if the block raises."""

    def __init__(self, out: Path | str, what: str = "output") -> None:
        self.out = check_output(out, what)
        self.suffix = self.out.suffix.lower()
        self.schema: pl.Schema | None = None
        self.rows = self.chunks = 0

    def __enter__(self) -> ChunkedOutput:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=self.out.parent, prefix=self.out.name + ".", suffix=".part")
            self.fh = os.fdopen(fd, "wb")
        except OSError as exc:
            raise InputError(f"output {self.out} cannot be written: {exc.strerror}") from None
        self.parquet = self.book = None
        self.dictionaries = False  # (set by the first Parquet chunk)
        self.pool, self.pending = ThreadPoolExecutor(max_workers=1), None
        return self

    def _wait(self) -> None:
        """Finish the chunk being written (raising its error)."""
        pending: Future | None = self.pending
        self.pending = None
        if pending is not None:
            pending.result()

    def write(self, df: pl.DataFrame) -> None:
        """Append ``df`` (the first chunk fixes the columns and their types)."""
        if self.schema is None:
            self.schema = df.schema
        elif df.columns != list(self.schema):
            new, gone = sorted(set(df.columns) - set(self.schema)), sorted(set(self.schema) - set(df.columns))
            raise InputError(f"output {self.out}: a chunk has columns the first did not have ({new}) or "
                             f"lacks some it had ({gone}), or has them in another order")
        else:
            df = df.cast(dict(self.schema))
        if self.suffix == ".xlsx" and self.rows + df.height + 1 > XLSX_MAX_ROWS:
            raise InputError(f"more than {XLSX_MAX_ROWS - 1:,} rows do not fit in an Excel sheet "
                             f"({XLSX_MAX_ROWS:,} rows with the header): write .csv or .parquet")
        self._wait()
        height = df.height
        # the writer thread gets a frame object of its own (the same columns, no copy): Polars
        # locks a frame while converting it, and may need the interpreter lock meanwhile, so a
        # caller reading the same frame object at that moment would wait for ever
        self.pending = self.pool.submit(self._emit, df.clone(), self.rows, self.chunks)
        self.rows += height
        self.chunks += 1

    def _emit(self, df: pl.DataFrame, rows_before: int, chunks_before: int) -> None:
        try:
            if self.suffix == ".parquet":
                self._parquet(df)
            elif self.suffix == ".xlsx":
                self._xlsx(df, rows_before)
            elif self.suffix == ".json":
                rows = df.write_json()[1:-1]  # an array's objects, without its brackets
                if rows:
                    self.fh.write((("[" if rows_before == 0 else ",") + rows).encode())
            elif self.suffix in (".ndjson", ".jsonl"):
                df.write_ndjson(self.fh)
            else:
                df.write_csv(self.fh, include_header=chunks_before == 0)
        except OSError as exc:
            raise InputError(f"output {self.out} cannot be written: {exc.strerror}") from None

    def _parquet(self, df: pl.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.parquet is None:
            # Categorical columns are written as Parquet dictionaries of text, read back as text
            # (the file then carries no Arrow schema: only when every column reads back as the
            # same type without it); the dictionary is Polars' own, so no cell is hashed again
            # (a 200,000-row chunk of the batch: about a sixth less of its write)
            self.dictionaries = all(_plain(t) for t in df.schema.values())
        cats = [c for c, t in df.schema.items() if isinstance(t, pl.Categorical)]
        if cats and not self.dictionaries:
            df = df.with_columns(pl.col(cats).cast(pl.Utf8))
        # Arrow's string views, as Polars holds its text: no copy (the default, contiguous large
        # strings, copied every text cell: 0.25-1.3 s per million rows measured)
        table = df.to_arrow(compat_level=pl.CompatLevel.newest())
        if cats and self.dictionaries:  # (the writer takes dictionaries of plain strings)
            table = pa.table([table.column(i).cast(pa.dictionary(pa.uint32(), pa.string()))
                              if isinstance(df.schema[name], pl.Categorical) else table.column(i)
                              for i, name in enumerate(table.column_names)], names=table.column_names)
        if self.parquet is None:
            text = [f.name for f in table.schema
                    if f.type == pa.string_view() or pa.types.is_dictionary(f.type)]  # (Polars' text, newest level)
            # statistics on the text columns cost more to write than they help readers; a
            # dictionary pays on text (few distinct notes, headings, codes), not on amounts; zstd
            # shrinks text, while amounts hardly compress: LZ4 on them costs a sixth less of
            # the write for a fifth more bytes (2M-row batch output: 1.28 s, 99 MB vs 1.53 s, 82 MB)
            self.parquet = pq.ParquetWriter(
                self.fh, table.schema, use_dictionary=text,
                compression={f.name: "zstd" if f.name in text else "lz4" for f in table.schema},
                write_statistics=[f.name for f in table.schema if f.name not in text],
                store_schema=not self.dictionaries)
        self.parquet.write_table(table)

    def _xlsx(self, df: pl.DataFrame, rows_before: int) -> None:
        """One sheet, a header row, then the rows, streamed (xlsxwriter's constant-memory mode:
        ``polars.write_excel`` took 78 s and 1.8 GB for 100k rows x 55 columns)."""
        import xlsxwriter  # only when writing Excel

        if self.book is None:
            self.book = xlsxwriter.Workbook(self.tmp, {"constant_memory": True, "strings_to_numbers": False,
                                                       "strings_to_formulas": False, "strings_to_urls": False,
                                                       "nan_inf_to_errors": True})
            self.sheet = self.book.add_worksheet("tariffline")
            self.sheet.write_row(0, 0, df.columns)
        text = df.with_columns(pl.col(c).cast(pl.Utf8) for c, t in df.schema.items()
                               if not (t.is_numeric() or t == pl.Boolean))
        for i, row in enumerate(text.iter_rows(), rows_before + 1):
            self.sheet.write_row(i, 0, row)

    def _close(self) -> None:
        self._wait()
        if self.suffix == ".json":
            self.fh.write(b"]" if self.rows else b"[]")
        if self.parquet is None and self.suffix == ".parquet" and self.schema is not None:
            self._parquet(pl.DataFrame(schema=self.schema))
        if self.parquet is not None:
            self.parquet.close()
        self.fh.close()
        if self.suffix == ".xlsx":
            if self.book is None:
                self._xlsx(pl.DataFrame(schema=self.schema or {}), 0)
            self.book.close()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._close()
                os.chmod(self.tmp, 0o666 & ~_umask())
                os.replace(self.tmp, self.out)
        except OSError as err:
            raise InputError(f"output {self.out} cannot be written: {err.strerror}") from None
        finally:
            try:
                self._wait()  # a failed block: let the chunk being written finish; its error is moot
            except (InputError, OSError):
                pass
            self.pool.shutdown()
            if self.parquet is not None and not self.fh.closed:
                try:  # a failed block: close the writer before its file (the file is deleted)
                    self.parquet.close()
                except (OSError, ValueError):
                    pass
            if not self.fh.closed:
                self.fh.close()
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


def write_atomic(df: pl.DataFrame, out: Path | str) -> None:
    """Write ``df`` to ``out`` in the format its extension names, atomically."""
    with ChunkedOutput(out) as w:
        w.write(df)
