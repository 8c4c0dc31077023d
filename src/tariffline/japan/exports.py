"""U.S. exports to Japan by HS code, from the Census Bureau's export statistics, as trade
weights for parity.

Official format: the Census international trade API, exports by HS
(``https://api.census.gov/data/timeseries/intltrade/exports/hs``), which returns a JSON list of
rows whose first row names the columns, e.g.::

    [["E_COMMODITY","COMM_LVL","ALL_VAL_MO","ALL_VAL_YR","CTY_CODE","time"],
     ["020130","HS6","1234567","98765432","5880","2024-12"], ...]

A CSV with the same column names (as the API's download) is read the same way. ``ALL_VAL_YR``
(year to date) is used when every row is a December (annual) row, otherwise ``ALL_VAL_MO`` is
summed over the rows. Rows for other countries than Japan (Schedule C code 5880) are dropped
when ``CTY_CODE`` is present; the most detailed HS level present (HS10 or HS6) is summed to HS-6
so no value is counted twice.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl

from tariffline.errors import InputError

JAPAN_CENSUS_CODE = "5880"
ENDPOINT = "https://api.census.gov/data/timeseries/intltrade/exports/hs"


def _rows(text: str) -> list[dict[str, str]]:
    t = text.lstrip("\ufeff").strip()
    if t.startswith("["):
        try:
            data = json.loads(t)
        except ValueError as exc:
            raise InputError(f"exports file is not valid JSON: {exc}") from None
        if not data or not all(isinstance(r, list) for r in data):
            raise InputError("exports JSON must be a list of rows with a header row (Census API format)")
        header = [str(h) for h in data[0]]
        return [dict(zip(header, (str(v) if v is not None else "" for v in r))) for r in data[1:]]
    return [dict(r) for r in csv.DictReader(io.StringIO(t))]


def read_exports(text: str) -> pl.DataFrame:
    """Parse Census export statistics (API JSON or CSV) -> DataFrame(hs6, exports_usd)."""
    rows = _rows(text)
    if not rows:
        raise InputError("exports file has no data rows")
    cols = set(rows[0])
    if "E_COMMODITY" not in cols:
        raise InputError("exports file needs the column E_COMMODITY (Census export statistics)")
    if "CTY_CODE" in cols:
        rows = [r for r in rows if r.get("CTY_CODE", "").strip() == JAPAN_CENSUS_CODE]
        if not rows:
            raise InputError(f"exports file has no rows for Japan (CTY_CODE {JAPAN_CENSUS_CODE})")
    annual = "ALL_VAL_YR" in cols and all(r.get("time", "-12").endswith("-12") for r in rows)
    value_col = "ALL_VAL_YR" if annual else "ALL_VAL_MO"
    if value_col not in cols:
        raise InputError("exports file needs ALL_VAL_YR (annual rows) or ALL_VAL_MO (monthly rows)")
    codes = [r["E_COMMODITY"].strip() for r in rows]
    bad = [c for c in codes if not c.isdigit() or len(c) not in (2, 4, 6, 8, 10)]
    if bad:
        raise InputError(f"exports file: E_COMMODITY {bad[0]!r} is not an HS code")
    level = max(len(c) for c in codes)
    if level < 6:
        raise InputError("exports file has no HS-6 or HS-10 rows; trade weights need 6 digits")
    out: dict[str, float] = {}
    for r, code in zip(rows, codes):
        if len(code) != level:
            continue
        try:
            value = float(r[value_col])
        except ValueError:
            raise InputError(f"exports file: {value_col} {r[value_col]!r} for {code} is not a number") from None
        out[code[:6]] = out.get(code[:6], 0.0) + value
    return pl.DataFrame({"hs6": list(out), "exports_usd": list(out.values())},
                        schema={"hs6": pl.Utf8, "exports_usd": pl.Float64})


def read_exports_file(path: str | Path) -> pl.DataFrame:
    p = Path(path).expanduser()
    try:
        return read_exports(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read exports file {str(p)!r}: {exc.strerror}") from None
