"""Stacking compiled in plain Python (no Polars): what a set of reaching measures charges.

Shared by the vectorised engine (:mod:`tariffline.engine.signatures`, which applies a compiled
signature to many rows at once) and the scalar path (:mod:`tariffline.engine.scalar`, one entry):
whether signatures may be used at all, each (reach signature, metal class) compiled into the
charged measures and their value bases, the days a context can change on, and a measure's
legal-status entries. Importing it loads neither Polars nor NumPy (the cold ``tariffline duty``).
"""

from __future__ import annotations

import datetime as dt
import os

from tariffline.policy.loader import BoundMeasure, Policy

# (value, metal) standing for each metal class when deciding whether a base is positive
METAL_CLASS_POINTS = {0: (1.0, 1.0), 1: (1.0, 0.0), 2: (1.0, 0.5), 3: (1.0, 1.0)}
RATE_CODE = {"additional": 0, "exempt": 1, "inclusive": 2, "capped": 3}


def use_signatures(policy: Policy, measures: list[BoundMeasure]) -> bool:
    """True unless told otherwise or a stack group holds a rate that depends on the row."""
    if os.environ.get("TARIFFLINE_ENGINE_PATH", "signatures") == "chain":
        return False
    return not any(bm.measure.stack_group and bm.measure.rate.type in ("inclusive", "capped")
                   for bm in measures)


def _rate_constant(bm: BoundMeasure) -> float | None:
    r = bm.measure.rate
    return r.value if r.type == "additional" else 0.0 if r.type == "exempt" else None


def compile_signature(sig: tuple[int, ...], metal_class: int, measures: list[BoundMeasure]) -> dict:
    """The charged measures of one (signature, metal class), in order, with their bases."""
    reach = [i for i in range(len(measures)) if sig[i // 64] >> (i % 64) & 1]
    ids = {measures[i].id: i for i in reach}
    value, metal = METAL_CLASS_POINTS[metal_class]
    charged: dict[str, tuple[float, float]] = {}
    used = (0.0, 0.0)
    layers = []
    for i in reach:
        bm = measures[i]
        m = bm.measure
        if m.stack_group:
            own = _rate_constant(bm)
            if any((theirs := _rate_constant(measures[j])) > own or (theirs == own and measures[j].id < m.id)
                   for j in reach if j != i and measures[j].measure.stack_group == m.stack_group):
                continue
        covers = [1 if measures[ids[d]].measure.value_base == "metal_content" else 2
                  for d in m.excluded_by if d in charged]
        cover = max(covers, default=0)
        if m.value_base == "full":
            base = (0.0, 0.0) if cover == 2 else (1.0, -1.0) if cover == 1 else (1.0, 0.0)
        else:
            base = (0.0, 0.0) if cover >= 1 else (-used[0], 1.0 - used[1])
        if base[0] * value + base[1] * metal <= 0:
            continue
        charged[m.id] = base
        if m.value_base == "metal_content":
            used = (used[0] + base[0], used[1] + base[1])
        layers.append((i, base[0], base[1]))
    kinds = [measures[i].measure for i, _, _ in layers]
    return {"layers": layers,
            "uses_ave": any(k.rate.type in ("inclusive", "capped") for k in kinds),
            "metal_assumed": metal_class == 0 and any(k.value_base == "metal_content" for k in kinds)}


def context_breaks(policy: Policy) -> list[dt.date]:
    """The days :func:`context_expr` compares entry dates with (measure, program and group
    membership starts and ends, in-transit cut-offs), sorted: every condition on the entry date
    is ``day >= d`` or ``day < d`` with ``d`` among them, so a context is the same on every day
    from one of them to the next."""
    days: set[dt.date] = set()
    for bm in policy.measures:
        m = bm.measure
        days.update(d for d in (m.start, bm.end, m.in_transit and m.in_transit.entered_before) if d)
    for p in policy.programs:
        days.update(d for d in (p.start, p.end) if d)
    for g in policy.groups.values():
        for member in g.members:
            days.update(d for d in (member.from_, member.to) if d)
    return sorted(days)


def legal_entries(bm: BoundMeasure) -> list:
    """The measure's own legal-status entries, else its instrument's for its authority, by date."""
    own = bm.measure.legal_status
    return sorted(own if own is not None else
                  [s for s in bm.instrument.legal_status if s.authority in (None, bm.authority)],
                  key=lambda s: s.from_)
