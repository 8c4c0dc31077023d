"""The HTS editions on hand as one deduplicated line table, built once and kept in the cache.

The 53 editions on hand hold about 1.6 million (edition, code) lines but only about 64,000
distinct lines (a line's code, texts, parsed rates and special-program text), because most lines
do not change between revisions. The table keeps:

- ``codes``: every code that is a line (or has 10-digit lines) in some covered edition, as
  :func:`line_key` of edition 0, sorted: a row's code is found by a binary search;
- ``grid``: (code x edition place) -> ``cid`` of that line's content (-1: not a line there);
- ``child_grid``: (8-digit code x edition place) -> place in ``codes`` of its first 10-digit line
  (an 8-digit code printed only as statistical lines is answered from it);
- ``contents``: one row per distinct line (``cid`` is its position), with the columns the engine
  reads and the canonical keys of their units;
- ``special``: the special-program rates of each content (``cid``, ``program``, ``pref_*``), read
  from one edition holding it (the rates are parsed from the line's effective special text, so
  equal contents have equal special rates).

The table covers the editions the rows need plus every edition already parsed in the cache (so
that it is the same table from one run to the next); a later need for another edition rebuilds it
over the union. It is written to ``<cache>/linetable/<key>/`` atomically, keyed by each edition's
name, place in the calendar and parsed manifest (whose SHA-256s name the parsed tables), with
the files' own SHA-256s checked on load; a bad or stale copy is rebuilt, and a read-only cache
costs only speed (ASSUMPTIONS EN-90).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tariffline.data import store
from tariffline.engine.quantities import with_unit_keys
from tariffline.errors import DataError
from tariffline.hts.editions import EditionInfo, editions
from tariffline.hts.loader import (
    MANIFEST,
    _parsed_dir_for,
    _source_sha,
    parsed_dirs,
    scan_parsed,
)

FORMAT = "linetable-2"  # bump when the table's layout or build changes
RATE_COLS = ("adv", "adv_partial", "specific", "specific_unit", "specific2", "specific2_unit", "kind",
             "approx", "parse_error")
LINE_SELECT = (["hts", "hts_dotted", "level", "description",
                pl.col("eff_general_text").alias("general_text"),
                pl.col("eff_column2_text").alias("column2_text")]
               + [f"{side}_{c}" for side in ("gen", "col2") for c in RATE_COLS])
# the columns of a line content, as the engine names them
LINE_COLUMNS = (["hts", "hts_dotted", "level", "description", "general_text", "column2_text"]
                + [f"{side}_{c}" for side in ("gen", "col2") for c in RATE_COLS]
                + [f"{side}_{c}_key" for side in ("gen", "col2") for c in ("specific_unit", "specific2_unit")])
LINE_UNITS = ["gen_specific_unit", "gen_specific2_unit", "col2_specific_unit", "col2_specific2_unit"]
_TABLES = ("codes", "grid", "child_grid", "contents", "special")
_SPAN = 10_000_000_000  # line_key: code number below this; edition place and 10-digit bit above


def _split_code(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code number, has 10 digits) of code keys of edition 0 (see :func:`line_key`)."""
    ten = codes >= np.uint64(_SPAN)
    return codes - np.uint64(_SPAN) * ten, ten


def _simple_rate(prefix: str) -> pl.Expr:
    """``_simple``: the rate ``prefix`` is its percentages alone (no specific part, as
    ``quantities.specific_part`` reads one; a kind that is computed, not a reference or text)."""
    c = pl.col
    return (~(c(f"{prefix}_specific").fill_null(0.0) > 0) & ~(c(f"{prefix}_specific2").fill_null(0.0) > 0)
            & c(f"{prefix}_kind").is_not_null() & ~c(f"{prefix}_kind").is_in(["reference", "text"])).alias("_simple")


def line_key(edition_index: pl.Expr, code: pl.Expr) -> pl.Expr:
    """One integer per (edition, HTS code): joins and searches on it are far cheaper than on two
    strings. 8- and 10-digit codes get different keys (``01012100`` is not ``0101210000``)."""
    ten = (code.str.len_chars() == 10).cast(pl.UInt64)
    return (edition_index.cast(pl.UInt64) * 2 + ten) * _SPAN + code.cast(pl.UInt64, strict=False)


