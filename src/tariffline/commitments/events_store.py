"""The user's event log: append-only JSON lines, validated, written atomically.

Shipped events in ``rules/commitments/events.yaml`` are read-only seed data; events a user
records go to a log file (one JSON object a line) at, in order of precedence: the path given,
``$TARIFFLINE_EVENTS``, or ``<user data dir>/tariffline/commitments_events.jsonl``.
Nothing is ever rewritten or removed: a correction is a new event that ``supersedes`` the old
one. A new event is checked against the rules and the whole existing log before anything is
written; the new file is written beside the old one and moved into place with ``os.replace``,
so a refused or interrupted write leaves the log byte-for-byte unchanged. Writers take an
exclusive ``fcntl.flock`` on the log's directory (stable, where the log itself is replaced on
every write; no lock file left behind) around read-check-write, so concurrent ``add-event``
runs lose nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from tariffline.commitments.loader import Book, check_event, load_rules
from tariffline.commitments.models import Event
from tariffline.errors import DataError, InputError

ENV_VAR = "TARIFFLINE_EVENTS"


def events_path(path: Path | str | None = None) -> Path:
    """Where the user's event log lives (the file need not exist yet)."""
    if path:
        return Path(path).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path(platformdirs.user_data_dir("tariffline")) / "commitments_events.jsonl"


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def read_log(path: Path, rules: Book) -> Book:
    """``rules`` plus the events of the log at ``path`` (a missing file is an empty log)."""
    if not path.exists():
        return rules
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"event log {path}: cannot read: {exc}") from None
    book = rules
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = Event.model_validate(json.loads(line))
            check_event(event, book)
        except json.JSONDecodeError as exc:
            raise DataError(f"event log {path}:{number}: not JSON: {exc.msg}") from None
        except ValidationError as exc:
            raise DataError(f"event log {path}:{number}: {_first_error(exc)}") from None
        except ValueError as exc:
            raise DataError(f"event log {path}:{number}: {exc}") from None
        book = book.with_events([event])
    return book


def load_book(events_file: Path | str | None = None, rules_root: Path | str | None = None) -> Book:
    """Shipped rules and seed events plus the user's logged events."""
    return read_log(events_path(events_file), load_rules(rules_root))


def add_event(fields: dict[str, Any], events_file: Path | str | None = None,
              rules_root: Path | str | None = None) -> Event:
    """Validate ``fields`` as a new event and append it to the log; return the event.

    Invalid input raises InputError and leaves the log untouched.
    """
    path = events_path(events_file)
    try:
        event = Event.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise InputError(f"event refused: {_first_error(exc)}") from None
    with _locked(path):
        book = load_book(path, rules_root)
        try:
            check_event(event, book)
        except ValueError as exc:
            raise InputError(f"event refused: {exc}") from None
        line = json.dumps(event.model_dump(mode="json", by_alias=True, exclude_defaults=True),
                          ensure_ascii=False, sort_keys=True)
        _append_atomic(path, line + "\n")
    return event


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on the log's directory (created if missing) for the block."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError as exc:
        raise DataError(f"event log {path}: cannot lock: {exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _append_atomic(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(old + line.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        raise DataError(f"event log {path}: cannot write: {exc}") from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)
