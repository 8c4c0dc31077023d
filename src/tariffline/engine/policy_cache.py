"""The compiled policy on disk, so that one ``tariffline duty`` answers in a fresh process
without loading the rule files, resolving the product lists, importing Polars or reading an
edition's Parquet (issue 10: CLI cold start under 1 s).

What the scalar path (``engine.scalar``) reads besides the entry is kept in the cache directory,
under ``compiled/<stamp>/``:

- ``snapshot.pickle``: the policy as finally amended and its scalar view (``scalar._View``) with
  the product lists resolved into prefix tables, the context bits and compiled signatures of every
  origin the rules name (and one they do not) on every interval between change dates, claiming
  preferences or not; the law's currency; the input bounds (coverage start, horizon, limits).
- ``editions/<edition>.pack``: the lines of each edition a lookup has needed
  (``engine.edition_pack``: one chunk read per lookup).

The stamp is a SHA-256 over the package's files (the rule files, hence the policy version; the
code; the datasets' registered checksums; the HTS parser), the package and Python versions and
the data settings (``TARIFFLINE_MIRROR``, ``TARIFFLINE_CACHE``, ``TARIFFLINE_ENGINE_PATH``): any
change gives a new directory, and the last :data:`KEEP_BUILDS` are kept. Editions named by a
manifest (``TARIFFLINE_HTS_EDITIONS``) are not in the stamp: no snapshot is used then.

Each file carries the SHA-256 of its content and is written to a temporary file, then moved into
place, so concurrent processes read a whole file or none. A missing, corrupt or stale file is
ignored: the command is answered by the full path (``api.duty``), which then writes what was
missing (:func:`refresh`). Pickle is read only from files this module wrote into the cache.
Questions the snapshot does not hold (``--as-known-on``, a code missing from its edition, a
signature not met when building) raise ``scalar.Fallback`` and go the full path too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
import sys
from pathlib import Path

from tariffline import __version__
from tariffline.dates import parse_date
from tariffline.engine import scalar
from tariffline.engine.edition_pack import (
    PackedLines,
    PackError,
    read_sealed,
    write_pack,
    write_sealed,
)
from tariffline.policy.loader import ALL, Policy

MAGIC = b"tariffline compiled policy 1\n"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
SETTINGS = ("TARIFFLINE_MIRROR", "TARIFFLINE_CACHE", "TARIFFLINE_ENGINE_PATH")
MANIFEST_SETTING = "TARIFFLINE_HTS_EDITIONS"  # hts.editions.ENV_MANIFEST (not imported: cold path)
KEEP_BUILDS = 4


def stamp(root: Path = PACKAGE_DIR) -> str:
    """The key of the compiled policy: the package's files under ``root``, versions, settings."""
    h = hashlib.sha256(f"{MAGIC!r} {__version__} {sys.version_info[:2]}".encode())
    for name in SETTINGS:
        h.update(f"{name}={os.environ.get(name, '')}\0".encode())
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".tmp")):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                h.update(os.path.relpath(path, root).encode() + b"\0" + f.read() + b"\0")
    h.update(_data_files())
    return h.hexdigest()[:24]


def _data_files() -> bytes:
    """Path, size and modification time of each data file a compiled policy may have been built
    from: every file of the mirror and the downloads at the top of the cache directory. A file
    changed in place changes the key, so the full path reads it again (and verifies it against
    its registered SHA-256) instead of the snapshot answering from the old bytes."""
    entries = []
    mirror = os.path.expanduser(os.environ.get("TARIFFLINE_MIRROR", ""))
    if mirror and os.path.isdir(mirror):
        for folder, dirs, names in os.walk(mirror):
            dirs.sort()
            entries += [os.path.join(folder, n) for n in sorted(names)]
    cache = compiled_dir().parent
    if cache.is_dir():
        entries += sorted(str(e) for e in cache.iterdir() if e.is_file())
    out = []
    for path in entries:
        try:
            st = os.stat(path)
        except OSError:
            continue
        out.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0")
    return "".join(out).encode()


