"""Load the commitments rule files and check them against each other.

``rules/commitments/agreements.yaml``, ``commitments.yaml`` and ``events.yaml`` are validated
with the models of :mod:`tariffline.commitments.models`; a mistake raises PolicyError naming the
file and line. Across files: ids are unique, every commitment names a known agreement, and every
event's references (commitment, agreement, part_of, supersedes, unit) resolve.
:func:`check_event` applies the same event checks to entries of the user's event log.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from tariffline.commitments.models import Agreement, Commitment, Event
from tariffline.errors import PolicyError
from tariffline.policy.yamlfile import line_of, read_yaml

RULES_DIR = Path(__file__).resolve().parent.parent / "rules" / "commitments"


@dataclass(frozen=True)
class Book:
    """Agreements, commitments and events, cross-checked."""

    agreements: dict[str, Agreement]
    commitments: dict[str, Commitment]
    events: tuple[Event, ...]  # in recorded order: seed events first, then the user's log

    def superseded(self) -> set[str]:
        return {e.supersedes for e in self.events if e.supersedes}

    def current_events(self) -> list[Event]:
        """Events not corrected by a later one, sorted by date then id."""
        gone = self.superseded()
        return sorted((e for e in self.events if e.id not in gone), key=lambda e: (e.date, e.id))

    def with_events(self, extra: list[Event]) -> "Book":
        return Book(self.agreements, self.commitments, self.events + tuple(extra))


def check_event(event: Event, book: Book) -> None:
    """Raise ValueError naming the problem if ``event`` does not fit ``book``."""
    ids = {e.id for e in book.events}
    if event.id in ids:
        raise ValueError(f"event id {event.id!r} is already used")
    if event.agreement and event.agreement not in book.agreements:
        raise ValueError(f"event {event.id}: unknown agreement {event.agreement!r}; known: "
                         + ", ".join(sorted(book.agreements)))
    if event.commitment:
        commitment = book.commitments.get(event.commitment)
        if commitment is None:
            raise ValueError(f"event {event.id}: unknown commitment {event.commitment!r}; known: "
                             + ", ".join(sorted(book.commitments)))
        if event.date < commitment.announced:
            raise ValueError(f"event {event.id}: date {event.date} is before commitment "
                             f"{commitment.id} was announced ({commitment.announced})")
        if event.unit and event.unit != commitment.unit:
            raise ValueError(f"event {event.id}: unit {event.unit!r} does not match commitment "
                             f"{commitment.id}'s unit {commitment.unit!r}")
    if event.part_of:
        parent = next((e for e in book.events if e.id == event.part_of), None)
        if parent is None:
            raise ValueError(f"event {event.id}: part_of names unknown event {event.part_of!r}")
        if parent.commitment != event.commitment:
            raise ValueError(f"event {event.id}: part_of {parent.id!r} is about a different commitment")
    if event.supersedes:
        if event.supersedes not in ids:
            raise ValueError(f"event {event.id}: supersedes unknown event {event.supersedes!r}")
        if event.supersedes in book.superseded():
            raise ValueError(f"event {event.id}: event {event.supersedes!r} was already superseded")


def _items(path: Path, key: str, model: type[BaseModel]) -> list:
    data, node = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise PolicyError(f"{path}:1: expected a top-level list '{key}:'")
    seq = next(v for k, v in node.value if k.value == key)
    out = []
    for i, raw in enumerate(data[key]):
        try:
            out.append((model.model_validate(raw), seq.value[i].start_mark.line + 1))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(entry)"
            line = line_of(seq.value[i], loc)
            raise PolicyError(f"{path}:{line}: {key}[{i}].{where}: {err['msg']}") from None
    return out


def _unique(items: list, path: Path, what: str) -> dict:
    out = {}
    for obj, line in items:
        if obj.id in out:
            raise PolicyError(f"{path}:{line}: duplicate {what} id {obj.id!r}")
        out[obj.id] = obj
    return out


@functools.lru_cache(maxsize=4)
def _load(root: Path, stamp: tuple) -> Book:
    agreements = _unique(_items(root / "agreements.yaml", "agreements", Agreement),
                         root / "agreements.yaml", "agreement")
    path = root / "commitments.yaml"
    items = _items(path, "commitments", Commitment)
    commitments = _unique(items, path, "commitment")
    for c, line in items:
        if c.agreement not in agreements:
            raise PolicyError(f"{path}:{line}: commitment {c.id}: unknown agreement {c.agreement!r}")
    path = root / "events.yaml"
    book = Book(agreements, commitments, ())
    for event, line in _items(path, "events", Event):
        try:
            check_event(event, book)
        except ValueError as exc:
            raise PolicyError(f"{path}:{line}: {exc}") from None
        book = book.with_events([event])
    return book


def load_rules(root: Path | str | None = None) -> Book:
    """The shipped agreements, commitments and seed events (default: package rules)."""
    root = Path(root) if root else RULES_DIR
    files = [root / n for n in ("agreements.yaml", "commitments.yaml", "events.yaml")]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise PolicyError(f"commitments rule file missing: {', '.join(missing)}")
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load(root.resolve(), stamp)
