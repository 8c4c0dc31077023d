"""The one bridge from commitments to the U.S. tariff measures of the policy rule files.

Everything the tracker needs from ``tariffline.policy`` goes through :func:`policy_view`, and
comes back as plain :class:`MeasureRow` records: the measures linked to a commitment, the
measures that affect an origin (for deadlines and the timeline), and instruments' legal-status
changes. A link names a policy instrument (all its measures), a measure, or a preference program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tariffline.policy.loader import ALL, BoundMeasure, Policy, load_policy


@dataclass(frozen=True)
class MeasureRow:
    id: str
    instrument_id: str
    instrument_title: str
    authority: str
    heading: str | None
    description: str
    start: dt.date
    end: dt.date | None  # first day not covered (as known in the view)
    published: dt.date  # when the instrument became public
    citation: str
    confidence: str

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def as_dict(self, day: dt.date | None = None) -> dict:
        out = {
            "id": self.id, "instrument": self.instrument_id, "authority": self.authority,
            "heading": self.heading, "description": self.description, "start": self.start,
            "end": self.end, "citation": self.citation, "confidence": self.confidence,
        }
        if day is not None:
            out["in_force"] = self.in_force(day)
        return out


def policy_view(as_known_on: dt.date | None, root: Path | str | None = None) -> Policy:
    """The U.S. policy as it could be read on ``as_known_on`` (None: as finally amended)."""
    return load_policy(root).view(as_known_on)


def _row(bm: BoundMeasure) -> MeasureRow:
    return MeasureRow(
        id=bm.id, instrument_id=bm.instrument.id, instrument_title=bm.instrument.title,
        authority=bm.authority, heading=bm.heading, description=bm.measure.description,
        start=bm.start, end=bm.end, published=bm.instrument.published, citation=bm.citation,
        confidence=bm.confidence,
    )


def resolve(policy: Policy, refs: list[str]) -> tuple[list[MeasureRow], list[str]]:
    """Measures named by ``refs`` (instrument, measure or program ids) and the refs not found."""
    rows: dict[str, MeasureRow] = {}
    missing = []
    for ref in refs:
        hits = [bm for bm in policy.measures if ref in (bm.id, bm.instrument.id)]
        programs = [p for p in policy.programs if p.id == ref]
        for bm in hits:
            rows[bm.id] = _row(bm)
        for p in programs:
            rows[p.id] = MeasureRow(
                id=p.id, instrument_id=p.id, instrument_title=p.title, authority=p.authority,
                heading=None, description=f"{p.title} (special program indicator {p.indicator})",
                start=p.start, end=p.end, published=p.published, citation=p.citation,
                confidence=p.confidence,
            )
        if not hits and not programs and not any(i.id == ref for i in policy.instruments):
            missing.append(ref)
    return sorted(rows.values(), key=lambda r: (r.start, r.id)), missing


def _covers(policy: Policy, bm: BoundMeasure, origin: str) -> bool:
    named = set()
    for code in bm.measure.origins:
        named |= {ALL} if code == ALL else policy.expand_origin(code)
    excluded = set()
    for code in bm.measure.exclude_origins:
        excluded |= policy.expand_origin(code)
    return (ALL in named or origin in named) and origin not in excluded


def measures_for_origin(policy: Policy, origin: str) -> list[MeasureRow]:
    """Every measure in ``policy`` that can apply to goods of ``origin`` (ISO-2)."""
    return [_row(bm) for bm in policy.measures if _covers(policy, bm, origin)]


_ORDER = ("confirmed", "likely", "uncertain")


@dataclass(frozen=True)
class StatusChange:
    day: dt.date
    instrument_id: str
    instrument_title: str
    status: str
    citation: str
    confidence: str


def status_changes(policy: Policy, instrument_ids: set[str]) -> list[StatusChange]:
    """Legal-status entries (struck down, refundable...) of the given instruments."""
    return [
        StatusChange(s.from_, inst.id, inst.title, s.status, s.citation,
                     max(inst.confidence, s.confidence, key=_ORDER.index))
        for inst in policy.instruments if inst.id in instrument_ids
        for s in inst.legal_status
    ]
