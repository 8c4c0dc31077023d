"""The Special rate column: which rate each special-program indicator gets.

``Free (A*,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG) 2.4% (JP)`` becomes one
:class:`SpecialRate` per group; :func:`special_rows` flattens that to one row per indicator,
the shape of ``HtsEdition.special``. A Special text without indicators (Chapter 98/99 lines,
e.g. "The duty provided in the applicable subheading + 25%") applies whatever program is
claimed and gets the program ``"*"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tariffline.hts.programs import INDICATORS, split_groups
from tariffline.hts.rates import RateExpr, clean_text, parse_rate


@dataclass(frozen=True)
class SpecialRate:
    programs: tuple[str, ...]
    expr: RateExpr


@dataclass(frozen=True)
class SpecialParse:
    """All groups of one Special text; ``error`` is set when any part was not understood."""

    text: str
    rates: tuple[SpecialRate, ...]
    error: str | None = None

    @property
    def parsed(self) -> bool:
        return self.error is None


def parse_special(text: str | None) -> SpecialParse:
    """Split a Special-column text into (programs, rate) groups; never raises."""
    raw = "" if text is None else str(text)
    groups, tail = split_groups(clean_text(raw))
    if not groups:
        return SpecialParse(raw, (), "empty special rate text")
    rates = []
    problems = []
    for rate_text, programs in groups:
        expr = parse_rate(rate_text) if rate_text else RateExpr(rate_text, "text", parse_error="no rate before the program list")
        rates.append(SpecialRate(programs, expr))
        if expr.parse_error:
            problems.append(f"{rate_text!r} for {','.join(programs)}: {expr.parse_error}")
        unknown = [p for p in programs if p != "*" and p not in INDICATORS]
        if unknown:
            problems.append(f"unknown program indicator(s) {', '.join(unknown)}")
    if tail:
        problems.append(f"text after the last program list: {tail!r}")
    return SpecialParse(raw, tuple(rates), "; ".join(problems) or None)


def special_rows(text: str | None) -> list[dict]:
    """One dict per program indicator of a Special text (the columns of ``HtsEdition.special``)."""
    parsed = parse_special(text)
    rows = []
    for group in parsed.rates:
        e = group.expr
        specifics = e.specifics
        for program in group.programs:
            rows.append({
                "program": program,
                "rate_text": e.text,
                "kind": e.kind,
                "adv": e.adv,
                "adv_partial": e.adv_partial,
                "specific": specifics[0].rate if specifics else None,
                "specific_unit": specifics[0].unit if specifics else None,
                "specific2": specifics[1].rate if len(specifics) > 1 else None,
                "specific2_unit": specifics[1].unit if len(specifics) > 1 else None,
                "reference": e.reference,
                "approx": e.approx,
                "parse_error": e.parse_error,
            })
    return rows
