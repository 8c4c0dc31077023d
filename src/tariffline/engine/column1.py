"""Column 1: the ordinary duty of each row — MFN (General), Column 2, or a claimed preference.

For each row the HTS edition in force on the entry date is used (the nearest edition on hand,
flagged, when none covers the date; after the last full edition, the revision in force known only
from its change record is named in the flag). Lines are found in the deduplicated line table of
the editions on hand (:mod:`tariffline.engine.line_table`, built once and cached): exactly; else a
10-digit code's 8-digit parent in the same edition; else the code in another edition (flagged).
Preferences the origin qualifies for on the date are claimed by default (the lowest duty), as
an importer would; ``program='none'`` on a row, or ``claim_preferences=False``, declines them.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable

import numpy as np
import polars as pl

from tariffline.engine.days import distinct_days
from tariffline.engine.distinct import first_rows
from tariffline.engine.line_table import (
    LINE_COLUMNS,
    LINE_SELECT,
    LINE_UNITS,
    RATE_COLS,
    LineTable,
    line_table,
    verified,
)
from tariffline.engine.line_table import line_key as _key
from tariffline.engine.measures import program_open_expr
from tariffline.engine.quantities import specific_part, with_unit_keys
from tariffline.engine.rare import where_needed
from tariffline.errors import DataError
from tariffline.hts.editions import EditionInfo, editions, editions_for
from tariffline.hts.loader import parsed_dirs, parsed_stamp
from tariffline.policy.loader import Policy


def calendar() -> pl.DataFrame:
    """Every edition on hand with its in-force window (nothing is loaded), oldest first."""
    return _calendar(tuple(editions()))


@functools.lru_cache(maxsize=4)
def _calendar(infos: tuple[EditionInfo, ...]) -> pl.DataFrame:
    return pl.DataFrame({
        "edition": [e.name for e in infos],
        "effective_from": [e.effective_from for e in infos],
        "effective_to": [e.effective_to for e in infos],
        "edition_label": [e.edition for e in infos],
    }, schema={"edition": pl.Utf8, "effective_from": pl.Date, "effective_to": pl.Date,
               "edition_label": pl.Utf8}).sort("effective_from", maintain_order=True)


@functools.lru_cache(maxsize=128)
def _edition_full(name: str, directory, _stamp: tuple, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(lines, special) of one edition with unit keys and line keys ``_k`` (see :func:`_key`), as
    the single-lookup path (:mod:`tariffline.engine.scalar`) reads them; ``index`` is the
    edition's place in the calendar."""
    lines, special = verified(name, directory, "lines"), verified(name, directory, "special")
    try:
        lines = lines.select(*LINE_SELECT).collect()
        special = special.select("hts", "program",
                                 *[pl.col(c).alias(f"pref_{c}") for c in RATE_COLS]).collect()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"parsed HTS edition {name!r} at {directory} cannot be read: {exc}") from None
    key = _key(pl.lit(index, dtype=pl.UInt64), pl.col("hts")).alias("_k")
    return (with_unit_keys(lines, LINE_UNITS).with_columns(key),
            with_unit_keys(special, ["pref_specific_unit", "pref_specific2_unit"]).with_columns(key))


@functools.lru_cache(maxsize=4)
def _days_memo(_pool: tuple[EditionInfo, ...]) -> dict:
    """day -> edition used, filled as days are asked (one memo per set of editions on hand)."""
    return {}


_DAYS_LOCK = threading.Lock()  # guards _day_places' tables (batch chunks are computed in threads)
_EPOCH = dt.date(1970, 1, 1)
_DAY_SPAN = ((dt.date(1900, 1, 1) - _EPOCH).days, (dt.date(2200, 1, 1) - _EPOCH).days)  # days kept in arrays


class _DayTable:
    """Day number -> (edition place, note number), filled as days are asked: arrays over the days
    of :data:`_DAY_SPAN` (read by indexing, 110,000 days in 1.3 MB), and the notes owed when the
    edition used is not the one in force, numbered (0: none)."""

    def __init__(self) -> None:
        size = _DAY_SPAN[1] - _DAY_SPAN[0]
        self.known = np.zeros(size, dtype=bool)
        self.place = np.full(size, -1, dtype=np.int32)
        self.note = np.zeros(size, dtype=np.int32)
        self.notes: dict[str | None, int] = {None: 0}


