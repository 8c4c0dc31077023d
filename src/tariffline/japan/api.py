"""Python API for Japan's side, with the same verbs as ``tariffline japan``: rate, compare,
parity, safeguard, coverage. Dates are explicit arguments (ISO strings or dates); results are
plain dicts/lists ready for JSON (rates as fractions, specific parts with units, the program
that applies and the source of each number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl

from tariffline.dates import parse_date
from tariffline.errors import InputError
from tariffline.japan import coverage as _coverage
from tariffline.japan import programs as progs
from tariffline.japan import safeguard as _safeguard
from tariffline.japan.duty import valuation
from tariffline.japan.exports import read_exports_file
from tariffline.japan.lookup import EditionSet, rates
from tariffline.japan.parity import parity as _parity
from tariffline.japan.rate_english import english
from tariffline.japan.schedule import load_edition, read_edition_path, registered_editions


def _with_english(rate: dict | None) -> None:
    """Add ``text_en``, an English rendering of a Japanese rate text."""
    if rate is not None and rate.get("text") is not None:
        rate["text_en"] = english(rate["text"])


def currency(rows: list[dict]) -> dict:
    """An answer's currency: the newest Japan Customs schedule edition it read (or, for rates
    from staging schedules only, the newest edition on hand)."""
    days = sorted({dt.datetime.strptime(r["edition"], "%Y_%m_%d").date() for r in rows
                   if r.get("edition")})
    if days:
        return {"law_current_through": days[-1],
                "law_currency_basis": "date of the Japan Customs schedule edition read"}
    return {"law_current_through": load_edition(registered_editions()[-1]).edition_date,
            "law_currency_basis": "date of the newest Japan Customs schedule edition on hand "
                                  "(rates from staging schedules)"}


def editions(edition_file: str | Path | None = None, edition_date: str | dt.date | None = None) -> EditionSet:
    """The registered editions, plus one read from a file or directory in the same layout."""
    if edition_file is None:
        if edition_date is not None:
            raise InputError("--edition-date only applies with --edition-file")
        return EditionSet()
    day = parse_date(edition_date, "edition date") if edition_date is not None else None
    return EditionSet([read_edition_path(edition_file, day)])


def rate(hs: str, origin: str, date: str | dt.date, *, unit_values: dict[str, float] | None = None,
         quota: str = "in", edition_file: str | Path | None = None,
         edition_date: str | dt.date | None = None) -> list[dict]:
    """What each line under ``hs`` pays entering Japan from ``origin`` on ``date``."""
    day = parse_date(date)
    val = valuation(unit_values, quota)
    out = [r.as_dict() for r in rates(hs, origin, day, val, editions(edition_file, edition_date))]
    law = currency(out)
    for r in out:
        r["valuation"] = val.describe()
        _with_english(r["best"])
        for c in r.get("candidates") or []:
            _with_english(c)
        r.update(law)
    return out


def compare(hs: str, date: str | dt.date, *, origins: list[str] | None = None,
            unit_values: dict[str, float] | None = None, quota: str = "in",
            edition_file: str | Path | None = None, edition_date: str | dt.date | None = None) -> list[dict]:
    """All origins side by side (the U.S. first) for every line under ``hs``."""
    day = parse_date(date)
    val = valuation(unit_values, quota)
    es = editions(edition_file, edition_date)
    wanted = ["US"] + [o for o in (origins or list(progs.rules().competitors)) if o.upper() != "US"]
    per_origin = {o: rates(hs, o, day, val, es) for o in wanted}
    lines = []
    first = per_origin[wanted[0]]
    for i, base in enumerate(first):
        entry = {"line": base.line_id, "hs": base.as_dict()["hs"], "description_ja": base.desc_ja,
                 "description_en": base.desc_en, "date": day.isoformat(), "basis": base.basis,
                 "edition": base.edition, "valuation": val.describe(), "origins": {}}
        for o in wanted:
            r = per_origin[o][i].as_dict()
            entry["origins"][r["origin"]] = {k: r[k] for k in (
                "program", "rate", "specific", "ave", "ave_is_estimate", "source", "confidence",
                "flags", "programs_without_preference", "programs_unknown_on_date")} | {
                "text": r["best"]["text"] if r["best"] else None}
        lines.append(entry)
    law = currency(lines)
    for line in lines:
        for r in line["origins"].values():
            _with_english(r)
        line.update(law)
    return lines


def parity(date: str | dt.date, *, chapters: list[str] | None = None, competitors: list[str] | None = None,
           exports_file: str | Path | None = None, unit_values: dict[str, float] | None = None,
           quota: str = "in", edition_file: str | Path | None = None,
           edition_date: str | dt.date | None = None,
           progress: Callable[[int, int], None] | None = None, as_frames: bool = False) -> dict:
    """Lines where a competitor pays less than the U.S. on ``date``, with summaries."""
    day = parse_date(date)
    weights = read_exports_file(exports_file) if exports_file else None
    res = _parity(day, valuation(unit_values, quota), editions(edition_file, edition_date),
                  chapters=chapters, competitors=competitors, weights=weights, progress=progress)
    if not as_frames:
        for key in ("rows", "by_chapter", "by_competitor", "us_without_preference"):
            res[key] = res[key].to_dicts()
    return res


def safeguard(fiscal_year: int, imports_file: str | Path, *, us_trigger: float | None = None,
              cptpp_trigger: float | None = None, previous_us_total: float | None = None) -> dict:
    """Whether and when the USJTA beef safeguard triggers in a Japanese fiscal year."""
    periods = _safeguard.read_imports_file(imports_file)
    res = _safeguard.check(int(fiscal_year), periods, us_trigger=us_trigger,
                           cptpp_trigger=cptpp_trigger, previous_us_total=previous_us_total)
    return res.as_dict()


def coverage(edition: str | None = None, *, edition_file: str | Path | None = None,
             edition_date: str | dt.date | None = None) -> dict:
    """Rate-text parse coverage and the USJTA line count of one edition."""
    if edition_file is not None:
        ed = read_edition_path(edition_file, parse_date(edition_date) if edition_date else None)
    else:
        name = edition or registered_editions()[-1]
        if name not in registered_editions():
            raise InputError(f"unknown edition {name!r}; known: {', '.join(registered_editions())}")
        ed = load_edition(name)
    out = _coverage.parse_coverage(ed)
    usjta = _coverage.usjta_lines(ed, valuation(), ed.edition_date)
    usjta["by_chapter"] = usjta["by_chapter"].to_dicts() if isinstance(usjta["by_chapter"], pl.DataFrame) else usjta["by_chapter"]
    out["usjta"] = usjta
    return out
