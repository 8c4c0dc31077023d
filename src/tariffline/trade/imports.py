"""U.S. import baskets: imports by HTS-10 x Census country x year, with ISO-2 origins.

:func:`load_imports` returns an :class:`ImportBasket` for a year. Where a catalogued
dataset for that year is in the mirror (2024: the Census values compiled as CSV) it is read
through the data store; otherwise the basket is built from the official Census API through
:class:`~tariffline.trade.census_api.CensusTradeClient` (mirror, cache, network). Asking for
one origin fetches only that country's rows from the API.

Frame columns: ``hs10``, ``cty_code``, ``iso2`` (null where the Census code has no ISO
country), ``value`` (USD), ``quantity`` and ``quantity_unit`` (null where not available —
the 2024 mirror CSV has no quantities at all).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import polars as pl

from tariffline.countries import census_to_iso2, iso2_to_census, to_iso2
from tariffline.data import store
from tariffline.errors import DataError, InputError
from tariffline.trade.census_api import ENDPOINT, CensusTradeClient, Period, parse_response

COLUMNS = ("hs10", "cty_code", "iso2", "value", "quantity", "quantity_unit")


@dataclass(frozen=True)
class ImportBasket:
    """One year of U.S. imports by HTS-10 x origin, with where it came from."""

    year: int
    frame: pl.DataFrame
    source: str  # "mirror:<dataset>", "cache:<dataset>" or "census-api"
    edition: dict = field(default_factory=dict)  # dataset, url, measure, period

    @property
    def has_quantities(self) -> bool:
        return self.frame["quantity"].null_count() < self.frame.height

    @property
    def total(self) -> float:
        return float(self.frame["value"].sum())

    def origin(self, iso2: str | None) -> pl.DataFrame:
        """Rows for one ISO-2 origin (``None``: all origins)."""
        if iso2 is None:
            return self.frame
        return self.frame.filter(pl.col("iso2") == iso2)


def parse_imports_csv(raw: bytes, *, what: str = "imports CSV") -> pl.DataFrame:
    """Read the compiled CSV (``hs10,gtap_code,cty_code,imports``) into basket columns."""
    try:
        df = pl.read_csv(io.BytesIO(raw), schema_overrides={"hs10": pl.Utf8, "cty_code": pl.Utf8},
                         infer_schema_length=10000)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise DataError(f"{what}: cannot parse as CSV: {exc}") from None
    missing = [c for c in ("hs10", "cty_code", "imports") if c not in df.columns]
    if missing:
        raise DataError(f"{what}: missing column(s) {', '.join(missing)}")
    if df["imports"].dtype not in (pl.Float64, pl.Int64):
        raise DataError(f"{what}: column 'imports' is not numeric")
    bad = df.filter(~pl.col("hs10").str.contains(r"^\d{10}$") | ~pl.col("cty_code").str.contains(r"^\d{4}$"))
    if bad.height:
        raise DataError(
            f"{what}: {bad.height} row(s) with a malformed hs10/cty_code, e.g. "
            f"{bad['hs10'][0]!r}/{bad['cty_code'][0]!r}"
        )
    return df.select(
        "hs10", "cty_code", pl.col("imports").cast(pl.Float64).alias("value"),
        pl.lit(None, pl.Float64).alias("quantity"), pl.lit(None, pl.Utf8).alias("quantity_unit"),
    )


def _with_iso(df: pl.DataFrame) -> pl.DataFrame:
    mapping = census_to_iso2()
    return df.with_columns(
        pl.col("cty_code").replace_strict(mapping, default=None, return_dtype=pl.Utf8).alias("iso2")
    ).select(COLUMNS)


def _catalogued(year: int):
    from tariffline.trade.datasets import BASKET_DATASETS

    return BASKET_DATASETS.get(year)


def _from_dataset(ds, period: Period) -> tuple[pl.DataFrame, str] | None:
    """The catalogued basket from the mirror (CSV) or from the cache (API JSON), if present."""
    mirror = store.mirror_dir()
    if mirror is not None and (mirror / ds.mirror_path).is_file():
        return parse_imports_csv(store.read_bytes(ds.name), what=f"dataset {ds.name}"), "mirror"
    if mirror is None and (store.cache_dir() / ds.cache_name).is_file():
        raw = store.read_bytes(ds.name)
        try:
            rows = json.loads(raw)
        except ValueError:
            raise DataError(f"dataset {ds.name}: cached file is not Census API JSON") from None
        return parse_response(rows, period, what=f"dataset {ds.name}"), "cache"
    return None


def load_imports(year: int, *, origin: str | None = None,
                 client: CensusTradeClient | None = None, progress: bool = False) -> ImportBasket:
    """The U.S. import basket for ``year`` (all origins, or only ``origin`` if given).

    Raises :class:`DataError` when the year is in neither mirror nor cache and the network is
    forbidden or fails, :class:`InputError` for a bad year or origin.
    """
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError(f"basket year {year!r} is not a year")
    period = Period.parse(year)
    iso = to_iso2(origin) if origin is not None else None
    ds = _catalogued(year)
    found = _from_dataset(ds, period) if ds is not None else None
    if found is not None:
        frame, where = found
        frame = _with_iso(frame)
        if iso is not None:
            frame = frame.filter(pl.col("iso2") == iso)
        edition = {"dataset": ds.name, "url": ds.url, "period": period.label,
                   "measure": ds.meta.get("measure", ""), "publisher": ds.publisher}
        return ImportBasket(year, frame, f"{where}:{ds.name}", edition)
    cty = None
    if iso is not None:
        cty = iso2_to_census().get(iso)
        if cty is None:
            raise InputError(f"origin {origin!r} ({iso}) has no Census Schedule C country code")
    client = client or CensusTradeClient()
    frame = _with_iso(client.imports(period, cty_code=cty, progress=progress))
    if iso is not None:
        frame = frame.filter(pl.col("iso2") == iso)
    edition = {"dataset": "census-api", "url": ENDPOINT, "period": period.label,
               "measure": "imports for consumption, customs value (USD), CON_VAL_YR",
               "publisher": "U.S. Census Bureau"}
    return ImportBasket(year, frame, "census-api", edition)
