"""Chapter 99 measures evaluated once per reach signature, then applied to rows by a join.

Which measures reach a row depends on its product (line) and on its context (origin, entry date,
program named, date loaded), never on its amounts; which of them are charged, on what base, also
depends on the row's metal value only through four classes (none given, zero, part, all of the
value). So the engine:

1. marks, per distinct product code, the measures whose scope holds it and, per distinct context,
   those whose origin, dates, claims and in-transit rule let them reach it, each set packed into
   64-bit words;
2. ANDs the two per row (a few integer operations) into the row's reach signature;
3. compiles each distinct (signature, metal class) once, in Python: stacking, exclusions, the
   metal pool, giving the charged measures in order with their base as ``a·value + b·metal``;
4. joins rows to their compiled layers and computes rates (the inclusive and capped ones from the
   row's column 1) and amounts with vectorised arithmetic.

The small queries here are collected with Polars' in-memory engine: on frames of this size the
streaming engine (Polars 2's default) was three to four times slower.

The product words of the codes met are also kept on disk, beside the compiled policy
(``engine/policy_cache.py``'s build directory, keyed by the package's files and settings), per
policy version, ``as_known_on`` and the measures' product scopes: a new process starts from
them instead of resolving the product lists for every code again. So are the context words of
the contexts met and the compiled signatures, per policy version, ``as_known_on`` and measures
(a new process's first chunk of a batch computed them again: about 0.25 s of CPU).

Product words, context words and compiled signatures are kept per process for each policy view
(:func:`compiled_view`): a ledger's later chunks, and later calls, compute only the codes, contexts and
signatures not met before.

The results are those of the measure-by-measure chain in :mod:`tariffline.engine.measures`
(``TARIFFLINE_ENGINE_PATH=chain`` selects it; tests/engine/test_engine_signature_differential.py
compares both). A stack group with a rate that depends on the row (inclusive, capped) cannot be
resolved per signature: a policy with one goes through the chain.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import operator
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from tariffline.engine.days import distinct_days
from tariffline.engine.distinct import distinct_texts, first_rows
from tariffline.engine.line_table import LineTable
from tariffline.engine.measures import context_expr, product_masks
from tariffline.engine.stacking import (
    RATE_CODE,
    compile_signature,
    context_breaks,
    legal_entries,
)
from tariffline.policy.loader import BoundMeasure, Policy

_CONTEXT = ["origin_iso", "entry_date", "program", "loaded_date"]
COUNT_SPAN = 1 << 24  # contexts are numbered by counting up to this many possible keys, else by sorting
KEY_SPAN = 2.0 ** 62  # past this many possible keys, by sorting the key parts (no key fits in 64 bits)


def _pack(flags: list[str | None], prefix: str) -> list[pl.Expr]:
    """Boolean columns ``flags`` (in measure order; None: never set) as UInt64 words ``<prefix>0``..."""
    words = []
    for w in range(0, max(len(flags), 1), 64):
        bits = [pl.when(pl.col(c).fill_null(False)).then(pl.lit(1 << (i - w), dtype=pl.UInt64))
                .otherwise(pl.lit(0, dtype=pl.UInt64))
                for i, c in enumerate(flags) if w <= i < w + 64 and c is not None]
        expr = functools.reduce(operator.or_, bits) if bits else pl.lit(0, dtype=pl.UInt64)
        words.append(expr.alias(f"{prefix}{w // 64}"))
    return words


def _measure_table(measures: list[BoundMeasure]) -> pl.DataFrame:
    """One row per measure (its place in ``measures``): rate rule and what its layers print."""
    rows = []
    for i, bm in enumerate(measures):
        m, r = bm.measure, bm.measure.rate
        rows.append({
            "_m": i, "_rcode": RATE_CODE[r.type], "_rv": r.value, "_rt": r.target, "_rcap": r.cap,
            "_ref_mfn": r.reference == "column1_general",
            "authority": bm.authority, "measure_id": m.id, "_heading": m.heading,
            "_heading_free": m.heading_when_no_duty or m.heading, "description": m.description,
            "value_base": m.value_base, "citation": f"{bm.citation}; {m.source}",
            "confidence": bm.confidence,
        })
    return pl.DataFrame(rows, schema={
        "_m": pl.Int32, "_rcode": pl.Int8, "_rv": pl.Float64, "_rt": pl.Float64, "_rcap": pl.Float64,
        "_ref_mfn": pl.Boolean, "authority": pl.Utf8, "measure_id": pl.Utf8, "_heading": pl.Utf8,
        "_heading_free": pl.Utf8, "description": pl.Utf8, "value_base": pl.Utf8, "citation": pl.Utf8,
        "confidence": pl.Utf8})


def _legal_steps(measures: list[BoundMeasure]) -> pl.DataFrame:
    """(measure, from date) -> status and history known from that date, for measures with entries."""
    rows = []
    for i, bm in enumerate(measures):
        history = []
        for s in legal_entries(bm):
            history.append(f"{s.status.replace('_', ' ')} {s.from_} ({s.citation})")
            rows.append({"_m": i, "_from": s.from_, "legal_status": s.status,
                         "legal_history": "; ".join(history)})
    return pl.DataFrame(rows, schema={"_m": pl.Int32, "_from": pl.Date, "legal_status": pl.Utf8,
                                      "legal_history": pl.Utf8})


class _Compiled:
    """One policy view compiled as far as rows have asked: the product words of the codes seen,
    the context words of the contexts seen, and the signatures met (bits: places in ``measures``).
    Shared by every call in the process; extended under a lock."""

    MAX_KEYS = 2_000_000  # past this many codes or contexts, start again (memory bound)

    def __init__(self, policy: Policy, measures: list[BoundMeasure]) -> None:
        self.policy, self.measures = policy, measures
        directory = _kept_dir()  # (its stamp hashes the package's files: worked out once here)
        self.disk, self.saved = _products_file(policy, measures, directory), 0
        self.ctx_disk, self.ctx_saved = _kept_file(policy, measures, "contexts", directory), 0
        self.sig_disk, self.sigs_saved = _kept_file(policy, measures, "signatures", directory), 0
        self.nwords = max((len(measures) + 63) // 64, 1)
        self.table = _measure_table(measures)  # what each measure's layers print
        self.steps = _legal_steps(measures)  # its legal status by date
        self.lock = threading.Lock()
        self.prod: pl.DataFrame | None = None
        self._set_contexts(None)
        self.sigs: dict[tuple, dict] = {}
        self.by_place: dict[frozenset, tuple] = {}  # line table's editions -> (its codes, done, words)
        self.breaks = pl.Series(context_breaks(policy), dtype=pl.Date)

    def intervals(self, days: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        """(each day's interval between the policy's change dates as a place in the second array,
        -1 where null; each interval's first day as a day number since 1970: the day before the
        first change date for days before it). Each distinct day is searched once among the
        change dates and spread to the rows by place."""
        seen, which = distinct_days(days)
        if self.breaks.is_empty():  # (no change date: each day is its own interval)
            return which, seen
        breaks = self.breaks.cast(pl.Int32).to_numpy()
        starts = np.concatenate([[breaks[0] - 1], breaks])
        return np.append(np.searchsorted(breaks, seen, side="right"), -1)[which], starts

    def context_numbers(self, df: pl.DataFrame) -> tuple[np.ndarray, pl.DataFrame]:
        """(each row's context as a place in the second; the distinct contexts of ``df``, one
        row each, with the columns :meth:`context_words` takes, ``entry_date`` the first day of
        the row's interval). Each key column is numbered per distinct value (numpy, no join)."""
        interval, starts = self.intervals(df.get_column("entry_date"))
        numbers, sizes = [interval + 1], [len(starts) + 1]  # (0: no date)
        origin = df.get_column("_origin_id").to_numpy()  # (inputs.prepare; one origin may have two names)
        numbers.append(origin)
        sizes.append(int(origin.max()) + 1 if origin.size else 1)
        program = df.get_column("program")
        if program.null_count() == df.height:  # (most ledgers name none)
            numbers.append(np.zeros(df.height, dtype=np.int64))
            sizes.append(1)
        else:
            _names, which = distinct_texts(program)
            numbers.append(which)
            sizes.append(int(which.max()) + 1)
        numbers.append(df.get_column("_claim_default").cast(pl.Int64).fill_null(2).to_numpy())
        sizes.append(3)
        seen, loaded = distinct_days(df.get_column("loaded_date"))
        numbers.append(loaded + 1)
        sizes.append(len(seen) + 1)
        span = float(np.prod(np.array(sizes, dtype=np.float64)))
        if span > KEY_SPAN:  # (many distinct names and dates at once: no key fits in 64 bits)
            _keys, number = np.unique(np.stack(numbers, axis=1), axis=0, return_inverse=True)
            number, count = number.reshape(-1), len(_keys)
        else:
            key = np.zeros(df.height, dtype=np.int64)
            for part, size in zip(numbers, sizes):
                key = key * size + part
            if span <= COUNT_SPAN:  # numbered by counting
                present = np.zeros(int(span), dtype=bool)
                present[key] = True
                number, count = (np.cumsum(present) - 1)[key], int(present.sum())
            else:
                _keys, number = np.unique(key, return_inverse=True)
                count = len(_keys)
        first = first_rows(number, count)
        distinct = df.select(_CONTEXT + ["_claim_default"]).gather(first).with_columns(
            _day_series("entry_date", interval[first], starts))
        return number, distinct

    def product_words(self, codes: pl.Series) -> pl.DataFrame:
        """``_match_hts`` -> ``_pw*`` (in scope) and ``_qw*`` (some statistical lines in scope)."""
        with self.lock:
            codes = codes.drop_nulls().unique()
            asked = codes.len()
            if self.prod is None and self.disk is not None and not self.saved:
                self.prod = _read_products(self.disk, self.nwords)
                self.saved = self.prod.height if self.prod is not None else -1
            if self.prod is not None and self.prod.height < self.MAX_KEYS:
                codes = codes.filter(~codes.is_in(self.prod.get_column("_match_hts").implode()))
            else:
                self.prod = None
            if codes.len() or self.prod is None:
                masks = product_masks(codes, self.measures)
                new = masks.select(
                    pl.col("hts10").alias("_match_hts"),
                    *_pack([f"_p_{bm.id}" for bm in self.measures], "_pw"),
                    *_pack([f"_pp_{bm.id}" if f"_pp_{bm.id}" in masks.columns else None
                            for bm in self.measures], "_qw"))
                self.prod = new if self.prod is None else pl.concat([self.prod, new])
                unsaved = self.prod.height - max(self.saved, 0)
                if self.disk is not None and unsaved and (unsaved >= SAVE_EVERY or asked >= SAVE_EVERY):
                    _write_products(self.disk, self.prod)
                    self.saved = self.prod.height
            return self.prod

    def place_words(self, table: LineTable, places: np.ndarray) -> np.ndarray:
        """The product words of each row's line by its place in ``table.codes`` (-1: none, all
        zeros): an array of (``_pw*`` words, then ``_qw*``) x rows. Each place's words are
        taken from :meth:`product_words` once per process and table, then indexed (no text per row)."""
        with self.lock:
            entry = self.by_place.get(table.editions)
            if entry is None or entry[0] is not table.codes:
                entry = (table.codes, np.zeros(len(table.codes), dtype=bool),
                         np.zeros((2 * self.nwords, len(table.codes) + 1), dtype=np.uint64))
                self.by_place[table.editions] = entry
                while len(self.by_place) > 4:
                    self.by_place.pop(next(iter(self.by_place)))
            _codes, done, words = entry
            wanted = np.zeros(len(done), dtype=bool)
            wanted[places[places >= 0]] = True
            new = np.flatnonzero(wanted & ~done)
        if new.size:
            codes = table.code_text.gather(new)
            prod = self.product_words(codes)
            cols = [f"_pw{w}" for w in range(self.nwords)] + [f"_qw{w}" for w in range(self.nwords)]
            found = (pl.DataFrame({"_match_hts": codes}).join(prod, on="_match_hts", how="left", maintain_order="left")
                     .select(pl.col(cols).fill_null(0)).to_numpy().astype(np.uint64, copy=False))
            with self.lock:
                words[:, new] = found.T
                done[new] = True
        return words[:, places]  # (-1: the last column, zeros)

    def context_words(self, contexts: pl.DataFrame) -> np.ndarray:
        """The words ``_cw*`` of each (origin, date, program, loaded date, claim default) row of
        ``contexts`` (rows x words). The known contexts are found by a hash of their keys, searched
        in a sorted array and checked key by key, so that the cost grows with the contexts asked,
        not with the many known (a kept file may hold 100,000 and more)."""
        keys = _CONTEXT + ["_claim_default"]
        with self.lock:
            asked = contexts.height
            if self.ctx is None and self.ctx_disk is not None and not self.ctx_saved:
                self._set_contexts(_read_frame(self.ctx_disk, _CONTEXTS_MAGIC, self.context_schema()))
                self.ctx_saved = self.ctx.height if self.ctx is not None else -1
            if self.ctx is not None and self.ctx.height >= self.MAX_KEYS:
                self._set_contexts(None)
            at = self._context_places(contexts.select(keys))
            if (at < 0).any():
                todo = contexts.select(keys).filter(pl.Series(at < 0)).unique(maintain_order=True)
                new = (todo.with_columns([context_expr(self.policy, bm).alias(f"_c_{i}")
                                          for i, bm in enumerate(self.measures)])
                       .select(*keys, *_pack([f"_c_{i}" for i in range(len(self.measures))], "_cw")))
                self._set_contexts(new if self.ctx is None else pl.concat([self.ctx, new]))
                at = self._context_places(contexts.select(keys))
                if (at < 0).any():  # (never: each was just added)
                    raise RuntimeError("context words: a context added was not found again")
                unsaved = self.ctx.height - max(self.ctx_saved, 0)
                if self.ctx_disk is not None and unsaved and (unsaved >= SAVE_EVERY or asked >= SAVE_EVERY):
                    _write_frame(self.ctx_disk, _CONTEXTS_MAGIC, self.ctx)
                    self.ctx_saved = self.ctx.height
            return self.ctx.select(f"_cw{w}" for w in range(self.nwords)).gather(at).to_numpy().astype(
                np.uint64, copy=False).reshape(len(at), self.nwords)

    def _set_contexts(self, frame: pl.DataFrame | None) -> None:
        """Make ``frame`` the known contexts, with their sorted key hashes (the caller holds the lock)."""
        self.ctx = frame
        hashes = (frame.select(_CONTEXT + ["_claim_default"]).hash_rows(seed=0).to_numpy() if frame is not None
                  else np.empty(0, dtype=np.uint64))
        self.ctx_order = np.argsort(hashes, kind="stable")
        self.ctx_hashes = hashes[self.ctx_order]

    def _context_places(self, contexts: pl.DataFrame) -> np.ndarray:
        """The row of each context among the known ones (-1: not known)."""
        if self.ctx is None or not self.ctx.height or not contexts.height:
            return np.full(contexts.height, -1, dtype=np.int64)
        hashes = contexts.hash_rows(seed=0).to_numpy()
        pos = np.minimum(np.searchsorted(self.ctx_hashes, hashes), len(self.ctx_hashes) - 1)
        at = self.ctx_order[pos].astype(np.int64)
        same = self.ctx_hashes[pos] == hashes
        found = self.ctx.select(contexts.columns).gather(at)
        for name in contexts.columns:  # (a hash may be shared: the keys decide)
            same &= contexts.get_column(name).eq_missing(found.get_column(name)).to_numpy()
        return np.where(same, at, -1)

    def context_schema(self) -> dict:
        """The columns of :meth:`context_words`' frame."""
        return ({"origin_iso": pl.Utf8, "entry_date": pl.Date, "program": pl.Utf8, "loaded_date": pl.Date,
                 "_claim_default": pl.Boolean} | {f"_cw{w}": pl.UInt64 for w in range(self.nwords)})

    def signature(self, sig: tuple[int, ...], metal_class: int) -> dict:
        """The compiled (signature, metal class) (``stacking.compile_signature``); the caller
        holds :attr:`lock`."""
        if not self.sigs and self.sig_disk is not None and not self.sigs_saved:
            self.sigs = _read_signatures(self.sig_disk, self.nwords, len(self.measures))
            self.sigs_saved = len(self.sigs) or -1
        key = (sig, metal_class)
        hit = self.sigs.get(key)
        if hit is None:
            hit = self.sigs[key] = compile_signature(sig, metal_class, self.measures)
        return hit

    def headings(self, compiled: dict) -> str | None | object:
        """:func:`_signature_headings` of a compiled signature, worked out once (the caller
        holds :attr:`lock`)."""
        if "_heads" not in compiled:
            compiled["_heads"] = _signature_headings(compiled["layers"], self.measures)
        return compiled["_heads"]

    def keep_signatures(self) -> None:
        """Write the compiled signatures to disk once a quarter more (and at least 100) are
        new since the last write (the caller holds :attr:`lock`)."""
        unsaved = len(self.sigs) - max(self.sigs_saved, 0)
        if self.sig_disk is not None and unsaved >= max(100, max(self.sigs_saved, 0) // 4):
            _write_signatures(self.sig_disk, self.sigs)
            self.sigs_saved = len(self.sigs)


# new codes' product words that make the file on disk worth rewriting; a caller asking for this
# many codes (a batch's chunk) has its few new ones kept too, so that the next run does not
# resolve every product list again for them (a few hundred milliseconds)
SAVE_EVERY = 500
_MAGIC = b"tariffline product words 1\n"


def _kept_dir() -> Path | None:
    """The compiled policy's build directory, where a policy view's words and signatures are
    kept (None: not kept, e.g. editions named by a manifest, for which the compiled policy is
    not kept either)."""
    from tariffline.engine import policy_cache

    if os.environ.get(policy_cache.MANIFEST_SETTING):
        return None
    return policy_cache.compiled_dir() / policy_cache.stamp()


_UNSET: Any = object()  # (a directory not given: _kept_dir's)


def _products_file(policy: Policy, measures: list[BoundMeasure], directory: Path | None = _UNSET) -> Path | None:
    """Where the product words of this policy view are kept, in ``directory`` (default:
    :func:`_kept_dir`; None: not kept)."""
    directory = _kept_dir() if directory is _UNSET else directory
    if directory is None:
        return None
    scopes = repr([(bm.id, bm.measure.products) for bm in measures])
    key = hashlib.sha256(repr((policy.version, policy.as_known_on, scopes)).encode()).hexdigest()[:24]
    return directory / f"products-{key}.bin"


def _kept_file(policy: Policy, measures: list[BoundMeasure], kind: str, directory: Path | None = _UNSET
               ) -> Path | None:
    """Where the ``kind`` (contexts, signatures) of this policy view are kept (as
    :func:`_products_file`)."""
    directory = _kept_dir() if directory is _UNSET else directory
    if directory is None:
        return None
    key = hashlib.sha256(repr((policy.version, policy.as_known_on, [bm.id for bm in measures])).encode())
    return directory / f"{kind}-{key.hexdigest()[:24]}.bin"


_CONTEXTS_MAGIC = b"tariffline context words 1\n"
_SIGNATURES_MAGIC = b"tariffline signatures 1\n"


def _read_frame(path: Path, magic: bytes, schema: dict) -> pl.DataFrame | None:
    """The frame kept at ``path``, or None when missing, corrupt or not of ``schema``."""
    from tariffline.engine.edition_pack import read_sealed

    body = read_sealed(path, magic)
    if body is None:
        return None
    try:
        frame = pl.read_parquet(io.BytesIO(body))
    except pl.exceptions.PolarsError:
        return None
    return frame if dict(frame.schema) == schema else None


def _write_frame(path: Path, magic: bytes, frame: pl.DataFrame) -> None:
    """Keep ``frame`` at ``path`` (whole or not at all; an unwritable cache costs only speed)."""
    from tariffline.engine.edition_pack import write_sealed

    buf = io.BytesIO()
    frame.write_parquet(buf)
    try:
        write_sealed(path, magic, buf.getvalue())
    except OSError:
        pass


def _read_signatures(path: Path, nwords: int, nmeasures: int) -> dict[tuple, dict]:
    """The compiled signatures kept at ``path`` (JSON: plain numbers and flags), or none when
    the file is missing, corrupt or of another shape."""
    from tariffline.engine.edition_pack import read_sealed

    body = read_sealed(path, _SIGNATURES_MAGIC)
    if body is None:
        return {}
    try:
        entries = json.loads(body)
        places = [layer[0] for entry in entries for layer in entry[2]]
        if any(len(entry[0]) != nwords for entry in entries) or (
                places and not 0 <= min(places) <= max(places) < nmeasures):
            return {}
        return {(tuple(words), mc): {"layers": [tuple(layer) for layer in layers], "uses_ave": uses_ave,
                                     "metal_assumed": metal_assumed}
                for words, mc, layers, uses_ave, metal_assumed in entries}
    except (ValueError, TypeError, IndexError):
        return {}


def _write_signatures(path: Path, sigs: dict[tuple, dict]) -> None:
    from tariffline.engine.edition_pack import write_sealed

    body = json.dumps([[list(words), mc, c["layers"], c["uses_ave"], c["metal_assumed"]]
                       for (words, mc), c in sigs.items()]).encode()
    try:
        write_sealed(path, _SIGNATURES_MAGIC, body)
    except OSError:
        pass


def _read_products(path: Path, nwords: int) -> pl.DataFrame | None:
    """The product words kept at ``path``, or None when missing, corrupt or of another shape."""
    return _read_frame(path, _MAGIC, {"_match_hts": pl.Utf8} | {
        f"_{p}w{w}": pl.UInt64 for p in ("p", "q") for w in range(nwords)})


def _write_products(path: Path, frame: pl.DataFrame) -> None:
    """Keep ``frame`` at ``path`` (whole or not at all; an unwritable cache costs only speed)."""
    _write_frame(path, _MAGIC, frame)


_VIEWS: OrderedDict[tuple, _Compiled] = OrderedDict()
_VIEWS_LOCK = threading.Lock()


def compiled_view(policy: Policy, measures: list[BoundMeasure]) -> _Compiled:
    """The process-wide compiled view of ``policy`` (its version, as-known-on date, measures)."""
    key = (policy.version, policy.as_known_on, tuple(bm.id for bm in measures))
    with _VIEWS_LOCK:
        view = _VIEWS.get(key)
        if view is None:
            view = _VIEWS[key] = _Compiled(policy, measures)
            while len(_VIEWS) > 8:
                _VIEWS.popitem(last=False)
        _VIEWS.move_to_end(key)
        return view


def evaluate_by_signature(df: pl.DataFrame, policy: Policy, measures: list[BoundMeasure], table: LineTable, *,
                          texts: bool = True) -> tuple[pl.DataFrame, list[pl.LazyFrame]]:
    """``measures.evaluate`` by reach signature (see the module docstring); same columns out, and
    ``_heads``: the row's layers' headings joined by ";" (null when none). A row's product is its
    line, ``_line_code`` (its place in ``table.codes``, ``column1.locate_lines``).
    ``texts=False``: the layers' description, citation, legal status and history are null."""
    view = compiled_view(policy, measures)
    nwords = view.nwords
    words = view.place_words(table, df.get_column("_line_code").to_numpy())
    # contexts are told apart by the interval between the policy's change dates the entry date
    # falls in (each interval stands for all its days: see stacking.context_breaks), not by day;
    # each distinct context's words are found once, then indexed by the row's context number
    number, contexts = view.context_numbers(df)
    cwords = np.ascontiguousarray(view.context_words(contexts).T)[:, number]  # (words x rows)
    metal_class = (pl.when(pl.col("metal_value").is_null()).then(0)
                   .when(pl.col("metal_value") == 0).then(1)
                   .when(pl.col("metal_value") < pl.col("value")).then(2).otherwise(3)).cast(pl.Int8)
    ok, zero = pl.col("error").is_null(), pl.lit(0, dtype=pl.UInt64)
    # the work is done on the few columns it needs; the results are put beside df's at the end
    narrow = df.select("row_id", "error", "entry_date", "value", "metal_value", "c1_amount", "mfn_amount",
                       pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
    narrow = narrow.hstack([pl.Series(f"_{p}w{w}", words[k * nwords + w], dtype=pl.UInt64)
                            for k, p in enumerate(("p", "q")) for w in range(nwords)]
                           + [pl.Series(f"_cw{w}", cwords[w], dtype=pl.UInt64) for w in range(nwords)])
    rows = (narrow.lazy()
            .with_columns(
                *[pl.when(ok).then(pl.col(f"_pw{w}") & pl.col(f"_cw{w}")).otherwise(zero)
                  .fill_null(zero).alias(f"_s{w}") for w in range(nwords)],
                *[pl.when(ok).then(pl.col(f"_qw{w}") & pl.col(f"_cw{w}")).otherwise(zero)
                  .fill_null(zero).alias(f"_q{w}") for w in range(nwords)],
                metal_class.alias("_mc"))
            .drop([f"_{p}{w}" for p in ("pw", "qw", "cw") for w in range(nwords)])
            .collect(engine="in-memory"))
    sig_cols = [f"_s{w}" for w in range(nwords)] + ["_mc"]
    # most rows no measure reaches (three in four of the 2M ledger's): their signature is the
    # empty one of their metal class; only the others' are told apart by their words
    empty = rows.select(pl.all_horizontal(pl.col(c) == 0 for c in sig_cols[:-1])).to_series()
    reached = rows.select(sig_cols).filter(~empty)
    distinct, classes = reached.unique(), rows.select("_mc").filter(empty).unique()
    sigs = pl.concat([distinct, classes.select(*[pl.lit(0, dtype=pl.UInt64).alias(c) for c in sig_cols[:-1]], "_mc")])
    with view.lock:
        compiled = [view.signature(tuple(r[:-1]), r[-1]) for r in sigs.iter_rows()]
        view.keep_signatures()
        heads = [view.headings(c) for c in compiled]
    sigs = sigs.with_columns(
        pl.Series("_sig", range(sigs.height), dtype=pl.Int32),
        pl.Series("_uses_mfn_ave", [c["uses_ave"] for c in compiled], dtype=pl.Boolean),
        pl.Series("_metal_assumed", [c["metal_assumed"] for c in compiled], dtype=pl.Boolean),
        pl.Series("_varies", [h is _VARIES for h in heads], dtype=pl.Boolean),
        pl.Series("_sig_heads", [None if h is _VARIES else h for h in heads], dtype=pl.Utf8))
    sig_layers = pl.DataFrame(
        [(k, o, i, a, b) for k, c in enumerate(compiled) for o, (i, a, b) in enumerate(c["layers"])],
        schema={"_sig": pl.Int32, "_ord": pl.Int32, "_m": pl.Int32, "_a": pl.Float64, "_b": pl.Float64},
        orient="row")
    # each row's signature: by its metal class if empty, else by a join on its words (on those rows only)
    by_class = np.zeros(4, dtype=np.int64)  # (metal classes are 0-3)
    by_class[classes.get_column("_mc").to_numpy()] = np.arange(distinct.height, sigs.height)
    number = by_class[rows.get_column("_mc").to_numpy()]
    if reached.height:
        number[~empty.to_numpy()] = reached.join(distinct.with_row_index("_k"), on=sig_cols, how="left",
                                                 maintain_order="left").get_column("_k").to_numpy()
    rows = rows.hstack(sigs.drop(sig_cols).select(pl.all().gather(number)))
    rows = rows.hstack([_partial(rows, measures, nwords)])

    charged = np.array([bool(c["layers"]) for c in compiled] + [False])[np.where(number >= 0, number, -1)]
    layers = _layers(rows.select(_LAYER_INPUTS).filter(pl.Series(charged)), sig_layers, policy, view,
                     texts)  # (the rows charged a layer, three in four of a random ledger's being charged none)
    pos = layers.get_column("_pos").to_numpy()
    # each row's layers' amounts added in their order (from 0.0, as a sum is; a null as 0.0)
    extra = np.bincount(pos, weights=layers.get_column("amount").fill_null(0.0).to_numpy(), minlength=rows.height)
    # a row's headings are its signature's, but where a rate depends on the row (a heading for
    # no duty when it comes to 0): those rows' are joined from their own layers
    heads = rows.get_column("_sig_heads")
    varies = rows.get_column("_varies").fill_null(False).to_numpy()
    if varies.any():
        own = (layers.filter(pl.Series(varies[pos])).group_by("_pos", maintain_order=True)
               .agg(pl.col("heading").drop_nulls())
               .select("_pos", pl.when(pl.col("heading").list.len() > 0).then(pl.col("heading").list.join(";"))))
        heads = heads.clone().scatter(own.get_column("_pos"), own.get_column("heading"))
    added = rows.select(pl.Series("_extra", extra, dtype=pl.Float64), "_uses_mfn_ave", "_metal_assumed", "_partial",
                        heads.alias("_heads"))
    return df.drop("_claim_default").hstack(added), [layers.drop("_pos").lazy()]


def _day_series(name: str, place: np.ndarray, starts: np.ndarray) -> pl.Series:
    """``starts[place]`` as dates (null where ``place`` is -1)."""
    out = pl.Series(name, np.append(starts, 0)[place], dtype=pl.Int32).cast(pl.Date)
    return out if not (place < 0).any() else out.scatter(np.flatnonzero(place < 0), None)


_VARIES = object()  # a signature whose layers' headings depend on the row


def _signature_headings(layers: list[tuple], measures: list[BoundMeasure]) -> str | None | object:
    """The headings of a compiled signature's layers joined by ";" as :func:`_layers` gives them
    (a layer's rate at or below 0 shows its heading for no duty), None when none has one, or
    ``_VARIES`` when a rate depends on the row (inclusive and capped rules)."""
    out = []
    for i, _a, _b in layers:
        m = measures[i].measure
        code = RATE_CODE[m.rate.type]
        if code in (2, 3):
            return _VARIES
        rate = m.rate.value if code == 0 else 0.0
        heading = (m.heading_when_no_duty or m.heading) if rate is not None and rate <= 0 else m.heading
        if heading is not None:
            out.append(heading)
    return ";".join(out) if out else None


def _partial(rows: pl.DataFrame, measures: list[BoundMeasure], nwords: int) -> pl.Series:
    """``_partial`` of each row (:func:`_partial_headings`), worked out on the few rows whose
    code only some of a measure's statistical lines share (null on the others)."""
    qcols = [f"_q{w}" for w in range(nwords)]
    some = rows.select(pl.any_horizontal(pl.col(c) != 0 for c in qcols)).to_series()
    out = pl.repeat(None, rows.height, dtype=pl.Utf8, eager=True).alias("_partial")
    if not some.any():
        return out
    words = rows.filter(some).select(qcols)
    found = words.join(_partial_headings(words, measures, nwords), on=qcols, how="left", maintain_order="left")
    return out.scatter(some.arg_true(), found.get_column("_partial"))


def _partial_headings(rows: pl.DataFrame, measures: list[BoundMeasure], nwords: int) -> pl.DataFrame:
    """Partial-scope words -> ``_partial``: headings of the measures reaching only some lines of
    the code, sorted and comma-separated (null when none)."""
    qcols = [f"_q{w}" for w in range(nwords)]
    distinct = rows.select(qcols).unique()
    texts = []
    for r in distinct.iter_rows():
        names = {measures[i].measure.heading or measures[i].id for i in range(len(measures))
                 if r[i // 64] >> (i % 64) & 1}
        texts.append(", ".join(sorted(names)) or None)
    return distinct.with_columns(pl.Series("_partial", texts, dtype=pl.Utf8))


_LAYER_INPUTS = ["row_id", "_pos", "_sig", "value", "metal_value", "c1_amount", "mfn_amount", "entry_date"]


def _layers(rows: pl.DataFrame, sig_layers: pl.DataFrame, policy: Policy, view: _Compiled, texts: bool
            ) -> pl.DataFrame:
    """One row per (row, charged measure) in stacking order, with rate, base and amount, and the
    row's place (``_pos``); ``rows``: the columns :data:`_LAYER_INPUTS`."""
    metal = pl.coalesce(pl.col("metal_value"), pl.col("value"))
    ref = pl.when(pl.col("_ref_mfn")).then(pl.col("mfn_amount")).otherwise(pl.col("c1_amount")) / pl.col("value")
    rate = (pl.when(pl.col("_rcode") == 0).then(pl.col("_rv"))
            .when(pl.col("_rcode") == 2).then(pl.max_horizontal(pl.lit(0.0), pl.col("_rt") - ref))
            .when(pl.col("_rcode") == 3).then(
                pl.min_horizontal(pl.col("_rv"), pl.max_horizontal(pl.lit(0.0), pl.col("_rcap") - ref)))
            .otherwise(pl.lit(0.0)))
    # the bases a signature can give (see stacking.compile_signature), computed as the chain computes them
    base = (pl.when(pl.col("_b") == 0).then(pl.col("value"))
            .when(pl.col("_a") == 1).then(pl.col("value") - metal)
            .otherwise(metal))
    cutoff = pl.lit(policy.as_known_on, dtype=pl.Date) if policy.as_known_on else pl.col("entry_date")
    lay = (rows.lazy()
           .join(sig_layers.lazy(), on="_sig", how="inner", maintain_order="left_right")
           .join((view.table if texts else view.table.drop("description", "citation")).lazy(), on="_m",
                 how="left", maintain_order="left")
           .with_columns(rate.alias("rate"), base.alias("base_value"), cutoff.alias("_cut"))
           .with_columns((pl.col("rate") * pl.col("base_value")).alias("amount"),
                         pl.when(pl.col("rate") <= 0).then(pl.col("_heading_free"))
                         .otherwise(pl.col("_heading")).alias("heading"))
           .collect(engine="in-memory"))
    steps = view.steps
    if not texts:
        lay = lay.with_columns(*[pl.lit(None, dtype=pl.Utf8).alias(c) for c in
                                 ("description", "citation", "legal_status", "legal_history")])
    elif steps.height:
        lay = (lay.with_row_index("_i").sort("_cut")
               .join_asof(steps.sort("_from"), left_on="_cut", right_on="_from", by="_m", strategy="backward",
                          check_sortedness=False)
               .sort("_i").drop("_i", "_from"))
    else:
        lay = lay.with_columns(pl.lit(None, dtype=pl.Utf8).alias("legal_status"),
                               pl.lit(None, dtype=pl.Utf8).alias("legal_history"))
    return lay.select(
        "row_id", "authority", "measure_id", "heading", "description", "rate", "base_value",
        "value_base", "amount", "citation",
        pl.col("legal_status").fill_null("in_force"), pl.col("legal_history").fill_null(""),
        "confidence", "_pos")
