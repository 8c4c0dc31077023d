"""The ``/api/*`` endpoints: the CLI's verbs with the same parameter names (``metal_value`` for
``--metal-value``) and the same JSON as ``--json``, built on :mod:`tariffline.api`.

Bad input raises :class:`~tariffline.errors.TariffLineError`; ``web.app`` turns it into a 400
``{"error": ...}`` with the CLI's message. No endpoint reads or writes a path chosen by the client:
uploads go to a private temporary directory and are deleted after the answer.

``/api/health`` and ``/api/duty`` are ``async``: they run on the event loop, because a warm answer
(from the engine's cache) takes far less than the hop to the threadpool and back, and worker
threads contending for the GIL lengthen the tail (ASSUMPTIONS.md WB-20). The long verbs (series,
parity, batch, ETR) stay in the threadpool so that they do not hold the loop.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from tariffline import api
from tariffline.cli.etr_cmd import _BY, _metal_share
from tariffline.cli.japan_cmd import _origin as _japan_origin
from tariffline.dates import parse_date
from tariffline.engine.ledger import read_ledger
from tariffline.engine.ledger_read import parse_map
from tariffline.errors import InputError
from tariffline.hts import search as search_mod
from tariffline.hts import show as show_mod
from tariffline.web import limits
from tariffline.web.encoding import CliJSONResponse
from tariffline.web.health import health, law_fields

router = APIRouter(prefix="/api", default_response_class=CliJSONResponse)

Day = Annotated[str, Query(description="YYYY-MM-DD or 'today'", max_length=40)]
OptDay = Annotated[str | None, Query(description="YYYY-MM-DD or 'today'", max_length=40)]
Text = Annotated[str, Query(max_length=200)]
OptText = Annotated[str | None, Query(max_length=200)]


def _span(start: str, end: str) -> None:
    a, b = parse_date(start, "start date"), parse_date(end, "end date")
    if (b - a).days > limits.MAX_SERIES_DAYS:
        raise InputError(f"the span {a} to {b} is longer than {limits.MAX_SERIES_DAYS} days; ask for a shorter one")


@router.get("/health")
async def health_ep() -> CliJSONResponse:
    """Liveness, ``law_current_through`` and the versions of the data loaded."""
    return CliJSONResponse(health())


@router.get("/duty")
async def duty(hts: Text, origin: Text, date: Day, value: float = 1000.0, quantity: float | None = None,
               unit: OptText = None, unit_value: float | None = None, metal_value: float | None = None,
               program: OptText = None, no_preference: bool = False, loaded_date: OptDay = None,
               as_known_on: OptDay = None, fees: bool = False, mode: OptText = None) -> CliJSONResponse:
    """Every duty layer on one entry (``tariffline duty --json``)."""
    return CliJSONResponse(api.duty(
        hts, origin=origin, date=date, value=value, quantity=quantity, quantity_unit=unit,
        unit_value=unit_value, metal_value=metal_value, program=program,
        claim_preferences=not no_preference, loaded_date=loaded_date, as_known_on=as_known_on,
        fees=fees, mode=mode))


@router.get("/timeline")
def timeline(hts: Text, origin: Text, start: Day, end: Day, value: float = 10000.0,
             quantity: float | None = None, metal_value: float | None = None,
             as_known_on: OptDay = None) -> CliJSONResponse:
    """Each day the duty on a good changes (``tariffline timeline --json``)."""
    _span(start, end)
    return CliJSONResponse(api.timeline(hts, origin=origin, start=start, end=end, value=value,
                                        quantity=quantity, metal_value=metal_value, as_known_on=as_known_on))


_LEDGER_SUFFIXES = (".csv", ".parquet", ".xlsx")
_OUT_MEDIA = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "parquet": "application/vnd.apache.parquet", "ndjson": "application/x-ndjson"}


@router.post("/batch")
async def batch(ledger: Annotated[UploadFile, File(description="Ledger: .csv, .parquet or .xlsx")],
                output: Literal["json", "csv", "xlsx", "parquet", "ndjson"] = "json",
                as_known_on: OptDay = None, no_preference: bool = False,
                estimate_missing_quantity: bool = False, map: OptText = None, fees: bool = False,
                mode: OptText = None) -> Response:
    """Duties for an uploaded ledger (``tariffline batch``): a file back, or JSON rows."""
    suffix = Path(ledger.filename or "").suffix.lower()
    if suffix not in _LEDGER_SUFFIXES:
        raise InputError(f"ledger file name must end in {', '.join(_LEDGER_SUFFIXES)}, not {suffix or 'nothing'!r}")
    body = await ledger.read(limits.MAX_UPLOAD_BYTES + 1)
    if len(body) > limits.MAX_UPLOAD_BYTES:
        raise UploadTooLarge(f"ledger larger than {limits.MAX_UPLOAD_BYTES:,} bytes")
    with tempfile.TemporaryDirectory(prefix="tariffline-web-") as tmp:
        src = Path(tmp) / f"ledger{suffix}"
        src.write_bytes(body)
        rows = read_ledger(src, parse_map(map)).frame.height
        if rows > limits.MAX_UPLOAD_ROWS:
            raise UploadTooLarge(f"ledger has {rows:,} rows; at most {limits.MAX_UPLOAD_ROWS:,} per upload")
        out = None if output == "json" else Path(tmp) / f"duties.{output}"
        result = api.batch(src, out, as_known_on=as_known_on, claim_preferences=not no_preference,
                           missing_quantity="ave_estimate" if estimate_missing_quantity else "error",
                           fees=fees, mode=mode, column_map=map)
        if out is None:
            return CliJSONResponse(result.to_dicts())
        return Response(out.read_bytes(), media_type=_OUT_MEDIA[output],
                        headers={"Content-Disposition": f'attachment; filename="duties.{output}"'})


class UploadTooLarge(InputError):
    """An upload over the size or row limit (answered 413)."""


@router.get("/hts/search")
def hts_search(q: Annotated[str, Query(max_length=200)], date: Day = "today",
               limit: Annotated[int, Query(ge=1, le=search_mod.MAX_LIMIT)] = 20) -> CliJSONResponse:
    """Keyword search over HTS line descriptions (``tariffline hts search --json``)."""
    return CliJSONResponse(search_mod.search(q, parse_date(date, "date"), limit=limit))


@router.get("/hts/{code}")
def hts_show(code: str) -> CliJSONResponse:
    """One HTS line: description, units, rate texts (``tariffline hts show --json``); no file
    paths: only registered editions are read."""
    return CliJSONResponse(show_mod.show(code[:40], None))


@router.get("/japan/rate")
def japan_rate(hs: Text, date: Day, origin: OptText = None, quota: Literal["in", "out"] = "in") -> CliJSONResponse:
    """The rate Japan charges on each line from one origin (``tariffline japan rate --json``)."""
    return CliJSONResponse(api.japan.rate(hs, _japan_origin(origin, None), date, unit_values={}, quota=quota))


@router.get("/japan/compare")
def japan_compare(hs: Text, date: Day, origins: OptText = None,
                  quota: Literal["in", "out"] = "in") -> CliJSONResponse:
    """All origins side by side for each line (``tariffline japan compare --json``)."""
    wanted = [o.strip() for o in origins.split(",") if o.strip()] if origins else None
    return CliJSONResponse(api.japan.compare(hs, date, origins=wanted, unit_values={}, quota=quota))


@router.get("/japan/parity")
def japan_parity(date: Day, chapter: Annotated[list[str] | None, Query(max_length=20)] = None,
                 competitors: OptText = None, quota: Literal["in", "out"] = "in") -> CliJSONResponse:
    """Lines where a competitor pays Japan less than the U.S. (``tariffline japan parity --json``)."""
    comps = [c.strip() for c in competitors.split(",") if c.strip()] if competitors else None
    res = api.japan.parity(date, chapters=chapter or None, competitors=comps, unit_values={},
                           quota=quota, as_frames=True)
    return CliJSONResponse({k: (v.to_dicts() if isinstance(v, pl.DataFrame) else v) for k, v in res.items()})


@router.get("/etr")
def etr(date: Day, origin: OptText = None, by: OptText = None, compare: bool = False,
        basket_year: int = api.etr.DEFAULT_BASKET_YEAR, as_known_on: OptDay = None,
        metal_share: Text = str(api.etr.DEFAULT_METAL_SHARE)) -> CliJSONResponse:
    """The statutory ETR on one day (``tariffline etr --date D --json``)."""
    share = _metal_share(metal_share)
    if by is not None and by not in _BY:
        raise InputError(f"--by {by!r}: choose one of {', '.join(_BY)}")
    if compare:
        rows = api.etr.compare(date, basket_year=basket_year, as_known_on=as_known_on, metal_share=share)
        law = law_fields(date)
        return CliJSONResponse([r | law for r in rows])
    if origin is None:
        raise InputError("--origin is required (e.g. --origin JP; EU or ALL for groups)")
    res = api.etr.etr(origin, date, basket_year=basket_year, as_known_on=as_known_on,
                      metal_share=share).to_dict(_BY.get(by)) | law_fields(date)
    return CliJSONResponse(res)


@router.get("/etr/series")
def etr_series(origin: Text, start: Day, end: Day, basket_year: int = api.etr.DEFAULT_BASKET_YEAR,
               as_known_on: OptDay = None,
               metal_share: Text = str(api.etr.DEFAULT_METAL_SHARE)) -> CliJSONResponse:
    """The ETR at each change point (``tariffline etr --start --end --json``)."""
    share = _metal_share(metal_share)
    _span(start, end)
    s = api.etr.etr_series(origin, start, end, basket_year=basket_year, as_known_on=as_known_on,
                           metal_share=share)
    return CliJSONResponse({**s.to_dict(), "chart": None, **law_fields(end)})


@router.get("/commitments/status")
def commitments_status(as_of: Day, commitment: Annotated[list[str] | None, Query(max_length=20)] = None
                       ) -> CliJSONResponse:
    """Each commitment's target, delivery and pace (``tariffline commitments status --json``)."""
    rows = api.commitments.status(as_of, commitments=commitment or None)
    law = law_fields(as_of)
    return CliJSONResponse([r | law for r in rows])


