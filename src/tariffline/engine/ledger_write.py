"""Write batch results: CSV, Parquet, Excel (.xlsx), JSON (an array of objects) or NDJSON.

The output path is checked before any work is done (format known, not a directory, not under
a file, writable). The file is written to a temporary file beside it and moved into place, so a
failure never leaves a half-written file; it gets the permissions the user's umask gives a new
file (not the temporary file's 0600).
"""

from __future__ import annotations

import os
import tempfile
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_xlsx(df: pl.DataFrame, path: str) -> None:
    """One sheet, a header row, then the rows, streamed (xlsxwriter's constant-memory mode:
    ``polars.write_excel`` took 78 s and 1.8 GB for 100k rows x 55 columns)."""
    import xlsxwriter  # only when writing Excel

    if df.height + 1 > XLSX_MAX_ROWS:
        raise InputError(f"{df.height:,} rows do not fit in an Excel sheet ({XLSX_MAX_ROWS:,} rows): "
                         "write .csv or .parquet")

    text = df.with_columns(pl.col(c).cast(pl.Utf8) for c, t in df.schema.items()
                           if not (t.is_numeric() or t == pl.Boolean))
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False,
                                      "nan_inf_to_errors": True})
    sheet = book.add_worksheet("tariffline")
    sheet.write_row(0, 0, text.columns)
    for i, row in enumerate(text.iter_rows(), 1):
        sheet.write_row(i, 0, row)
    book.close()


def write_atomic(df: pl.DataFrame, out: Path | str) -> None:
    """Write ``df`` to ``out`` in the format its extension names, atomically."""
    out = check_output(out)
    suffix = out.suffix.lower()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise InputError(f"output {out} cannot be written: {exc.strerror}") from None
    try:
        if suffix == ".parquet":
            df.write_parquet(tmp)
        elif suffix == ".xlsx":
            _write_xlsx(df, tmp)
        elif suffix == ".json":
            df.write_json(tmp)
        elif suffix in (".ndjson", ".jsonl"):
            df.write_ndjson(tmp)
        else:
            df.write_csv(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except OSError as exc:
        raise InputError(f"output {out} cannot be written: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
