"""Change points and timelines: when does the duty on a good change, and what changed.

The days on which any rule, program or HTS edition starts or ends are the only days on which a
duty can change, so a timeline evaluates one row per change point (a batch) and keeps the days
where the total or the set of layers differs from the day before.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from tariffline.countries import to_iso2
from tariffline.engine.column1 import calendar
from tariffline.engine.compute import DutyResult, compute_duties
from tariffline.engine.inputs import COVERAGE_START
from tariffline.errors import InputError
from tariffline.policy.loader import load_policy


def change_points(start: dt.date, end: dt.date, origins: list[str] | None = None,
                  as_known_on: dt.date | None = None) -> list[dt.date]:
    """Every day in [start, end] on which a duty could change, with ``start`` itself first."""
    if end < start:
        raise InputError(f"end {end} is before start {start}")
    policy = load_policy().view(as_known_on)
    days = set(policy.change_dates(set(origins) if origins is not None else None))
    days.update(calendar()["effective_from"].to_list())  # no edition is loaded
    return [start] + sorted(d for d in days if start < d <= end)


def _layer_key(layers: pl.DataFrame) -> dict[str, float]:
    return {f"{a} {h or ''}".strip(): round(r, 6) for a, h, r in
            layers.select("authority", "heading", "rate").iter_rows()}


def timeline(hts: str, origin: str, start: dt.date, end: dt.date, *, value: float = 10000.0,
             quantity: float | None = None, metal_value: float | None = None,
             as_known_on: dt.date | None = None) -> list[dict]:
    """The change points of the duty on one good: date, new total rate, what changed."""
    if start < COVERAGE_START:
        start = COVERAGE_START
    days = change_points(start, end, [to_iso2(origin)], as_known_on)
    rows = pl.DataFrame({"hts": [hts] * len(days), "origin": [origin] * len(days), "entry_date": days,
                         "value": [value] * len(days), "quantity": [quantity] * len(days),
                         "metal_value": [metal_value] * len(days)},
                        schema_overrides={"quantity": pl.Float64, "metal_value": pl.Float64})
    res: DutyResult = compute_duties(rows, as_known_on=as_known_on)
    out, prev = [], None
    for i, day in enumerate(days):
        tot = res.totals.row(i, named=True)
        if tot["error"]:
            raise InputError(tot["error"] if i == 0 else f"{day}: {tot['error']}")
        lay = res.layers.filter(pl.col("row_id") == i)
        key = _layer_key(lay)
        if prev is not None and key == prev:
            continue
        before = prev or {}
        changes = ([f"+ {k} ({v:.2%})" for k, v in key.items() if k not in before]
                   + [f"- {k}" for k in before if k not in key]
                   + [f"~ {k}: {before[k]:.2%} -> {v:.2%}" for k, v in key.items() if k in before and before[k] != v])
        out.append({"date": day, "total_rate": tot["total_rate"], "total_duty": tot["total_duty"],
                    "changes": changes if prev is not None else ["(start)"],
                    "layers": lay.drop("row_id").to_dicts(), "notes": tot["notes"]})
        prev = key
    return out
