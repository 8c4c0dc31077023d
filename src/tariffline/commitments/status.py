"""Status of each commitment on a given day: delivered against target, time elapsed, pace.

Delivered = the sum of counted *announced* events (see
:class:`~tariffline.commitments.models.Event`) dated on or before the day, excluding events of
``uncertain`` confidence, which are reported apart as ``unconfirmed``. Funded = the same sum over
events of stage ``funded`` (money committed or paid), counted apart from what is announced;
``None`` (unknown, never zero) while no funding has been recorded. A commitment whose delivery
is not tracked has ``delivered = None`` (unknown, never zero). Pace compares delivered with a straight line from ``period_start`` (0) to the
deadline (target):

- ``met``: delivered >= target
- ``on_pace`` / ``behind``: at or above / below the straight line
- ``missed``: the deadline has passed unmet
- ``pending``: not met, deadline not passed, and no period to pace over
- ``not_applicable``: no quantified target (e.g. a tariff treatment: see its linked measures)
- ``unknown``: delivery not tracked
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from tariffline.commitments.loader import Book
from tariffline.commitments.models import Commitment, Event
from tariffline.commitments.policy_link import MeasureRow


@dataclass(frozen=True)
class CommitmentStatus:
    id: str
    party: str
    kind: str
    title: str
    agreement: str
    target: float | None
    delivered: float | None  # announced (selected, pledged) amounts
    funded: float | None  # funded amounts, apart from the announced ones; None: none recorded
    unconfirmed: float | None  # reported by uncertain sources, not in ``delivered``
    unit: str
    per_year: bool
    period_start: dt.date | None
    deadline: dt.date | None
    share_delivered: float | None
    share_elapsed: float | None
    expected: float | None  # straight-line amount due by the day
    days_left: int | None
    pace: str
    confidence: str
    events: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    linked_measures: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def share_elapsed(start: dt.date, end: dt.date, day: dt.date) -> float:
    """Fraction of the period ``start``..``end`` elapsed on ``day`` (clamped to 0..1)."""
    total = (end - start).days
    return min(1.0, max(0.0, (day - start).days / total))


def pace(c: Commitment, delivered: float | None, day: dt.date) -> tuple[str, float | None, float | None]:
    """(pace label, share of the period elapsed, straight-line amount expected by ``day``)."""
    elapsed = expected = None
    if c.period_start and c.deadline:
        elapsed = share_elapsed(c.period_start, c.deadline, day)
        if c.target is not None:
            expected = c.target * elapsed
    if c.target is None:
        return "not_applicable", elapsed, expected
    if delivered is None:
        return "unknown", elapsed, expected
    if delivered >= c.target:
        return "met", elapsed, expected
    if c.deadline and day > c.deadline:
        return "missed", elapsed, expected
    if expected is None:
        return "pending", elapsed, expected
    return ("on_pace" if delivered >= expected else "behind"), elapsed, expected


def _event_dict(e: Event) -> dict:
    return {
        "id": e.id, "date": e.date, "title": e.title, "amount": e.amount, "unit": e.unit,
        "counted": e.counts and e.confidence != "uncertain", "part_of": e.part_of,
        "stage": e.stage,
        "source": e.source, "confidence": e.confidence,
    }


def commitment_status(c: Commitment, events: list[Event], day: dt.date,
                      linked: list[MeasureRow], missing_links: list[str]) -> CommitmentStatus:
    """Status of one commitment on ``day`` from its events (already cut at ``day``)."""
    counted = [e for e in events if e.counts]
    announced = [e for e in counted if e.stage == "announced"]
    funded = [e.amount for e in counted if e.stage == "funded" and e.confidence != "uncertain"]
    confirmed = sum((e.amount for e in announced if e.confidence != "uncertain"), 0.0)
    unconfirmed = [e.amount for e in counted if e.confidence == "uncertain"]
    delivered = confirmed if c.delivery_tracked else None
    label, elapsed, expected = pace(c, delivered, day)
    share = delivered / c.target if delivered is not None and c.target else None
    return CommitmentStatus(
        id=c.id, party=c.party, kind=c.kind, title=c.title, agreement=c.agreement,
        target=c.target, delivered=delivered,
        funded=sum(funded) if funded and c.delivery_tracked else None,
        unconfirmed=sum(unconfirmed) if unconfirmed else None, unit=c.unit, per_year=c.per_year,
        period_start=c.period_start, deadline=c.deadline, share_delivered=share,
        share_elapsed=elapsed, expected=expected,
        days_left=(c.deadline - day).days if c.deadline else None, pace=label,
        confidence=c.confidence, events=[_event_dict(e) for e in events],
        conditions=[cond.model_dump(mode="json") for cond in c.conditions],
        linked_measures=[m.as_dict(day) for m in linked]
        + [{"id": ref, "missing": True} for ref in missing_links],
        sources=list(c.sources), notes=c.notes,
    )


def events_by_commitment(book: Book, day: dt.date) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = {}
    for e in book.current_events():
        if e.commitment and e.date <= day:
            out.setdefault(e.commitment, []).append(e)
    return out
