"""Daily ETR series over a date range, recomputed only where the law or the HTS changes.

The engine's :func:`~tariffline.engine.change_points` gives the days on which any rule or
HTS edition changes for the origins; the basket is rated once on the first day and once on
each change point, and the values are carried forward to every day in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from tariffline.errors import InputError
from tariffline.etr.compute import (DEFAULT_METAL_SHARE, ENGINE_START, EtrResult, engine_rows,
                                    rate_days, summarise)


@dataclass
class EtrSeries:
    """An ETR series: results at each change point and the daily table derived from them."""

    origin: str
    start: dt.date
    end: dt.date
    points: list[EtrResult]
    authorities: list[str]
    provenance: dict

    @property
    def daily(self) -> pl.DataFrame:
        """One row per day: ``date``, ``etr``, ``imports``, ``duties`` and one column per authority."""
        seg = pl.DataFrame({
            "date": [p.date for p in self.points],
            "etr": [p.etr for p in self.points],
            "imports": [p.imports for p in self.points],
            "duties": [p.duties for p in self.points],
            **{a: [p.by_authority.get(a, 0.0) for p in self.points] for a in self.authorities},
        }, schema_overrides={"date": pl.Date}).sort("date")
        days = pl.DataFrame({"date": pl.date_range(self.start, self.end, "1d", eager=True)})
        return days.join_asof(seg, on="date", strategy="backward")

    def to_dict(self) -> dict:
        return {
            "origin": self.origin,
            "start": self.start,
            "end": self.end,
            "basket_year": self.points[0].basket_year if self.points else None,
            "authorities": self.authorities,
            "points": [{"date": p.date, "etr": p.etr, "by_authority": p.by_authority,
                        "imports": p.imports, "duties": p.duties,
                        "estimated_share": p.to_dict()["estimated_share"],
                        "error_share": p.to_dict()["error_share"]} for p in self.points],
            "flags": sorted({f for p in self.points for f in p.flags}),
            "provenance": self.provenance,
        }


def evaluation_days(start: dt.date, end: dt.date, origins: frozenset[str] | None,
                    as_known_on: dt.date | None) -> list[dt.date]:
    """The first day and every change point inside ``[start, end]``."""
    from tariffline.engine import change_points

    if start > end:
        raise InputError(f"start {start} is after end {end}")
    if start < ENGINE_START:
        raise InputError(f"start {start} is before the engine's coverage (from {ENGINE_START})")
    pts = change_points(start, end, origins=sorted(origins) if origins else None,
                        as_known_on=as_known_on)
    return sorted({start, *(d for d in pts if start <= d <= end)})


def compute_series(frame: pl.DataFrame, label: str, origins: frozenset[str] | None,
                   start: dt.date, end: dt.date, *, basket_year: int,
                   as_known_on: dt.date | None = None, progress: bool = False,
                   metal_share: float | None = DEFAULT_METAL_SHARE,
                   ) -> tuple[list[EtrResult], set[str], str]:
    """Rate ``frame`` (an import basket's rows) at each evaluation day, days stacked into as
    few engine calls as the row bound allows.

    Returns the results, the HTS editions used and the policy version.
    """
    if origins is not None:
        frame = frame.filter(pl.col("iso2").is_in(sorted(origins)))
    rows = engine_rows(frame, metal_share)
    days = evaluation_days(start, end, origins, as_known_on)
    from rich.progress import Progress

    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(f"ETR {label}: {len(days)} change points", total=len(days) * rows.height)
        all_rates = rate_days(rows, days, as_known_on=as_known_on,
                              on_chunk=lambda n: bar.advance(task, n))
    points = [summarise(r, label, basket_year) for r in all_rates]
    editions = {e for r in all_rates for e in r.editions}
    versions = {r.policy_version for r in all_rates}
    return points, editions, ",".join(sorted(versions))
