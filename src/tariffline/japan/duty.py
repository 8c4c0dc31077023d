"""Evaluate a parsed rate for one origin and day: pick the branch that applies, convert to an
ad valorem equivalent (AVE) at stated unit values, and describe it for output.

Branch choice (conditional cells, see :class:`tariffline.japan.rates.Branches`): branches for
other countries or out of season drop out; with ``quota="in"`` the lowest in-quota branch the
origin may use is taken (flagged ``in-quota``; an agreement quota before Japan's WTO tariff
quota at the same rate), otherwise the general branch (その他のもの,
"X以外のもの", out-of-quota or unconditional). Branches limited to a product description are
never taken for the whole line; if nothing else remains the column gives the line no rate and
the note says which products it covers. Specific parts are converted at :class:`Valuation`
unit values and the AVE is then flagged an estimate (JP-10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from tariffline.errors import InputError
from tariffline.japan.programs import load_yaml
from tariffline.japan.rates import (
    AdValorem,
    Bounded,
    Branches,
    Choice,
    Compound,
    Condition,
    ContentDuty,
    FootnoteOnly,
    ParsedRate,
    PriceGap,
    Specific,
    Varies,
)


@dataclass(frozen=True)
class Valuation:
    """Unit values (yen per unit) for AVEs and the quota assumption for TRQ lines."""

    unit_values: tuple[tuple[str, float], ...]
    quota: str = "in"  # "in": in-quota rates where the origin may use a quota; "out": never
    overridden: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "_map", dict(self.unit_values))

    def value(self, unit: str) -> float | None:
        return self._map.get(unit)

    def describe(self) -> dict:
        return {"unit_values_yen": dict(self.unit_values), "user_set": sorted(self.overridden),
                "quota": self.quota, "source": "rules/japan/unit_values.yaml (JP-10)"}


@lru_cache(maxsize=1)
def _default_units() -> dict[str, float]:
    data = load_yaml("unit_values.yaml")
    return {str(k): float(v) for k, v in data["values"].items()}


def valuation(overrides: dict[str, float] | None = None, quota: str = "in") -> Valuation:
    if quota not in ("in", "out"):
        raise InputError(f"quota must be 'in' or 'out', not {quota!r}")
    values = dict(_default_units())
    for unit, v in (overrides or {}).items():
        if unit not in values:
            raise InputError(f"unknown unit {unit!r} for a unit value; known: {', '.join(sorted(values))}")
        if not v > 0:
            raise InputError(f"unit value for {unit} must be positive, not {v}")
        values[unit] = float(v)
    return Valuation(tuple(sorted(values.items())), quota, frozenset(overrides or {}))


def parse_unit_values(items: list[str] | None) -> dict[str, float]:
    """CLI 'kg=1500' pairs -> {unit: yen}."""
    out: dict[str, float] = {}
    for item in items or []:
        unit, sep, val = item.partition("=")
        try:
            out[unit.strip()] = float(val)
        except ValueError:
            raise InputError(f"unit value {item!r} is not UNIT=YEN (e.g. kg=1500)") from None
        if not sep:
            raise InputError(f"unit value {item!r} is not UNIT=YEN (e.g. kg=1500)")
    return out


@dataclass(frozen=True)
class Ave:
    value: float | None
    estimate: bool = False
    reason: str | None = None


def ave(expr, val: Valuation) -> Ave:
    """Ad valorem equivalent of one expression at the valuation's unit values."""
    if isinstance(expr, AdValorem):
        return Ave(expr.rate)
    if isinstance(expr, Specific):
        uv = val.value(expr.unit)
        if uv is None:
            return Ave(None, True, f"no unit value for '{expr.unit}'")
        return Ave(expr.amount / uv, True)
    if isinstance(expr, Compound):
        parts = [ave(p, val) for p in expr.parts]
        return _combine(parts, sum)
    if isinstance(expr, Choice):
        parts = [ave(p, val) for p in expr.options]
        return _combine(parts, max if expr.pick == "higher" else min)
    if isinstance(expr, Bounded):
        base = ave(expr.expr, val)
        if base.value is None:
            return base
        value, est = base.value, base.estimate
        for bound, fn in ((expr.minimum, max), (expr.maximum, min)):
            if bound is not None:
                b = ave(bound, val)
                if b.value is None:
                    return b
                value, est = fn(value, b.value), est or b.estimate
        return Ave(value, est)
    if isinstance(expr, PriceGap):
        if expr.constant is None:
            return Ave(None, True, f"needs the standard import price ({expr.reference})")
        uv = val.value(expr.unit)
        if uv is None:
            return Ave(None, True, f"no unit value for '{expr.unit}'")
        duty = max(0.0, expr.constant + expr.cif_coef * uv)
        return Ave(duty / uv, True)
    if isinstance(expr, ContentDuty):
        return Ave(None, True, f"duty depends on the {expr.component} content")
    if isinstance(expr, Varies):
        return Ave(None, False, "several rates apply within the line" + (" (some unbound)" if expr.unbound else ""))
    if isinstance(expr, FootnoteOnly):
        return Ave(None, False, "rate given only in a footnote")
    return Ave(None, False, f"cannot evaluate {type(expr).__name__}")


