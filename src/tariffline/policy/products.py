"""Product scopes: turn a measure's prefixes and list references into sets of HTS prefixes.

Lists are curated product lists read at run time through the data store (never committed).
A `.txt` list has one HTS code per line; a CSV list names its code column and may filter rows
with ``where`` (column equals a value, or is one of several values). A list may name the official
note text that decides its digits (``digits_from``): a list code that the note names only by some
of its 10-digit statistical lines is narrowed to those lines (the curated lists often cut the
note's 10-digit entries to 8 digits). A list may also be the one printed in a subdivision of a
Chapter 99 note (``subdivision: "52(b)"``, see :mod:`tariffline.policy.note_lists`).
"""

from __future__ import annotations

import csv
import functools
import io
import re

from tariffline.data import store
from tariffline.errors import PolicyError
from tariffline.policy import note_lists
from tariffline.policy.schema import ListRef, NoteText, ProductSet

Prefixes = dict[int, frozenset[str]]  # prefix length -> prefixes of that length


def _digits(code: str) -> str:
    return re.sub(r"[.\s\"]", "", code)


def _key(ref: ListRef) -> tuple:
    return (ref.dataset, ref.column, ref.subdivision,
            tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in ref.where.items())),
            tuple((n.dataset, n.begins, n.ends) for n in ref.digits_from))


_CODE = re.compile(r"(?<![\d.])(\d{4}(?:\.\d{2}){0,2}(?:\.?\d{2})?)(?![\d.]?\d)")
_ONE = r"\d{4}(?:\.\d{2}){0,2}(?:\.?\d{2})?"
_LIST_LINE = re.compile(rf"^\s*{_ONE}(?:[;,]?\s*{_ONE})*[;,.]?\s*$")


def printed_list(note: NoteText) -> frozenset[str]:
    """The HTS codes of a list printed in a passage of note text: lines holding nothing but codes,
    in columns (U.S. note 2(v)(iii)(a)) or separated by semicolons (note 33(j)); 4-digit headings
    count."""
    codes = frozenset(_line_codes(_passage(note)))
    if not codes:
        raise PolicyError(f"note text {note.dataset!r}: no printed list after {note.begins!r} ({note.cite})")
    return codes


def note_codes(note: NoteText) -> frozenset[str]:
    """The HTS codes (4 to 10 digits) named in a passage of note text: written with dots in the
    running text, or printed in a list."""
    lines = _passage(note)
    inline = (_digits(c) for c in _CODE.findall("\n".join(lines)) if "." in c)
    return frozenset(inline) | frozenset(_line_codes(lines))


def _line_codes(lines: list[str]) -> list[str]:
    return [_digits(c) for ln in lines if _LIST_LINE.match(ln) for c in re.findall(_ONE, ln)]


@functools.lru_cache(maxsize=4)
def _note_lines(dataset: str) -> tuple[str, ...]:
    return tuple(store.open_text(dataset).splitlines())


def _passage(note: NoteText) -> list[str]:
    """The lines of a note passage, from ``begins`` up to ``ends``."""
    lines = _note_lines(note.dataset)
    start = next((i for i, ln in enumerate(lines) if ln.strip().startswith(note.begins)), None)
    if start is None:
        raise PolicyError(f"note text {note.dataset!r} has no line starting {note.begins!r} ({note.cite})")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(note.ends)), None)
    if end is None:
        raise PolicyError(f"note text {note.dataset!r}: no line starting {note.ends!r} after "
                          f"{note.begins!r} ({note.cite})")
    return lines[start:end]


def narrow_to_note(codes: frozenset[str], named: frozenset[str]) -> frozenset[str]:
    """Each code the note names at its own digits (or by a shorter prefix) is kept; one it names
    only by longer statistical lines becomes those lines; one it does not name is kept as is
    (the difference is for ASSUMPTIONS, not for silent removal)."""
    out = set()
    for c in codes:
        if any(c[:n] in named for n in range(4, len(c) + 1, 2)):
            out.add(c)
            continue
        longer = {n for n in named if len(n) > len(c) and n.startswith(c)}
        out |= longer or {c}
    return frozenset(out)


_CACHE: dict[tuple, frozenset[str]] = {}


def _list_codes(ref: ListRef) -> frozenset[str]:
    key = _key(ref)
    if key not in _CACHE:
        _CACHE[key] = _read_list(ref)
    return _CACHE[key]


_TABLES: dict[str, tuple[list[str], list[str], list[dict[str, str]]]] = {}


def _table(dataset: str) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(lines, CSV field names, CSV rows) of a list dataset, read and parsed once per process
    (several lists filter the same file)."""
    if dataset not in _TABLES:
        text = store.open_text(dataset)
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        _TABLES[dataset] = (lines, list(reader.fieldnames or []), list(reader))
    return _TABLES[dataset]


def _read_list(ref: ListRef) -> frozenset[str]:
    if ref.subdivision is not None:
        return note_lists.codes(store.open_text(ref.dataset), ref.subdivision)
    lines, fieldnames, rows = _table(ref.dataset)
    if ref.column is None:
        codes = [_digits(ln.split(",")[0]) for ln in lines]
    else:
        if ref.column not in fieldnames:
            raise PolicyError(f"list {ref.dataset!r} has no column {ref.column!r} "
                              f"(columns: {fieldnames})")
        for key in ref.where:
            if key not in fieldnames:
                raise PolicyError(f"list {ref.dataset!r} has no column {key!r} to filter on")
        wanted = {k: ({v} if isinstance(v, str) else set(v)) for k, v in ref.where.items()}
        codes = [_digits(row[ref.column]) for row in rows
                 if all(row[k] in vals for k, vals in wanted.items())]
    # A statistical code written with extra trailing digits (e.g. '850511007000' in the IEEPA
    # exemption list) is read as its first 10 digits; see ASSUMPTIONS (EN-10).
    codes = [c[:10] if c.isdigit() and len(c) in (11, 12) else c for c in codes]
    bad = [c for c in codes if not c.isdigit() or not 2 <= len(c) <= 10]
    if bad:
        raise PolicyError(f"list {ref.dataset!r} holds malformed HTS codes, e.g. {bad[:3]}")
    if not codes:
        raise PolicyError(f"list {ref.dataset!r} with filter {ref.where} selects no products")
    if ref.digits_from:
        named = frozenset().union(*(note_codes(n) for n in ref.digits_from))
        return narrow_to_note(frozenset(codes), named)
    return frozenset(codes)


def resolve(products: ProductSet) -> Prefixes:
    """All prefixes of a product set, grouped by length."""
    codes = set(products.prefixes)
    for note in products.notes:
        key = ("note", note.dataset, note.begins, note.ends)
        if key not in _CACHE:
            _CACHE[key] = printed_list(note)
        codes |= _CACHE[key]
    for ref in products.lists:
        codes |= _list_codes(ref)
    if products.within:
        codes = {c for c in codes if c.startswith(tuple(products.within))}
    out: dict[int, set[str]] = {}
    for c in codes:
        out.setdefault(len(c), set()).add(c)
    return {k: frozenset(v) for k, v in out.items()}
