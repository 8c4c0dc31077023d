"""One entry's duties in plain Python: the fast path behind ``api.duty`` (no query to plan).

It gives what :func:`tariffline.engine.compute_duties` gives for one row, from the same data and
the same rules, in well under a millisecond once warm:

- column 1: the edition in force on the day (column1's per-day memo), the row's line found as
  ``locate_lines`` finds it by ``numpy.searchsorted`` on the edition's sorted integer line keys
  ``_k``, the General / Column 2 / preference duty computed as ``column1._duty`` and
  ``quantities.specific_part`` compute it;
- Chapter 99: the product bits of the code (as ``measures._masks_python``) AND the context bits of
  (origin, day, program, loaded date, claim default) (as ``measures.context_expr``), compiled by
  ``stacking.compile_signature``, then rates, bases, headings, legal status and citations as
  ``signatures._layers`` gives them; notes and flags as ``compute._notes`` builds them.

Everything that does not depend on the row's amounts is cached per process and per policy
version and ``as_known_on`` view: lines per (edition, code), product bits per code, context bits
per (origin, program, loaded date, claim default, interval between the policy's change dates),
compiled signatures. A context is constant between two consecutive change dates because every
date condition of the rules is ``day >= d`` or ``day < d`` with ``d`` among them.

Cases left to the vectorised engine (:class:`Fallback`): any input the engine refuses (its error
messages are the engine's: malformed code, unknown origin, date outside coverage, number out of
range, a code in no edition on hand), and a policy whose stack groups hold row-dependent rates
(the chain path). A code missing from the edition in force is answered here from the edition
nearest in time that holds it, as ``column1.locate_lines`` does (the index of every edition's
codes is read on the first such code, or by :func:`warm`).

Where those kept things come from is the ``source`` of :func:`entry`: :data:`LIVE` reads them
through the engine's modules (imported on first use, so that importing this module loads neither
Polars nor NumPy); ``engine.policy_cache.Snapshot`` reads them from the compiled policy on disk
(the cold ``tariffline duty``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import os
import re
import threading
from dataclasses import dataclass

from tariffline.countries import to_iso2
from tariffline.errors import InputError, TariffLineError
from tariffline.policy.loader import ALL, Policy

_HTS_OK = re.compile(r"[0-9]{8}(?:[0-9]{2})?")
_STRIP = re.compile(r"[.\s]")
_FAR = dt.date(9999, 12, 31)
_MAX_ENTRIES = 200_000  # a per-process cache of contexts or codes is emptied beyond this


class Fallback(Exception):
    """This entry is answered by the vectorised engine (see the module docstring)."""


# --- editions: per process, per set of editions on hand ------------------------------------------

def _key(index: int, code: str) -> int:
    """column1._key for one code."""
    return (index * 2 + (len(code) == 10)) * 10_000_000_000 + int(code)


class Lines:
    """One edition's lines and special-program rows as the scalar path reads them; subclasses
    read them from the engine's edition (:class:`_Edition`) or from a compact index on disk
    (``engine.policy_cache``)."""

    name: str
    label: str
    index: int  # the edition's place in the calendar (column1._edition_index)

    def __init__(self) -> None:
        self.cache: dict = {}  # code -> (line_hts, note, row dict, key) or None

    def row(self, key: int) -> dict | None:
        """The line with this key (the first of equal keys), as a named row, or None."""
        raise NotImplementedError

    def first_child(self, code8: str) -> str | None:
        """The first 10-digit line under an 8-digit code (column1._children)."""
        raise NotImplementedError

    def specials(self, key: int) -> list[dict]:
        """The special-program rows of the line with key ``key``, in the edition's order."""
        raise NotImplementedError

    def line(self, hts10: str) -> tuple[str, str | None, dict, int] | None:
        """(line_hts, note_line, line row, line key) as locate_lines finds them here, or None."""
        hit = self.cache.get(hts10)
        if hit is not None or hts10 in self.cache:
            return hit
        note = None
        row = self.row(_key(self.index, hts10))
        line = hts10
        if row is None:
            row = self.row(_key(self.index, hts10[:8]))
            line = hts10[:8]
            if row is not None and len(hts10) == 10:
                note = "statistical suffix not in the edition; rates of its 8-digit line"
        if row is None and len(hts10) == 8:
            child = self.first_child(hts10)
            if child is not None:
                row, line = self.row(_key(self.index, child)), child
        out = None if row is None else (line, note, row, _key(self.index, line))
        if len(self.cache) > _MAX_ENTRIES:
            self.cache.clear()
        self.cache[hts10] = out
        return out


