"""An English rendering of a Japanese rate-of-duty text, from the rate parser's structure.

``english("3.1%又は22円/kg のうちいずれか高い税率")`` -> ``"the higher of 3.1% or ¥22/kg"``.
Only what the parser understood is rendered; product descriptions and country names inside
branch conditions stay in Japanese (they are the schedule's own words). A text the parser cannot
read renders as None, so the caller shows the Japanese text alone.
"""

from __future__ import annotations

from tariffline.japan.rates import (AdValorem, Bounded, Branches, Choice, Compound, Condition,
                                    ContentDuty, FootnoteOnly, ParsedRate, PriceGap, RateParseError,
                                    Specific, Varies, parse_rate)


def _num(x: float) -> str:
    return f"{x:,.6g}" if abs(x) >= 1000 else f"{x:.6g}"


def _pct(rate: float) -> str:
    return f"{rate * 100:.6g}%"


def _expr(e: object) -> str:
    if isinstance(e, AdValorem):
        return "free" if e.rate == 0 else _pct(e.rate)
    if isinstance(e, Specific):
        return f"¥{_num(e.amount)}/{e.unit}"
    if isinstance(e, Compound):
        return " + ".join(_expr(p) for p in e.parts)
    if isinstance(e, Choice):
        return f"the {e.pick} of " + " or ".join(_expr(o) for o in e.options)
    if isinstance(e, Bounded):
        out = _expr(e.expr)
        if e.minimum is not None:
            out += f", but not less than {_expr(e.minimum)}"
        if e.maximum is not None:
            out += f", but not more than {_expr(e.maximum)}"
        return out
    if isinstance(e, PriceGap):
        value = "customs value" if e.cif_coef == -1 else f"{_num(-e.cif_coef)} × customs value"
        base = f"standard import price of {e.reference}" if e.reference else f"¥{_num(e.constant)}"
        return f"gap duty: {base} minus {value}, per {e.unit} (not below zero)"
    if isinstance(e, ContentDuty):
        if e.component == "lactose":
            return (f"¥{_num(e.amount)}/kg plus ¥{_num(e.step_amount or 0)} for each 1% of lactose "
                    f"above {_pct(e.threshold or 0)}")
        per = f"per kg of {e.component} content" if e.per_component_kg else "per kg"
        return f"¥{_num(e.amount)} {per}"
    if isinstance(e, Varies):
        if e.items:
            out = "one of: " + "; ".join(_expr(i) for i in e.items)
        elif e.low == e.high:
            out = _expr(e.low)
        else:
            out = f"{_expr(e.low)} to {_expr(e.high)}"
        if e.unbound:
            out += ", or unbound"
        return f"part of the line: {out}" if e.partial else out
    if isinstance(e, Branches):
        return "; ".join(f"{_condition(b.condition)}: {_expr(b.expr)}" for b in e.branches)
    if isinstance(e, FootnoteOnly):
        return "see footnote"
    return "?"


def _condition(c: Condition) -> str:
    bits = []
    if c.quota == "in":
        bits.append("within the tariff quota")
    elif c.quota == "out":
        bits.append("outside the tariff quota")
    elif c.quota == "wto":
        bits.append("within Japan's WTO tariff quota")
    if c.countries:
        bits.append("for " + ", ".join(c.countries))
    if c.other_countries:
        bits.append("for the other parties")
    if c.season:
        m1, d1, m2, d2 = c.season
        bits.append(f"imported {m1}/{d1} to {m2}/{d2}")
    if c.product:
        bits.append(c.product)
    if c.other and not bits:
        bits.append("other goods")
    return ", ".join(bits) or c.text


def render(parsed: ParsedRate) -> str:
    """English for one parsed rate; a rate in parentheses is marked as shown but not applied."""
    out = _expr(parsed.expr)
    if parsed.footnotes and not isinstance(parsed.expr, FootnoteOnly):
        out += " (see footnote" + ("s" if len(parsed.footnotes) > 1 else "") + ")"
    return f"({out}: shown, not applied)" if parsed.parenthesized else out


def english(text: str | None) -> str | None:
    """English for a Japanese rate text, or None when the parser cannot read it."""
    if not text:
        return None
    try:
        return render(parse_rate(text))
    except RateParseError:
        return None
