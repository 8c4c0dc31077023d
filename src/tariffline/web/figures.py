"""The figures the pages and the briefing show, each with its sources, computed through
:mod:`tariffline.api` and cached per argument for the life of the process.

Every function returns plain data (the CLI's JSON values) plus ready SVG charts, and a
``sources`` list of ``{"id", "text"}`` that the templates print as numbered footnotes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import lru_cache
from pathlib import Path

from tariffline import api
from tariffline.dates import parse_date
from tariffline.web import charts
from tariffline.web.encoding import plain

COMPARATORS = ("JP", "EU", "KR", "GB", "CN", "CA", "MX")
SERIES_START = dt.date(2018, 1, 1)


def _basket_source(prov: dict) -> str:
    b = prov.get("basket", {})
    return f"Import basket {b.get('year')}: {b.get('source', 'Census imports')}"


@lru_cache(maxsize=64)
def etr_now(origin: str, day: dt.date) -> dict:
    """The ETR on ``day`` by authority and by heading (top lines), with the basket's source."""
    res = plain(api.etr.etr(origin, day).to_dict(4))
    res["top_headings"] = sorted(res.get("by_heading") or [], key=lambda r: -(r.get("duties") or 0))[:10]
    return res


def sample_dates(start: dt.date, end: dt.date, months: int = 6) -> list[dt.date]:
    """``start``, then the 1st of every ``months``-th month after it, then ``end`` (WB-05)."""
    out, y, m = [start], start.year, start.month
    while True:
        m += months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        day = dt.date(y, m, 1)
        if day >= end:
            break
        out.append(day)
    return out + ([end] if end > start else [])


@lru_cache(maxsize=16)
def etr_series(origin: str, start: dt.date, end: dt.date) -> dict:
    """The ETR by authority sampled from ``start`` to ``end`` (WB-05) and its stacked chart."""
    pts = [plain(api.etr.etr(origin, d).to_dict()) for d in sample_dates(start, end)]
    authorities = sorted({a for p in pts for a in (p["by_authority"] or {})})
    dates = [parse_date(p["date"]) for p in pts]
    layers = {a: [(p["by_authority"] or {}).get(a) or 0.0 for p in pts] for a in authorities}
    chart = charts.stacked_chart(dates, layers, end, f"Statutory ETR on U.S. imports from {origin}, by authority")
    return {"points": pts, "authorities": authorities, "chart": chart}


@lru_cache(maxsize=16)
def comparators(day: dt.date) -> dict:
    """The ETR on ``day`` for Japan and its comparators, and a bar chart."""
    rows = plain(api.etr.compare(day))
    rows = [r for r in rows if r.get("origin") in COMPARATORS or r.get("origin") == "ALL"]
    chart = charts.bar_chart([r["origin"] for r in rows], [r.get("etr") or 0.0 for r in rows],
                             f"Statutory ETR on {day}", "percent of import value")
    return {"rows": rows, "chart": chart}


@lru_cache(maxsize=4)
def crs() -> dict:
    return plain(api.etr.crs_figures())


@lru_cache(maxsize=16)
def duty_timeline(hts: str, origin: str, end: dt.date) -> dict:
    """The total duty rate on one line at each change from 2018 to ``end``, and its chart."""
    pts = plain(api.timeline(hts, origin=origin, start=SERIES_START, end=end))
    chart = charts.step_chart([parse_date(p["date"]) for p in pts], [p["total_rate"] or 0.0 for p in pts],
                              end, f"Total duty on {hts} from {origin}", "percent of value")
    return {"points": pts, "chart": chart}


@lru_cache(maxsize=16)
def japan_side(day: dt.date) -> dict:
    """Japan's tariffs on U.S. goods against competitors: parity by chapter and the beef line."""
    par = api.japan.parity(day, unit_values={}, as_frames=True)
    by_chapter = plain(par["by_chapter"].to_dicts()) if hasattr(par.get("by_chapter"), "to_dicts") \
        else plain(par.get("by_chapter") or [])
    beef = plain(api.japan.compare("0201.30", day, unit_values={}))
    return {"edition": plain(par.get("edition")), "lines_evaluated": par.get("lines_evaluated"),
            "by_chapter": by_chapter, "beef": beef}


@lru_cache(maxsize=16)
def commitments(day: dt.date, days: int = 180) -> dict:
    """Commitment status, the $550B pace chart, deadlines in the next ``days`` and events."""
    status = plain(api.commitments.status(day))
    deadlines = plain(api.commitments.deadlines(day, days))
    events = plain(api.commitments.timeline(SERIES_START, day))
    with tempfile.TemporaryDirectory(prefix="tariffline-chart-") as tmp:
        path = Path(api.commitments.chart(Path(tmp) / "pace.svg", day))
        svg = path.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg"):].replace("<svg ", '<svg class="chart" role="img" '
                                          'aria-label="Pace of the $550B commitment" data-points="1" ', 1)
    return {"status": status, "deadlines": deadlines, "events": events, "pace_chart": svg}


@lru_cache(maxsize=16)
def changes(start: dt.date, end: dt.date) -> list[dict]:
    """The law's tariff-measure events between ``start`` and ``end``, newest first."""
    rows = plain(api.commitments.timeline(start, end, kinds=["measure"]))
    return sorted(rows, key=lambda r: r["date"], reverse=True)