class _Edition(Lines):
    """An edition read through column1's per-process cache, indexed for ``searchsorted``."""

    def __init__(self, name: str, label: str, index: int, lines, special) -> None:
        super().__init__()
        self.name, self.label, self.index = name, label, index
        self.lines, self.special = lines, special  # polars DataFrames
        self.line_keys, self.line_rows = self._sorted(lines.get_column("_k"))
        self.spec_keys, self.spec_rows = self._sorted(special.get_column("_k"))
        self.children: dict | None = None  # 8-digit code -> its first 10-digit line (on first use)
        self._specials: dict = {}  # line key -> special-program rows

    @staticmethod
    def _sorted(keys):
        import numpy as np

        arr = keys.to_numpy()
        order = np.argsort(arr, kind="stable")
        return arr[order], order

    def row(self, key: int) -> dict | None:
        import numpy as np

        i = int(self.line_keys.searchsorted(np.uint64(key)))
        if i < len(self.line_keys) and self.line_keys[i] == key:
            return self.lines.row(int(self.line_rows[i]), named=True)
        return None

    def first_child(self, code8: str) -> str | None:
        if self.children is None:
            kids: dict[str, str] = {}
            for h in self.lines.get_column("hts").to_list():
                if h is not None and len(h) == 10 and (h[:8] not in kids or h < kids[h[:8]]):
                    kids[h[:8]] = h
            self.children = kids
        return self.children.get(code8)

    def specials(self, key: int) -> list[dict]:
        import numpy as np

        hit = self._specials.get(key)
        if hit is None:
            k = np.uint64(key)
            lo, hi = int(self.spec_keys.searchsorted(k, "left")), int(self.spec_keys.searchsorted(k, "right"))
            hit = self._specials[key] = [self.special.row(r, named=True)
                                         for r in sorted(int(r) for r in self.spec_rows[lo:hi])]
        return hit


class _Editions:
    """The editions on hand, read through column1's per-process cache, indexed for searchsorted."""

    def __init__(self) -> None:
        from tariffline.engine import column1 as c1
        from tariffline.hts.editions import editions

        self.pool = tuple(editions())
        self.memo = c1._days_memo(self.pool)
        self.index = c1._edition_index()
        self.labels = {e.name: e.edition for e in self.pool}
        self.infos = {e.name: e for e in self.pool}
        self._holding: dict | None = None
        self._by_name: dict[str, _Edition] = {}
        self._lock = threading.Lock()

    def nearest(self, code: str, day: dt.date) -> str | None:
        """The edition nearest in time to ``day`` holding ``code`` (column1.locate_lines)."""
        if self._holding is None:
            with self._lock:
                if self._holding is None:
                    import polars as pl

                    from tariffline.engine import column1 as c1

                    grouped = c1.code_index().group_by("hts").agg(pl.col("edition"))
                    self._holding = dict(zip(grouped.get_column("hts").to_list(),
                                             grouped.get_column("edition").to_list()))
        best = None
        for name in self._holding.get(code, ()):
            info = self.infos.get(name)
            if info is None or info.effective_from is None:
                continue
            start, end = info.effective_from, info.effective_to
            far = ((start - day).days if day < start
                   else (day - end).days + 1 if end is not None and day >= end else 0)
            rank = (far, -start.toordinal())
            if best is None or rank < best[0]:
                best = (rank, name)
        return best and best[1]

    def day(self, day: dt.date):
        e = self.memo.get(day)
        if e is None:
            from tariffline.hts.editions import edition_for

            e = self.memo.setdefault(day, edition_for(day, list(self.pool)))
        return e

    def edition(self, name: str) -> _Edition:
        ed = self._by_name.get(name)
        if ed is not None:
            return ed
        with self._lock:
            ed = self._by_name.get(name)
            if ed is None:
                from tariffline.engine import column1 as c1
                from tariffline.hts.loader import parsed_dirs, parsed_stamp

                info = self.infos[name]
                directory = parsed_dirs([info])[name]
                idx = self.index[name]
                lines, special = c1._edition_full(name, directory, parsed_stamp(directory), idx)
                ed = self._by_name[name] = _Edition(name, self.labels[name], idx, lines, special)
        return ed