@functools.lru_cache(maxsize=4)
def _day_places(_pool: tuple[EditionInfo, ...]) -> _DayTable:
    """The :class:`_DayTable` of a set of editions on hand (its :func:`_days_memo` as numbers)."""
    return _DayTable()


def _edition_per_row(dates: pl.Series, names: pl.Series) -> tuple[np.ndarray, np.ndarray, pl.Series, pl.Series]:
    """(edition place, note number, edition, note) of each entry date (``names``: the editions
    in calendar order): chosen once per distinct day and spread to the rows by position
    (-1, 0 and null where there is no date); the edition and note as Categorical (gathered by
    number: no text per row)."""
    pool = tuple(editions())
    table = _day_places(pool)
    editions_on = _days_memo(pool)
    seen, which = distinct_days(dates)
    index = {n: i for i, n in enumerate(names)}
    inside = (seen >= _DAY_SPAN[0]) & (seen < _DAY_SPAN[1])
    with _DAYS_LOCK:  # (a note's number is given once)
        at = seen[inside] - _DAY_SPAN[0]
        todo = seen[~inside | ~table.known[np.where(inside, seen - _DAY_SPAN[0], 0)]].tolist()
        days = [_EPOCH + dt.timedelta(days=x) for x in todo]
        asked = [d for d in days if d not in editions_on]
        editions_on.update(zip(asked, editions_for(asked, list(pool)) if asked else []))
        chosen = {}
        for x, d in zip(todo, days):
            e = editions_on[d]
            chosen[x] = (index.get(e.name, -1), table.notes.setdefault(e.note or None, len(table.notes)))
        for x, (place_of, note_of) in chosen.items():
            if _DAY_SPAN[0] <= x < _DAY_SPAN[1]:
                table.place[x - _DAY_SPAN[0]], table.note[x - _DAY_SPAN[0]] = place_of, note_of
                table.known[x - _DAY_SPAN[0]] = True
        per_day = np.empty((len(seen) + 1, 2), dtype=np.int64)
        per_day[:-1][inside, 0], per_day[:-1][inside, 1] = table.place[at], table.note[at]
        texts = list(table.notes)
    for i in np.flatnonzero(~inside):  # (days outside the arrays' span: as chosen above)
        per_day[i] = chosen[int(seen[i])]
    per_day[-1] = (-1, 0)  # (no date)
    place, note = per_day[which, 0], per_day[which, 1]
    edition = names.cast(pl.Categorical).gather(_places(place)).alias("edition")
    return place, note, edition, pl.Series("_note_edition", texts, dtype=pl.Utf8).cast(pl.Categorical).gather(note)


def code_index() -> pl.DataFrame:
    """(edition, hts) of every numbered line of every edition on hand, from the parsed cache
    (parsing what is missing, once); used only for codes missing from their edition in force."""
    infos = tuple(editions())
    dirs = parsed_dirs(list(infos))
    return _code_index(tuple((e.name, dirs[e.name], parsed_stamp(dirs[e.name])) for e in infos))


@functools.lru_cache(maxsize=2)
def _code_index(entries: tuple) -> pl.DataFrame:
    parts = []
    for name, directory, _stamp in entries:
        parts.append(verified(name, directory, "lines").select(pl.lit(name).alias("edition"), "hts").collect())
    return pl.concat(parts)


def _edition_index() -> dict[str, int]:
    return {n: i for i, n in enumerate(calendar()["edition"])}


