"""The ETR verbs (same as the CLI): rate on a date, daily series, chart, comparators, CRS figures.

Every function takes its dates explicitly and returns plain results carrying provenance.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from tariffline.dates import parse_date
from tariffline.errors import InputError
from tariffline.etr import chart as _chart
from tariffline.etr import comparators as _cmp
from tariffline.etr import crs as _crs
from tariffline.etr.compute import (BASE_ASSUMPTIONS, DEFAULT_METAL_SHARE, DayRates, EtrResult,
                                    engine_rows, rate_rows, summarise)
from tariffline.etr.origins import encoded_measures, flags, resolve
from tariffline.etr.provenance import provenance
from tariffline.etr.series import EtrSeries, compute_series
from tariffline.trade.imports import ImportBasket, load_imports

DEFAULT_BASKET_YEAR = 2024


def basket(basket_year: int = DEFAULT_BASKET_YEAR, origins: frozenset[str] | None = None) -> ImportBasket:
    """The import basket for the origins asked for (one origin: only its rows are fetched)."""
    if origins is not None and len(origins) == 1:
        return load_imports(basket_year, origin=next(iter(origins)))
    b = load_imports(basket_year)
    if origins is None:
        return b
    return ImportBasket(b.year, b.frame.filter(pl.col("iso2").is_in(sorted(origins))), b.source, b.edition)


def quality_flags(res: EtrResult, metal_share: float | None) -> list[str]:
    """Flags for the parts of a result that rest on a fallback (see the assumptions)."""
    out = []
    if res.imports and res.metal_content_value and metal_share is not None:
        out.append(f"{res.metal_content_value / res.imports:.2%} of the import value pays a duty on "
                   f"metal content valued at an assumed metal share (100% in ch. 72/73/74/76, "
                   f"{metal_share:.0%} elsewhere; ETR-08)")
    if res.imports and res.estimated_value:
        out.append(f"{res.estimated_value / res.imports:.2%} of the import value has a specific "
                   "duty counted by its ad valorem part only (no quantities; ETR-03)")
    if res.imports and res.metal_assumed_value:
        out.append(f"{res.metal_assumed_value / res.imports:.2%} of the import value pays a duty on "
                   "metal content charged on the full value (upper bound; ETR-08)")
    if res.imports and res.edition_fallback_value:
        out.append(f"{res.edition_fallback_value / res.imports:.2%} of the import value is rated with "
                   "column 1 rates of an HTS edition other than the one in force (not on hand; ETR-09)")
    if res.imports and res.line_fallback_value:
        out.append(f"{res.line_fallback_value / res.imports:.2%} of the import value has a 2024 HTS-10 "
                   "code matched to its 8-digit line or to another edition (ETR-09)")
    if res.error_value:
        total = res.imports + res.error_value
        out.append(f"{res.error_value / total:.2%} of the basket value ({res.error_rows} rows) "
                   "could not be rated and is left out (ETR-04)")
    return out


def _finish(res: EtrResult, rates: DayRates, origins, b: ImportBasket, encoded: dict[str, list[str]],
            as_known_on: dt.date | None, metal_share: float | None) -> EtrResult:
    res.flags = flags(res.origin, origins, rates.per_origin, encoded) + quality_flags(res, metal_share)
    res.provenance = provenance(b, rates.editions, rates.policy_version, BASE_ASSUMPTIONS, as_known_on,
                                metal_share)
    return res


def etr(origin: str, on: dt.date | str, *, basket_year: int = DEFAULT_BASKET_YEAR,
        as_known_on: dt.date | str | None = None,
        metal_share: float | None = DEFAULT_METAL_SHARE) -> EtrResult:
    """The statutory ETR on imports from ``origin`` (ISO/name, ``EU`` or ``ALL``) on ``on``.

    ``metal_share``: assumed metal share of value outside ch. 72/73/74/76 for duties on
    metal content (None: the engine's upper bound, the full value).
    """
    day = parse_date(on)
    known = parse_date(as_known_on, "as-known-on date") if as_known_on else None
    label, origins = resolve(origin)
    b = basket(basket_year, origins)
    rates = rate_rows(_nonempty(engine_rows(b.frame, metal_share), label, b.year), day, as_known_on=known)
    return _finish(summarise(rates, label, b.year), rates, origins, b,
                   encoded_measures(day, known), known, metal_share)


def etr_series(origin: str, start: dt.date | str, end: dt.date | str, *,
               basket_year: int = DEFAULT_BASKET_YEAR, as_known_on: dt.date | str | None = None,
               progress: bool = False, metal_share: float | None = DEFAULT_METAL_SHARE) -> EtrSeries:
    """Daily ETR from ``start`` to ``end`` (inclusive), recomputed only at change points."""
    d0, d1 = parse_date(start, "start date"), parse_date(end, "end date")
    known = parse_date(as_known_on, "as-known-on date") if as_known_on else None
    label, origins = resolve(origin)
    b = basket(basket_year, origins)
    _nonempty(engine_rows(b.frame, metal_share), label, b.year)
    points, editions, version = compute_series(b.frame, label, origins, d0, d1, basket_year=b.year,
                                               as_known_on=known, progress=progress,
                                               metal_share=metal_share)
    per_origin = _per_origin(b)
    prov = provenance(b, editions, version, BASE_ASSUMPTIONS + ["ETR-07"], known, metal_share)
    for p in points:
        p.flags = (flags(label, origins, per_origin, encoded_measures(p.date, known))
                   + quality_flags(p, metal_share))
        p.provenance = prov
    authorities = sorted({a for p in points for a in p.by_authority},
                         key=lambda a: -max(p.by_authority.get(a, 0.0) for p in points))
    return EtrSeries(label, d0, d1, points, authorities, prov)


def _nonempty(rows: pl.DataFrame, label: str, year: int) -> pl.DataFrame:
    """An ETR needs imports to weigh: no dutiable basket rows from the origin is an InputError."""
    if not rows.height:
        raise InputError(f"no imports from {label} in the {year} basket to weigh: its ETR is undefined")
    return rows


def _per_origin(b: ImportBasket) -> pl.DataFrame:
    return b.frame.group_by(pl.col("iso2").alias("origin")).agg(pl.col("value").sum().alias("imports"))


def chart(origin: str, start: dt.date | str, end: dt.date | str, out: str | Path, *,
          basket_year: int = DEFAULT_BASKET_YEAR, as_known_on: dt.date | str | None = None,
          progress: bool = False, metal_share: float | None = DEFAULT_METAL_SHARE,
          ) -> tuple[EtrSeries, Path]:
    """Compute the series and draw it to ``out`` (.png or .svg)."""
    series = etr_series(origin, start, end, basket_year=basket_year, as_known_on=as_known_on,
                        progress=progress, metal_share=metal_share)
    return series, _chart.render(series, out)


def compare(on: dt.date | str, *, basket_year: int = DEFAULT_BASKET_YEAR,
            as_known_on: dt.date | str | None = None, members: bool = True,
            metal_share: float | None = DEFAULT_METAL_SHARE) -> list[dict]:
    """Japan beside the EU (and members), Korea, UK, Canada, Mexico, China and all origins."""
    day = parse_date(on)
    known = parse_date(as_known_on, "as-known-on date") if as_known_on else None
    b = basket(basket_year)
    rates = rate_rows(engine_rows(b.frame, metal_share), day, as_known_on=known)
    encoded = encoded_measures(day, known)
    prov = provenance(b, rates.editions, rates.policy_version, BASE_ASSUMPTIONS, known, metal_share)
    out = []
    for res, is_encoded in _cmp.compare(rates, b.year, encoded, members=members):
        res.flags = res.flags + quality_flags(res, metal_share)
        res.provenance = prov
        out.append({**res.to_dict(), "measures_encoded": is_encoded,
                    "origin_measures": encoded.get(res.origin, []) if is_encoded is not None else None})
    return out


def usjta_coverage(*, basket_year: int = DEFAULT_BASKET_YEAR, edition: str | None = None) -> dict:
    """U.S. tariff lines with a JP preference and the share of imports from Japan on them."""
    from tariffline.hts.editions import edition_for
    from tariffline.hts.loader import load_edition

    name = edition or _edition_name(edition_for(_crs.edition_for_basket(basket_year)))
    ed = load_edition(name)
    b = basket(basket_year, frozenset({"JP"}))
    return _crs.usjta_coverage(ed.special, b.frame, edition=name, basket_year=b.year,
                               text_source=ed.lines.select("hts", "special_from"))


def _edition_name(ed) -> str:
    return str(getattr(ed, "name", ed))


def crs_figures(*, basket_year: int = DEFAULT_BASKET_YEAR) -> dict:
    """Every CRS figure the issue asks for, recomputed, with the CRS statement beside it."""
    return {"usjta": usjta_coverage(basket_year=basket_year),
            "japan_imports": _crs.japan_imports(basket(basket_year))}