# --- duties of a rate expression (column1._duty, quantities.specific_part) ------------------------

def _and(*xs):
    """Kleene AND of booleans that may be None (unknown)."""
    if any(x is False for x in xs):
        return False
    return None if any(x is None for x in xs) else True


def _specific(line: dict, amount_col: str, unit_col: str, q: dict) -> tuple[float, bool, str | None]:
    amt = line[amount_col] or 0.0
    has_spec = amt > 0
    unit = line[unit_col]
    ukey = line[unit_col + "_key"]
    qunit = q["qunit_key"]
    unit_ok = True if qunit is None else (None if ukey is None else qunit == ukey)
    have_q = q["quantity"] is not None
    have_uv = q["unit_value"] is not None and q["unit_value"] > 0
    if _and(have_q, unit_ok):
        qty = q["quantity"]
    elif not have_q and have_uv:
        qty = q["value"] / q["unit_value"]
    else:
        qty = None
    duty = amt * (qty if qty is not None else 0.0) if has_spec else 0.0
    estimated = has_spec and not have_q and have_uv
    problem = None
    if _and(has_spec, have_q, None if unit_ok is None else not unit_ok):
        if q["quantity_unit"] is not None and unit is not None:
            problem = f"quantity unit '{q['quantity_unit']}' does not match the duty's unit '{unit}'"
    elif has_spec and not have_q and not have_uv and unit is not None:
        problem = f"the duty has a specific part per {unit}; give a quantity in {unit} or a unit value"
    return duty, estimated, problem


def _duty(line: dict, prefix: str, q: dict) -> tuple[float, bool, str | None]:
    value = q["value"]
    adv = (line[f"{prefix}_adv"] or 0.0) * value
    partial = (line[f"{prefix}_adv_partial"] or 0.0) * value
    d1, e1, p1 = _specific(line, f"{prefix}_specific", f"{prefix}_specific_unit", q)
    d2, e2, p2 = _specific(line, f"{prefix}_specific2", f"{prefix}_specific2_unit", q)
    estimated = e1 or e2 or bool(line[f"{prefix}_approx"]) or line[f"{prefix}_adv_partial"] is not None
    kind = line[f"{prefix}_kind"]
    reference = ("the rate of this line is not a computable duty (a reference or text), see the HTS line; "
                 "not computed") if kind is None or kind in ("reference", "text") else None
    problem = next((p for p in (reference, p1, p2) if p is not None), None)
    return adv + partial + d1 + d2, estimated, problem


# --- the policy's rules in Python (measures.origin_expr, program_open_expr, context_expr) ---------

def _origin(policy: Policy, codes: list[str], iso: str, day: dt.date) -> bool:
    if ALL in codes:
        return True
    for code in codes:
        group = policy.groups.get(code)
        if group is None:
            if iso == code:
                return True
            continue
        for m in group.members:
            if m.code == iso and (m.from_ is None or day >= m.from_) and (m.to is None or day < m.to):
                return True
    return False


