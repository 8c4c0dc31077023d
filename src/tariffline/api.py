"""The Python API: the same verbs as the command line, returning plain data.

U.S. duties are functions here; the other areas are namespaces with their own verbs:
``api.japan`` (rate, compare, parity, safeguard, coverage), ``api.etr`` (etr, etr_series,
compare, chart, usjta_coverage, crs_figures) and ``api.commitments`` (status, deadlines,
timeline, agreements, add_event, chart).

>>> from tariffline import api
>>> api.duty("8703.23.01", origin="JP", date="2025-10-01", value=30000)["total_rate"]  # doctest: +SKIP
0.15
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import polars as pl

from tariffline.dates import parse_date
from tariffline.engine import compute_duties, scalar
from tariffline.engine import timeline as _timeline
from tariffline.engine.inputs import check_date, check_number
from tariffline.engine.lookup import ENGINE
from tariffline.engine.ledger import WORKERS, check_output, open_ledger, run_batch
from tariffline.engine.ledger_read import CHUNK_ROWS, parse_map
from tariffline.fees import fee_layers, normalise_mode
from tariffline.errors import InputError
from tariffline.law import law_currency

__all__ = ["duty", "timeline", "batch", "japan", "etr", "commitments", "scenario"]

# the other areas' namespaces, imported on first use (a `duty` from the command line needs none)
_NAMESPACES = {"commitments": "tariffline.commitments.api", "etr": "tariffline.etr.api",
               "japan": "tariffline.japan.api", "scenario": "tariffline.scenarios.api"}


def __getattr__(name: str):
    if name in _NAMESPACES:
        return importlib.import_module(_NAMESPACES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def duty(hts: str, *, origin: str, date: str | dt.date, value: float = 1000.0,
         quantity: float | None = None, quantity_unit: str | None = None,
         unit_value: float | None = None, metal_value: float | None = None,
         program: str | None = None, claim_preferences: bool = True,
         loaded_date: str | dt.date | None = None,
         as_known_on: str | dt.date | None = None, fees: bool = False, mode: str | None = None) -> dict:
    """Every duty layer owed on one entry, with citations, and the total (rates as fractions).

    ``fees=True`` adds the MPF and HMF as layers with authority ``Fee`` (the HMF only when
    ``mode`` is ocean), and ``total_fees`` and ``total_owed``; ``total_duty`` stays duties only."""
    day = parse_date(date, "entry date")
    mode = normalise_mode(mode)
    known = parse_date(as_known_on, "as-known-on date") if as_known_on else None
    loaded = parse_date(loaded_date, "loaded date") if loaded_date else None
    key = ("duty", hts, origin, day, float(value), quantity, quantity_unit, unit_value, metal_value, program,
           claim_preferences, loaded, known, fees, mode)
    return ENGINE.answer(key, lambda policy: _duty(policy, hts, origin, day, value, quantity, quantity_unit,
                                                   unit_value, metal_value, program, claim_preferences,
                                                   loaded, known, fees, mode), copier=_copy_answer)


def _copy_answer(answer: dict) -> dict:
    """A copy of an api.duty answer sharing nothing mutable with it (its values are flat)."""
    return {**answer, "layers": [dict(x) for x in answer["layers"]], "notes": list(answer["notes"]),
            "warnings": list(answer["warnings"]), "law": dict(answer["law"])}


def _duty(policy, hts, origin, day, value, quantity, quantity_unit, unit_value, metal_value, program,
          claim_preferences, loaded, known, fees, mode) -> dict:
    """api.duty's answer, computed (see engine.lookup for the cache in front of it): by the
    scalar path (engine.scalar), else, for the cases it leaves, by compute_duties on one row."""
    try:
        found = scalar.entry(policy, hts, origin, day, value, quantity, quantity_unit, unit_value,
                             metal_value, program, claim_preferences, loaded, known)
    except scalar.Fallback:
        found = None
    if found is not None:
        tot, layers, version = found["totals"], found["layers"], found["policy_version"]
        law, law_dict = scalar.law(policy), scalar.law_dict(policy)
    else:
        tot, layers, version = _one_row(policy, hts, origin, day, value, quantity, quantity_unit, unit_value,
                                        metal_value, program, claim_preferences, loaded, known)
        law = law_currency()
        law_dict = law.as_dict()
    notes = list(tot["notes"])
    extra = {}
    if fees:
        fl, fnotes = fee_layers(pl.DataFrame({"row_id": [0], "value": [float(value)], "entry_date": [day],
                                              "entry": ["single entry"], "mode": [mode]},
                                             schema_overrides={"entry": pl.Utf8, "mode": pl.Utf8}))
        layers += fl.drop("row_id").to_dicts()
        notes += fnotes["fee_notes"][0].to_list()
        total_fees = float(fl["amount"].sum())
        extra = {"total_fees": total_fees, "total_owed": tot["total_duty"] + total_fees}
    return {
        "hts": tot["hts_line"], "description": tot["description"], "origin": tot["origin_iso"],
        "date": day, "as_known_on": known, "value": float(value), "edition": tot["edition"],
        "layers": layers,
        "total_rate": tot["total_rate"], "total_duty": tot["total_duty"], **extra,
        "estimated": tot["estimated"], "notes": notes, "policy_version": version,
        "law_current_through": law.current_through, "law": law_dict,
        "warnings": [w for w in (law.warning(day),) if w],
    }


def _one_row(policy, hts, origin, day, value, quantity, quantity_unit, unit_value, metal_value, program,
             claim_preferences, loaded, known) -> tuple[dict, list[dict], str]:
    """(totals row, layers, policy version) of compute_duties run on the entry as one row."""
    row = pl.DataFrame({
        "hts": [hts], "origin": [origin], "entry_date": [day], "value": [float(value)],
        "quantity": [quantity], "quantity_unit": [quantity_unit], "unit_value": [unit_value],
        "metal_value": [metal_value], "program": [program],
        "loaded_date": [loaded],
    }, schema_overrides={"quantity": pl.Float64, "quantity_unit": pl.Utf8, "unit_value": pl.Float64,
                         "metal_value": pl.Float64, "program": pl.Utf8, "loaded_date": pl.Date})
    res = compute_duties(row, as_known_on=known, claim_preferences=claim_preferences, policy=policy)
    tot = res.totals.row(0, named=True)
    if tot["error"]:
        raise InputError(tot["error"])
    return tot, res.layers.drop("row_id").to_dicts(), res.policy_version


def timeline(hts: str, *, origin: str, start: str | dt.date, end: str | dt.date,
             value: float = 10000.0, quantity: float | None = None,
             metal_value: float | None = None, as_known_on: str | dt.date | None = None) -> list[dict]:
    """Each day the duty on a good changes between ``start`` and ``end``, and what changed.

    Each point carries ``law_current_through``; points after it carry a warning. Dates outside
    what the data can answer and numbers that are not finite or in range are refused."""
    for name, x in (("value", value), ("quantity", quantity), ("metal_value", metal_value)):
        check_number(x, name)
    first = check_date(parse_date(start, "start date"), "start date")
    last = check_date(parse_date(end, "end date"), "end date")
    points = _timeline(hts, origin, first, last,
                       value=value, quantity=quantity, metal_value=metal_value,
                       as_known_on=parse_date(as_known_on, "as-known-on date") if as_known_on else None)
    law = law_currency()
    return [p | {"law_current_through": law.current_through,
                 "warnings": [w for w in (law.warning(p["date"]),) if w]} for p in points]


def batch(ledger: str | Path, out: str | Path | None = None, *, as_known_on: str | dt.date | None = None,
          claim_preferences: bool = True, missing_quantity: str = "error", fees: bool = False,
          mode: str | None = None, column_map: str | dict[str, str] | None = None,
          layers_out: str | Path | None = None, chunk_rows: int = CHUNK_ROWS,
          workers: int = WORKERS) -> pl.DataFrame | dict:
    """Duties for every row of a ledger (.csv, .parquet, .xlsx); bad rows carry an ``error``.

    The user's columns come first, unchanged; then tariffline's in a fixed order
    (``engine.ledger.result_columns``). ``fees``: add the MPF and HMF (``mode``: ocean, air,
    truck, rail, for rows without a mode column). ``column_map``: ``{"hts": "HTS Number"}`` or
    ``"hts=HTS Number,origin=COO"`` for columns not recognised by name.

    Without ``out`` the rows are returned as one frame. With ``out`` (.csv, .parquet, .xlsx,
    .json, .ndjson; checked before any work is done) the ledger is streamed: read, computed and
    written chunk by chunk in bounded memory, and the counts are returned (rows, errors,
    warnings, total_duty, total_fees, total_owed). ``layers_out``: every layer, streamed too.
    ``chunk_rows``: rows read, computed and written at a time (memory grows with it).
    ``workers``: chunks computed at once, in threads (memory grows with workers x chunk_rows;
    the rows come out in the ledger's order whatever the number)."""
    if out is not None:
        out = check_output(out)
    if layers_out is not None:
        layers_out = check_output(layers_out, "layers output")
    normalise_mode(mode)
    mapping = parse_map(column_map) if isinstance(column_map, str) or column_map is None else dict(column_map)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise InputError(f"chunk_rows must be a whole number of at least 1, not {chunk_rows!r}")
    summary, rows = run_batch(open_ledger(Path(ledger), mapping, chunk_rows), out, layers_out, keep=out is None,
                              as_known_on=parse_date(as_known_on) if as_known_on else None,
                              claim_preferences=claim_preferences, missing_quantity=missing_quantity,
                              fees=fees, mode=mode, workers=workers)
    return rows if out is None else summary