def locate_lines(df: pl.DataFrame, coded: bool = False) -> tuple[pl.DataFrame, LineTable]:
    """Add ``edition``, ``line_edition``, ``line_hts`` (with ``_line_code``, its place in the
    table's codes; -1: none), ``_cid`` (the line's content in the line table,
    :mod:`tariffline.engine.line_table`, returned beside: a ``_cid`` means a row of its contents
    only) and ``hts_dotted``.
    ``coded``: ``description`` is Categorical, and ``_coded_line`` and ``_coded_edition`` are the
    line's dotted code and edition as Categorical (gathered by number, no text per row).

    The row's line is its code in the edition in force on its entry date, else (an 8-digit or
    unknown statistical suffix) its 8-digit line, else (an 8-digit code printed only as 10-digit
    lines) its first 10-digit line; a code missing from its edition is answered from the edition
    nearest in time that has it (flagged). Each is an index into the table's (code x edition) grid.
    """
    cal = calendar()
    ei, note_id, edition, note_edition = _edition_per_row(df.get_column("entry_date"), cal.get_column("edition"))
    df = df.hstack([edition, note_edition, pl.Series("_note_id", note_id, dtype=pl.Int32)])
    table = line_table([n for n in edition.unique().to_list() if n is not None])
    hts10 = df.get_column("hts10")
    code_of = df.get_column("_hts_id").to_numpy()  # (inputs.prepare: codes looked up once each)
    codes = hts10.gather(first_rows(code_of, int(code_of.max()) + 1 if code_of.size else 0))
    while True:  # (places and contents are the table's own: all are found again in a wider table)
        place10, parents = table.code_places_keyed(codes)
        place10, parents = place10[code_of], (parents[code_of] if parents is not None else None)
        exact = table.cids(place10, ei)
        place8 = table.parent_places(hts10, parents, exact < 0)  # (its 8 digits: only where not a line)
        eight = table.cids(place8, ei)
        child = table.first_children(np.where((exact < 0) & (eight < 0), place10, -1), ei)
        child_cid = table.cids(child, ei)
        rest = (exact < 0) & (eight < 0) & (child < 0) & (place10 >= 0) & (ei >= 0)
        alt = np.full(len(ei), -1)
        if not rest.any():
            break
        if len(table.editions) < len(cal):  # the nearest edition holding it may be any on hand
            table = line_table(cal["edition"].to_list())
            continue
        starts = np.array([(d - _EPOCH).days for d in cal["effective_from"]])
        ends = np.array([(d - _EPOCH).days if d else 10**9 for d in cal["effective_to"]])
        day = df.get_column("entry_date").cast(pl.Int32).fill_null(0).to_numpy()[rest]
        alt[rest] = table.nearest(place10[rest], day, starts, ends)
        break
    alt_cid = table.cids(np.where(alt >= 0, place10, -1), alt)
    found = (exact >= 0) | (eight >= 0) | (child >= 0)
    # the line found: its code's place in the table
    line_code = np.select([exact >= 0, eight >= 0, child >= 0, alt >= 0], [place10, place8, child, place10], -1)
    line_at = _places(np.where(found, ei, alt))  # (the line's edition's place in the calendar)
    df = df.with_columns(
        pl.Series("_exact", exact >= 0), pl.Series("_eight", eight >= 0),
        pl.Series("_child", child >= 0), cal.get_column("edition").gather(_places(alt)).alias("_alt"),
        pl.Series("_cid", np.select([exact >= 0, eight >= 0, child_cid >= 0, alt_cid >= 0],
                                    [exact, eight, child_cid, alt_cid], -1), dtype=pl.Int32),
        cal.get_column("edition").gather(line_at).alias("line_edition"),
        table.code_text.gather(_places(line_code)).alias("line_hts"),
        pl.Series("_line_code", line_code, dtype=pl.Int64),
    ).with_columns(pl.when(pl.col("_cid") >= 0).then(pl.col("_cid")).alias("_cid"))
    labels = dict(zip(cal["edition"], cal["edition_label"]))
    suffix_gone = ~pl.col("_exact") & pl.col("_eight") & (pl.col("hts10").str.len_chars() == 10)
    elsewhere = ~pl.col("_exact") & ~pl.col("_eight") & ~pl.col("_child") & pl.col("_alt").is_not_null()
    note_line = (
        pl.when(suffix_gone).then(pl.lit("statistical suffix not in the edition; rates of its 8-digit line"))
        .when(elsewhere).then(pl.lit("code not in the edition in force; rates from edition ") + pl.col("_alt")))
    df = df.with_columns(where_needed(df, suffix_gone | elsewhere, note_line, "_note_line"))
    df = _with_contents(df, table.contents, ["hts_dotted", *([] if coded else ["description"])])
    if coded:
        cid, texts = df.get_column("_cid"), table.coded_texts
        df = df.hstack([texts.get_column("description").gather(cid),
                        texts.get_column("hts_dotted").gather(cid).alias("_coded_line"),
                        cal.get_column("edition").cast(pl.Categorical).gather(line_at).alias("_coded_edition")])
    missing = (pl.lit("HTS code ") + pl.col("hts").cast(pl.Utf8) + pl.lit(" is not in the HTS edition in force on ")
               + pl.col("entry_date").cast(pl.Utf8) + pl.lit(" (")
               + pl.col("edition").cast(pl.Utf8).replace_strict(labels, default="?")
               + pl.lit(") nor in any edition on hand"))
    df = df.with_columns(pl.coalesce(
        "error", where_needed(df, pl.col("error").is_null() & pl.col("line_hts").is_null(), missing, "error")))
    return df.drop("_exact", "_eight", "_child", "_alt"), table


