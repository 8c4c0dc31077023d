"""The scenario verbs (same as ``tariffline scenario``): list, show, run, compare.

``run`` rates the trade basket under the baseline and under the scenario's overlaid policy on a
date (static effects), optionally over a date range (ETR series), the SMART-style partial
equilibrium (``pe=True``) and the gegravity general equilibrium (``ge=`` data or ``"sample"``);
a scenario that changes Japan's side (``grant_program``) also gets Japan's tariffs on U.S.
goods, baseline vs scenario (``japan_side``).
Every result names the scenario (id and content hash), policy versions, basket year,
elasticity sources and the ASSUMPTIONS.md ids it rests on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from tariffline.dates import parse_date
from tariffline.errors import InputError
from tariffline.etr.compute import DEFAULT_METAL_SHARE, ENGINE_START, engine_rows
from tariffline.etr.origins import resolve
from tariffline.policy.loader import Policy, load_policy
from tariffline.scenarios import japan_side as _japan, overlay, pe as _pe, static
from tariffline.scenarios.schema import LoadedScenario, load_scenario, scenario_ids
from tariffline.trade.imports import load_imports

DEFAULT_BASKET_YEAR = 2024
BASE_ASSUMPTIONS = ["SC-12", "SC-14", "SC-15", "ETR-03", "ETR-08", "ET-01"]
PE_ASSUMPTIONS = ["SC-10", "SC-11", "SC-13", "SC-16"]
GE_ASSUMPTIONS = ["SC-20", "SC-21", "SC-22"]
LIMITS = [
    "Static effects hold the basket-year trade fixed (no behavioural response; SC-14).",
    "Elasticities were estimated on 1989-2001 U.S. import data with 1990s HTS codes (SC-10..SC-12).",
    "No export supply response by default (infinite supply elasticity; SC-13).",
    "Japan's side (grant_program changes) is Japan's applied rates on U.S. goods averaged per HS chapter and "
    "weighted by U.S. exports by HS chapter: one weight per chapter, coarse (SC-31).",
]
JAPAN_ASSUMPTIONS = ["SC-31", "SC-32"]


def list_scenarios() -> list[dict]:
    """The shipped scenarios: id, title, number of changes."""
    out = []
    for sid in scenario_ids():
        sc = load_scenario(sid)
        out.append({"id": sid, "title": sc.scenario.title, "changes": len(sc.scenario.changes),
                    "hash": sc.content_hash})
    return out


def show(scenario: str | Path) -> dict:
    """A scenario's content, with the measures it touches in the overlaid policy."""
    sc = load_scenario(scenario)
    base = load_policy()
    ov = overlay.apply(base, sc)
    return {"scenario": _ident(sc), **sc.scenario.model_dump(mode="json", by_alias=True),
            "measures_touched": list(ov.touched),
            "programs_added": [p.id for p in ov.policy.programs if p not in base.programs],
            "policy_version": ov.policy.version}


def _ident(sc: LoadedScenario) -> dict:
    return {"id": sc.scenario.id, "title": sc.scenario.title, "hash": sc.content_hash, "file": sc.path}


def _frame(origins: frozenset[str] | None, year: int, with_competitors: bool,
           chapters: list[str] | None) -> pl.DataFrame:
    if origins is not None and len(origins) == 1 and not with_competitors:
        frame = load_imports(year, origin=next(iter(origins))).frame
    else:
        frame = load_imports(year).frame
        if origins is not None:
            mine = frame.filter(pl.col("iso2").is_in(sorted(origins)))
            if not with_competitors:
                frame = mine
            else:  # every origin's imports of the products the origin sells (diversion)
                frame = frame.filter(pl.col("hs10").is_in(mine["hs10"].unique().implode()))
    if chapters:
        frame = frame.filter(pl.any_horizontal(pl.col("hs10").str.starts_with(c) for c in chapters))
    return frame


def _series(rows: pl.DataFrame, base: Policy, ov: overlay.Overlaid, origins, d0: dt.date,
            d1: dt.date) -> list[dict]:
    mine = rows if origins is None else rows.filter(pl.col("origin").is_in(sorted(origins)))
    days = {d0} | {d for p in (base, ov.policy) for d in p.change_dates(set(origins) if origins else None)
                   if d0 < d <= d1}
    out = []
    for day in sorted(days):
        s = static.summarise(static.rate(mine, day, base), static.rate(mine, day, ov.policy), origins)
        out.append({"date": day, "etr_baseline": s["etr_baseline"], "etr_scenario": s["etr_scenario"],
                    "by_authority_change": {a: v["etr_change"] for a, v in s["by_authority"].items()}})
    return out