def _combine(parts: list[Ave], fn) -> Ave:
    for p in parts:
        if p.value is None:
            return p
    return Ave(fn(p.value for p in parts), any(p.estimate for p in parts))


def _in_season(season: tuple[int, int, int, int], day: dt.date) -> bool:
    start, end, here = (season[0], season[1]), (season[2], season[3]), (day.month, day.day)
    return start <= here <= end if start <= end else (here >= start or here <= end)


@dataclass(frozen=True)
class Selected:
    expr: object | None
    condition: Condition | None = None
    notes: tuple[str, ...] = ()


def select(parsed: ParsedRate, origin_names: set[str], day: dt.date, val: Valuation) -> Selected:
    """The branch of a (possibly conditional) rate that applies to this origin and day."""
    expr = parsed.expr
    if not isinstance(expr, Branches):
        return Selected(expr)
    named = {c for b in expr.branches for c in b.condition.countries}
    usable, limited = [], []
    for b in expr.branches:
        c = b.condition
        if c.countries and not (origin_names & set(c.countries)):
            continue
        if c.other_countries and (origin_names & named):
            continue
        if c.season and not _in_season(c.season, day):
            continue
        if c.product:
            limited.append(c.product)
            continue
        usable.append(b)
    if val.quota == "in":
        in_quota = [b for b in usable if b.condition.quota in ("in", "wto")]
        if in_quota:
            best = min(in_quota, key=lambda b: (_sort_key(b.expr, val), b.condition.quota == "wto"))
            kind = "WTO tariff quota" if best.condition.quota == "wto" else "agreement quota"
            return Selected(best.expr, best.condition, (f"in-quota rate ({kind}): " + best.condition.text,))
    general = [b for b in usable if b.condition.quota not in ("in", "wto")]
    if general:
        best = next((b for b in general if b.condition.other or b.condition.quota == "out"), general[0])
        notes = []
        if best.condition.text and (best.condition.other or best.condition.quota == "out"):
            notes.append("branch: " + best.condition.text)
        if limited:
            notes.append("other rates for: " + "; ".join(limited))
        return Selected(best.expr, best.condition, tuple(notes))
    if limited:
        return Selected(None, None, ("preference only for: " + "; ".join(limited),))
    if any(b.condition.quota in ("in", "wto") for b in expr.branches):
        return Selected(None, None, ("preference only within a tariff quota",))
    return Selected(None, None, ("no branch applies to this origin or date",))


def _sort_key(expr, val: Valuation) -> float:
    a = ave(expr, val)
    return a.value if a.value is not None else float("inf")


def describe(expr) -> dict:
    """JSON-ready structure: ad valorem part as a fraction, specific parts with units."""
    if isinstance(expr, AdValorem):
        return {"type": "free" if expr.rate == 0 else "ad_valorem", "rate": expr.rate}
    if isinstance(expr, Specific):
        return {"type": "specific", "specific": [_spec(expr)]}
    if isinstance(expr, Compound):
        av = sum(p.rate for p in expr.parts if isinstance(p, AdValorem))
        return {"type": "compound", "rate": av,
                "specific": [_spec(p) for p in expr.parts if isinstance(p, Specific)]}
    if isinstance(expr, Choice):
        return {"type": f"whichever_{expr.pick}", "options": [describe(o) for o in expr.options]}
    if isinstance(expr, Bounded):
        out = {"type": "bounded", "base": describe(expr.expr)}
        if expr.minimum is not None:
            out["minimum"] = describe(expr.minimum)
        if expr.maximum is not None:
            out["maximum"] = describe(expr.maximum)
        return out
    if isinstance(expr, PriceGap):
        return {"type": "price_gap", "unit": expr.unit, "currency": "JPY",
                "formula": (f"max(0, {expr.constant:g} {expr.cif_coef:+g} x customs value) per {expr.unit}"
                            if expr.constant is not None else
                            f"standard import price ({expr.reference}) {expr.cif_coef:+g} x customs value per {expr.unit}")}
    if isinstance(expr, ContentDuty):
        return {"type": "content_based", "component": expr.component, "amount": expr.amount,
                "currency": "JPY"}
    if isinstance(expr, Varies):
        return {"type": "varies", "low": describe(expr.low) if expr.low is not None else None,
                "high": describe(expr.high) if expr.high is not None else None,
                "items": [describe(i) for i in expr.items], "unbound": expr.unbound,
                "partial": expr.partial}
    return {"type": "none"}


def _spec(s: Specific) -> dict:
    return {"amount": s.amount, "currency": "JPY", "per": s.unit}
