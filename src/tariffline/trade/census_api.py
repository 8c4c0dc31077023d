"""Client for the Census international trade API: U.S. imports by HS-10 and country.

Official endpoint: https://api.census.gov/data/timeseries/intltrade/imports/hs (JSON: a list
of rows, the first row naming the columns; HTTP 204 when a query has no data). A *period* is
a year (``2024``: year-to-date values at December, ``*_YR`` variables) or a month
(``2024-03``: ``*_MO`` variables). Each query's raw JSON is kept at
``census_intltrade_imports_hs/<period>/<country>_<hs>.json`` and looked up, in order, in the
mirror (``TARIFFLINE_MIRROR``), the user cache, then the API; ``TARIFFLINE_OFFLINE=1``
forbids the network and says what is missing. Queries over all countries and all products
are split by HS chapter to stay within the API's response limits.

Values: ``CON_VAL`` (imports for consumption, customs value, USD) is the basket weight;
``GEN_VAL`` (general imports), ``CON_QY1`` with ``UNIT_QY1`` (first unit of quantity) and
``CAL_DUT`` (calculated duty) are kept alongside.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import polars as pl

from tariffline.data import store
from tariffline.errors import DataError, InputError

ENDPOINT = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
CACHE_SUBDIR = "census_intltrade_imports_hs"
FIRST_YEAR = 2013  # the API's HS-level import series begins in January 2013
CHAPTERS = tuple(f"{c:02d}" for c in range(1, 100) if c != 77)  # 77 is reserved in the HS

# Census UNIT_QY1 codes -> the unit spelling of the HTS "Unit of Quantity" column, for the
# common codes; other codes pass through unchanged. "X" means no quantity is collected.
_UNITS = {
    "NO": "No.", "KG": "kg", "DOZ": "doz.", "PRS": "prs.", "L": "liters", "PFL": "pf.liters",
    "M2": "m2", "M3": "m3", "M": "m", "T": "t", "GM": "g", "PCS": "pcs", "DPC": "Dz Pcs",
    "DPR": "doz. prs.", "GR": "gross", "THS": "thousands", "CTN": "carat", "BBL": "bbl",
}


@dataclass(frozen=True)
class Period:
    """A calendar year (``month=None``) or one month of trade."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, value: str | int) -> "Period":
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", text)
        if not m:
            raise InputError(f"trade period {value!r} is not a year (2024) or a month (2024-03)")
        year, month = int(m.group(1)), (int(m.group(2)) if m.group(2) else None)
        if month is not None and not 1 <= month <= 12:
            raise InputError(f"trade period {value!r}: month must be 01-12")
        if year < FIRST_YEAR:
            raise InputError(
                f"trade period {value!r}: the Census API has HS-level imports from {FIRST_YEAR} on"
            )
        return cls(year, month)

    @property
    def label(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def time(self) -> str:
        """The API ``time`` predicate: December's year-to-date for a year."""
        return f"{self.year}-{(self.month or 12):02d}"

    @property
    def suffix(self) -> str:
        return "YR" if self.month is None else "MO"


def variables(period: Period) -> list[str]:
    s = period.suffix
    return ["I_COMMODITY", "CTY_CODE", f"CON_VAL_{s}", f"GEN_VAL_{s}", f"CON_QY1_{s}",
            "UNIT_QY1", f"CAL_DUT_{s}"]


def query_params(period: Period, *, cty_code: str | None = None,
                 hs_prefix: str | None = None) -> dict[str, str]:
    """The API parameters for one query (without the API key)."""
    params = {
        "get": ",".join(variables(period)),
        "time": period.time,
        "COMM_LVL": "HS10",
        "SUMMARY_LVL": "DET",
    }
    if cty_code:
        params["CTY_CODE"] = cty_code
    if hs_prefix:
        params["I_COMMODITY"] = hs_prefix + "*"
    return params


def annual_query_url(period: Period) -> str:
    """The official address of a whole year's HS-10 x country import table."""
    return f"{ENDPOINT}?{urlencode(query_params(period), safe=',*')}"


def parse_response(rows: list, period: Period, *, what: str = "response") -> pl.DataFrame:
    """Turn the API's JSON rows into a typed table (one row per HS-10 x country).

    Columns: ``hs10``, ``cty_code``, ``value`` (imports for consumption, USD),
    ``general_value``, ``quantity`` (first unit; null where none is collected),
    ``quantity_unit`` (HTS spelling), ``calculated_duty``.
    """
    schema = {"hs10": pl.Utf8, "cty_code": pl.Utf8, "value": pl.Float64,
              "general_value": pl.Float64, "quantity": pl.Float64, "quantity_unit": pl.Utf8,
              "calculated_duty": pl.Float64}
    if not rows:
        return pl.DataFrame(schema=schema)
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise DataError(f"Census API {what}: expected a JSON list of rows")
    header = [str(h) for h in rows[0]]
    want = variables(period)
    missing = [v for v in want if v not in header]
    if missing:
        raise DataError(f"Census API {what}: missing column(s) {', '.join(missing)}")
    idx = {name: header.index(name) for name in want}
    body = rows[1:]
    if any(len(r) != len(header) for r in body):
        raise DataError(f"Census API {what}: a row's length differs from the header's")
    s = period.suffix
    cols = {v: [r[idx[v]] for r in body] for v in want}
    df = pl.DataFrame(cols, schema={v: pl.Utf8 for v in want})
    num = lambda name: pl.col(name).str.strip_chars().cast(pl.Float64, strict=False)  # noqa: E731
    out = df.select(
        pl.col("I_COMMODITY").str.strip_chars().alias("hs10"),
        pl.col("CTY_CODE").str.strip_chars().alias("cty_code"),
        num(f"CON_VAL_{s}").alias("value"),
        num(f"GEN_VAL_{s}").alias("general_value"),
        num(f"CON_QY1_{s}").alias("quantity"),
        pl.col("UNIT_QY1").str.strip_chars().str.to_uppercase().alias("unit_code"),
        num(f"CAL_DUT_{s}").alias("calculated_duty"),
    )
    bad = out.filter(~pl.col("hs10").str.contains(r"^\d{10}$"))
    if bad.height:
        raise DataError(
            f"Census API {what}: {bad.height} row(s) with a commodity that is not 10 digits, "
            f"e.g. {bad['hs10'][0]!r}"
        )
    if out["value"].null_count():
        raise DataError(f"Census API {what}: non-numeric CON_VAL_{s} value(s)")
    # Keep single countries only: 4-digit Schedule C codes; 0xxx and nXXX are groupings.
    out = out.filter(pl.col("cty_code").str.contains(r"^[1-9]\d{3}$"))
    no_qty = pl.col("unit_code").is_in(["X", ""]) | pl.col("unit_code").is_null()
    return out.with_columns(
        pl.when(no_qty).then(None).otherwise(pl.col("quantity")).alias("quantity"),
        pl.when(no_qty).then(None)
        .otherwise(pl.col("unit_code").replace_strict(_UNITS, default=pl.col("unit_code")))
        .alias("quantity_unit"),
    ).select(list(schema))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class CensusTradeClient:
    """Imports by HS-10 and country for a year or month, from mirror, cache or the API."""

    def __init__(self, *, api_key: str | None = None, transport: httpx.BaseTransport | None = None,
                 timeout: float = 120.0) -> None:
        self.api_key = api_key if api_key is not None else os.environ.get("CENSUS_API_KEY")
        self._transport = transport
        self._timeout = timeout

    @staticmethod
    def relative_path(period: Period, cty_code: str | None, hs_prefix: str | None) -> str:
        return f"{CACHE_SUBDIR}/{period.label}/{cty_code or 'all'}_{hs_prefix or 'all'}.json"

    def imports(self, period: Period | str | int, *, cty_code: str | None = None,
                hs_prefix: str | None = None, progress: bool = False) -> pl.DataFrame:
        """U.S. imports for ``period``, optionally for one Census country / HS prefix."""
        period = period if isinstance(period, Period) else Period.parse(period)
        if cty_code is not None and not re.fullmatch(r"[1-9]\d{3}", cty_code):
            raise InputError(f"Census country code {cty_code!r} is not a 4-digit Schedule C code")
        if hs_prefix is not None and not re.fullmatch(r"\d{2,10}", hs_prefix):
            raise InputError(f"HS prefix {hs_prefix!r} must be 2-10 digits")
        if cty_code is None and hs_prefix is None:
            chunks = [(None, ch) for ch in CHAPTERS]
        else:
            chunks = [(cty_code, hs_prefix)]
        from rich.progress import Progress

        frames = []
        with Progress(disable=not progress, transient=True) as bar:
            task = bar.add_task(f"Census imports {period.label}", total=len(chunks))
            for cty, hs in chunks:
                rows = self._rows(period, cty, hs)
                what = f"imports {period.label} country={cty or 'all'} hs={hs or 'all'}"
                frames.append(parse_response(rows, period, what=what))
                bar.advance(task)
        return pl.concat(frames, how="vertical") if frames else parse_response([], period)

    def _rows(self, period: Period, cty_code: str | None, hs_prefix: str | None) -> list:
        rel = self.relative_path(period, cty_code, hs_prefix)
        mirror = store.mirror_dir()
        for base in ([mirror] if mirror else []) + [store.cache_dir()]:
            path = base / rel
            if path.is_file():
                try:
                    return json.loads(path.read_text(encoding="utf-8") or "[]")
                except (OSError, json.JSONDecodeError) as exc:
                    raise DataError(f"cached Census response {path} is unreadable: {exc}") from None
        if store.offline():
            where = f"mirror {mirror} or " if mirror else ""
            raise DataError(
                f"no Census import data for {period.label} (country={cty_code or 'all'}, "
                f"hs={hs_prefix or 'all'}) in the {where}cache {store.cache_dir()}, and "
                "TARIFFLINE_OFFLINE is set; go online once or point TARIFFLINE_MIRROR at a copy"
            )
        try:
            rows = self._download(query_params(period, cty_code=cty_code, hs_prefix=hs_prefix))
        except DataError as exc:
            raise DataError(f"no Census import data for {period.label} on this machine (cache "
                            f"{store.cache_dir()}{', mirror ' + str(mirror) if mirror else ''}) and the "
                            f"Census API could not be reached: {exc}") from None
        _atomic_write(store.cache_dir() / rel, json.dumps(rows, separators=(",", ":")))
        return rows

    def _download(self, params: dict[str, str]) -> list:
        if self.api_key:
            params = {**params, "key": self.api_key}
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout,
                              follow_redirects=True) as client:
                resp = client.get(ENDPOINT, params=params)
        except httpx.HTTPError as exc:
            raise DataError(f"Census API request failed ({ENDPOINT}): {exc}") from None
        if resp.status_code == 204:
            return []
        if resp.status_code != 200:
            first = (resp.text or "").strip().splitlines()[:1]
            raise DataError(
                f"Census API returned HTTP {resp.status_code}"
                + (f": {first[0][:200]}" if first else "")
            )
        try:
            rows = resp.json()
        except ValueError:
            raise DataError("Census API returned a body that is not JSON") from None
        if not isinstance(rows, list):
            raise DataError("Census API returned JSON that is not a list of rows")
        return rows