def compiled_dir() -> Path:
    """``<cache>/compiled``: one directory per stamp, in the data store's cache directory
    (``store.cache_dir``, named here as it names it: the store imports httpx, 0.1 s)."""
    value = os.environ.get("TARIFFLINE_CACHE")
    if value:
        return Path(value).expanduser() / "compiled"
    import platformdirs

    return Path(platformdirs.user_cache_dir("tariffline")) / "compiled"


class Snapshot(scalar.LiveSource):
    """A compiled policy read from disk: a source for ``scalar.entry`` (its view, editions, law
    and bounds); a quantity unit is still keyed by ``engine.quantities`` (imported when given)."""

    def __init__(self, directory: Path, key: str, payload: dict) -> None:
        self.directory, self.stamp = directory, key
        self._view: scalar._View = payload["view"]
        self.policy: Policy = self._view.policy
        self._law, self._bounds = payload["law"], payload["bounds"]
        self._pool: list | None = None
        self._lines: dict[str, PackedLines] = {}
        self._known: dict[dt.date, scalar._View] = {}

    def view(self, policy: Policy, known: dt.date | None):
        """The compiled view (the policy as finally amended), or for an as-known-on day that view
        narrowed to the instruments published by then (kept per day)."""
        if known is None:
            return self._view
        hit = self._known.get(known)
        if hit is None:
            hit = self._known[known] = self._view.narrowed(self.policy.view(known))
        return hit

    def editions(self) -> Snapshot:
        return self

    def law(self, policy: Policy) -> tuple:
        return self._law

    def bounds(self, policy: Policy) -> scalar.Bounds:
        return self._bounds

    # the editions, as scalar._Editions answers
    def day(self, day: dt.date):
        from tariffline.hts.editions import edition_for, editions

        if self._pool is None:
            self._pool = list(editions())
        return edition_for(day, self._pool)

    def edition(self, name: str) -> PackedLines:
        lines = self._lines.get(name)
        if lines is None:  # PackError (a scalar.Fallback) when missing or broken
            lines = self._lines[name] = PackedLines(self.directory / "editions" / f"{name}.pack", name, self.stamp)
        return lines

    def nearest(self, code: str, day: dt.date) -> str | None:
        raise scalar.Fallback  # the index of every edition's codes is not packed


def _build_dir(directory: Path | None, key: str) -> Path:
    return (directory or compiled_dir()) / key


def load(directory: Path | None = None) -> Snapshot | None:
    """The snapshot of this stamp under ``directory`` (default :func:`compiled_dir`), or None when
    missing, corrupt or of another build."""
    if os.environ.get(MANIFEST_SETTING):
        return None
    key = stamp()
    base = _build_dir(directory, key)
    body = read_sealed(base / "snapshot.pickle", MAGIC)
    if body is None:
        return None
    try:
        payload = pickle.loads(body)
    except Exception:  # noqa: BLE001 - a file that no longer unpickles is a stale cache
        return None
    if not isinstance(payload, dict) or payload.get("stamp") != key:
        return None
    return Snapshot(base, key, payload)


def _named_origins(policy: Policy) -> set[str]:
    named: set[str] = set()
    for bm in policy.measures:
        for o in bm.measure.origins + bm.measure.exclude_origins:
            named |= policy.expand_origin(o)
    for p in policy.programs:
        for o in p.origins:
            named |= policy.expand_origin(o)
    for g in policy.groups.values():
        named |= {m.code for m in g.members}
    named.discard(ALL)
    return named


