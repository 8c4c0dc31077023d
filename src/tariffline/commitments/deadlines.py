"""Dates due in a window after a day: commitment deadlines and tariff-measure starts and ends.

Only what could be known on the day counts: commitments announced by then, and measures as the
policy files say they could be read then (``Policy.view``), so an end published later does not
appear early. Measures of one instrument that start or end together (e.g. a surcharge heading
and its exemption headings) under one authority are one row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from tariffline.commitments.loader import Book
from tariffline.commitments.policy_link import MeasureRow


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    kind: str  # commitment | measure_end | measure_start
    ref: str  # commitment id or policy instrument id
    title: str
    source: str
    confidence: str
    authority: str | None = None  # of the measures (None for commitments)
    measures: list[str] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def commitment_deadlines(book: Book, day: dt.date, until: dt.date) -> list[Deadline]:
    return [
        Deadline(c.deadline, "commitment", c.id, f"{c.party}: {c.title}", c.sources[0],
                 c.confidence, note=f"agreement {c.agreement}")
        for c in book.commitments.values()
        if c.announced <= day and c.deadline and day <= c.deadline <= until
    ]


def measure_deadlines(rows: list[MeasureRow], day: dt.date, until: dt.date) -> list[Deadline]:
    """Starts and ends of ``rows`` in ``day``..``until``, one row per instrument and date."""
    groups: dict[tuple[dt.date, str, str, str], list[MeasureRow]] = {}
    for r in rows:
        if day <= r.start <= until:
            groups.setdefault((r.start, "measure_start", r.instrument_id, r.authority), []).append(r)
        if r.end and day <= r.end <= until:
            groups.setdefault((r.end, "measure_end", r.instrument_id, r.authority), []).append(r)
    out = []
    for (date, kind, inst, _), members in groups.items():
        first = members[0]
        verb = "takes effect" if kind == "measure_start" else "ends (first day not covered)"
        out.append(Deadline(
            date, kind, inst, f"{first.instrument_title}: {verb}", first.citation,
            min((m.confidence for m in members), key=("confirmed", "likely", "uncertain").index),
            authority=first.authority, measures=sorted(m.id for m in members),
        ))
    return out


def upcoming(book: Book, rows: list[MeasureRow], day: dt.date, days: int) -> list[Deadline]:
    """Everything due from ``day`` through ``day + days`` (inclusive), by date."""
    until = day + dt.timedelta(days=min(days, (dt.date.max - day).days))  # capped at 9999-12-31
    found = commitment_deadlines(book, day, until) + measure_deadlines(rows, day, until)
    return sorted(found, key=lambda d: (d.date, d.kind, d.ref))