def _grid_at(grid: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``grid[rows, columns]`` where both are >= 0, else -1: read only at those cells (flat
    indices; a place of -1 is most of the rows when a code is looked up as its parent or child)."""
    out = np.full(len(rows), -1, dtype=np.int64)
    at = np.flatnonzero((rows >= 0) & (columns >= 0))
    if at.size:
        out[at] = grid.ravel()[rows[at] * grid.shape[1] + columns[at]]
    return out


@dataclass(frozen=True)
class LineTable:
    """See the module docstring. ``codes``: every code (as :func:`line_key` of edition 0) that is
    a line, or has 10-digit lines, in some covered edition, sorted, with ``code_text`` its digits;
    ``grid[code, edition place]``: the ``cid`` of that line (-1: not a line there);
    ``child_grid``: the place in ``codes`` of an 8-digit code's first 10-digit line (-1: none)."""

    editions: frozenset[str]
    contents: pl.DataFrame
    special: pl.DataFrame
    codes: np.ndarray
    code_text: pl.Series
    grid: np.ndarray
    child_grid: np.ndarray

    def code_places(self, codes: pl.Series) -> np.ndarray:
        """Place of each code (8 or 10 digits, text) in ``codes`` (-1: unknown or null)."""
        return self._places_of(pl.select(line_key(pl.lit(0), pl.lit(codes)).fill_null(0)).to_series().to_numpy())

    def code_places_keyed(self, codes: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
        """(:meth:`code_places`, each code's first 8 digits as a key for :meth:`parent_places`, or
        None when a code has neither 8 nor 10 digits): the codes are read as numbers once."""
        if not codes.str.len_chars().is_in([8, 10]).fill_null(True).all():
            return self.code_places(codes), None
        probe = pl.select(line_key(pl.lit(0), pl.lit(codes)).fill_null(0)).to_series().to_numpy()
        number, ten = _split_code(probe)
        return self._places_of(probe), np.where(ten, number // np.uint64(100), probe)

    def parent_places(self, codes: pl.Series, parents: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
        """Place of the first 8 digits of each code at ``rows`` (a mask; -1 elsewhere), by the
        keys :meth:`code_places_keyed` gave (looked up on those rows only)."""
        out = np.full(len(codes), -1, dtype=np.int64)
        if rows.any():
            out[rows] = (self._places_of(parents[rows]) if parents is not None
                         else self.code_places(codes.filter(pl.Series(rows)).str.slice(0, 8)))
        return out

    @functools.cached_property
    def general_simple(self) -> pl.DataFrame:
        """Per content row: the General rate's percentage columns and whether they are the
        whole rate (:func:`_simple_rate`; ``column1._rate_duty``)."""
        return self.contents.select("gen_adv", "gen_adv_partial", "gen_approx", _simple_rate("gen"))

    @functools.cached_property
    def special_simple(self) -> pl.DataFrame:
        """Per ``special`` row: the preference rate's percentage columns, whether they are the
        whole rate, and ``_parsed`` (the rate text was read)."""
        return self.special.select("pref_adv", "pref_adv_partial", "pref_approx", _simple_rate("pref"),
                                   pl.col("pref_parse_error").is_null().alias("_parsed"))

    @functools.cached_property
    def coded_texts(self) -> pl.DataFrame:
        """``hts_dotted`` and ``description`` of each content row as Categorical, made once: a
        row's are then a gather of numbers (the batch's coded output, ``column1.locate_lines``)."""
        return self.contents.select(pl.col("hts_dotted", "description").cast(pl.Categorical))

    @functools.cached_property
    def _code_places(self) -> pl.DataFrame:
        return pl.DataFrame({"_k": self.codes, "_p": np.arange(len(self.codes), dtype=np.int64)})

    def _places_of(self, probe: np.ndarray) -> np.ndarray:
        """Place of each code key in ``codes`` (-1: none), by a hash join (3x a binary search's speed)."""
        found = (pl.DataFrame({"_k": probe}).join(self._code_places, on="_k", how="left", maintain_order="left")
                 .get_column("_p").fill_null(-1).to_numpy())
        return np.where(probe > 0, found, -1)

    @functools.cached_property
    def _special_grid(self) -> tuple[dict[str, int], np.ndarray]:
        """(program -> number, the ``special`` row of each ``cid * programs + number``, -1 where
        the line has no rate for the program): one array of contents x programs (64,394 x 35
        int32 for every edition: 9 MB), so that a row's rate is found by indexing it."""
        programs = {p: i for i, p in enumerate(sorted(self.special.get_column("program").unique().drop_nulls()))}
        keys = self.special.select(pl.col("_cid").cast(pl.Int64) * len(programs) + pl.col("program").replace_strict(
            programs, return_dtype=pl.Int64)).to_series().to_numpy()
        grid = np.full(self.contents.height * len(programs), -1, dtype=np.int32)
        rows = np.arange(len(keys), dtype=np.int32)
        grid[keys[::-1]] = rows[::-1]  # (a key given twice keeps its first row)
        return programs, grid

    def special_rows(self, cids: pl.Series, programs: pl.Series) -> np.ndarray:
        """The ``special`` row of each (``cid``, program) (-1: the line has no rate for the
        program, or either is null or unknown), by indexing :attr:`_special_grid`."""
        number, grid = self._special_grid
        if not grid.size:
            return np.full(len(cids), -1, dtype=np.int64)
        code = programs.replace_strict(number, default=-1, return_dtype=pl.Int64).to_numpy()
        cid = cids.cast(pl.Int64).fill_null(-1).to_numpy()
        ok = (code >= 0) & (cid >= 0) & (cid < self.contents.height)
        return np.where(ok, grid[np.where(ok, cid * len(number) + code, 0)], -1).astype(np.int64)

    def cids(self, places: np.ndarray, edition: np.ndarray) -> np.ndarray:
        """``cid`` of each (code place, edition place) (-1 where either is -1 or no line)."""
        return _grid_at(self.grid, places, edition)

    def first_children(self, places: np.ndarray, edition: np.ndarray) -> np.ndarray:
        """Place in ``codes`` of the first 10-digit line of each 8-digit code in the edition (-1: none)."""
        return _grid_at(self.child_grid, places, edition)

    def nearest(self, places: np.ndarray, days: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Place of the edition nearest in time to each day (days since 1970) holding each code as
        a line (ties: the later edition; -1: none holds it). ``starts``/``ends``: each edition
        place's window (``ends`` exclusive, a huge number when open)."""
        holds = self.grid[np.where(places >= 0, places, 0)] >= 0
        holds[places < 0] = False
        d = days[:, None]
        far = np.where(d < starts[None, :], starts[None, :] - d, np.where(d >= ends[None, :], d - ends[None, :] + 1, 0))
        far = np.where(holds, far, np.iinfo(np.int64).max)
        best = holds.shape[1] - 1 - np.argmin(far[:, ::-1], axis=1)  # the later edition on a tie
        return np.where(holds.any(axis=1), best, -1)


_LOCK = threading.Lock()
_CURRENT: dict[tuple, LineTable] = {}


def line_table(needed: list[str]) -> LineTable:
    """The process's line table, covering at least the editions named in ``needed``."""
    infos = editions()
    with _LOCK:
        pool = tuple(infos)
        table = _CURRENT.get(pool)
        if table is not None and set(needed) <= table.editions:
            return table
        covered = set(needed) | (table.editions if table else set())
        covered |= {e.name for e in infos if e.dataset and parsed_dir_if_parsed(e) is not None}
        table = _load_or_build([e for e in infos if e.name in covered], infos)
        _CURRENT.clear()
        _CURRENT[pool] = table
        return table


def parsed_dir_if_parsed(info: EditionInfo) -> Path | None:
    """The directory of a registered edition's parsed tables if they have been written (checked
    by its manifest's presence only; :func:`parsed_dirs` verifies them), else None. (Defined
    here, not in the loader, whose source is part of the parsed cache's key.)"""
    sha = _source_sha(info)
    if sha is None:
        return None
    directory = _parsed_dir_for(sha)
    return directory if (directory / MANIFEST).is_file() else None


def _identity(chosen: list[EditionInfo], infos: list[EditionInfo], verify: bool) -> tuple[str, list[tuple]]:
    """(cache key, [(name, place, parsed directory)]) of the editions ``chosen``. ``verify``: check
    every parsed edition against its manifest (parsing again any that fails), as a build must;
    otherwise only those not yet parsed are parsed (a table already built needs no more)."""
    place = {e.name: i for i, e in enumerate(sorted(infos, key=lambda e: e.effective_from))}
    dirs = {} if verify else {e.name: d for e in chosen if (d := parsed_dir_if_parsed(e)) is not None}
    dirs |= parsed_dirs([e for e in chosen if e.name not in dirs])  # parses what is missing or bad
    entries, h = [], hashlib.sha256(FORMAT.encode())
    for e in sorted(chosen, key=lambda e: place[e.name]):
        directory = dirs[e.name]
        try:
            manifest = (directory / MANIFEST).read_text()
        except OSError as exc:
            raise DataError(f"parsed HTS edition {e.name!r} at {directory} cannot be read: {exc}") from None
        h.update(json.dumps([e.name, place[e.name], manifest]).encode())
        entries.append((e.name, place[e.name], directory))
    return h.hexdigest()[:24], entries


def _load_or_build(chosen: list[EditionInfo], infos: list[EditionInfo]) -> LineTable:
    key, entries = _identity(chosen, infos, verify=False)
    names = frozenset(n for n, _, _ in entries)
    tables = _read(store.cache_dir() / "linetable" / key)
    if tables is None:  # build from verified editions (a bad one is parsed again, so its key may change)
        key, entries = _identity(chosen, infos, verify=True)
        where = store.cache_dir() / "linetable" / key
        tables = _read(where)
        if tables is None:
            tables = _build(entries, len(infos))
            _write(where, tables)
    return _from_tables(names, tables, len(infos))


def _from_tables(names: frozenset[str], tables: dict[str, pl.DataFrame], places: int) -> LineTable:
    codes = tables["codes"].get_column("code").to_numpy()
    shape = (len(codes), places)
    return LineTable(editions=names, contents=tables["contents"], special=tables["special"].rename({"cid": "_cid"}),
                     codes=codes, code_text=_code_text(codes),
                     grid=tables["grid"].get_column("cid").to_numpy().reshape(shape),
                     child_grid=tables["child_grid"].get_column("child").to_numpy().reshape(shape))


def _grids(keys: pl.DataFrame, children: pl.DataFrame, places: int) -> dict[str, pl.DataFrame]:
    """The (code x edition place) grids of ``cid`` and of first children, as stored."""
    span = np.uint64(2 * _SPAN)  # (a Python int here would make numpy compute on objects)
    k = keys.get_column("_k").to_numpy()
    ck, ei = k % span, (k // span).astype(np.int64)
    c = children.get_column("_k").to_numpy()
    cck, cei = c % span, (c // span).astype(np.int64)
    child_code = pl.select(line_key(pl.lit(0), pl.lit(children.get_column("_child")))).to_series().to_numpy()
    codes = np.unique(np.concatenate([ck, cck]))
    grid = np.full((len(codes), places), -1, dtype=np.int32)
    grid[np.searchsorted(codes, ck), ei] = keys.get_column("cid").to_numpy()
    child_grid = np.full((len(codes), places), -1, dtype=np.int32)
    child_grid[np.searchsorted(codes, cck), cei] = np.searchsorted(codes, child_code)
    return {"codes": pl.DataFrame({"code": codes}), "grid": pl.DataFrame({"cid": grid.ravel()}),
            "child_grid": pl.DataFrame({"child": child_grid.ravel()})}


def _code_text(codes: np.ndarray) -> pl.Series:
    """The digits of each code key (8 or 10 digits, leading zeros kept)."""
    number, ten = _split_code(codes)
    text = pl.Series(number).cast(pl.Utf8)
    return pl.select(pl.when(pl.lit(pl.Series(ten))).then(text.str.zfill(10)).otherwise(text.str.zfill(8))
                     ).to_series().alias("")


def _read(where: Path) -> dict[str, pl.DataFrame] | None:
    """The tables at ``where`` if present and matching their manifest, else None."""
    try:
        manifest = json.loads((where / MANIFEST).read_text())
        out = {}
        for t in _TABLES:
            data = (where / f"{t}.parquet").read_bytes()
            if store.sha256(data) != manifest.get(t):
                return None
            out[t] = pl.read_parquet(data)
        return out
    except (OSError, ValueError, AttributeError, pl.exceptions.PolarsError):
        return None


def _write(where: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write the tables and their manifest into a temporary directory, then rename it into place
    (replacing a copy already there, which failed its check or is another process's equal one;
    a read-only cache is not an error)."""
    tmp: Path | None = None
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=where.parent, prefix=where.name + ".", suffix=".tmp"))
        manifest = {}
        for t, frame in tables.items():
            path = tmp / f"{t}.parquet"
            frame.write_parquet(path)
            manifest[t] = store.sha256(path.read_bytes())
        (tmp / MANIFEST).write_text(json.dumps(manifest))
        if where.exists():
            shutil.rmtree(where, ignore_errors=True)  # a copy that failed its check
        os.replace(tmp, where)
        tmp = None
        _prune(where)
    except OSError:
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


KEEP = 3  # line tables kept in the cache (each covers a set of editions: older sets are replaced)


def _prune(keep: Path) -> None:
    """Remove all but the :data:`KEEP` newest tables beside ``keep`` (never ``keep`` itself)."""
    others = sorted((p for p in keep.parent.iterdir() if p.is_dir() and p != keep and not p.name.endswith(".tmp")),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def verified(name: str, directory: Path, table: str) -> pl.LazyFrame:
    """A lazy scan of one parsed table of an edition, verified against its manifest."""
    scan = scan_parsed(directory, table)
    if scan is None:
        raise DataError(f"parsed HTS edition {name!r} at {directory} fails verification; run again to rebuild it")
    return scan


def _build(entries: list[tuple], places: int) -> dict[str, pl.DataFrame]:
    """Read each edition's verified lines once and deduplicate them (see the module docstring)."""
    frames = []
    for name, place, directory in entries:
        frames.append(verified(name, directory, "lines").select(*LINE_SELECT, "eff_special_text", pl.lit(place, dtype=pl.Int64).alias("_ei"))
                      .collect())
    every = pl.concat(frames, how="vertical_relaxed")
    content_cols = [c for c in every.columns if c != "_ei"]
    every = every.with_columns(pl.struct(content_cols).hash().alias("_ch"))
    contents = every.unique(subset=content_cols, keep="first", maintain_order=True)
    if contents.get_column("_ch").n_unique() != contents.height:  # a 64-bit hash collision
        raise DataError("HTS line table: two distinct lines share a hash; report this")
    contents = contents.with_row_index("cid").with_columns(pl.col("cid").cast(pl.Int32))
    keys = (every.select(line_key(pl.col("_ei"), pl.col("hts")).alias("_k"), "_ch")
            .join(contents.select("_ch", "cid"), on="_ch", how="left").select("_k", "cid")
            .unique(subset="_k", keep="first").sort("_k"))
    children = (every.filter(pl.col("hts").str.len_chars() == 10)
                .sort("hts").group_by("_ei", pl.col("hts").str.slice(0, 8).alias("_k8"), maintain_order=True)
                .agg(pl.col("hts").first().alias("_child"))
                .select(line_key(pl.col("_ei"), pl.col("_k8")).alias("_k"), "_child"))
    special = []
    by_place = {place: (name, directory) for name, place, directory in entries}
    for place, reps in contents.select("cid", "_ei", "hts").partition_by("_ei", as_dict=True).items():
        name, directory = by_place[place[0]]
        special.append(verified(name, directory, "special").select("hts", "program", *[pl.col(c).alias(f"pref_{c}") for c in RATE_COLS])
                       .join(reps.lazy().select("hts", "cid"), on="hts", how="inner").drop("hts").collect())
    special = with_unit_keys(pl.concat(special).sort("cid", "program"),
                             ["pref_specific_unit", "pref_specific2_unit"])
    contents = with_unit_keys(contents.drop("_ch", "_ei", "eff_special_text"), LINE_UNITS).drop("cid")
    return {"contents": contents, "special": special, **_grids(keys, children, places)}
