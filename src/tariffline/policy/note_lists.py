"""Read the HTS provisions a subdivision of a Chapter 99 U.S. note lists (e.g. note 52(b)).

The note text is the Markdown parse of the USITC Chapter 99 PDF (one note per file): a line
``52.`` opens the note, each subdivision starts on its own line with its label in parentheses
(``(b)``, ``(4)``, ``(i)``, ``(A)``), indented one step deeper than its parent, and code lists
are Markdown table rows (``| 0201.10.05 | 0201.10.10 |``). A subdivision is addressed as the
note number followed by its labels: ``52(b)``, ``52(j)(4)(i)``. Its provisions are every code
in its table rows and every "classifiable in subheading X" of its named articles, its own and
its children's, kept at the digits the note prints (8 or 10 digits; a 10-digit statistical
number is never cut to 8).

Anything else (an unknown subdivision, a table cell that is not an HTS code, a subdivision that
lists nothing) raises :class:`NoteListError` naming the problem.
"""

from __future__ import annotations

import re

from tariffline.errors import DataError


class NoteListError(DataError):
    """A note text or subdivision address cannot give a list of HTS provisions."""


_ADDRESS = re.compile(r"^(\d{1,3})((?:\([A-Za-z0-9]{1,6}\))+)$")
_NOTE_START = re.compile(r"^\s*(\d{1,3})\.(?:\s|$)")
_LABEL = re.compile(r"^( *)\(([A-Za-z0-9]{1,6})\)")
_CODE = re.compile(r"^\d{4}(?:\.\d{2}(?:\.\d{2}(?:\d{2})?)?)?$")
_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_NAMED = re.compile(r"classifiable in (?:sub)?headings? (\d{4}(?:\.\d{2}){1,2}(?:\d{2})?)\b")


def parse_address(subdivision: str) -> tuple[str, tuple[str, ...]]:
    """'52(j)(4)(i)' -> ('52', ('j', '4', 'i'))."""
    m = _ADDRESS.match(subdivision.strip())
    if not m:
        raise NoteListError(f"note subdivision {subdivision!r} is not of the form '52(b)' or '52(j)(4)(i)'")
    return m.group(1), tuple(re.findall(r"\(([A-Za-z0-9]+)\)", m.group(2)))


def _spans(lines: list[str]) -> tuple[str | None, dict[tuple[str, ...], tuple[int, int]]]:
    """(note number, {label path: (first line, end line)}) of every subdivision in the text."""
    number = None
    starts: list[tuple[tuple[str, ...], int, int]] = []  # (path, indent, line)
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if number is None:
            m = _NOTE_START.match(line)
            if m:
                number = m.group(1)
            continue
        m = _LABEL.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        starts.append((tuple(label for _, label in stack), indent, i))
    spans: dict[tuple[str, ...], tuple[int, int]] = {}
    for k, (path, indent, first) in enumerate(starts):
        end = next((line for _, ind, line in starts[k + 1:] if ind <= indent), len(lines))
        spans.setdefault(path, (first, end))
    return number, spans


def subdivisions(text: str) -> list[str]:
    """Addresses of every subdivision in the note text, in order ('52(a)', '52(b)', ...)."""
    number, spans = _spans(text.splitlines())
    if number is None:
        raise NoteListError("note text has no line opening the note (e.g. '52.')")
    return [number + "".join(f"({p})" for p in path) for path in spans]


def provisions(text: str, subdivision: str) -> list[str]:
    """The HTS provisions the subdivision lists, as printed (dotted), in the note's order."""
    number, path = parse_address(subdivision)
    lines = text.splitlines()
    found, spans = _spans(lines)
    if found is None:
        raise NoteListError("note text has no line opening the note (e.g. '52.')")
    if found != number:
        raise NoteListError(f"note subdivision {subdivision!r} asked of the text of note {found}")
    if path not in spans:
        raise NoteListError(f"note {number} has no subdivision {subdivision!r}")
    first, end = spans[path]
    out: list[str] = []
    for n in range(first, end):
        line = lines[n].strip()
        if line.startswith("|"):
            for cell in (c.strip() for c in line.strip("|").split("|")):
                if not cell or _SEPARATOR.match(cell):
                    continue
                if not _CODE.match(cell):
                    raise NoteListError(f"note {number}, line {n + 1}: table cell {cell[:40]!r} "
                                        "is not an HTS code")
                out.append(cell)
        else:
            out.extend(_NAMED.findall(line))
    if not out:
        raise NoteListError(f"note subdivision {subdivision!r} lists no HTS provisions")
    return out


def codes(text: str, subdivision: str) -> frozenset[str]:
    """The provisions of :func:`provisions` as digit strings ('0201.10.05' -> '02011005')."""
    return frozenset(p.replace(".", "") for p in provisions(text, subdivision))
