"""One dated list of the relationship: agreements, commitments, events and tariff measures.

Kinds: ``agreement`` (status changes and documents), ``commitment`` (announced, deadline),
``event`` (progress and other events, corrections applied) and ``measure`` (U.S. tariff measures
affecting the origin: starts, ends, revisions and legal-status changes of their instruments;
measures of one instrument starting or ending on the same day are one entry, and an end and a
start of the same headings on the same day are one "revised" entry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from tariffline.commitments.loader import Book
from tariffline.commitments.policy_link import MeasureRow, StatusChange

KINDS = ("agreement", "commitment", "event", "measure")
_ORDER = ("confirmed", "likely", "uncertain")


@dataclass(frozen=True)
class Entry:
    date: dt.date
    kind: str
    type: str
    title: str
    ref: str
    source: str
    confidence: str
    amount: float | None = None
    unit: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def agreement_entries(book: Book) -> list[Entry]:
    out = []
    for a in book.agreements.values():
        for s in a.status:
            out.append(Entry(s.from_, "agreement", s.status, f"{a.title}: {s.status.replace('_', ' ')}",
                             a.id, s.source, s.confidence))
        for d in a.documents:
            out.append(Entry(d.date, "agreement", "document", d.title, a.id, d.source, d.confidence))
    return out


def commitment_entries(book: Book) -> list[Entry]:
    out = []
    for c in book.commitments.values():
        out.append(Entry(c.announced, "commitment", c.kind, f"{c.party} commits: {c.title}", c.id,
                         c.sources[0], c.confidence, c.target, c.unit if c.target else None))
        if c.deadline:
            out.append(Entry(c.deadline, "commitment", "deadline", f"Deadline: {c.title}", c.id,
                             c.sources[0], c.confidence))
    return out


def event_entries(book: Book) -> list[Entry]:
    return [Entry(e.date, "event", e.type, e.title + (f" [part of {e.part_of}]" if e.part_of else ""),
                  e.id, e.source, e.confidence, e.amount, e.unit)
            for e in book.current_events()]


def measure_entries(rows: list[MeasureRow], changes: list[StatusChange]) -> list[Entry]:
    groups: dict[tuple[dt.date, str, str], list[MeasureRow]] = {}
    for r in rows:
        groups.setdefault((r.start, "start", r.instrument_id), []).append(r)
        if r.end:
            groups.setdefault((r.end, "end", r.instrument_id), []).append(r)
    # a rule replaced by its amended text on the same day (same instrument, same headings) is
    # one "revised" entry, not an end and a start
    for (date, typ, inst) in [k for k in groups if k[1] == "start"]:
        ended = groups.get((date, "end", inst))
        started = groups[(date, typ, inst)]
        if ended and {m.heading for m in ended} == {m.heading for m in started}:
            groups[(date, "revised", inst)] = started + groups.pop((date, "end", inst))
            del groups[(date, typ, inst)]
    verbs = {"start": "takes effect", "end": "ends", "revised": "is revised"}
    out = []
    for (date, typ, inst), members in groups.items():
        heads = sorted({m.heading for m in members if m.heading})
        what = f" ({', '.join(heads)})" if heads else ""
        conf = min((m.confidence for m in members), key=_ORDER.index)
        out.append(Entry(date, "measure", typ, f"{members[0].instrument_title} {verbs[typ]}{what}",
                         inst, members[0].citation, conf))
    out += [Entry(c.day, "measure", c.status, f"{c.instrument_title}: {c.status.replace('_', ' ')}",
                  c.instrument_id, c.citation, c.confidence) for c in changes]
    return out


def build(book: Book, rows: list[MeasureRow], changes: list[StatusChange], start: dt.date,
          end: dt.date, kinds: list[str] | None = None) -> list[Entry]:
    """Entries dated ``start``..``end`` (inclusive) of the given kinds (default: all), by date."""
    wanted = set(kinds or KINDS)
    parts = {
        "agreement": agreement_entries(book), "commitment": commitment_entries(book),
        "event": event_entries(book), "measure": measure_entries(rows, changes),
    }
    found = [e for k in KINDS if k in wanted for e in parts[k] if start <= e.date <= end]
    return sorted(found, key=lambda e: (e.date, KINDS.index(e.kind), e.ref))
