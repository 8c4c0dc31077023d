"""One HTS line explained: description, units, rate texts (own or inherited) and their parse."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from tariffline.hts.codes import dotted
from tariffline.hts.loader import HtsEdition, load_edition
from tariffline.hts.programs import ALL_PROGRAMS, INDICATORS
from tariffline.hts.rates import RateExpr, parse_rate
from tariffline.hts.special import parse_special


def expr_dict(e: RateExpr) -> dict:
    """A parsed rate as plain data (for JSON output and display)."""
    return {
        "text": e.text, "kind": e.kind, "adv": e.adv, "adv_partial": e.adv_partial,
        "components": [dataclasses.asdict(c) for c in e.components],
        "reference": e.reference, "basis": e.basis, "condition": e.condition,
        "approx": e.approx, "note": e.note, "parse_error": e.parse_error,
    }


def _program_name(code: str) -> str:
    if code == ALL_PROGRAMS:
        return "any special program claimed (no indicator list)"
    return INDICATORS.get(code, "unknown indicator")


def parse(text: str, special: bool | None = None) -> dict:
    """A rate text parsed: ``parsed`` (one rate) or ``groups`` (Special-column program groups).

    ``special=None`` treats the text as a Special-column text when it lists program indicators.
    """
    sp = parse_special(text)
    if special is None:
        special = any(p != ALL_PROGRAMS for g in sp.rates for p in g.programs)
    out: dict = {"text": text}
    if special:
        out["groups"] = [{"programs": [{"code": p, "program": _program_name(p)} for p in g.programs],
                          "rate": expr_dict(g.expr)} for g in sp.rates]
        out["parse_error"] = sp.error
    else:
        out["parsed"] = expr_dict(parse_rate(text))
    return out


def _rate(line: dict, column: str) -> dict:
    text = line[f"eff_{column}_text"]
    origin = line[f"{column}_from"]
    out = {
        "text": text,
        "own": bool(line[f"{column}_text"]),
        "inherited_from": dotted(origin) if origin and origin != line["hts"] else None,
    }
    return out | parse(text, special=column == "special") if text else out


def show(hts: str, edition: str | Path | HtsEdition | None = None) -> dict:
    """Everything the edition says about one HTS line (InputError if the code is bad or absent)."""
    ed = edition if isinstance(edition, HtsEdition) else load_edition(edition)
    line = ed.line(hts)
    return {
        "edition": ed.info.edition,
        "hts": line["hts_dotted"],
        "level": line["level"],
        "description": line["description"],
        "path": line["path_description"],
        "parent": dotted(line["parent_hts"]) if line["parent_hts"] else None,
        "units": line["units"],
        "general": _rate(line, "general"),
        "special": _rate(line, "special"),
        "column2": _rate(line, "column2"),
        "additional": line["additional_text"] or None,
        "footnotes": line["footnotes"],
        "children": children(ed, line["hts"]),
    }


def children(ed: HtsEdition, digits: str) -> list[dict]:
    """The lines directly under ``digits`` (code, description, General rate text), in HTS order."""
    kids = ed.lines.filter(pl.col("parent_hts") == digits).sort("row")
    return [{"hts": r["hts_dotted"], "description": r["description"],
             "general": r["eff_general_text"] or None}
            for r in kids.select("hts_dotted", "description", "eff_general_text").iter_rows(named=True)]
