"""Python API of the commitments tracker (the same verbs as ``tariffline commitments``).

Every function takes its dates explicitly and returns plain data (dicts of dates, numbers and
strings) ready for JSON. ``events_file`` overrides the user's event log, ``rules_root`` the
commitments rule directory and ``policy_root`` the U.S. policy rule directory (tests use these).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tariffline.commitments import chart as chart_mod
from tariffline.commitments import deadlines as deadlines_mod
from tariffline.commitments import timeline as timeline_mod
from tariffline.commitments.events_store import add_event as _add_event
from tariffline.commitments.events_store import events_path, load_book
from tariffline.commitments.policy_link import (
    measures_for_origin,
    policy_view,
    resolve,
    status_changes,
)
from tariffline.commitments.status import commitment_status, events_by_commitment
from tariffline.countries import to_iso2
from tariffline.dates import parse_date
from tariffline.errors import InputError

PathArg = Path | str | None


def agreements(as_of: str | dt.date, *, rules_root: PathArg = None,
               policy_root: PathArg = None) -> list[dict]:
    """Agreements public by ``as_of``: legal form, status that day, commitments, U.S. measures."""
    day = parse_date(as_of, "as-of date")
    book = load_book(rules_root=rules_root, events_file=None)
    full, view = policy_view(None, policy_root), policy_view(day, policy_root)
    out = []
    for a in book.agreements.values():
        current = a.status_on(day)
        if current is None:
            continue
        rows, _ = resolve(view, a.policy_links)
        _, missing = resolve(full, a.policy_links)
        out.append({
            "id": a.id, "title": a.title, "legal_form": a.legal_form, "signed": a.signed,
            "in_force": a.in_force, "status": current.status, "status_since": current.from_,
            "status_source": current.source, "confidence": a.confidence,
            "commitments": sorted(c.id for c in book.commitments.values()
                                  if c.agreement == a.id and c.announced <= day),
            "policy_measures": [r.as_dict(day) for r in rows]
            + [{"id": ref, "missing": True} for ref in missing],
        })
    return sorted(out, key=lambda r: (r["signed"] or r["status_since"], r["id"]))


def status(as_of: str | dt.date, *, commitments: list[str] | None = None,
           events_file: PathArg = None, rules_root: PathArg = None,
           policy_root: PathArg = None) -> list[dict]:
    """Per commitment announced by ``as_of``: target, delivered, pace and linked measures."""
    day = parse_date(as_of, "as-of date")
    book = load_book(events_file, rules_root)
    unknown = sorted(set(commitments or []) - set(book.commitments))
    if unknown:
        raise InputError(f"unknown commitment {', '.join(unknown)}; known: "
                         + ", ".join(sorted(book.commitments)))
    full, view = policy_view(None, policy_root), policy_view(day, policy_root)
    events = events_by_commitment(book, day)
    out = []
    for c in book.commitments.values():
        if c.announced > day or (commitments and c.id not in commitments):
            continue
        rows, _ = resolve(view, c.linked_measures)
        _, missing = resolve(full, c.linked_measures)
        out.append(commitment_status(c, events.get(c.id, []), day, rows, missing).as_dict())
    return out


def deadlines(as_of: str | dt.date, days: int, *, origin: str = "JP", rules_root: PathArg = None,
              policy_root: PathArg = None) -> list[dict]:
    """Commitment deadlines and tariff-measure starts/ends in ``as_of``..``as_of + days``."""
    day = parse_date(as_of, "as-of date")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InputError(f"days must be a whole number >= 0, not {days!r}")
    book = load_book(rules_root=rules_root, events_file=None)
    rows = measures_for_origin(policy_view(day, policy_root), to_iso2(origin))
    return [d.as_dict() for d in deadlines_mod.upcoming(book, rows, day, days)]


def timeline(start: str | dt.date, end: str | dt.date, *, kinds: list[str] | None = None,
             origin: str = "JP", events_file: PathArg = None, rules_root: PathArg = None,
             policy_root: PathArg = None) -> list[dict]:
    """Agreements, commitments, events and measures dated ``start``..``end``, by date."""
    first, last = parse_date(start, "start date"), parse_date(end, "end date")
    if last < first:
        raise InputError(f"end date {last} is before start date {first}")
    bad = sorted(set(kinds or []) - set(timeline_mod.KINDS))
    if bad:
        raise InputError(f"unknown kind {', '.join(bad)}; kinds: {', '.join(timeline_mod.KINDS)}")
    book = load_book(events_file, rules_root)
    policy = policy_view(None, policy_root)
    rows = measures_for_origin(policy, to_iso2(origin))
    changes = status_changes(policy, {r.instrument_id for r in rows})
    return [e.as_dict() for e in timeline_mod.build(book, rows, changes, first, last, kinds)]


def add_event(fields: dict[str, Any], *, events_file: PathArg = None,
              rules_root: PathArg = None) -> dict:
    """Validate and append one event to the user's log; invalid input changes nothing.

    Returns the stored event and, under ``log``, the path of the log written.
    """
    event = _add_event(fields, events_file, rules_root)
    return {**event.model_dump(mode="json", by_alias=True), "log": str(events_path(events_file))}


def chart(out: Path | str, as_of: str | dt.date, *, commitment: str = "jp_invest_550bn",
          events_file: PathArg = None, rules_root: PathArg = None) -> Path:
    """Write the pledged-vs-announced chart of ``commitment`` as of a day; return the path."""
    day = parse_date(as_of, "as-of date")
    book = load_book(events_file, rules_root)
    if commitment not in book.commitments:
        raise InputError(f"unknown commitment {commitment!r}; known: " + ", ".join(sorted(book.commitments)))
    events = events_by_commitment(book, day).get(commitment, [])
    return chart_mod.render(book.commitments[commitment], events, day, Path(out))