def _compile_ahead(view, bounds: scalar.Bounds) -> None:
    """Context bits and compiled signatures of the questions asked most: every origin the rules
    name and one they do not (all others are alike), on every interval between change dates,
    claiming preferences or not, no program named, no loaded date; every product pattern (the
    codes the lists name: a code's pattern is that of its longest listed prefix), every metal class."""
    import pycountry

    named = _named_origins(view.policy)
    other = next(c.alpha_2 for c in sorted(pycountry.countries, key=lambda c: c.alpha_2) if c.alpha_2 not in named)
    days = [bounds.start] + [d for d in view.breaks if bounds.start < d <= bounds.horizon]
    contexts = {view.context(iso, day, None, None, claim)[0]
                for iso in sorted(named | {other}) for day in days for claim in (True, False)}
    view.scope_bits("")
    listed = {c for tables in (view.include, view.exclude) for table in tables.values() for c in table}
    patterns = {view.no_include} | {view.scope_bits(c)[0] for c in listed}
    for sig in sorted({p & c for p in patterns for c in contexts}):
        for metal_class in range(4):
            view.compile(sig, metal_class)
    alike: dict[str, dict] = {}  # ~1,700 distinct among ~22,000: stored once each (read only)
    for key, compiled in view.compiled.items():
        view.compiled[key] = alike.setdefault(repr(compiled), compiled)


def build(policy: Policy, directory: Path | None = None) -> Path:
    """Compile ``policy`` (as finally amended) and write the snapshot; returns its file."""
    key = stamp()
    base = _build_dir(directory, key)
    view = scalar.LIVE.view(policy, None)
    bounds = scalar.LIVE.bounds(policy)
    _compile_ahead(view, bounds)
    body = pickle.dumps({"stamp": key, "view": view, "law": scalar.LIVE.law(policy), "bounds": bounds},
                        protocol=pickle.HIGHEST_PROTOCOL)
    path = base / "snapshot.pickle"
    write_sealed(path, MAGIC, body)
    _prune(base.parent, key)
    return path


def _prune(parent: Path, key: str) -> None:
    """Keep the newest KEEP_BUILDS builds (other checkouts or settings may share the cache)."""
    builds = sorted((p for p in parent.iterdir() if p.is_dir() and p.name != key),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[KEEP_BUILDS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def refresh(policy: Policy, editions: tuple[str, ...] = (), directory: Path | None = None) -> None:
    """After an answer by the full path: write the snapshot if it is missing or unreadable, and a
    pack for each of ``editions`` that this process has read and whose pack is missing or
    unreadable."""
    if os.environ.get(MANIFEST_SETTING):
        return
    snap = load(directory)
    if snap is None:
        build(policy, directory)
        snap = load(directory)
        if snap is None:
            return
    for eds in list(scalar._EDITIONS.values()):
        for name in editions:
            ed = eds._by_name.get(name)
            path = snap.directory / "editions" / f"{name}.pack"
            try:
                PackedLines(path, name, snap.stamp).verify()
            except PackError:
                if ed is not None:
                    write_pack(ed, path, snap.stamp)


def duty(snap: Snapshot, hts: str, *, origin: str, date: str | dt.date, value: float = 1000.0,
         quantity: float | None = None, quantity_unit: str | None = None, unit_value: float | None = None,
         metal_value: float | None = None, program: str | None = None, claim_preferences: bool = True,
         loaded_date: str | dt.date | None = None, as_known_on: str | dt.date | None = None) -> dict:
    """``api.duty``'s answer (no fees or mode) from the snapshot; ``scalar.Fallback`` when the
    snapshot does not hold it. Errors are api.duty's (same checks, same order)."""
    day = parse_date(date, "entry date")
    known = parse_date(as_known_on, "as-known-on date") if as_known_on else None
    loaded = parse_date(loaded_date, "loaded date") if loaded_date else None
    found = scalar.entry(snap.policy, hts, origin, day, value, quantity, quantity_unit, unit_value, metal_value,
                         program, claim_preferences, loaded, known, source=snap)
    tot = found["totals"]
    law, law_dict = snap.law(snap.policy)
    return {  # the fields and order of api._duty's answer
        "hts": tot["hts_line"], "description": tot["description"], "origin": tot["origin_iso"],
        "date": day, "as_known_on": known, "value": float(value), "edition": tot["edition"],
        "layers": found["layers"], "total_rate": tot["total_rate"], "total_duty": tot["total_duty"],
        "estimated": tot["estimated"], "notes": list(tot["notes"]), "policy_version": found["policy_version"],
        "law_current_through": law.current_through, "law": dict(law_dict),
        "warnings": [w for w in (law.warning(day),) if w],
    }
