"""Product scopes: turn a measure's prefixes and list references into sets of HTS prefixes.

Lists are curated product lists read at run time through the data store (never committed).
A `.txt` list has one HTS code per line; a CSV list names its code column and may filter rows
with ``where`` (column equals a value, or is one of several values).
"""

from __future__ import annotations

import csv
import io
import re

from tariffline.data import store
from tariffline.errors import PolicyError
from tariffline.policy import note_codes
from tariffline.policy.schema import ListRef, ProductSet

Prefixes = dict[int, frozenset[str]]  # prefix length -> prefixes of that length


def _digits(code: str) -> str:
    return re.sub(r"[.\s\"]", "", code)


def _key(ref: ListRef) -> tuple:
    return (ref.dataset, ref.column,
            tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in ref.where.items())))


_CACHE: dict[tuple, frozenset[str]] = {}


def _list_codes(ref: ListRef) -> frozenset[str]:
    key = _key(ref)
    if key not in _CACHE:
        _CACHE[key] = _read_list(ref)
    return _CACHE[key]


def _read_list(ref: ListRef) -> frozenset[str]:
    text = store.open_text(ref.dataset)
    if note_codes.is_note(ref.dataset):  # a U.S. note's own code table (note_codes.py)
        return frozenset(note_codes.codes_in(text, str(ref.where.get("subdivision", "")), ref.dataset))
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if ref.column is None:
        codes = [_digits(ln.split(",")[0]) for ln in lines]
    else:
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        if ref.column not in (reader.fieldnames or []):
            raise PolicyError(f"list {ref.dataset!r} has no column {ref.column!r} "
                              f"(columns: {reader.fieldnames})")
        for key in ref.where:
            if key not in reader.fieldnames:
                raise PolicyError(f"list {ref.dataset!r} has no column {key!r} to filter on")
        wanted = {k: ({v} if isinstance(v, str) else set(v)) for k, v in ref.where.items()}
        codes = [_digits(row[ref.column]) for row in reader
                 if all(row[k] in vals for k, vals in wanted.items())]
    # A statistical code written with extra trailing digits (e.g. '850511007000' in the IEEPA
    # exemption list) is read as its first 10 digits; see ASSUMPTIONS (EN-10).
    codes = [c[:10] if c.isdigit() and len(c) in (11, 12) else c for c in codes]
    bad = [c for c in codes if not c.isdigit() or not 2 <= len(c) <= 10]
    if bad:
        raise PolicyError(f"list {ref.dataset!r} holds malformed HTS codes, e.g. {bad[:3]}")
    if not codes:
        raise PolicyError(f"list {ref.dataset!r} with filter {ref.where} selects no products")
    return frozenset(codes)


def resolve(products: ProductSet) -> Prefixes:
    """All prefixes of a product set, grouped by length."""
    codes = set(products.prefixes)
    for ref in products.lists:
        codes |= _list_codes(ref)
    out: dict[int, set[str]] = {}
    for c in codes:
        out.setdefault(len(c), set()).add(c)
    return {k: frozenset(v) for k, v in out.items()}
