"""The rate a line pays entering Japan from an origin on a day: the best among the programs the
origin can claim, with the program named and the source of every number.

Where the day falls decides the basis (JP-02):

- **edition**: an edition of the schedule belongs to the day's Japanese fiscal year (JFY); the
  latest one dated on or before the day is used, else the JFY's first (flagged: staged cuts
  happen on 1 April, so an edition holds its JFY's preferential rates from 1 April).
- **staging**: no edition for that JFY (2020-01-01 up to JFY2024, or after the latest edition).
  Each program's rate comes from the dated rules in rules/japan/staging; the MFN rate from an
  MFN rule or, failing that, from the nearest edition (flagged ``carried``). Lines no staging
  rule covers cannot be answered; programs without a rule are listed as ``unknown``.

MFN = the WTO rate or, where lower, the national rate (temporary if set, else general) (JP-01).
A safeguard in force (rules/japan/usjta_beef_safeguard.yaml) replaces the program's rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache

import polars as pl

from tariffline.errors import InputError, PolicyError
from tariffline.japan import programs as progs
from tariffline.japan import staging
from tariffline.japan.datasets import EDITIONS
from tariffline.japan.duty import Ave, Valuation, ave, describe, select
from tariffline.japan.nomenclature import describe as describe_en
from tariffline.japan.rates import AdValorem, ParsedRate, RateParseError, parse_rate
from tariffline.japan.safeguard import active_event
from tariffline.japan.schedule import Edition, find_lines, jfy, load_edition, normalise_hs

FIRST_DAY = dt.date(2020, 1, 1)  # USJTA entry into force; the Japan data starts here
_CONF_ORDER = {"confirmed": 0, "likely": 1, "uncertain": 2}


def weakest(*levels: str) -> str:
    return max(levels, key=lambda c: _CONF_ORDER.get(c, 2))


@dataclass
class ProgramRate:
    program: str
    text: str | None
    expr: object | None
    ave: float | None
    estimate: bool
    basis: str  # edition | staging | carried | safeguard
    source: str
    confidence: str
    notes: list[str] = field(default_factory=list)
    derived: bool = False
    staged: bool = False
    ave_reason: str | None = None

    def as_dict(self) -> dict:
        d = describe(self.expr) if self.expr is not None else {"type": "none"}
        return {
            "program": self.program,
            "text": self.text,
            "rate": d.get("rate") if d.get("type") in ("free", "ad_valorem", "compound") else None,
            "specific": d.get("specific", []),
            "structure": d,
            "ave": self.ave,
            "ave_is_estimate": self.estimate,
            "ave_note": self.ave_reason,
            "basis": self.basis,
            "derived": self.derived,
            "staged_not_published": self.staged,
            "source": self.source,
            "confidence": self.confidence,
            "notes": self.notes,
        }


@dataclass
class LineRate:
    line_id: str
    code: str
    desc_ja: str
    desc_en: str
    season: str
    origin: str
    date: dt.date
    basis: str
    edition: str | None
    best: ProgramRate | None
    candidates: list[ProgramRate]
    no_preference: list[str]
    unknown: list[str]
    flags: list[str]
    confidence: str

    def as_dict(self) -> dict:
        best = self.best.as_dict() if self.best else None
        return {
            "line": self.line_id,
            "hs": f"{self.code[:4]}.{self.code[4:6]}.{self.code[6:]}",
            "description_ja": self.desc_ja,
            "description_en": self.desc_en,
            "season": self.season or None,
            "origin": self.origin,
            "date": self.date.isoformat(),
            "program": self.best.program if self.best else None,
            "rate": best["rate"] if best else None,
            "specific": best["specific"] if best else [],
            "ave": self.best.ave if self.best else None,
            "ave_is_estimate": self.best.estimate if self.best else None,
            "source": self.best.source if self.best else None,
            "confidence": self.confidence,
            "basis": self.basis,
            "edition": self.edition,
            "flags": self.flags,
            "best": best,
            "candidates": [c.as_dict() for c in self.candidates],
            "programs_without_preference": self.no_preference,
            "programs_unknown_on_date": self.unknown,
        }


# ---------------------------------------------------------------------------------------------
# Editions


class EditionSet:
    """The editions considered: registered ones (loaded on demand) plus user files."""

    def __init__(self, extra: list[Edition] | None = None):
        self._meta = [(ds.name, ds.meta["edition_date"]) for ds in EDITIONS]
        self._extra = {e.name: e for e in extra or []}
        self._meta += [(e.name, e.edition_date) for e in extra or []]
        self._meta.sort(key=lambda m: m[1])

    def get(self, name: str) -> Edition:
        return self._extra[name] if name in self._extra else load_edition(name)

    @property
    def latest_jfy(self) -> int:
        return jfy(self._meta[-1][1])

    @property
    def first_jfy(self) -> int:
        return jfy(self._meta[0][1])

    def for_day(self, day: dt.date) -> tuple[Edition | None, list[str]]:
        same = [(n, d) for n, d in self._meta if jfy(d) == jfy(day)]
        if not same:
            return None, []
        before = [(n, d) for n, d in same if d <= day]
        if before:
            return self.get(before[-1][0]), []
        name, d = same[0]
        return self.get(name), [f"edition {d.isoformat()} used for an earlier day of the same JFY "
                                "(staged rates change on 1 April; other mid-year changes not captured)"]

    def nearest(self, day: dt.date) -> Edition:
        name = min(self._meta, key=lambda m: abs((m[1] - day).days))[0]
        return self.get(name)


# ---------------------------------------------------------------------------------------------


def _parse(text: str) -> ParsedRate | None:
    if not text:
        return None
    try:
        return parse_rate(text)
    except RateParseError:
        return None


def _evaluate(program: str, text: str, names: frozenset[str], day: dt.date, val: Valuation, *,
              basis: str, source: str, confidence: str) -> ProgramRate | None:
    """A program's rate from one rate text, or None if the text gives this origin no rate.

    Results are shared between origins whose country names the text does not mention, so the
    caller gets a fresh copy it may change."""
    key_names = names if "待遇" in text else frozenset()
    pr = _evaluate_cached(program, text, key_names, day, val, basis, source, confidence)
    return None if pr is None else replace(pr, notes=list(pr.notes))


@lru_cache(maxsize=65536)
def _evaluate_cached(program: str, text: str, names: frozenset[str], day: dt.date, val: Valuation,
                     basis: str, source: str, confidence: str) -> ProgramRate | None:
    parsed = _parse(text)
    if parsed is None:
        return ProgramRate(program, text, None, None, False, basis, source, "uncertain",
                           ["rate text not understood"], ave_reason="unparsed rate text")
    sel = select(parsed, names, day, val)
    if sel.expr is None:
        return None if not sel.notes else ProgramRate(
            program, text, None, None, False, basis, source, confidence, list(sel.notes),
            ave_reason=sel.notes[0])
    a: Ave = ave(sel.expr, val)
    notes = list(sel.notes)
    if parsed.parenthesized:
        notes.append("shown in parentheses in the schedule (not applied where a lower rate applies)")
    if parsed.footnotes:
        notes.append("footnote(s) " + ", ".join(f"◆{n}" for n in parsed.footnotes) + " not in the data")
    return ProgramRate(program, text, sel.expr, a.value, a.estimate, basis, source, confidence,
                       notes, ave_reason=a.reason)


def _lower(a: ProgramRate | None, b: ProgramRate | None) -> ProgramRate | None:
    if a is None or a.ave is None:
        return b if (b is not None and b.ave is not None) else (a or b)
    if b is None or b.ave is None:
        return a
    return b if b.ave < a.ave else a


def _mfn_from_row(row: dict, program: str, names: set[str], day: dt.date, val: Valuation,
                  source: str) -> tuple[ProgramRate | None, list[str]]:
    """MFN (or national-only) rate of a schedule row; flags when the applied rate is not shown."""
    general, temporary, wto = row.get("rate:基本", ""), row.get("rate:暫定", ""), row.get("rate:WTO協定", "")
    national_text = temporary or general
    national_col = "暫定 (temporary)" if temporary else "基本 (general)"
    national = _evaluate(program, national_text, names, day, val, basis="edition",
                         source=f"{source}, column {national_col}", confidence="confirmed") if national_text else None
    if program == progs.rules().national.id:
        return national, []
    wto_rate = _evaluate(program, wto, names, day, val, basis="edition",
                         source=f"{source}, column WTO協定", confidence="confirmed") if wto else None
    flags = []
    texts = [t for t in (national_text, wto) if t]
    if texts and all((_parse(t) is not None and _parse(t).parenthesized) for t in texts):
        flags.append("applied MFN rate not shown in the data (all shown rates are in parentheses)")
    if national is not None and wto_rate is not None and (national.ave is None or wto_rate.ave is None):
        pw, pn = _parse(wto), _parse(national_text)
        if pw is not None and pw.parenthesized:
            return national, flags
        if pn is not None and pn.parenthesized:
            return wto_rate, flags
        flags.append("national and WTO rates not comparable at the unit values; national rate shown")
        return national, flags
    chosen = _lower(national, wto_rate)
    if wto_rate is not None and chosen is national and national is not None and "*" in (_parse(wto).markers if _parse(wto) else ()):
        national.notes.append("WTO column marked * (bound rate of a quota/state-trading item); a levy "
                              "outside the customs tariff may apply on top (JP-08)")
    return chosen, flags


def _program_source(edition: Edition, pid: str, code: str) -> str:
    col = progs.column_of(pid)
    where = f"Japan Customs 実行関税率表 edition {edition.edition}, line {code[:4]}.{code[4:6]}.{code[6:]}"
    return where + (f", column {col}" if col else "")


def _best(cands: list[ProgramRate], mfn_id: str) -> tuple[ProgramRate | None, list[str]]:
    usable = [c for c in cands if c.ave is not None]
    if not usable:
        if cands:
            return None, ["no candidate rate can be converted to an AVE at the unit values; see candidates"]
        return None, ["no program gives this line a rate for this origin"]
    order = {c.program: i for i, c in enumerate(cands)}
    best = min(usable, key=lambda c: (round(c.ave, 12), 0 if c.program in (mfn_id, "NATIONAL") else 1, order[c.program]))
    flags = []
    skipped = [c.program for c in cands if c.ave is None and c.expr is not None]
    if skipped:
        flags.append("not compared (no AVE): " + ", ".join(skipped))
    return best, flags


def line_rate(row: dict, origin: str, origin_label: str, day: dt.date, val: Valuation,
              editions: EditionSet, edition: Edition | None, edition_flags: list[str]) -> LineRate:
    """The best rate of one schedule line (``row`` from an edition) for one ISO-2 origin."""
    r = progs.rules()
    code = row["code"]
    names = progs.japanese_names_for(origin)
    pids = progs.programs_for(origin, day)
    cands: list[ProgramRate] = []
    no_pref: list[str] = []
    unknown: list[str] = []
    flags = list(edition_flags)
    after_latest = jfy(day) > editions.latest_jfy
    for pid in pids:
        m_source, m_conf = progs.membership_source(pid, origin, day)
        pr: ProgramRate | None = None
        if edition is not None:
            src = _program_source(edition, pid, code)
            if pid in (r.mfn.id, r.national.id):
                pr, f = _mfn_from_row(row, pid, names, day, val, src)
                if f and f[0].startswith("applied MFN rate not shown"):
                    staged = staging.staged_rate(pid, code, day)
                    if staged and staged.text:
                        pr = _evaluate(pid, staged.text, names, day, val, basis="staging",
                                       source=f"{staged.source} ({staged.instrument})", confidence=staged.confidence)
                        f = [f[0] + "; MFN rule used instead"]
                flags += f
            else:
                text = row.get("rate:" + progs.column_of(pid), "")
                pr = _evaluate(pid, text, names, day, val, basis="edition", source=src,
                               confidence="confirmed") if text else None
                if pr is None:
                    no_pref.append(pid)
            if edition_flags and pr is not None:
                pr.confidence = weakest(pr.confidence, "likely")
        else:
            staged = staging.staged_rate(pid, code, day)
            if staged is not None and staged.text is None:
                no_pref.append(pid)
            elif staged is not None:
                pr = _evaluate(pid, staged.text, names, day, val, basis="staging",
                               source=f"{staged.source} ({staged.instrument})", confidence=staged.confidence)
                if pr is not None:
                    pr.derived, pr.staged = staged.derived, after_latest
                    if staged.derived:
                        pr.notes.append(f"derived JFY{staged.jfy} rate (equal annual steps between encoded rates)")
                    if after_latest:
                        pr.notes.append("staged rate, not yet published in a schedule edition")
            elif pid in (r.mfn.id, r.national.id):
                near = editions.nearest(day)
                hit = near.lines.filter(pl.col("line_id") == row["line_id"])
                if hit.height:
                    pr, f = _mfn_from_row(hit.row(0, named=True), pid, names, day, val,
                                          _program_source(near, pid, code))
                    if pr is not None:
                        pr.basis, pr.confidence = "carried", "likely"
                        pr.notes.append(f"MFN carried from edition {near.edition} (assumed unchanged; JP-04)")
                    flags += f
                else:
                    unknown.append(pid)
            else:
                unknown.append(pid)
        if pr is not None:
            ev = active_event(pid, code, day)
            if ev is not None:
                sg_text = f"{ev.rate * 100:g}%"
                pr = ProgramRate(pid, sg_text, AdValorem(ev.rate), ev.rate, False, "safeguard", ev.source,
                                 ev.confidence, [f"safeguard in force {ev.from_}..{ev.to - dt.timedelta(days=1)} "
                                                 f"replaces the {pid} rate {pr.text!r}"])
                flags.append(f"{pid} beef safeguard in force ({ev.from_} to {ev.to - dt.timedelta(days=1)})")
            pr.confidence = weakest(pr.confidence, m_conf)
            if pid not in (r.mfn.id, r.national.id):
                pr.source += f"; membership: {m_source}"
            cands.append(pr)
    best, bflags = _best(cands, r.mfn.id)
    flags += bflags
    if best is not None and best.staged:
        flags.append(f"{best.program} rate is a staged rate for JFY{jfy(day)}, not yet published in a schedule edition")
    if unknown:
        flags.append("programs with no encoded rate on this date: " + ", ".join(unknown))
    conf = best.confidence if best else "uncertain"
    if best is not None and (best.derived or unknown):
        conf = weakest(conf, "uncertain" if best.derived else "likely")
    season = f"{row['season_start']}..{row['season_end']}" if row.get("season_start") else ""
    return LineRate(row["line_id"], code, row.get("desc", ""), describe_en(code), season, origin_label,
                    day, "edition" if edition is not None else "staging",
                    edition.edition if edition is not None else None, best, cands, no_pref, unknown,
                    flags, conf)


def in_season(row: dict, day: dt.date) -> bool:
    if not row.get("season_start"):
        return True
    s = tuple(int(x) for x in row["season_start"].split("-"))
    e = tuple(int(x) for x in row["season_end"].split("-"))
    here = (day.month, day.day)
    return s <= here <= e if s <= e else (here >= s or here <= e)


def rows_for(hs: str, day: dt.date, editions: EditionSet) -> tuple[list[dict], Edition | None, list[str]]:
    """The schedule rows for an HS code on a day, and the edition (None = staging basis)."""
    if day < FIRST_DAY:
        raise InputError(f"date {day} is before 2020-01-01 (USJTA entry into force), where the Japan data starts")
    normalise_hs(hs)
    edition, flags = editions.for_day(day)
    if edition is not None:
        rows = [r for r in find_lines(edition, hs).iter_rows(named=True) if in_season(r, day)]
        return rows, edition, flags
    struct = editions.nearest(day)
    rows = [r for r in find_lines(struct, hs).iter_rows(named=True) if in_season(r, day)]
    covered = [r for r in rows if staging.covered(r["code"])]
    if not covered:
        last = editions.latest_jfy
        raise PolicyError(
            f"no schedule edition covers {day} (editions cover JFY{editions.first_jfy}"
            f"-JFY{last}) and no staging rule covers HS {hs}; rates outside the editions exist only for "
            "lines with dated staging rules (rules/japan/staging)"
        )
    return covered, None, [f"no edition for JFY{jfy(day)}: rates from dated staging rules; line "
                           f"structure from edition {struct.edition}"]


def rates(hs: str, origin: str, day: dt.date, val: Valuation, editions: EditionSet) -> list[LineRate]:
    label, members = progs.resolve_origin(origin)
    rows, edition, flags = rows_for(hs, day, editions)
    return [line_rate(row, members[0], label, day, val, editions, edition, flags) for row in rows]

