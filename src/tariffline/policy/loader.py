"""Load and cross-check the U.S. policy rule files into one :class:`Policy`.

Each YAML file is validated against :mod:`tariffline.policy.schema`; errors name file and line.
Across files: ids are unique, every ``excluded_by`` reference exists, origins are ISO-2 codes or
defined groups, and the exclusion graph has no cycle. ``Policy.view(as_known_on)`` gives the
law as it could be read on a day: only instruments published by then, and ends not yet known
left open.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

import pycountry
from pydantic import ValidationError

from tariffline.errors import PolicyError
from tariffline.policy.schema import Group, Instrument, Measure, Program
from tariffline.policy.yamlfile import line_of, read_yaml, top_list

RULES_DIR = Path(__file__).resolve().parent.parent / "rules" / "us"
ALL = "ALL"


@dataclass(frozen=True)
class BoundMeasure:
    """A measure with what it inherits from its instrument (authority, citation, status)."""

    measure: Measure
    instrument: Instrument
    end: dt.date | None  # as known in the view

    @property
    def id(self) -> str:
        return self.measure.id

    @property
    def authority(self) -> str:
        return self.measure.authority or self.instrument.authority

    @property
    def citation(self) -> str:
        return f"{self.instrument.instrument}, {self.instrument.citation}"

    @property
    def confidence(self) -> str:
        return self.measure.confidence or self.instrument.confidence

    @property
    def start(self) -> dt.date:
        return self.measure.start

    @property
    def heading(self) -> str | None:
        return self.measure.heading


@dataclass(frozen=True)
class Policy:
    instruments: tuple[Instrument, ...]
    measures: tuple[BoundMeasure, ...]
    programs: tuple[Program, ...]
    groups: dict[str, Group]
    version: str
    as_known_on: dt.date | None = None
    files: dict[str, str] = field(default_factory=dict)  # id -> file path

    def measure(self, mid: str) -> BoundMeasure:
        for m in self.measures:
            if m.id == mid:
                return m
        raise PolicyError(f"no measure with id {mid!r}")

    def view(self, as_known_on: dt.date | None) -> "Policy":
        """The policy as it could be read on ``as_known_on`` (None: as finally amended)."""
        if as_known_on is None:
            return self
        instruments = tuple(i for i in self.instruments if i.published <= as_known_on)
        keep = {i.id for i in instruments}
        measures = []
        for bm in self.measures:
            if bm.instrument.id not in keep or (bm.measure.published or bm.instrument.published) > as_known_on:
                continue
            known_end = bm.measure.end_published or bm.instrument.published
            end = bm.measure.end if known_end <= as_known_on else None
            measures.append(replace(bm, end=end))
        programs = tuple(p for p in self.programs if p.published <= as_known_on)
        return replace(self, instruments=instruments, measures=tuple(measures),
                       programs=programs, as_known_on=as_known_on)

    def origins_named(self) -> set[str]:
        """ISO-2 origins that some measure or program names specifically (not via ALL)."""
        out: set[str] = set()
        for bm in self.measures:
            for o in bm.measure.origins:
                if o != ALL:
                    out |= self.expand_origin(o)
        for p in self.programs:
            for o in p.origins:
                out |= self.expand_origin(o)
        return out

    def expand_origin(self, code: str) -> set[str]:
        group = self.groups.get(code)
        return {m.code for m in group.members} if group else {code}

    def change_dates(self, origins: set[str] | None = None) -> list[dt.date]:
        """Every day on which some measure, program or group membership starts or ends
        (only those that concern ``origins`` when given; measures on ALL always do)."""

        def concerns(codes: list[str]) -> bool:
            return origins is None or ALL in codes or bool(
                origins & set().union(*(self.expand_origin(o) for o in codes)))

        days: set[dt.date] = set()
        for bm in self.measures:
            if concerns(bm.measure.origins):
                days.add(bm.start)
                if bm.end:
                    days.add(bm.end)
                if bm.measure.in_transit:
                    days.add(bm.measure.in_transit.entered_before)
        for p in self.programs:
            if concerns(p.origins):
                days.update(d for d in (p.start, p.end) if d)
        for g in self.groups.values():
            for m in g.members:
                if origins is None or m.code in origins:
                    days.update(d for d in (m.from_, m.to) if d)
        return sorted(days)


def _validate(model, data, path: Path, node):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = line_of(node, loc)
        where = ".".join(str(p) for p in loc) or "(top)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise PolicyError(f"{path}:{line}: {where}: {err['msg']}{more}") from None


def _check_origin(code: str, groups: dict[str, Group], where: str) -> None:
    if code == ALL or code in groups:
        return
    if len(code) == 2 and code.isupper() and (code == "XK" or pycountry.countries.get(alpha_2=code)):
        return
    raise PolicyError(f"{where}: origin {code!r} is not ISO-2, ALL or a group in groups.yaml")


def _load_groups(root: Path) -> dict[str, Group]:
    path = root / "groups.yaml"
    if not path.exists():
        return {}
    data, node = read_yaml(path)
    groups: dict[str, Group] = {}
    for raw, n in top_list(path, data, node, "groups"):
        g = _validate(Group, raw, path, n)
        where = f"{path}:{line_of(n, ())}"
        if g.name in groups:
            raise PolicyError(f"{where}: group {g.name!r} defined twice")
        for i, m in enumerate(g.members):
            _check_origin(m.code, {}, f"{path}:{line_of(n, ('members', i))}")
        groups[g.name] = g
    return groups


def _load_programs(root: Path, groups) -> list[Program]:
    programs = []
    for path in sorted((root / "programs").glob("*.yaml")):
        data, node = read_yaml(path)
        if isinstance(data, dict) and "programs" in data:
            items = top_list(path, data, node, "programs")
        else:
            items = [(data, node)]
        for raw, n in items:
            p = _validate(Program, raw, path, n)
            for i, o in enumerate(p.origins):
                _check_origin(o, groups, f"{path}:{line_of(n, ('origins', i))}")
            programs.append(p)
    return programs


def _topological(measures: list[BoundMeasure], refs: dict[str, set[str]]) -> list[BoundMeasure]:
    order, state = [], {}
    by_id = {m.id: m for m in measures}

    def visit(mid: str, chain: tuple[str, ...]) -> None:
        if state.get(mid) == "done":
            return
        if state.get(mid) == "active":
            raise PolicyError("exclusion cycle: " + " -> ".join(chain + (mid,)))
        state[mid] = "active"
        for dep in sorted(refs[mid]):
            visit(dep, chain + (mid,))
        state[mid] = "done"
        order.append(by_id[mid])

    for m in measures:
        visit(m.id, ())
    return order


def _load(root: Path) -> Policy:
    groups = _load_groups(root)
    programs = _load_programs(root, groups)
    instruments, measures, files = [], [], {}
    hasher = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        hasher.update(path.relative_to(root).as_posix().encode())
        hasher.update(path.read_bytes())
    for path in sorted(root.glob("*.yaml")):
        if path.name == "groups.yaml":
            continue
        data, node = read_yaml(path)
        inst = _validate(Instrument, data, path, node)
        if inst.id != path.stem:
            raise PolicyError(f"{path}:1: id {inst.id!r} does not match the file name {path.stem!r}")
        if inst.id in files:
            raise PolicyError(f"{path}: instrument id {inst.id!r} also in {files[inst.id]}")
        files[inst.id] = str(path)
        for i, m in enumerate(inst.measures):
            where = f"{path}:{line_of(node, ('measures', i))}"
            if m.id in files:
                raise PolicyError(f"{where}: measure id {m.id!r} also used in {files[m.id]}")
            files[m.id] = where
            for o in m.origins + m.exclude_origins:
                _check_origin(o, groups, where)
            measures.append(BoundMeasure(m, inst, m.end))
        instruments.append(inst)
    # resolve excluded_by: measure ids, instrument ids, or "authority:<name>"
    by_inst: dict[str, set[str]] = {}
    for bm in measures:
        by_inst.setdefault(bm.instrument.id, set()).add(bm.id)
    refs: dict[str, set[str]] = {}
    for bm in measures:
        out: set[str] = set()
        for ref in bm.measure.excluded_by:
            if ref.startswith("authority:"):
                name = ref.split(":", 1)[1]
                out |= {o.id for o in measures if o.authority == name and o.id != bm.id}
            elif ref in by_inst:
                out |= by_inst[ref] - {bm.id}
            elif any(o.id == ref for o in measures):
                out.add(ref)
            else:
                raise PolicyError(f"{files[bm.id]}: excluded_by {ref!r} names no measure, "
                                  "instrument or authority:<name>")
        refs[bm.id] = out
    ordered = _topological(measures, refs)
    resolved = tuple(replace(bm, measure=bm.measure.model_copy(update={"excluded_by": sorted(refs[bm.id])}))
                     for bm in ordered)
    return Policy(tuple(instruments), resolved, tuple(programs), groups,
                  hasher.hexdigest()[:12], None, files)


def load_policy(root: Path | str | None = None) -> Policy:
    """Load every rule file under ``root`` (default: the package's ``rules/us``)."""
    root = Path(root) if root else RULES_DIR
    if not root.is_dir():
        raise PolicyError(f"rules directory {root} does not exist")
    return _load_kept(root.resolve(), _stamp(root))


_KEPT_MAGIC = b"tariffline policy 1\n"


@functools.lru_cache(maxsize=4)
def _load_kept(root: Path, stamp: tuple) -> Policy:
    """The policy under ``root`` (once per process for each state of its files). The package's
    own rules are also kept on disk, pickled beside the compiled policy under the key of the
    package's files and settings (``engine.policy_cache.stamp``: any rule or code change gives a
    new key): a new process reads them in about 30 ms instead of validating every rule file
    (about 0.15 s). The file is sealed with its SHA-256 and written whole; one that is missing,
    corrupt or of another build is passed over and written again."""
    from tariffline.engine.edition_pack import read_sealed, write_sealed

    where = _kept_file(root)
    if where is not None:
        body = read_sealed(where, _KEPT_MAGIC)
        if body is not None:
            try:
                kept = pickle.loads(body)  # (a file this function wrote into the cache)
            except Exception:  # noqa: BLE001 - a file that no longer unpickles is a stale cache
                kept = None
            if isinstance(kept, Policy):
                return kept
    policy = _load(root)
    if where is not None:
        try:
            write_sealed(where, _KEPT_MAGIC, pickle.dumps(policy, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # an unwritable cache costs only time
            pass
    return policy


def _kept_file(root: Path) -> Path | None:
    """Where the package's own rules are kept pickled (None for any other rules directory)."""
    if root != RULES_DIR.resolve():
        return None
    from tariffline.engine import policy_cache

    return policy_cache.compiled_dir() / policy_cache.stamp() / "policy.pickle"


def _stamp(root: Path) -> tuple:
    """The rule files' state: (path, mtime, size) of every .yaml file under ``root``, one stat
    each (``os.walk``: a quarter of the time of ``rglob`` and two stats, on every call)."""
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(".yaml"):
                path = os.path.join(folder, name)
                st = os.stat(path)
                found.append((path, st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))