def run(scenario: str | Path, *, origin: str = "JP", date: str | dt.date, end: str | dt.date | None = None,
        pe: bool = False, ge: str | Path | None = None, basket_year: int = DEFAULT_BASKET_YEAR,
        sigma_source: str = "broda_weinstein", supply_elasticity: float | None = None,
        chapters: list[str] | None = None, metal_share: float | None = DEFAULT_METAL_SHARE) -> dict:
    """Static (and PE, GE) effects of a scenario against the baseline for ``origin`` (or ALL)."""
    day = parse_date(date)
    last = parse_date(end, "end date") if end else None
    if day < ENGINE_START:
        raise InputError(f"date {day} is before the engine's coverage (from {ENGINE_START})")
    if last is not None and last < day:
        raise InputError(f"end date {last} is before the start date {day}")
    for c in chapters or []:
        if not (c.isdigit() and len(c) in (2, 4, 6)):
            raise InputError(f"chapter filter {c!r} must be 2, 4 or 6 digits")
    sc = load_scenario(scenario)
    base = load_policy()
    ov = overlay.apply(base, sc)
    label, origins = resolve(origin)
    frame = _frame(origins, basket_year, pe, chapters)
    rows = engine_rows(frame, metal_share)
    if not rows.height:
        raise InputError(f"no imports from {label} in the {basket_year} basket"
                         + (f" under chapters {', '.join(chapters)}" if chapters else ""))
    rated_b = static.rate(rows, day, base)
    rated_s = static.rate(rows, day, ov.policy)
    result: dict = {
        "scenario": _ident(sc), "origin": label, "date": day, "end": last, "basket_year": basket_year,
        "chapters": chapters or None,
        "static": static.summarise(rated_b, rated_s, origins),
        "assumptions": sorted(set(BASE_ASSUMPTIONS + list(sc.scenario.author_assumptions))),
        "limits": list(LIMITS),
        "provenance": {"policy_version_baseline": base.version, "policy_version_scenario": ov.policy.version,
                       "basket": f"U.S. imports for consumption {basket_year}, HTS-10 x country (Census)",
                       "measures_touched": list(ov.touched),
                       "programs_added": [p.id for p in ov.policy.programs if p not in base.programs]},
    }
    if ov.grants:
        result["japan_side"] = _japan.compute(ov.grants, day, basket_year)
        result["assumptions"] = sorted(set(result["assumptions"] + JAPAN_ASSUMPTIONS))
    if last is not None:
        result["series"] = _series(rows, base, ov, origins, day, last)
    if pe:
        result["pe"] = _pe.run(rated_b.rows, rated_s.rows, origins, sigma_source=sigma_source,
                               supply_elasticity=supply_elasticity)
        result["assumptions"] = sorted(set(result["assumptions"] + PE_ASSUMPTIONS))
    if ge is not None:
        from tariffline.scenarios import ge as _ge

        st = result["static"]
        key = "ALL" if origins is None else label
        result["ge"] = _ge.simulate({key: (st["etr_baseline"], st["etr_scenario"])},
                                    None if str(ge) == "sample" else ge)
        result["assumptions"] = sorted(set(result["assumptions"] + GE_ASSUMPTIONS))
    return result


def compare(a: str | Path, b: str | Path, *, origin: str = "JP", date: str | dt.date, pe: bool = False,
            basket_year: int = DEFAULT_BASKET_YEAR, chapters: list[str] | None = None) -> dict:
    """Two scenarios side by side (each against the baseline)."""
    return {"a": run(a, origin=origin, date=date, pe=pe, basket_year=basket_year, chapters=chapters),
            "b": run(b, origin=origin, date=date, pe=pe, basket_year=basket_year, chapters=chapters)}


def duty(hts: str, *, origin: str, date: str | dt.date, scenario: str | Path, value: float = 1000.0,
         metal_value: float | None = None) -> dict:
    """One entry's duty layers under the baseline and under the scenario (same engine path)."""
    from tariffline.engine.inputs import check_number

    check_number(value, "value")
    day = parse_date(date)
    label, origins = resolve(origin)
    if origins is None or len(origins) != 1:
        raise InputError(f"a duty needs one origin, not {origin!r}")
    sc = load_scenario(scenario)
    base = load_policy()
    ov = overlay.apply(base, sc)
    code = "".join(ch for ch in str(hts) if ch.isalnum())
    row = pl.DataFrame({"row_id": [0], "hts": [code], "origin": [label], "value": [float(value)],
                        "quantity": [None], "quantity_unit": [None], "metal_value": [metal_value],
                        "program": [None]},
                       schema={"row_id": pl.UInt32, "hts": pl.Utf8, "origin": pl.Utf8, "value": pl.Float64,
                               "quantity": pl.Float64, "quantity_unit": pl.Utf8, "metal_value": pl.Float64,
                               "program": pl.Utf8})
    out = {"hts": code, "origin": label, "date": day, "value": float(value), "scenario": _ident(sc)}
    for key, rated in (("baseline", static.rate(row, day, base)), ("scenario_result", static.rate(row, day, ov.policy))):
        tot = rated.rows.row(0, named=True)
        if tot["error"]:
            raise InputError(tot["error"])
        out[key] = {"total_duty": tot["duty"], "total_rate": tot["duty"] / float(value) if value else None,
                    "layers": rated.layers.drop("row_id").to_dicts(), "policy_version": rated.policy_version}
    out["change_usd"] = out["scenario_result"]["total_duty"] - out["baseline"]["total_duty"]
    return out
