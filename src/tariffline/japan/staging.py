"""Dated staging rules: a program's rate for a line in a Japanese fiscal year (JFY) when no
schedule edition covers the day (before the first edition, between, after the latest).

Each file under ``rules/japan/staging/`` encodes one instrument for its program(s). A *staged
line* names product prefixes, a rate *template* in the schedule's own notation (``{rate:pct}``,
``{cap}``) and *steps* (JFY -> parameter values, each with source and confidence). Cuts take
effect on 1 April (the agreements' year convention) unless a step gives ``from``. A JFY between
two steps gets equal annual steps between them, rounded as the line says, and is marked
``derived``; after the last step the rate stays only if the line is ``final``. A step may give
a literal ``text`` instead of values (then no interpolation across it). ``excluded: true``
lines record that the program gives these products no preference at all (e.g. RCEP beef).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tariffline.errors import PolicyError
from tariffline.japan.programs import RULES_PACKAGE, load_yaml, program_ids, validation_error
from tariffline.japan.rates import RateParseError, parse_rate
from tariffline.japan.schedule import jfy, jfy_start

Confidence = Literal["confirmed", "likely", "uncertain"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Rounding(_Strict):
    mode: Literal["down", "half_up"]
    quantum: float


class Step(_Strict):
    jfy: int
    from_: dt.date | None = Field(default=None, alias="from")
    values: dict[str, float] = {}
    text: str | None = None
    confidence: Confidence
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _one_form(self):
        if bool(self.values) == bool(self.text):
            raise ValueError("a step gives either 'values' or 'text'")
        if self.from_ is not None and jfy(self.from_) != self.jfy:
            raise ValueError(f"step 'from' {self.from_} is not in JFY{self.jfy}")
        return self


class StagedLine(_Strict):
    id: str
    description: str
    products: tuple[str, ...]
    template: str | None = None
    rounding: dict[str, Rounding] = {}
    steps: tuple[Step, ...] = ()
    final: bool = False
    excluded: bool = False
    source: str | None = None
    confidence: Confidence | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self):
        for p in self.products:
            if not re.fullmatch(r"\d{2}(\d{2}(\d{2}(\d{3})?)?)?", p.replace(".", "")):
                raise ValueError(f"product {p!r} is not a 2/4/6/9-digit code")
        if self.excluded:
            if self.steps or self.template:
                raise ValueError("an excluded line has no template or steps")
            if not self.source:
                raise ValueError("an excluded line needs a source")
            return self
        if not self.steps:
            raise ValueError("a staged line needs steps")
        years = [s.jfy for s in self.steps]
        if years != sorted(years) or len(set(years)) != len(years):
            raise ValueError("steps must be in increasing JFY order, one per JFY")
        names = set(re.findall(r"\{(\w+)(?::pct)?\}", self.template or ""))
        for s in self.steps:
            if s.values and set(s.values) != names:
                raise ValueError(f"JFY{s.jfy}: values {sorted(s.values)} do not match template fields {sorted(names)}")
            if s.values and not self.template:
                raise ValueError("values need a template")
        for name in names:
            if name not in self.rounding:
                raise ValueError(f"no rounding rule for field {name!r}")
        return self


class StagingFile(_Strict):
    id: str
    programs: tuple[str, ...]
    title: str
    instrument: str
    citation: str
    year_convention: str
    sources: tuple[str, ...]
    confidence: Confidence
    notes: str | None = None
    lines: tuple[StagedLine, ...]


@dataclass(frozen=True)
class StagedRate:
    program: str
    rule_id: str
    line_rule: str
    jfy: int
    effective_from: dt.date
    text: str | None  # None when excluded (no preference)
    confidence: str
    derived: bool
    source: str
    instrument: str


def _render(template: str, values: dict[str, float]) -> str:
    def fmt(m: re.Match) -> str:
        v = values[m.group(1)]
        if m.group(2):
            return "無税" if abs(v) < 1e-12 and template.strip() == m.group(0) else f"{_num(v * 100)}%"
        return _num(v)
    return re.sub(r"\{(\w+)(:pct)?\}", fmt, template)


def _num(v: float) -> str:
    return f"{round(v, 6):.6f}".rstrip("0").rstrip(".")


def _round(v: float, rule: Rounding) -> float:
    q = rule.quantum
    n = math.floor(v / q + 1e-7) if rule.mode == "down" else math.floor(v / q + 0.5 + 1e-7)
    return round(n * q, 10)


@lru_cache(maxsize=1)
def staging_files() -> tuple[StagingFile, ...]:
    known = set(program_ids())
    out = []
    folder = resources.files(RULES_PACKAGE).joinpath("staging")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = f"staging/{entry.name}"
        try:
            f = StagingFile.model_validate(load_yaml(name))
        except ValidationError as exc:
            raise validation_error(name, exc) from None
        bad = [p for p in f.programs if p not in known]
        if bad:
            raise PolicyError(f"rules/japan/{name}: unknown program(s) {bad}")
        for line in f.lines:
            for s in line.steps:
                if s.text:
                    _check_text(name, line.id, s.text)
            if line.steps and line.template:
                first = next((s for s in line.steps if s.values), None)
                if first:
                    _check_text(name, line.id, _render(line.template, first.values))
        out.append(f)
    return tuple(out)


def _check_text(name: str, line: str, text: str) -> None:
    try:
        parse_rate(text)
    except RateParseError as exc:
        raise PolicyError(f"rules/japan/{name}: line {line}: {exc}") from None


def _matching(program: str, code: str) -> tuple[StagingFile, StagedLine] | None:
    best, best_len = None, -1
    for f in staging_files():
        if program not in f.programs:
            continue
        for line in f.lines:
            for p in line.products:
                digits = p.replace(".", "")
                if code.startswith(digits) and len(digits) > best_len:
                    best, best_len = (f, line), len(digits)
    return best


def covered(code: str) -> bool:
    """True if any staging rule of any program covers this 9-digit code."""
    return any(_matching(p, code) for p in {p for f in staging_files() for p in f.programs})


def staged_rate(program: str, code: str, day: dt.date) -> StagedRate | None:
    """The program's staged rate text for a line on a day, or None if no rule says."""
    found = _matching(program, code)
    if found is None:
        return None
    f, line = found
    if line.excluded:
        return StagedRate(program, f.id, line.id, jfy(day), day, None,
                          line.confidence or f.confidence, False, line.source or "", f.instrument)
    year = jfy(day)
    steps = {s.jfy: s for s in line.steps}
    step = steps.get(year)
    if step is not None and step.from_ is not None and day < step.from_:
        year -= 1
        step = steps.get(year)
    start = (step.from_ if step is not None and step.from_ else jfy_start(year))
    if step is not None:
        text = step.text or _render(line.template, step.values)
        return StagedRate(program, f.id, line.id, year, start, text, step.confidence, False,
                          step.source, f.instrument)
    before = [s for s in line.steps if s.jfy < year]
    after = [s for s in line.steps if s.jfy > year]
    if before and after:
        a, b = before[-1], after[0]
        if not (a.values and b.values):
            return None
        t = (year - a.jfy) / (b.jfy - a.jfy)
        values = {k: _round(a.values[k] + (b.values[k] - a.values[k]) * t, line.rounding[k]) for k in a.values}
        return StagedRate(program, f.id, line.id, year, jfy_start(year), _render(line.template, values),
                          "uncertain", True,
                          f"equal annual steps between JFY{a.jfy} ({a.source}) and JFY{b.jfy} ({b.source})",
                          f.instrument)
    if before and line.final:
        last = before[-1]
        text = last.text or _render(line.template, last.values)
        return StagedRate(program, f.id, line.id, year, jfy_start(year), text, last.confidence, False,
                          f"final rate from JFY{last.jfy}: {last.source}", f.instrument)
    return None
