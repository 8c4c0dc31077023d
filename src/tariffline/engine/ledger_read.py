"""Read import ledgers as brokers have them: CSV (leniently, row by row), Parquet, Excel.

Every cell is read as text; the user's columns are kept unchanged, and the columns the engine
needs are found by name: tariffline's own names, the common column names of ACE entry-summary
reports and of forwarders' (Flexport-style) templates, or an explicit ``--map``.

CSV is read line by line: a line that is not UTF-8 is decoded as Windows-1252 (Latin-1 where
that fails) and computed, with a warning in its row; a ragged line (more or fewer fields than
the header) becomes an error in its own row with its line number. Blank lines are skipped.
Each row keeps its source line (``line``: the file line for CSV, the sheet row for Excel, the
1-based row number for Parquet). Nothing is dropped: rows out = rows in, in order.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
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
    """A ledger read as text: the user's columns, plus ``_line``, ``_read_error``, ``_read_warning``.

    ``columns`` maps each canonical input (``hts``, ``origin``...) to the user's column."""

    frame: pl.DataFrame
    columns: dict[str, str]
    user_columns: list[str]
    path: Path

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


def _decode(raw: bytes, odd: set[int]) -> Iterator[str]:
    """Each line of ``raw`` as text; numbers of lines that were not UTF-8 are added to ``odd``."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for i, line in enumerate(raw.splitlines(keepends=True), 1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            odd.add(i)
            try:
                yield line.decode("cp1252")
            except UnicodeDecodeError:
                yield line.decode("latin-1")


def _read_csv(path: Path) -> tuple[list[str], dict[str, list], list[int], list[str | None], list[str | None]]:
    odd: set[int] = set()
    reader = csv.reader(_decode(path.read_bytes(), odd))
    header: list[str] | None = None
    cols: list[list[str | None]] = []
    lines, errors, warnings = [], [], []
    end = 0
    try:
        for rec in reader:
            start, end = end + 1, reader.line_num
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if header is None:
                header = [h.strip() or f"column_{i}" for i, h in enumerate(rec, 1)]
                dup = sorted({h for h in header if header.count(h) > 1})
                if dup:
                    raise InputError(f"ledger {path}: the header repeats column(s) {', '.join(dup)}")
                cols = [[] for _ in header]
                continue
            n = len(header)
            errors.append(None if len(rec) == n else
                          f"line {start}: {len(rec)} fields where the header has {n}")
            warnings.append(f"line {start} is not UTF-8: read as Windows-1252"
                            if any(i in odd for i in range(start, end + 1)) else None)
            rec = (rec + [None] * n)[:n]
            for c, v in zip(cols, rec):
                c.append(v)
            lines.append(start)
    except csv.Error as exc:
        raise InputError(f"ledger {path}: line {reader.line_num}: {exc}") from None
    if header is None:
        raise InputError(f"ledger {path} is empty: no header line")
    return header, dict(zip(header, cols)), lines, errors, warnings


def _read_table(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        df = pl.read_parquet(path)
    else:
        df = pl.read_excel(path, infer_schema_length=0)  # every cell as text
    return df.with_columns([pl.col(c).cast(pl.Utf8) for c in df.columns])


LEDGER_FORMATS = (".csv", ".txt", ".parquet", ".xlsx")


def read_ledger(path: Path | str, mapping: dict[str, str] | None = None) -> Ledger:
    """Read a ledger (.csv, .txt, .parquet, .xlsx), every column as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in LEDGER_FORMATS:
        raise InputError(f"ledger {path}: expected one of {', '.join(LEDGER_FORMATS)}")
    if not path.is_file():
        raise InputError(f"ledger {path} does not exist")
    try:
        if suffix in (".csv", ".txt"):
            header, data, lines, errors, warnings = _read_csv(path)
            df = pl.DataFrame(data, schema={h: pl.Utf8 for h in header})
        else:
            df = _read_table(path)
            header = df.columns
            first = 2 if suffix == ".xlsx" else 1
            lines = list(range(first, first + df.height))
            errors = warnings = [None] * df.height
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"ledger {path} cannot be read: {str(exc).splitlines()[0]}") from None
    columns = match_columns(list(header), mapping or {}, f"ledger {path}")
    frame = df.with_columns(pl.Series("_line", lines, dtype=pl.Int64),
                            pl.Series("_read_error", errors, dtype=pl.Utf8),
                            pl.Series("_read_warning", warnings, dtype=pl.Utf8))
    return Ledger(frame=frame, columns=columns, user_columns=list(header), path=path)
