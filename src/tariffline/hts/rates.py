"""Rate-of-duty texts of the HTS parsed into structure, and their ad valorem equivalent.

:func:`parse_rate` never raises on text: what it cannot read comes back as kind ``"text"``
with ``parse_error`` saying why. Kinds:

- ``free`` — "Free" (possibly with a condition: "Free, under bond, as prescribed in U.S. note 1").
- ``ad_valorem`` — one percentage of the customs value ("6.8%", "5% on the full value ...").
- ``specific`` — one amount per unit ("2.2¢/kg", "$1.44 each", "10.1¢/kg on drained weight").
- ``compound`` — several parts ("$1.035/kg + 2.4%", "40¢ each + 6% on the case").
- ``base_plus`` — Chapter 98/99 forms relative to the rate of another subheading ("The duty
  provided in the applicable subheading + 25%", "No change", "A duty upon the value of the
  repairs or alterations").
- ``reference`` — the rate is given elsewhere ("See 9921.01.01 (JP)", "See additional U.S.
  note 1", "The rate applicable to the natural juice in heading 2009").
- ``text`` — not understood (``parse_error`` set).

Amounts are in U.S. dollars (¢ converted), percentages as fractions (2.5% -> 0.025), units
canonical (:mod:`tariffline.hts.units`). A part that applies to less than the whole customs
value (the case of a watch, the aluminum content) keeps that ``basis``; such expressions,
sugar-polarity scales and capped watch-movement rates are flagged ``approx`` because the flat
columns (one ad valorem rate on the whole value + up to two specific parts) cannot hold them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from tariffline.errors import InputError
from tariffline.hts.programs import ALL_PROGRAMS, split_groups
from tariffline.hts.units import (RATE_UNIT_SPELLINGS, base_of, convert, element_unit, quantity_unit,
                                  rate_unit)

KINDS = ("free", "ad_valorem", "specific", "compound", "base_plus", "reference", "text")
COMPUTABLE = frozenset({"free", "ad_valorem", "specific", "compound", "base_plus"})


@dataclass(frozen=True)
class Component:
    """One part of a rate: ad valorem (``rate`` a fraction) or specific (``rate`` USD per ``unit``)."""

    kind: str  # "ad_valorem" | "specific"
    rate: float
    unit: str | None = None
    basis: str | None = None  # part of the value the percentage applies to; None = whole value


@dataclass(frozen=True)
class RateExpr:
    """A parsed rate text. ``components`` are added together; see the module docstring."""

    text: str
    kind: str
    components: tuple[Component, ...] = ()
    reference: str | None = None  # heading(s), subheading(s) or note the rate points to
    basis: str | None = None  # base_plus only: the value the base rate applies to, if not the whole
    condition: str | None = None  # e.g. "under bond, as prescribed in U.S. note 1 ..."
    approx: bool = False
    note: str | None = None
    parse_error: str | None = None
    programs: tuple[str, ...] = ()  # Special-column indicators the rate was listed for, if any

    @property
    def parsed(self) -> bool:
        return self.kind != "text"

    @property
    def computable(self) -> bool:
        return self.kind in COMPUTABLE

    @property
    def adv(self) -> float | None:
        """Sum of the ad valorem parts on the whole value (0 for Free/specific); None if not computable."""
        if not self.computable:
            return None
        return _tidy(sum(c.rate for c in self.components if c.kind == "ad_valorem" and c.basis is None))

    @property
    def adv_partial(self) -> float | None:
        """Sum of the ad valorem parts that apply to part of the value only (watch case, metal content)."""
        if not self.computable:
            return None
        return _tidy(sum(c.rate for c in self.components if c.kind == "ad_valorem" and c.basis is not None))

    @property
    def specifics(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.kind == "specific")


# ---------------------------------------------------------------------------------------------
# rendering

_QUALIFIER_TEXT = {
    "drained": "on drained weight", "entire_contents": "on entire contents of container",
    "gross": "on contents and container", "total_sugars": "of total sugars",
    "morphine": "of anhydrous morphine content", "recording_surface": "of recording surface",
    "immediate_containers": "of immediate containers", "over_7": "over 7",
}
_UNIT_TEXT = {"No.": " each", "kg_clean": "/clean kg", "thousand": "/1000", "line_gross": "/line/gross"}


def render_components(components: tuple[Component, ...] | list[Component]) -> str:
    """Canonical HTS-style text of rate parts ("$1.035/kg + 2.4%"); parses back to the same parts."""
    return " + ".join(_render_component(c) for c in components)


def _fmt(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _render_component(c: Component) -> str:
    if c.kind == "ad_valorem":
        return f"{_fmt(c.rate * 100)}%" + (f" on the {c.basis}" if c.basis else "")
    amount = f"{_fmt(c.rate * 100)}¢" if c.rate < 1 else f"${_fmt(c.rate)}"
    unit = c.unit or ""
    if unit in _UNIT_TEXT:
        return amount + _UNIT_TEXT[unit]
    base, _, qual = unit.partition("_")
    if qual and qual in _QUALIFIER_TEXT:
        return f"{amount}/{base} {_QUALIFIER_TEXT[qual]}"
    if qual:
        return f"{amount}/{base} on {qual.replace('_', ' ')} content"
    return f"{amount}/{unit}"


def _tidy(x: float) -> float:
    return round(x, 12) + 0.0


# ---------------------------------------------------------------------------------------------
# parsing

class _Unparsed(Exception):
    """Raised inside the parser for a text it cannot read; becomes kind 'text'."""


_NUM = r"\d+(?:\.\d+)?"
_TYPOS = (("internal- revenue", "internal-revenue"), ("drained weght", "drained weight"),
          ("thebattery", "the battery"), ("m2of ", "m2 of "), ("oralterations", "or alterations"),
          (" inthe ", " in the "))
_FULL_VALUE = {"entire set", "full value of the imported article", "value", "full value"}
_WATCH_CAP = re.compile(r",? but if consisting in part of a plate or a set of plates the total duty "
                        r"shall not exceed the duty for the complete movement$", re.I)


def clean_text(text: str) -> str:
    """Whitespace, line-break hyphens, '+' spacing and known typos normalised (for matching)."""
    t = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    t = re.sub(r"([a-z])- ([a-z])", r"\1\2", t)
    for wrong, right in _TYPOS:
        t = t.replace(wrong, right)
    t = re.sub(r"\((\w+) \(\1\)", r"(\1)", t)  # "(PA (PA)" -> "(PA)"
    t = re.sub(r"(?<![A-Z])\s*\+\s*", " + ", t)  # "+" between terms, not in "A+" / "S+"
    t = re.sub(r"\s*¢\s*", "¢", t)
    t = re.sub(r"¢(?=[a-z])", "¢ ", t)
    t = re.sub(r"/\s+", "/", t)
    t = re.sub(r"\$\s+", "$", t)
    return t.strip(" ;:,/+")


def parse_rate(text: str | None) -> RateExpr:
    """Parse one rate text; never raises (unreadable text gives kind 'text' + parse_error)."""
    raw = "" if text is None else str(text)
    t = clean_text(raw)
    groups, tail = split_groups(t)
    if groups and groups[0][1] != (ALL_PROGRAMS,):
        if len(groups) > 1 or tail:
            return RateExpr(raw, "text", parse_error="several rates for different programs; "
                                                      "use tariffline.hts.special.parse_special")
        rate_text, programs = groups[0]
        return replace(_parse_one(raw, rate_text), programs=programs)
    return _parse_one(raw, t)


def _parse_one(raw: str, cleaned: str) -> RateExpr:
    t = cleaned.rstrip(".").strip()
    if not t:
        return RateExpr(raw, "text", parse_error="empty rate text")
    try:
        for handler in _HANDLERS:
            result = handler(raw, t)
            if result is not None:
                return result
    except _Unparsed as exc:
        return RateExpr(raw, "text", parse_error=str(exc))
    return RateExpr(raw, "text", parse_error="not a recognised rate form")


def _free(raw: str, t: str) -> RateExpr | None:
    m = re.fullmatch(r"free\b\s*(?P<rest>.*)", t, re.I)
    if not m:
        return None
    rest = m.group("rest").strip()
    if not rest:
        return RateExpr(raw, "free")
    if rest[0] in ",(":
        return RateExpr(raw, "free", condition=rest.strip(",() ").strip() or None)
    raise _Unparsed(f"unexpected text after 'Free': {rest!r}")


def _no_change(raw: str, t: str) -> RateExpr | None:
    low = t.lower()
    if low == "no change":
        return RateExpr(raw, "base_plus", note="no change: the rate of the applicable subheading applies")
    if low == "no additional duty":
        return RateExpr(raw, "free", note="no additional duty")
    return None


_BASE = re.compile(
    r"the duty (?:rate )?provided (?:for )?in ?(?:the applicable subheading|such subheading|"
    r"(?:sub)?headings? (?P<subs>\d{4}(?:\.\d{2}){1,3}(?:(?:,? or |, | and )\d{4}(?:\.\d{2}){1,3})*))"
    r"(?P<rest>.*)", re.I)


def _base(raw: str, t: str) -> RateExpr | None:
    m = _BASE.fullmatch(t)
    if not m:
        return None
    rest = m.group("rest").strip()
    comps: tuple[Component, ...] = ()
    if rest:
        op = re.match(r"(\+|plus|minus)\s*(.+)", rest, re.I)
        if not op:
            raise _Unparsed(f"unexpected text after the base duty: {rest!r}")
        sign = -1.0 if op.group(1).lower() == "minus" else 1.0
        comps = tuple(Component(c.kind, _tidy(sign * c.rate), c.unit, c.basis)
                      for c in _terms(op.group(2)))
    partial = any(c.basis for c in comps)
    return RateExpr(raw, "base_plus", comps, reference=m.group("subs"), approx=partial,
                    note=_partial_note(comps) if partial else None)


def _absence(raw: str, t: str) -> RateExpr | None:
    m = re.fullmatch(r"the rate applicable,? (?:to each article )?in the absence of this (?:sub)?heading"
                     r"(?: on (?:the )?(?P<basis>.+))?", t, re.I)
    if not m:
        return None
    basis = m.group("basis")
    return RateExpr(raw, "base_plus", basis=basis, approx=basis is not None,
                    note=f"the base rate applies to the {basis}" if basis else None)


def _duty_upon(raw: str, t: str) -> RateExpr | None:
    m = re.fullmatch(r"a duty upon the (?P<basis>.+?)(?: \(see (?P<ref>[^)]+)\))?", t, re.I)
    if m:
        basis = m.group("basis")
        return RateExpr(raw, "base_plus", basis=basis, reference=m.group("ref"), approx=True,
                        note=f"the rate of the applicable subheading applies to the {basis}")
    m = re.fullmatch(r"a duty (?:\(in lieu of any other duty or tax\) )?equal to (?P<what>.+?)"
                     r"(?:,? but in no case in excess of (?P<cap>.+))?", t, re.I)
    if m:
        note = f"equal to {m.group('what')}" + (f"; at most {m.group('cap')}" if m.group("cap") else "")
        return RateExpr(raw, "base_plus", approx=True, note=note)
    return None


_HEADING = r"\d{2}\.?\d{2}\.\d{2}\.\d{2}"  # tolerates the typo "99.19.04.14"


def _reference(raw: str, t: str) -> RateExpr | None:
    m = re.fullmatch(r"see (?P<ref>(?:additional )?u\.s\. note .+|"
                     rf"{_HEADING}(?:\s*(?:[-–,]|,? and)\s*{_HEADING})*)", t, re.I)
    if m:
        return RateExpr(raw, "reference", reference=m.group("ref"))
    m = re.fullmatch(r"the (?:duty )?rate (?:of duty )?(?:applicable,? to|provided for) (?P<what>.+)", t, re.I)
    if m:
        return RateExpr(raw, "reference", reference=m.group("what"),
                        note="the rate of another article or program applies")
    return None


_AMOUNT = rf"(?:\$(?P<{{0}}d>{_NUM})|(?P<{{0}}c>{_NUM})¢)"


def _amount(m: re.Match, prefix: str) -> float:
    dollars = m.group(prefix + "d")
    return _tidy(float(dollars) if dollars is not None else float(m.group(prefix + "c")) / 100)


_POLARITY = re.compile(
    _AMOUNT.format("a") + r"/kg less " + _AMOUNT.format("b") + r"/kg for each degree under 100 degrees"
    r"(?: \(and fractions of a degree in proportion\))? but not less(?: than)? " + _AMOUNT.format("f") + "/kg",
    re.I)


def _polarity(raw: str, t: str) -> RateExpr | None:
    m = _POLARITY.fullmatch(t)
    if not m:
        return None
    top, step, floor = _amount(m, "a"), _amount(m, "b"), _amount(m, "f")
    note = (f"sugar polarity scale: ${top}/kg at 100 degrees, less ${step}/kg per degree under 100, "
            f"not less than ${floor}/kg; flat columns carry the 100-degree rate (upper bound)")
    return RateExpr(raw, "specific", (Component("specific", top, "kg"),), approx=True, note=note)


def _expression(raw: str, t: str) -> RateExpr:
    cap = _WATCH_CAP.search(t)
    body = t[: cap.start()] if cap else t
    comps = _terms(body)
    specifics = [c for c in comps if c.kind == "specific"]
    partial = any(c.basis for c in comps)
    notes = []
    if partial:
        notes.append(_partial_note(comps))
    if cap:
        notes.append("total duty capped at the duty for the complete movement")
    if len(specifics) > 2:
        notes.append("more than two specific parts; flat columns carry the first two")
    kind = comps[0].kind if len(comps) == 1 else "compound"
    return RateExpr(raw, kind, comps, approx=bool(notes), note="; ".join(notes) or None)


def _partial_note(comps: tuple[Component, ...] | list[Component]) -> str:
    parts = [f"{_fmt(c.rate * 100)}% on the {c.basis}" for c in comps if c.basis]
    return "applies to part of the value only: " + ", ".join(parts)


_HANDLERS = (_free, _no_change, _base, _absence, _duty_upon, _reference, _polarity, _expression)


def _terms(body: str) -> tuple[Component, ...]:
    pieces = [p.strip() for p in re.split(r" \+ ", body)]
    if not pieces or any(not p for p in pieces):
        raise _Unparsed("empty part in a '+' expression")
    return tuple(_term(p) for p in pieces)


_ADV = re.compile(rf"(?:a duty of )?(?P<n>{_NUM})(?P<third> 1/3)?\s?%(?:\s?(?:on|upon) (?P<basis>.+))?", re.I)
_PCT_OF = re.compile(rf"(?P<n>{_NUM}) percent of (?:the )?(?P<basis>.+)", re.I)
_SPEC = re.compile(_AMOUNT.format("") + r"\s?(?P<rest>.*)", re.I)
_UNIT_SPELLINGS = sorted(RATE_UNIT_SPELLINGS, key=len, reverse=True)


def _term(p: str) -> Component:
    m = _ADV.fullmatch(p)
    if m:
        rate = float(m.group("n")) + (1 / 3 if m.group("third") else 0.0)
        return Component("ad_valorem", _tidy(rate / 100), None, _value_basis(m.group("basis")))
    m = _PCT_OF.fullmatch(p)
    if m:
        return Component("ad_valorem", _tidy(float(m.group("n")) / 100), None, _value_basis(m.group("basis")))
    m = _SPEC.fullmatch(p)
    if m:
        return Component("specific", _amount(m, ""), _specific_unit(m.group("rest")))
    raise _Unparsed(f"cannot read rate part {p!r}")


def _value_basis(basis: str | None) -> str | None:
    if basis is None:
        return None
    b = re.sub(r"^(?:the )?(?:value of )?(?:the )?", "", basis.strip(), flags=re.I).strip()
    return None if b.lower() in _FULL_VALUE else b


def _specific_unit(rest: str) -> str:
    r = rest.strip()
    if re.fullmatch(r"each(?: .*)?", r, re.I):
        unit, tail = "No.", r[4:].strip()
    elif re.fullmatch(r"for each other piece or part", r, re.I):
        return "piece"
    elif r.startswith("/"):
        body = r[1:]
        for spelling in _UNIT_SPELLINGS:
            if body.lower().startswith(spelling) and (len(body) == len(spelling)
                                                      or not body[len(spelling)].isalnum()):
                unit = rate_unit(spelling)
                tail = body[len(spelling):].strip()
                break
        else:
            raise _Unparsed(f"unknown unit in {rest!r}")
    else:
        raise _Unparsed(f"amount without a unit: {rest!r}")
    return _qualified(unit, tail)


def _qualified(unit: str, tail: str) -> str:
    t = tail.strip(" ,").lower()
    if not t:
        return unit
    simple = {
        "on drained weight": "drained", "on entire contents of container": "entire_contents",
        "on the entire contents of the container": "entire_contents",
        "on entire contents of the container": "entire_contents",
        "on contents and container": "gross", "including weight of container": "gross",
        "of total sugars": "total_sugars", "of anhydrous morphine content": "morphine",
        "of recording surface": "recording_surface", "of immediate containers": "immediate_containers",
    }
    if t in simple:
        return f"{unit}_{simple[t]}"
    if t == "on ethyl alcohol content" and unit == "pf.liter":
        return unit
    m = re.fullmatch(r"over (\d+)", t)
    if m:
        return f"{unit}_over_{m.group(1)}"
    m = re.fullmatch(r"on ([a-z]+) content", t)
    if m and base_of(unit) == "kg":
        return element_unit(m.group(1), unit)
    raise _Unparsed(f"unknown unit qualifier {tail!r}")


# ---------------------------------------------------------------------------------------------
# ad valorem equivalent

def ad_valorem_equivalent(
    expr: RateExpr,
    value: float,
    quantity: float | Mapping[str, float] | None = None,
    unit: str | None = None,
    *,
    unit_value: float | None = None,
    base_rate: float | None = None,
) -> tuple[float, bool]:
    """Duty / value for ``expr`` on goods worth ``value`` (USD); returns (rate, estimated).

    A specific part needs the quantity in its unit: ``quantity`` in ``unit`` (default: the
    duty's own unit; converted where the dimension matches: doz. -> No., g -> kg), or a
    mapping unit -> quantity for expressions with parts in different units. Without a quantity, ``unit_value`` (value per ``unit``, or per
    the duty's unit) gives quantity = value / unit_value and the result is an estimate.
    ``base_plus`` needs ``base_rate`` (the ad valorem equivalent of the applicable subheading).
    Parts on part of the value, polarity scales and caps are taken at their upper bound and
    flagged as estimates. Missing or mismatched inputs raise InputError naming what is needed.
    """
    if not (value > 0):
        raise InputError(f"customs value must be a positive number, got {value!r}")
    if not expr.computable:
        reason = expr.parse_error or expr.note or f"it refers to {expr.reference}"
        raise InputError(f"rate {expr.text!r} cannot be converted to an ad valorem rate: {reason}")
    estimated = expr.approx
    total = 0.0
    if expr.kind == "base_plus":
        if base_rate is None:
            raise InputError(f"rate {expr.text!r} is relative to the applicable subheading; "
                             "its ad valorem equivalent needs that subheading's rate (base_rate)")
        total += base_rate
    for comp in expr.components:
        if comp.kind == "ad_valorem":
            total += comp.rate
            continue
        qty, est = _quantity_for(comp, value, quantity, unit, unit_value)
        estimated = estimated or est
        total += comp.rate * qty / value
    return _tidy(total), estimated


def _quantity_for(comp: Component, value: float, quantity, unit, unit_value) -> tuple[float, bool]:
    need = comp.unit or "No."
    if isinstance(quantity, Mapping):
        for given_unit, qty in quantity.items():
            try:
                return convert(float(qty), given_unit, need)
            except InputError:
                continue
        raise InputError(f"the specific part {_render_component(comp)!r} needs a quantity in {need}; "
                         f"given units: {', '.join(quantity) or 'none'}")
    if quantity is not None:
        if quantity < 0:
            raise InputError(f"quantity must not be negative, got {quantity!r}")
        return convert(float(quantity), unit or need, need)
    if unit_value is not None:
        if not (unit_value > 0):
            raise InputError(f"unit value must be a positive number, got {unit_value!r}")
        qty, _ = convert(value / unit_value, unit or need, need)
        return qty, True
    canonical = quantity_unit(need) or need
    raise InputError(f"the specific part {_render_component(comp)!r} needs a quantity in {canonical} "
                     "(or a unit value to estimate it)")