def _program_open(policy: Policy, indicators, iso, day, program) -> bool:
    for p in policy.programs:
        if indicators is not None and p.indicator not in indicators:
            continue
        if (_origin(policy, p.origins, iso, day) and day >= p.start and (p.end is None or day < p.end)
                and (program is None or program == p.indicator)):
            return True
    return False


def _context(policy: Policy, bm, iso, day, program, loaded, claim_default) -> bool:
    m = bm.measure
    if not (_origin(policy, m.origins, iso, day) and day >= m.start):
        return False
    if m.claims:
        named = (program in m.claims) if program is not None else claim_default
        if not (named and _program_open(policy, m.claims, iso, day, program)):
            return False
    if m.exclude_origins and _origin(policy, m.exclude_origins, iso, day):
        return False
    if bm.end is not None and not day < bm.end:
        return False
    t = m.in_transit
    return not (t is not None and loaded is not None and loaded < t.loaded_before and day < t.entered_before)


# --- one policy view ---------------------------------------------------------------------------

class _View:
    """What a policy view answers without the row's amounts, computed once and kept."""

    def __init__(self, policy: Policy) -> None:
        from tariffline.engine import stacking

        self.policy = policy
        self.measures = [bm for bm in policy.measures if bm.measure.rate.type != "column2"]
        self.column2 = [bm for bm in policy.measures if bm.measure.rate.type == "column2"]
        self.signatures_ok = stacking.use_signatures(policy, self.measures)
        self.nwords = max((len(self.measures) + 63) // 64, 1)
        self.breaks = stacking.context_breaks(policy)
        self.programs = []  # column1._program_table: (indicator, iso, start, end, program)
        for p in policy.programs:
            for o in p.origins:
                for iso in policy.expand_origin(o):
                    self.programs.append((p.indicator, iso, p.start, p.end or _FAR, p))
        self.table = []  # per measure: what its layers print (signatures._measure_table)
        for bm in self.measures:
            m, r = bm.measure, bm.measure.rate
            steps, history = [], []
            for s in stacking.legal_entries(bm):
                history.append(f"{s.status.replace('_', ' ')} {s.from_} ({s.citation})")
                steps.append((s.from_, s.status, "; ".join(history)))
            self.table.append({
                "code": stacking.RATE_CODE[r.type], "rv": r.value, "rt": r.target, "rcap": r.cap,
                "ref_mfn": r.reference == "column1_general", "authority": bm.authority, "measure_id": m.id,
                "heading": m.heading, "heading_free": m.heading_when_no_duty or m.heading,
                "description": m.description, "value_base": m.value_base,
                "citation": f"{bm.citation}; {m.source}", "confidence": bm.confidence,
                "steps": steps, "step_days": [s[0] for s in steps]})
        self.products: dict[str, tuple[int, int]] = {}
        self.include: dict | None = None
        self.contexts: dict[tuple, tuple] = {}
        self.compiled: dict[tuple, dict] = {}
        self.partials: dict[int, str | None] = {}
        self.wider: tuple[_View, list[int]] | None = None  # see narrowed

    def narrowed(self, policy: Policy) -> _View:
        """A view of ``policy``, which holds some of this view's measures (``Policy.view`` of an
        as-known-on day: fewer instruments, ends not yet known), whose product bits are this view's
        renumbered: the measures' product scopes are the same objects, so the product lists are
        not read again (the compiled policy on disk answers as-known-on questions this way)."""
        view = _View(policy)
        place = {bm.id: i for i, bm in enumerate(self.measures)}
        view.wider = (self, [place[bm.id] for bm in view.measures])
        return view

    def _scopes(self) -> None:
        """Prefix -> bits of the measures whose include (exclude) list holds it, by prefix length;
        8-digit parent -> bits of the measures naming some of its 10-digit lines."""
        from tariffline.engine.measures import _resolved

        no_include, include, exclude, parents = 0, {}, {}, {}
        for i, bm in enumerate(self.measures):
            scope = bm.measure.products
            if scope.include is None:
                no_include |= 1 << i
            else:
                inc = _resolved(scope.include)
                for n, codes in inc.items():
                    table = include.setdefault(n, {})
                    for c in codes:
                        table[c] = table.get(c, 0) | 1 << i
                for c in {c[:8] for c in inc.get(10, ())}:
                    parents[c] = parents.get(c, 0) | 1 << i
            for n, codes in _resolved(scope.exclude).items():
                table = exclude.setdefault(n, {})
                for c in codes:
                    table[c] = table.get(c, 0) | 1 << i
        self.no_include, self.exclude, self.parents = no_include, exclude, parents
        self.include = include  # last: product_bits reads the tables once it is set

    def product_bits(self, code: str) -> tuple[int, int]:
        """(in scope, partly in scope) bits per measure, as measures._masks_python marks them
        (kept per code)."""
        hit = self.products.get(code)
        if hit is None:
            hit = self.products[code] = self.scope_bits(code)
        return hit

    def scope_bits(self, code: str) -> tuple[int, int]:
        """product_bits of ``code``, not kept (any prefix may be asked)."""
        if self.wider is not None:
            wider, places = self.wider
            p, q = wider.scope_bits(code)
            return (sum(1 << i for i, w in enumerate(places) if p >> w & 1),
                    sum(1 << i for i, w in enumerate(places) if q >> w & 1))
        if self.include is None:
            with _LOCK:
                if self.include is None:
                    self._scopes()
        inc = self.no_include
        for n, table in self.include.items():
            inc |= table.get(code[:n], 0)
        exc = 0
        for n, table in self.exclude.items():
            exc |= table.get(code[:n], 0)
        p = inc & ~exc
        q = self.parents.get(code, 0) & ~p if len(code) == 8 else 0
        return p, q

    def context(self, iso: str, day: dt.date, program, loaded, claim_default: bool) -> tuple:
        """(measure bits, is column 2, column 2 citation, may claim some program) for the context."""
        key = (iso, program, loaded, claim_default, bisect.bisect_right(self.breaks, day))
        hit = self.contexts.get(key)
        if hit is None:
            pol = self.policy
            bits = 0
            for i, bm in enumerate(self.measures):
                if _context(pol, bm, iso, day, program, loaded, claim_default):
                    bits |= 1 << i
            col2, cite = False, None
            for bm in self.column2:
                if _origin(pol, bm.measure.origins, iso, day) and day >= bm.start \
                        and (bm.end is None or day < bm.end):
                    col2, cite = True, f"{bm.citation}; {bm.measure.source}"
            may = _program_open(pol, None, iso, day, program)
            cands = [(ind, p) for ind, o, start, end, p in self.programs
                     if o == iso and start <= day < end and (program is None or program == ind)]
            if len(self.contexts) > _MAX_ENTRIES:
                self.contexts.clear()
            hit = self.contexts[key] = (bits, col2, cite, may, cands)
        return hit

    def compile(self, sig: int, metal_class: int) -> dict:
        key = (sig, metal_class)
        hit = self.compiled.get(key)
        if hit is None:
            words = tuple((sig >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF for w in range(self.nwords))
            from tariffline.engine.stacking import compile_signature

            hit = self.compiled[key] = compile_signature(words, metal_class, self.measures)
        return hit

    def partial(self, q: int) -> str | None:
        if q not in self.partials:
            names = {self.measures[i].measure.heading or self.measures[i].id
                     for i in range(len(self.measures)) if q >> i & 1}
            self.partials[q] = ", ".join(sorted(names)) or None
        return self.partials[q]


_VIEWS: dict[tuple, _View] = {}
_EDITIONS: dict[tuple, _Editions] = {}
_LAW: dict[str, object] = {}
_LOCK = threading.Lock()


def _view(policy: Policy, known: dt.date | None) -> _View:
    key = (policy.version, id(policy), known)
    v = _VIEWS.get(key)
    if v is None:
        wider = _view(policy, None) if known is not None else None  # (before the lock: it takes it)
        with _LOCK:
            v = _VIEWS.get(key)
            if v is None:
                if len(_VIEWS) > 64:
                    _VIEWS.clear()
                v = _VIEWS[key] = _View(policy) if wider is None else wider.narrowed(policy.view(known))
    return v


def _editions() -> _Editions:
    """The editions on hand, per set of editions and per data cache and mirror (as column1 reads
    them afresh from another cache directory)."""
    from tariffline.hts.editions import editions

    key = (tuple(editions()), os.environ.get("TARIFFLINE_CACHE"), os.environ.get("TARIFFLINE_MIRROR"))
    eds = _EDITIONS.get(key)
    if eds is None:
        with _LOCK:
            eds = _EDITIONS.get(key)
            if eds is None:
                if len(_EDITIONS) >= 4:
                    _EDITIONS.clear()
                eds = _EDITIONS[key] = _Editions()
    return eds


def law(policy: Policy):
    """law_currency(policy), once per policy version."""
    return _law(policy)[0]


def law_dict(policy: Policy) -> dict:
    """law(policy).as_dict(), a copy of the one made once per policy version."""
    return dict(_law(policy)[1])


def _law(policy: Policy) -> tuple:
    from tariffline.law import law_currency

    hit = _LAW.get(policy.version)
    if hit is None:
        cur = law_currency(policy)
        hit = _LAW[policy.version] = (cur, cur.as_dict())
    return hit


def _horizon(policy: Policy) -> dt.date:
    from tariffline.engine.inputs import HORIZON_YEARS

    through = law(policy).current_through
    try:
        return through.replace(year=through.year + HORIZON_YEARS)
    except ValueError:
        return through.replace(year=through.year + HORIZON_YEARS, day=28)


@dataclass(frozen=True)
class Bounds:
    """The inputs the engine accepts (engine.inputs): entry dates from ``start`` to ``horizon``,
    numbers within ``limits`` (0 allowed for the names in ``zero_ok``)."""

    start: dt.date
    horizon: dt.date
    limits: dict
    zero_ok: tuple


class LiveSource:
    """Where :func:`entry` reads what does not depend on the entry: this process's engine modules
    (editions, policy views and the law's currency read once and kept). ``engine.policy_cache``
    has the same methods over a snapshot on disk."""

    def view(self, policy: Policy, known: dt.date | None) -> _View:
        return _view(policy, known)

    def editions(self) -> _Editions:
        return _editions()

    def law(self, policy: Policy) -> tuple:
        """(law_currency(policy), its as_dict())."""
        return _law(policy)

    def bounds(self, policy: Policy) -> Bounds:
        from tariffline.engine.inputs import COVERAGE_START, LIMITS, ZERO_OK

        return Bounds(COVERAGE_START, _horizon(policy), LIMITS, ZERO_OK)

    def unit_key(self, unit: str | None) -> str | None:
        if unit is None:
            return None
        from tariffline.engine.quantities import unit_key

        return unit_key(unit)


LIVE = LiveSource()


def _number(x, name: str, bounds: Bounds) -> float | None:
    """The number if the engine accepts it (inputs.LIMITS), else Fallback (for the engine's message)."""
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise Fallback
    x = float(x)
    lo, hi = bounds.limits[name]
    if not (math.isfinite(x) and (lo <= x <= hi or (x == 0 and name in bounds.zero_ok))):
        raise Fallback
    return x


# --- the entry -------------------------------------------------------------------------------------

def entry(policy: Policy, hts, origin, day: dt.date, value, quantity=None, quantity_unit=None,
          unit_value=None, metal_value=None, program=None, claim_preferences: bool = True,
          loaded: dt.date | None = None, known: dt.date | None = None, source: LiveSource = LIVE) -> dict:
    """One entry as compute_duties answers it (``missing_quantity='error'``): ``totals`` (the
    totals row's fields, with ``flags``), ``layers`` (dicts, column 1 first). Raises InputError
    with the engine's message for a quantity or claim problem, Fallback where the vectorised
    engine must answer. ``source``: where the editions, views and law are read (see LiveSource)."""
    view = source.view(policy, known)
    if not view.signatures_ok:
        raise Fallback
    if not isinstance(hts, str) or not isinstance(origin, str) or not isinstance(day, dt.date) \
            or (program is not None and not isinstance(program, str)) \
            or (quantity_unit is not None and not isinstance(quantity_unit, str)) \
            or (loaded is not None and not isinstance(loaded, dt.date)):
        raise Fallback
    hts10 = _STRIP.sub("", hts)
    if not _HTS_OK.fullmatch(hts10):
        raise Fallback
    try:
        iso = to_iso2(origin)
    except TariffLineError:
        raise Fallback from None
    bounds = source.bounds(policy)
    if day < bounds.start or day > bounds.horizon:
        raise Fallback
    value = _number(value, "value", bounds)
    if value is None:
        raise Fallback
    quantity, unit_value = _number(quantity, "quantity", bounds), _number(unit_value, "unit_value", bounds)
    metal_value = _number(metal_value, "metal_value", bounds)
    if metal_value is not None and metal_value > value:
        raise Fallback
    q = {"value": value, "quantity": quantity, "unit_value": unit_value, "quantity_unit": quantity_unit,
         "qunit_key": source.unit_key(quantity_unit)}

    eds = source.editions()
    info = eds.day(day)
    ed = eds.edition(info.name)
    found = ed.line(hts10)
    if found is None:  # the code from the edition nearest in time that has it
        alt = eds.nearest(hts10, day)
        if alt is None:
            raise Fallback  # in no edition on hand: the engine's error
        ed = eds.edition(alt)
        row = ed.row(_key(ed.index, hts10))
        if row is None:
            raise Fallback
        found = (hts10, f"code not in the edition in force; rates from edition {alt}", row, _key(ed.index, hts10))
    line_hts, note_line, line, lk = found

    # column 1 (column1.column1)
    bits, is_col2, col2_cite, may_claim, cands = view.context(iso, day, program, loaded, claim_preferences)
    mfn, gen_est, gen_prob = _duty(line, "gen", q)
    pref = None
    if claim_preferences and not is_col2 and (program is None or program.lower() != "none") and cands:
        specials = ed.specials(lk)
        best = None
        for ind, p in cands:
            for s in specials:
                if s["program"] != ind or s["pref_parse_error"] is not None or s["pref_adv"] is None:
                    continue
                amt, est, prob = _duty(s, "pref", q)
                if prob is None and (best is None or amt < best[1]):
                    best = (ind, amt, est, p)
        pref = best
    use_pref = pref is not None and pref[1] < mfn
    cite = f"HTSUS {ed.label}, subheading {line['hts_dotted']}"
    if is_col2:
        col2, col2_est, col2_prob = _duty(line, "col2", q)
        c1_auth, c1_amt, c1_text = "Column 2", col2, line["column2_text"]
        c1_cite = f"{cite}, column 2; {col2_cite}"
        c1_conf, c1_est, c1_prob = "confirmed", col2_est, col2_prob
    elif use_pref:
        ind, amt, est, p = pref
        c1_auth, c1_amt, c1_text = p.authority, amt, f"special ({ind})"
        c1_cite = f"{cite}, special program {ind}; {p.citation}"
        c1_conf, c1_est, c1_prob = p.confidence, est, None
    else:
        c1_auth, c1_amt, c1_text = "MFN", mfn, line["general_text"]
        c1_cite, c1_conf, c1_est, c1_prob = f"{cite}, column 1 General", "confirmed", gen_est, gen_prob
    if program is not None and program.lower() != "none" and pref is None and not (mfn == 0 and may_claim):
        raise InputError(f"origin cannot claim program '{program}' for this line on this date "
                         "(no such preference, or not eligible)")

    # Chapter 99 (signatures.evaluate_by_signature)
    pbits, qbits = view.product_bits(line_hts)
    sig = pbits & bits
    metal_class = 0 if metal_value is None else 1 if metal_value == 0 else 2 if metal_value < value else 3
    comp = view.compile(sig, metal_class)
    partial = view.partial(qbits & bits)
    problem = c1_prob if c1_prob is not None else gen_prob if comp["uses_ave"] else None
    if problem is not None:
        raise InputError(problem)
    estimated = bool(c1_est) or (comp["uses_ave"] and bool(gen_est))

    metal = metal_value if metal_value is not None else value
    cutoff = view.policy.as_known_on or day
    layers = [{
        "authority": c1_auth, "measure_id": "column1:" + c1_auth.lower().replace(" ", "_"),
        "heading": line["hts_dotted"], "description": c1_text, "rate": c1_amt / value,
        "base_value": value, "value_base": "full", "amount": c1_amt, "citation": c1_cite,
        "legal_status": "in_force", "legal_history": "", "confidence": c1_conf}]
    extra = 0.0
    for i, a, b in comp["layers"]:
        t = view.table[i]
        ref = (mfn if t["ref_mfn"] else c1_amt) / value
        code = t["code"]
        if code == 0:
            rate = t["rv"]
        elif code == 2:
            rate = max(0.0, t["rt"] - ref) if t["rt"] is not None else 0.0
        elif code == 3:
            top = max(0.0, t["rcap"] - ref) if t["rcap"] is not None else 0.0
            rate = min(t["rv"], top) if t["rv"] is not None else top
        else:
            rate = 0.0
        base = value if b == 0 else value - metal if a == 1 else metal
        amount = rate * base
        n = bisect.bisect_right(t["step_days"], cutoff)
        status, history = (t["steps"][n - 1][1], t["steps"][n - 1][2]) if n else ("in_force", "")
        layers.append({
            "authority": t["authority"], "measure_id": t["measure_id"],
            "heading": t["heading_free"] if rate <= 0 else t["heading"], "description": t["description"],
            "rate": rate, "base_value": base, "value_base": t["value_base"], "amount": amount,
            "citation": t["citation"], "legal_status": status, "legal_history": history,
            "confidence": t["confidence"]})
        extra += amount
    note_edition = info.note or None
    notes, flags = [], []
    for text, flag, why in (
            (note_edition, "edition_fallback", note_edition),
            (note_line, "line_fallback", note_line),
            (partial and (f"only some 10-digit statistical lines of this subheading are subject to {partial}: "
                          "give the 10-digit code for the full duty"), "partial_scope", partial),
            ("metal value not given: duty on metal content charged on the full value (upper bound)",
             "metal_assumed", comp["metal_assumed"])):
        if why:
            notes.append(text)
            flags.append(flag)
    total = c1_amt + extra
    totals = {"origin_iso": iso, "edition": ed.name, "hts_line": line["hts_dotted"],
              "description": line["description"], "total_duty": total, "total_rate": total / value,
              "estimated": estimated, "notes": notes, "flags": flags}
    return {"totals": totals, "layers": layers, "policy_version": view.policy.version}


def warm(policy: Policy) -> None:
    """Read ahead what new lookups would read on first use: every edition on hand (indexed), the
    index of every edition's codes, the policy as finally amended."""
    from tariffline.engine.inputs import COVERAGE_START

    eds = _editions()
    for info in eds.pool:
        eds.edition(info.name)
    eds.nearest("", COVERAGE_START)
    _view(policy, None)
    day, last = COVERAGE_START, _horizon(policy)
    while day <= last:
        eds.day(day)
        day += dt.timedelta(days=1)
