"""The HTML pages: server-rendered Jinja2 templates over :mod:`tariffline.web.figures`.

Forms submit by GET, so every answer has a shareable address; a small script (static/app.js)
adds HTS suggestions from ``/api/hts/search``. Every page shows ``law current through`` and
numbers each figure's source as a footnote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from tariffline import api
from tariffline.cli.output import pct
from tariffline.dates import parse_date
from tariffline.errors import TariffLineError
from tariffline.web import figures
from tariffline.web.api_routes import shipped_scenario, shipped_scenarios
from tariffline.web.health import health

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["pct"] = pct
templates.env.filters["money"] = lambda x: "—" if x is None else f"${x:,.2f}"
templates.env.filters["svg"] = Markup  # charts are produced by web.charts, never from user input

Opt = Annotated[str | None, Query(max_length=200)]


def _page(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    law = health()["law_current_through"]
    return templates.TemplateResponse(request, name, {"law_current_through": law,
                                                      **ctx}, status_code=status)


def error_page(request: Request, message: str, status: int) -> HTMLResponse:
    return _page(request, "error.html", status, message=message)


def _num(text: str | None, name: str) -> float | None:
    if text is None or text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise TariffLineError(f"{name} {text!r} is not a number") from None


def _today() -> dt.date:
    return min(dt.date.today(), health()["law_current_through"])


@router.get("/")
def lookup(request: Request, hts: Opt = None, origin: Opt = None, date: Opt = None, value: Opt = None,
           quantity: Opt = None, metal_value: Opt = None, as_known_on: Opt = None) -> HTMLResponse:
    """Duty lookup: the form, and the layers, total and timeline of the line asked for."""
    form = {"hts": hts or "", "origin": origin or "JP", "date": date or _today().isoformat(),
            "value": value or "1000", "quantity": quantity or "", "metal_value": metal_value or "",
            "as_known_on": as_known_on or ""}
    result, error, timeline = None, None, None
    if hts:
        try:
            result = api.duty(hts, origin=form["origin"], date=form["date"],
                              value=_num(form["value"], "value") or 1000.0,
                              quantity=_num(quantity, "quantity"), metal_value=_num(metal_value, "metal value"),
                              as_known_on=as_known_on or None)
            end = max(result["date"], result["law_current_through"]) + dt.timedelta(days=180)
            timeline = figures.duty_timeline(result["hts"], result["origin"], end)
        except TariffLineError as exc:
            error = str(exc)
    return _page(request, "lookup.html", 400 if error else 200, form=form, result=result, error=error,
                 timeline=timeline)


@router.get("/dashboard")
def dashboard(request: Request, date: Opt = None, start: Opt = None) -> HTMLResponse:
    """Japan dashboard: ETR by authority over time, comparators, top basket lines, CRS figures."""
    day = parse_date(date, "date") if date else _today()
    first = parse_date(start, "start date") if start else figures.SERIES_START
    if first > day:
        raise TariffLineError(f"start date {first} is after date {day}")
    return _page(request, "dashboard.html", day=day, now=figures.etr_now("JP", day),
                 series=figures.etr_series("JP", first, day), comp=figures.comparators(day), crs=figures.crs())


@router.get("/japan")
def japan(request: Request, date: Opt = None) -> HTMLResponse:
    """Japan's tariffs on U.S. goods: parity by chapter against competitors, the beef line."""
    day = parse_date(date, "date") if date else _today()
    return _page(request, "japan.html", day=day, side=figures.japan_side(day))


@router.get("/commitments")
def commitments(request: Request, date: Opt = None) -> HTMLResponse:
    """Commitments: the $550B pace, deadlines and the event timeline."""
    day = parse_date(date, "date") if date else _today()
    return _page(request, "commitments.html", day=day, cm=figures.commitments(day))


@router.get("/changes")
def changes(request: Request, start: Opt = None, end: Opt = None) -> HTMLResponse:
    """The law's events, newest first."""
    last = parse_date(end, "end date") if end else _today()
    first = parse_date(start, "start date") if start else figures.SERIES_START
    return _page(request, "changes.html", start=first, end=last, rows=figures.changes(first, last))


@router.get("/scenarios")
def scenarios(request: Request, id: Opt = None, date: Opt = None) -> HTMLResponse:
    """Pick a shipped scenario and see its deltas against the baseline."""
    day = parse_date(date, "date") if date else _today()
    rows = shipped_scenarios()
    run = api.scenario.run(shipped_scenario(id), date=day) if id else None
    return _page(request, "scenarios.html", rows=rows, run=run, chosen=id)
