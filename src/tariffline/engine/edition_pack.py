"""An HTS edition's lines and special-program rows in a compact file, read one chunk at a time.

The scalar path (``engine.scalar``) needs one line of the edition in force, and the line's
special-program rows; the engine reads the whole edition from Parquet through Polars (about 0.3 s
plus the Polars import). A pack holds the same rows, keyed by the engine's integer line key
(``column1._key``), sorted and cut into chunks of :data:`CHUNK` entries, each pickled and
zlib-compressed; a header gives each chunk's first key, place and SHA-256. A lookup reads the
header and one chunk (about a millisecond).

Layout: :data:`MAGIC`, the header's length (8 bytes, big-endian), its SHA-256 (32 bytes), the
header (pickle), the chunks. Written to a temporary file and moved into place; a file whose
magic, header or chunk checksum fails is reported as :class:`PackError` and never half-read.
Packs are written by :func:`write_pack` from the engine's own edition (``scalar._Edition``) and
read only from the cache directory they were written to (``engine.policy_cache``).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import tempfile
import zlib
from pathlib import Path

from tariffline.engine.scalar import Fallback, Lines, _key

MAGIC = b"tariffline edition pack 1\n"
CHUNK = 256  # entries per chunk: a lookup unpickles at most this many rows


class PackError(Fallback):
    """The pack is missing, truncated, corrupt or of another edition: the engine answers."""


def _chunks(entries: list[tuple[int, object]], blobs: list[bytes], offset: int) -> tuple[list, list, int]:
    """``entries`` (sorted by key) as chunks appended to ``blobs``; (first keys, (offset, length,
    sha256) of each, offset after them)."""
    starts, spans = [], []
    for i in range(0, len(entries), CHUNK):
        part = entries[i:i + CHUNK]
        blob = zlib.compress(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL), 1)
        blobs.append(blob)
        starts.append(part[0][0])
        spans.append((offset, len(blob), hashlib.sha256(blob).digest()))
        offset += len(blob)
    return starts, spans, offset


def write_pack(edition, path: Path, stamp: str) -> Path:
    """Write ``edition`` (a ``scalar._Edition``: Polars ``lines`` and ``special`` with ``_k``)
    to ``path`` atomically; the first row of equal keys wins, as ``searchsorted`` finds it."""
    lines: dict[int, tuple] = {}
    for key, row in zip(edition.lines.get_column("_k").to_list(), edition.lines.rows()):
        if key is not None and key not in lines:
            lines[key] = row
    specials: dict[int, list[tuple]] = {}
    for key, row in zip(edition.special.get_column("_k").to_list(), edition.special.rows()):
        if key is not None:
            specials.setdefault(key, []).append(row)
    blobs: list[bytes] = []
    line_starts, line_spans, end = _chunks(sorted(lines.items()), blobs, 0)
    spec_starts, spec_spans, _ = _chunks(sorted(specials.items()), blobs, end)
    header = pickle.dumps({
        "stamp": stamp, "name": edition.name, "label": edition.label, "index": edition.index,
        "lines": (edition.lines.columns, line_starts, line_spans),
        "specials": (edition.special.columns, spec_starts, spec_spans)}, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(path, [MAGIC, len(header).to_bytes(8, "big"), hashlib.sha256(header).digest(), header, *blobs])
    return path


def write_atomic(path: Path, parts: list[bytes]) -> None:
    """Write ``parts`` to a temporary file beside ``path`` (``.tmp``: swept by the data store if a
    run is killed), then move it into place: readers see the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                out.write(part)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_sealed(path: Path, magic: bytes, body: bytes) -> None:
    """``magic``, the SHA-256 of ``body``, then ``body``, written by :func:`write_atomic`."""
    write_atomic(path, [magic, hashlib.sha256(body).digest(), body])


def read_sealed(path: Path, magic: bytes) -> bytes | None:
    """The body :func:`write_sealed` wrote at ``path`` under ``magic``; None when the file is
    missing, unreadable, of another kind or fails its SHA-256."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, digest, body = raw[:len(magic)], raw[len(magic):len(magic) + 32], raw[len(magic) + 32:]
    return body if head == magic and hashlib.sha256(body).digest() == digest else None


class PackedLines(Lines):
    """The lines of one edition read from its pack (see the module docstring)."""

    def __init__(self, path: Path, name: str, stamp: str) -> None:
        super().__init__()
        try:
            with open(path, "rb") as f:
                head = f.read(len(MAGIC) + 40)
                size = int.from_bytes(head[len(MAGIC):len(MAGIC) + 8], "big")
                raw = f.read(size)
        except OSError as exc:
            raise PackError(f"{path}: {exc}") from None
        if head[:len(MAGIC)] != MAGIC or len(raw) != size or hashlib.sha256(raw).digest() != head[len(MAGIC) + 8:]:
            raise PackError(f"{path}: not a whole edition pack")
        header = pickle.loads(raw)
        if header["stamp"] != stamp or header["name"] != name:
            raise PackError(f"{path}: a pack of another edition or build")
        self.path, self.base = path, len(MAGIC) + 40 + size
        self.name, self.label, self.index = name, header["label"], header["index"]
        self._tables = {t: header[t] for t in ("lines", "specials")}
        self._read: dict[tuple[str, int], list] = {}

    def _chunk(self, table: str, i: int) -> list:
        hit = self._read.get((table, i))
        if hit is None:
            offset, length, digest = self._tables[table][2][i]
            try:
                with open(self.path, "rb") as f:
                    f.seek(self.base + offset)
                    blob = f.read(length)
            except OSError as exc:
                raise PackError(f"{self.path}: {exc}") from None
            if hashlib.sha256(blob).digest() != digest:
                raise PackError(f"{self.path}: chunk {i} of {table} fails its checksum")
            hit = self._read[(table, i)] = pickle.loads(zlib.decompress(blob))
        return hit

    def verify(self) -> PackedLines:
        """Read every chunk (PackError if one fails its checksum); returns self."""
        for table in self._tables:
            for i in range(len(self._tables[table][1])):
                self._chunk(table, i)
        self._read.clear()
        return self

    def _at_or_after(self, table: str, key: int) -> tuple[int, object] | None:
        """The entry with the smallest key >= ``key``, or None."""
        starts = self._tables[table][1]
        i = max(bisect.bisect_right(starts, key) - 1, 0)
        while i < len(starts):
            part = self._chunk(table, i)
            j = bisect.bisect_left(part, key, key=lambda e: e[0])
            if j < len(part):
                return part[j]
            i += 1
        return None

    def _get(self, table: str, key: int):
        found = self._at_or_after(table, key)
        return found[1] if found is not None and found[0] == key else None

    def row(self, key: int) -> dict | None:
        found = self._get("lines", key)
        return None if found is None else dict(zip(self._tables["lines"][0], found))

    def first_child(self, code8: str) -> str | None:
        low = _key(self.index, code8 + "00")
        found = self._at_or_after("lines", low)
        if found is None or found[0] > low + 99:
            return None
        return str(found[0] - (self.index * 2 + 1) * 10_000_000_000).zfill(10)

    def specials(self, key: int) -> list[dict]:
        names = self._tables["specials"][0]
        return [dict(zip(names, row)) for row in self._get("specials", key) or ()]