@router.get("/commitments/deadlines")
def commitments_deadlines(as_of: Day, days: Annotated[int, Query(ge=0, le=limits.MAX_DEADLINE_DAYS)],
                          origin: Text = "JP") -> CliJSONResponse:
    """Deadlines and measure starts/ends in a window (``tariffline commitments deadlines --json``)."""
    rows = api.commitments.deadlines(as_of, days, origin=origin)
    first = parse_date(as_of, "as-of date")
    law = law_fields(first + dt.timedelta(days=min(days, (dt.date.max - first).days)))
    return CliJSONResponse([r | law for r in rows])


@router.get("/events")
def events(end: Day, start: Day = "2018-01-01",
           kind: Annotated[list[str] | None, Query(max_length=20)] = None, origin: Text = "JP") -> CliJSONResponse:
    """The relationship's timeline (``tariffline events --json``)."""
    rows = api.commitments.timeline(start, end, kinds=kind or None, origin=origin)
    law = law_fields(end)
    return CliJSONResponse([r | law for r in rows])


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict, ...]:
    """``api.scenario.list_scenarios()``, read once per process (package files; parsing them all
    took ~10 ms a request)."""
    return tuple(api.scenario.list_scenarios())


def shipped_scenarios() -> list[dict]:
    """The shipped scenarios (``tariffline scenario list --json``)."""
    return [dict(r) for r in _shipped()]


def shipped_scenario(sid: str) -> str:
    """A shipped scenario's id, never a file path (``api.scenario`` also reads files)."""
    known = [r["id"] for r in _shipped()]
    if sid not in known:
        raise InputError(f"unknown scenario {sid[:80]!r}; shipped: {', '.join(known)}")
    return sid


@router.get("/scenarios")
def scenarios_list() -> CliJSONResponse:
    """The shipped scenarios (``tariffline scenario list --json``)."""
    return CliJSONResponse(shipped_scenarios())


@router.post("/scenarios/{scenario_id}/run")
def scenarios_run(scenario_id: str, date: Day, origin: Text = "JP", end: OptDay = None,
                  pe: bool = False) -> CliJSONResponse:
    """Static (and PE) effects of a shipped scenario (``tariffline scenario run --json``)."""
    return CliJSONResponse(api.scenario.run(shipped_scenario(scenario_id), origin=origin,
                                            date=date, end=end, pe=pe))