GEN_COLS = [c for c in LINE_COLUMNS if c.startswith("gen_")]
COL2_COLS = [c for c in LINE_COLUMNS if c.startswith("col2_")]


def _with_contents(df: pl.DataFrame, contents: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``df`` with the named columns of each row's line content (by ``_cid``)."""
    cid = df.get_column("_cid")
    return df.hstack([contents.get_column(c).gather(cid) for c in columns])


def _places(idx: np.ndarray) -> pl.Series:
    """Positions to gather (-1: null)."""
    s = pl.Series(idx, dtype=pl.Int64)
    return pl.select(pl.when(s >= 0).then(s)).to_series()


def _duty(prefix: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(amount, estimated, problem) of the expression with column prefix ``prefix``.

    A percentage on part of the value (e.g. a watch case) is charged on the whole value, an
    upper bound flagged as an estimate; so are approximate forms (sugar polarity scales...).
    A rate that only refers elsewhere ("See 9822.04.01") is a problem: it is not computed.
    """
    adv = pl.col(f"{prefix}_adv").fill_null(0.0) * pl.col("value")
    partial = pl.col(f"{prefix}_adv_partial").fill_null(0.0) * pl.col("value")
    d1, e1, p1 = specific_part(f"{prefix}_specific", f"{prefix}_specific_unit")
    d2, e2, p2 = specific_part(f"{prefix}_specific2", f"{prefix}_specific2_unit")
    estimated = e1 | e2 | pl.col(f"{prefix}_approx").fill_null(False) | pl.col(f"{prefix}_adv_partial").is_not_null()
    kind = pl.col(f"{prefix}_kind")
    reference = (pl.when(kind.is_null() | kind.is_in(["reference", "text"]))
                 .then(pl.lit("the rate of this line is not a computable duty (a reference or text), "
                              "see the HTS line; not computed"))
                 .otherwise(None))
    return adv + partial + d1 + d2, estimated, pl.coalesce(reference, p1, p2)


def _program_table(policy: Policy) -> pl.DataFrame:
    rows = []
    for p in policy.programs:
        for o in p.origins:
            for iso in policy.expand_origin(o):
                rows.append({"program": p.indicator, "origin_iso": iso, "p_start": p.start,
                             "p_end": p.end or dt.date(9999, 12, 31), "p_authority": p.authority,
                             "p_citation": p.citation, "p_confidence": p.confidence,
                             "p_title": p.title})
    schema = {"program": pl.Utf8, "origin_iso": pl.Utf8, "p_start": pl.Date, "p_end": pl.Date,
              "p_authority": pl.Utf8, "p_citation": pl.Utf8, "p_confidence": pl.Utf8, "p_title": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def _rate_duty(rows: pl.DataFrame, simple: pl.DataFrame, prefix: str,
               full: Callable[[pl.DataFrame], pl.DataFrame]) -> list[pl.Series]:
    """(amount, estimated, problem) of :func:`_duty` ``(prefix)`` on ``rows`` (the columns
    ``full`` needs: they are filtered).

    ``simple`` holds each row's rate ``<prefix>_adv``, ``_adv_partial`` and ``_approx``, and
    ``_simple``: true when these are the whole rate (no specific part, a computable kind), as for
    most rates; the duty is then ``(adv + adv_partial) x value``. The other rows get the rate's
    every column from ``full`` (given those rows) and :func:`_duty`, on those rows only."""
    value = rows.get_column("value")
    adv, partial = simple.get_column(f"{prefix}_adv").fill_null(0.0), simple.get_column(f"{prefix}_adv_partial")
    amount = adv * value + partial.fill_null(0.0) * value + 0.0  # (as _duty adds its specific parts' 0.0)
    est = simple.get_column(f"{prefix}_approx").fill_null(False) | partial.is_not_null()
    prob = pl.repeat(None, rows.height, dtype=pl.Utf8, eager=True)
    other = ~simple.get_column("_simple").fill_null(False)
    if other.any():
        done = full(rows.filter(other)).select(e.alias(f"_{i}") for i, e in enumerate(_duty(prefix)))
        at = other.arg_true()
        amount, est, prob = (s.scatter(at, done.to_series(i)) for i, s in enumerate((amount, est, prob)))
    return [amount, est, prob]


_QUANTITY = ["value", "quantity", "quantity_unit", "unit_value", "_qunit_key"]  # what _duty reads of a row


def column1(df: pl.DataFrame, table: LineTable, policy: Policy, column2_mask: pl.Expr,
            column2_citation: pl.Expr, *, claim_preferences: bool, texts: bool = True) -> pl.DataFrame:
    """Add the column-1 layer: ``c1_*`` columns and ``mfn_amount`` (the General duty).
    ``table``: the line table of the rows' ``_cid`` (:func:`locate_lines`).
    ``texts=False``: its rate text and citation are left null."""
    special = table.special
    df = df.with_columns(column2_mask.fill_null(False).alias("_is_col2"))
    any_col2 = bool(df.get_column("_is_col2").any())
    df = _with_contents(df, table.contents, (COL2_COLS if any_col2 else [])
                        + (["general_text", "column2_text"] if texts else []))
    lines = table.general_simple.select(pl.all().gather(df.get_column("_cid")))
    general = _rate_duty(df.select(*_QUANTITY, "_cid"), lines, "gen",
                         lambda rows: _with_contents(rows, table.contents, GEN_COLS))
    df = df.hstack([s.alias(n) for s, n in zip(general, ("mfn_amount", "_gen_est", "_gen_prob"))])
    if any_col2:  # the Column 2 duty, only computed when a row owes it
        col2_amt, col2_est, col2_prob = _duty("col2")
    else:
        col2_amt, col2_est, col2_prob = (pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.Boolean),
                                         pl.lit(None, dtype=pl.Utf8))
    df = df.with_columns(
        col2_amt.alias("_col2_amt"), col2_est.alias("_col2_est"), col2_prob.alias("_col2_prob"),
        column2_citation.alias("_col2_cite"),
    )
    # preferences: candidates = programs the origin may claim on the date x the line's rates
    pref = None
    if claim_preferences:
        programs = _program_table(policy).with_row_index("_pid")
        program_texts = programs.select("_pid", "p_authority", "p_citation", "p_confidence", "p_title")
        cand = (df.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"), "origin_iso", "entry_date", "_cid",
                          "value", "quantity", "quantity_unit", "unit_value", "_qunit_key", "program", "error",
                          "_is_col2")  # (a narrow filter; _pos: the row's place in df)
                  .filter(pl.col("error").is_null() & ~pl.col("_is_col2")
                          & (pl.col("program").is_null() | (pl.col("program").str.to_lowercase() != "none")))
                  .drop("error", "_is_col2").rename({"program": "claimed"})
                  .join(programs.select("_pid", "program", "origin_iso", "p_start", "p_end"),
                        on="origin_iso", how="inner")
                  .filter((pl.col("entry_date") >= pl.col("p_start")) & (pl.col("entry_date") < pl.col("p_end"))
                          & (pl.col("claimed").is_null() | (pl.col("claimed") == pl.col("program")))))
        rates = table.special_rows(cand.get_column("_cid"), cand.get_column("program"))
        cand = (cand.filter(pl.Series(rates >= 0)).with_columns(pl.Series("_srow", rates[rates >= 0]))
                .hstack(table.special_simple.select(pl.all().gather(rates[rates >= 0])))
                .filter(pl.col("_parsed") & pl.col("pref_adv").is_not_null()))
        rest = special.drop("_cid", "program")
        priced = _rate_duty(cand.select(*_QUANTITY, "_srow"), cand, "pref", lambda rows: rows.select(*_QUANTITY).hstack(
            rest.gather(rows.get_column("_srow"))))
        cand = (cand.hstack([s.alias(n) for s, n in zip(priced, ("p_amount", "p_est", "p_prob"))])
                    .filter(pl.col("p_prob").is_null())
                    .sort(["_pos", "p_amount", "_pid"]).group_by("_pos", maintain_order=True).first())
        pref = (cand.select("_pos", "_pid", pl.col("program").alias("p_program"), "p_amount", "p_est")
                .join(program_texts, on="_pid", how="left").drop("_pid"))
    if pref is None:
        pref = pl.DataFrame(schema={"_pos": pl.Int64, "p_program": pl.Utf8, "p_amount": pl.Float64,
                                    "p_est": pl.Boolean, "p_authority": pl.Utf8, "p_citation": pl.Utf8,
                                    "p_confidence": pl.Utf8, "p_title": pl.Utf8})
    # a narrow join put beside df, on the row's place: a join on df itself would copy its every column
    df = df.hstack(df.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
                   .join(pref, on="_pos", how="left", maintain_order="left").drop("_pos"))
    use_pref = pl.col("p_amount").is_not_null() & (pl.col("p_amount") < pl.col("mfn_amount"))
    # a program the origin may claim on the date, named on a line whose column 1 is already Free,
    # is a valid claim (e.g. USMCA "S" for the Chapter 99 exemptions), not an error
    claimed_missing = (pl.col("program").is_not_null() & (pl.col("program").str.to_lowercase() != "none")
                       & pl.col("p_program").is_null()
                       & ~((pl.col("mfn_amount") == 0) & program_open_expr(policy)).fill_null(False)
                       if df.get_column("program").is_not_null().any() else pl.lit(False))  # (no row names one)
    cal = calendar()
    labels = dict(zip(cal["edition"], cal["edition_label"]))
    edition_cite = (pl.lit("HTSUS ") + pl.col("line_edition").replace_strict(labels, default="?")
                    + pl.lit(", subheading ") + pl.col("hts_dotted"))
    texts_out = [
        pl.when(pl.col("_is_col2")).then(pl.col("column2_text"))
        .when(use_pref).then(pl.lit("special (") + pl.col("p_program") + pl.lit(")"))
        .otherwise(pl.col("general_text")).alias("c1_rate_text"),
        pl.when(pl.col("_is_col2")).then(edition_cite + pl.lit(", column 2; ") + pl.col("_col2_cite"))
        .when(use_pref).then(edition_cite + pl.lit(", special program ") + pl.col("p_program")
                             + pl.lit("; ") + pl.col("p_citation"))
        .otherwise(edition_cite + pl.lit(", column 1 General")).alias("c1_citation"),
    ]
    return df.with_columns(
        pl.when(pl.col("_is_col2")).then(pl.lit("Column 2"))
        .when(use_pref).then(pl.col("p_authority")).otherwise(pl.lit("MFN")).alias("c1_authority"),
        pl.when(pl.col("_is_col2")).then(pl.col("_col2_amt"))
        .when(use_pref).then(pl.col("p_amount")).otherwise(pl.col("mfn_amount")).alias("c1_amount"),
        *(texts_out if texts else [pl.lit(None, dtype=pl.Utf8).alias("c1_rate_text"),
                                   pl.lit(None, dtype=pl.Utf8).alias("c1_citation")]),
        pl.when(use_pref).then(pl.col("p_confidence")).otherwise(pl.lit("confirmed")).alias("c1_confidence"),
        pl.when(pl.col("_is_col2")).then(pl.col("_col2_est"))
        .when(use_pref).then(pl.col("p_est")).otherwise(pl.col("_gen_est")).alias("c1_estimated"),
        pl.when(pl.col("_is_col2")).then(pl.col("_col2_prob"))
        .when(use_pref).then(pl.lit(None, dtype=pl.Utf8)).otherwise(pl.col("_gen_prob")).alias("c1_problem"),
        pl.when(claimed_missing).then(
            pl.lit("origin cannot claim program '") + pl.col("program")
            + pl.lit("' for this line on this date (no such preference, or not eligible)"))
        .otherwise(None).alias("_claim_error"),
    )
