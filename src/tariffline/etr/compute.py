"""The statutory ETR: engine duties over a whole import basket divided by its value.

Every basket row (all origins asked for) is rated on each date asked for; the (row, date)
pairs are stacked into vectorised engine calls of bounded size. The results are summed per
date and origin, per authority and per HS heading. Rows the engine cannot rate are kept out
of both sums and reported; rows resting on a fallback (specific duty without quantity, metal
content, HTS edition or line not on hand) are counted and their value reported (see
``provenance.ASSUMPTIONS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from tariffline.errors import InputError

ENGINE_START = dt.date(2018, 1, 1)  # the engine's rules reach back to 1 Jan 2018
# Chapters whose goods are (almost) all metal: iron and steel, articles of iron or steel,
# copper, aluminum. Their metal value is taken as the full value (ETR-08).
METAL_CHAPTERS = ("72", "73", "74", "76")
DEFAULT_METAL_SHARE = 0.5  # other goods: the Budget Lab tariff-rate-tracker's "flat" default
MAX_ROWS_PER_CALL = 60_000  # rows per engine call: bounds memory (~4 KB a row in the engine)
# Share of imports from Canada and Mexico entered claiming USMCA (ET-01): about 86-89% from
# autumn 2025 to Feb. 2026 (Penn Wharton Budget Model figures as reported, Census data); 2024:
# Canada 37.9%, Mexico 48.9%. Trade data cannot tell claims; the USMCA exemptions from the
# Canada/Mexico IEEPA duties and Section 122 apply only to the claimed share.
USMCA_ORIGINS = ("CA", "MX")
DEFAULT_USMCA_SHARE = 0.87
BASE_ASSUMPTIONS = ["ETR-01", "ETR-02", "ETR-03", "ETR-04", "ETR-05", "ETR-06", "ETR-08", "ETR-09",
                    "ET-01"]
# The engine's flags on rows that rest on a fallback, by the value column that sums them.
FLAG_KINDS = {
    "estimated_value": "quantity_missing",  # no quantity (ETR-03)
    "metal_assumed_value": "metal_assumed",  # metal duty on full value (ETR-08)
    "edition_fallback_value": "edition_fallback",  # ETR-09
    "line_fallback_value": "line_fallback",  # ETR-09
}


def engine_rows(frame: pl.DataFrame, metal_share: float | None = DEFAULT_METAL_SHARE,
                usmca_share: float = DEFAULT_USMCA_SHARE) -> pl.DataFrame:
    """Basket rows as engine input (without ``entry_date``): positive value, known origin.

    ``metal_value`` (used only by duties on metal content) is the full value in chapters
    72, 73, 74 and 76 and ``metal_share`` of it elsewhere; ``None`` leaves it unset, and the
    engine then charges such duties on the full value (its upper bound). A row of Canada or
    Mexico becomes two: ``usmca_share`` of it claiming preferences (USMCA), the rest declining
    them (``program='none'``), as trade data cannot tell claims (ET-01).
    """
    if metal_share is not None and not 0.0 <= metal_share <= 1.0:
        raise InputError(f"metal share {metal_share} must be between 0 and 1")
    if not 0.0 <= usmca_share <= 1.0:
        raise InputError(f"USMCA share {usmca_share} must be between 0 and 1")
    rows = frame.filter((pl.col("value") > 0) & pl.col("iso2").is_not_null())
    rows = rows.with_columns(pl.lit(None, dtype=pl.Utf8).alias("program"))
    usmca = pl.col("iso2").is_in(USMCA_ORIGINS)
    scale = ["value", "quantity"]
    claimed = rows.filter(usmca).with_columns(pl.col(c) * usmca_share for c in scale)
    declined = rows.filter(usmca).with_columns(*[pl.col(c) * (1 - usmca_share) for c in scale],
                                               pl.lit("none").alias("program"))
    rows = pl.concat([rows.filter(~usmca), claimed, declined], how="vertical_relaxed").filter(
        pl.col("value") > 0)
    if metal_share is None:
        metal = pl.lit(None, dtype=pl.Float64)
    else:
        metal = (pl.when(pl.col("hs10").str.slice(0, 2).is_in(METAL_CHAPTERS)).then(pl.col("value"))
                 .otherwise(pl.col("value") * metal_share))
    return rows.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row_id"),
        pl.col("hs10").alias("hts"),
        pl.col("iso2").alias("origin"),
        pl.col("value").cast(pl.Float64),
        pl.col("quantity").cast(pl.Float64),
        pl.col("quantity_unit").cast(pl.Utf8),
        metal.cast(pl.Float64).alias("metal_value"),
        pl.col("program"),
    )


@dataclass(frozen=True)
class DayRates:
    """Duties on every row of a basket on one date, summed per origin and per authority."""

    date: dt.date
    per_origin: pl.DataFrame  # origin, imports, duties, the FLAG_KINDS values, error_value,
    #                           error_rows, metal_content_value
    per_authority: pl.DataFrame  # origin, authority, duties
    errors: pl.DataFrame  # origin, error, rows, value
    per_heading: pl.DataFrame  # origin, heading (4 digits), imports
    per_heading_authority: pl.DataFrame  # origin, heading, authority, duties
    editions: tuple[str, ...]  # HTS editions the engine used for these rows
    policy_version: str

    def select(self, origins: set[str] | None) -> "DayRates":
        if origins is None:
            return self
        f = pl.col("origin").is_in(sorted(origins))
        return DayRates(self.date, self.per_origin.filter(f), self.per_authority.filter(f),
                        self.errors.filter(f), self.per_heading.filter(f),
                        self.per_heading_authority.filter(f), self.editions, self.policy_version)


def rate_rows(rows: pl.DataFrame, day: dt.date, *, as_known_on: dt.date | None = None) -> DayRates:
    """Run the engine once over ``rows`` (from :func:`engine_rows`) entered on ``day``."""
    return rate_days(rows, [day], as_known_on=as_known_on)[0]


def rate_days(rows: pl.DataFrame, days: list[dt.date], *, as_known_on: dt.date | None = None,
              max_rows: int | None = None,
              on_chunk: Callable[[int], None] | None = None) -> list[DayRates]:
    """Rate ``rows`` on each of ``days``. The (row, day) pairs are stacked and sent to the
    engine in slices of at most ``max_rows`` rows (default :data:`MAX_ROWS_PER_CALL`), so a
    whole series is a few vectorised calls and memory stays bounded."""
    from tariffline.engine import compute_duties

    early = [d for d in days if d < ENGINE_START]
    if early:
        raise InputError(f"date {early[0]} is before the engine's coverage (from {ENGINE_START})")
    stacked = pl.concat([
        rows.with_columns(pl.lit(d, dtype=pl.Date).alias("entry_date"),
                          pl.lit(i, dtype=pl.UInt32).alias("day")) for i, d in enumerate(days)
    ]).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row_id"))
    size = max(1, max_rows or MAX_ROWS_PER_CALL)
    totals, layers, version = [], [], ""
    for first in range(0, stacked.height, size):
        part = stacked.slice(first, size)
        result = compute_duties(part.drop("day"), as_known_on=as_known_on,  # sums only: no citations
                                claim_preferences=True, missing_quantity="ave_estimate", texts=False)
        totals.append(result.totals.select(
            pl.col("row_id").cast(pl.UInt32), "total_duty", "error", "edition",
            *[pl.col("flags").list.contains(flag).fill_null(False).alias(kind)
              for kind, flag in FLAG_KINDS.items()]))
        layers.append(result.layers.select(pl.col("row_id").cast(pl.UInt32), "authority", "amount",
                                           "value_base"))
        version = result.policy_version
        if on_chunk is not None:
            on_chunk(part.height)
    keys = stacked.select("row_id", "day", "origin", "value", pl.col("hts").str.slice(0, 4).alias("heading"))
    return _summarise_days(pl.concat(totals), pl.concat(layers), version, keys, days)


def _summarise_days(totals: pl.DataFrame, layers: pl.DataFrame, version: str, keys: pl.DataFrame,
                    days: list[dt.date]) -> list[DayRates]:
    on_metal = layers.filter(pl.col("value_base") == "metal_content").select("row_id").unique()
    totals = totals.join(keys, on="row_id", how="left").with_columns(
        pl.col("row_id").is_in(on_metal["row_id"].implode()).alias("on_metal"))
    ok = pl.col("error").is_null()
    per_origin = totals.group_by("day", "origin").agg(
        pl.col("value").filter(ok).sum().alias("imports"),
        pl.col("total_duty").filter(ok).sum().alias("duties"),
        *[pl.col("value").filter(ok & pl.col(kind)).sum().alias(kind) for kind in FLAG_KINDS],
        pl.col("value").filter(~ok).sum().alias("error_value"),
        (~ok).sum().alias("error_rows"),
        pl.col("value").filter(ok & pl.col("on_metal")).sum().alias("metal_content_value"),
    )
    rated_layers = layers.select("row_id", "authority", "amount").join(
        totals.filter(ok).select("row_id", "day", "origin", "heading"), on="row_id", how="inner")
    per_authority = rated_layers.group_by("day", "origin", "authority").agg(
        pl.col("amount").sum().alias("duties"))
    per_heading = totals.filter(ok).group_by("day", "origin", "heading").agg(
        pl.col("value").sum().alias("imports"))
    per_heading_authority = rated_layers.group_by("day", "origin", "heading", "authority").agg(
        pl.col("amount").sum().alias("duties"))
    errors = totals.filter(~ok).group_by("day", "origin", "error").agg(
        pl.len().alias("rows"), pl.col("value").sum().alias("value"))
    editions = totals.group_by("day").agg(pl.col("edition").drop_nulls().unique().sort())
    eds = {r["day"]: tuple(r["edition"]) for r in editions.iter_rows(named=True)}
    frames = [per_origin, per_authority, errors, per_heading, per_heading_authority]
    parts = [f.partition_by("day", as_dict=True, include_key=False) for f in frames]
    empties = [f.drop("day").clear() for f in frames]
    return [DayRates(d, *[p.get((i,), e) for p, e in zip(parts, empties)], eds.get(i, ()), version)
            for i, d in enumerate(days)]


@dataclass
class EtrResult:
    """The ETR of one origin (or all) on one date, decomposed by authority, with provenance."""

    origin: str  # ISO-2, a group name (e.g. "EU") or "ALL"
    date: dt.date
    basket_year: int
    imports: float
    duties: float
    by_authority: dict[str, float]  # authority -> duties / imports
    duties_by_authority: dict[str, float]
    estimated_value: float  # specific duty counted as 0 (no quantity)
    metal_assumed_value: float  # duty on metal content charged on the full value (no metal value)
    metal_content_value: float  # rows paying a duty on metal content (valued by the metal share)
    edition_fallback_value: float  # rated with an HTS edition other than the one in force
    line_fallback_value: float  # 2024 code matched to its 8-digit line or another edition
    error_value: float
    error_rows: int
    top_errors: list[dict]
    flags: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    heading_imports: pl.DataFrame | None = None  # heading, imports
    heading_duties: pl.DataFrame | None = None  # heading, authority, duties

    def by_product(self, digits: int = 2) -> list[dict]:
        """Contributions by HS chapter (2 digits) or heading (4): imports, duties, rate, the
        percentage points of the ETR it contributes, and those points by authority."""
        if digits not in (2, 4):
            raise InputError(f"product level must be 2 (chapter) or 4 (heading) digits, not {digits}")
        if self.heading_imports is None or self.heading_duties is None or not self.imports:
            return []
        code = pl.col("heading").str.slice(0, digits).alias("code")
        imp = self.heading_imports.group_by(code).agg(pl.col("imports").sum())
        dut = self.heading_duties.group_by(code, "authority").agg(pl.col("duties").sum())
        out = []
        for row in imp.join(dut.group_by("code").agg(pl.col("duties").sum()), on="code", how="left") \
                .fill_null(0.0).sort("duties", descending=True).iter_rows(named=True):
            parts = dut.filter(pl.col("code") == row["code"]).sort("duties", descending=True)
            out.append({
                "code": row["code"], "imports": row["imports"], "duties": row["duties"],
                "rate": row["duties"] / row["imports"] if row["imports"] else None,
                "contribution": row["duties"] / self.imports,
                "by_authority": {a: d / self.imports for a, d in parts.select("authority", "duties").iter_rows()},
            })
        return out

    @property
    def etr(self) -> float:
        return self.duties / self.imports if self.imports else float("nan")

    def to_dict(self, by_product: int | None = None) -> dict:
        """Plain data (JSON keys of the CLI); ``by_product`` 2 or 4 adds ``by_chapter`` or
        ``by_heading`` (see :meth:`by_product`)."""
        total = self.imports + self.error_value
        extra = {}
        if by_product is not None:
            extra = {"by_chapter" if by_product == 2 else "by_heading": self.by_product(by_product)}
        return extra | {
            "origin": self.origin,
            "date": self.date,
            "etr": self.etr,
            "by_authority": self.by_authority,
            "imports": self.imports,
            "duties": self.duties,
            "basket_year": self.basket_year,
            "duties_by_authority": self.duties_by_authority,
            "estimated_share": self.estimated_value / self.imports if self.imports else None,
            "metal_assumed_share": self.metal_assumed_value / self.imports if self.imports else None,
            "metal_content_share": self.metal_content_value / self.imports if self.imports else None,
            "edition_fallback_share": self.edition_fallback_value / self.imports if self.imports else None,
            "line_fallback_share": self.line_fallback_value / self.imports if self.imports else None,
            "error_share": self.error_value / total if total else None,
            "error_rows": self.error_rows,
            "top_errors": self.top_errors,
            "flags": self.flags,
            "provenance": self.provenance,
        }


def summarise(rates: DayRates, label: str, basket_year: int) -> EtrResult:
    """Sum a (selected) :class:`DayRates` into one :class:`EtrResult` (no flags/provenance)."""
    po = rates.per_origin
    imports = float(po["imports"].sum() or 0.0)
    duties = float(po["duties"].sum() or 0.0)
    by_auth = (rates.per_authority.group_by("authority").agg(pl.col("duties").sum())
               .sort("duties", descending=True))
    duties_by = {r["authority"]: float(r["duties"]) for r in by_auth.iter_rows(named=True)}
    top = (rates.errors.group_by("error").agg(pl.col("rows").sum(), pl.col("value").sum())
           .sort("value", descending=True).head(5))
    return EtrResult(
        heading_imports=rates.per_heading.group_by("heading").agg(pl.col("imports").sum()),
        heading_duties=rates.per_heading_authority.group_by("heading", "authority").agg(pl.col("duties").sum()),
        origin=label, date=rates.date, basket_year=basket_year, imports=imports, duties=duties,
        by_authority={k: (v / imports if imports else float("nan")) for k, v in duties_by.items()},
        duties_by_authority=duties_by,
        estimated_value=float(po["estimated_value"].sum() or 0.0),
        metal_assumed_value=float(po["metal_assumed_value"].sum() or 0.0),
        metal_content_value=float(po["metal_content_value"].sum() or 0.0),
        edition_fallback_value=float(po["edition_fallback_value"].sum() or 0.0),
        line_fallback_value=float(po["line_fallback_value"].sum() or 0.0),
        error_value=float(po["error_value"].sum() or 0.0),
        error_rows=int(po["error_rows"].sum() or 0),
        top_errors=top.to_dicts(),
    )
