"""compute_duties: the engine's single code path, from input rows to cited layers and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from tariffline.engine import column1 as c1
from tariffline.engine.distinct import first_rows
from tariffline.engine.inputs import prepare
from tariffline.engine.measures import evaluate, origin_expr
from tariffline.errors import InputError
from tariffline.policy.loader import Policy, load_policy

LAYER_SCHEMA = {
    "row_id": pl.Int64, "authority": pl.Utf8, "measure_id": pl.Utf8, "heading": pl.Utf8,
    "description": pl.Utf8, "rate": pl.Float64, "base_value": pl.Float64, "value_base": pl.Utf8,
    "amount": pl.Float64, "citation": pl.Utf8, "legal_status": pl.Utf8, "legal_history": pl.Utf8,
    "confidence": pl.Utf8,
}


@dataclass(frozen=True)
class DutyResult:
    """``totals``: one row per input row; ``layers``: one row per (row, layer), in stacking order.

    ``totals.flags`` holds stable codes for why a total rests on a fallback or estimate:
    ``edition_fallback`` (MFN from an edition other than the one in force), ``line_fallback``
    (code not in that edition: its 8-digit line or another edition), ``quantity_missing`` (a
    specific duty counted as 0), ``partial_scope`` (an 8-digit code only some of whose
    statistical lines a measure reaches), ``metal_assumed`` (metal duty on the full value).
    """

    totals: pl.DataFrame
    layers: pl.DataFrame
    policy_version: str
    as_known_on: dt.date | None
    editions: tuple[str, ...]


def _column2(policy: Policy) -> tuple[pl.Expr, pl.Expr]:
    mask, cite = pl.lit(False), pl.lit(None, dtype=pl.Utf8)
    for bm in policy.measures:
        if bm.measure.rate.type != "column2":
            continue
        reach = origin_expr(policy, bm.measure.origins) & (pl.col("entry_date") >= bm.start)
        if bm.end is not None:
            reach &= pl.col("entry_date") < bm.end
        mask = mask | reach
        cite = pl.when(reach).then(pl.lit(f"{bm.citation}; {bm.measure.source}")).otherwise(cite)
    return mask, cite


# what a row's notes and flags depend on; ``_note_id`` (column1.locate_lines) stands for the
# edition's note (``_note_edition``, far longer to hash)
_NOTE_JOIN = ["_note_id", "_note_line", "_qp", "_partial", "_metal_assumed"]


def _notes(keys: pl.DataFrame, lists: bool = True) -> pl.DataFrame:
    """``notes`` (sentences) and ``flags`` (stable codes, see DutyResult) for each distinct
    combination of the reasons a total rests on a fallback or an estimate, as lists (``lists``)
    and joined (``_notes_text``, " | "; ``_flags_text``, ";")."""
    notes = [
        pl.col("_note_edition"), pl.col("_note_line"),
        pl.when(pl.col("_qp").is_not_null()).then(pl.lit("specific duty counted as 0: ") + pl.col("_qp")),
        pl.when(pl.col("_partial").is_not_null())
          .then(pl.lit("only some 10-digit statistical lines of this subheading are subject to ")
                + pl.col("_partial") + pl.lit(": give the 10-digit code for the full duty")),
        pl.when(pl.col("_metal_assumed"))
          .then(pl.lit("metal value not given: duty on metal content charged on the full value (upper bound)")),
    ]
    flags = [
        pl.when(pl.col("_note_edition").is_not_null()).then(pl.lit("edition_fallback")),
        pl.when(pl.col("_note_line").is_not_null()).then(pl.lit("line_fallback")),
        pl.when(pl.col("_qp").is_not_null()).then(pl.lit("quantity_missing")),
        pl.when(pl.col("_partial").is_not_null()).then(pl.lit("partial_scope")),
        pl.when(pl.col("_metal_assumed")).then(pl.lit("metal_assumed")),
    ]
    # (the parts present, joined: the lists' join, without building them)
    joined = [pl.concat_str(notes, separator=" | ", ignore_nulls=True).alias("_notes_text"),
              pl.concat_str(flags, separator=";", ignore_nulls=True).alias("_flags_text")]
    return keys.with_columns(*joined, *([pl.concat_list(notes).list.drop_nulls().alias("notes"),
                                         pl.concat_list(flags).list.drop_nulls().alias("flags")] if lists else []))


def _note_numbers(df: pl.DataFrame, coded: bool) -> tuple[pl.DataFrame, pl.Series]:
    """(the distinct notes of ``df``'s rows (:func:`_notes`), the number of each row's in it).

    Most rows owe at most the edition's note: theirs are found by its number (``_note_id``); the
    few with another reason (a line fallback, a quantity, a partial scope, a metal value) by a
    join on every reason."""
    other = df.select(pl.any_horizontal(pl.col("_note_line", "_qp", "_partial").is_not_null(),
                                        pl.col("_metal_assumed").fill_null(False))).to_series()
    ids = df.get_column("_note_id").to_numpy()
    # the edition notes of the common rows, each once: the first row of each note number
    rows = np.flatnonzero(~other.to_numpy())
    first = first_rows(ids[rows], int(ids.max()) + 1 if ids.size else 1)
    common = (df.select("_note_id", "_note_edition").gather(rows[first[first >= 0]])
              .with_columns(pl.lit(None, dtype=pl.Utf8).alias("_note_line"), pl.lit(None, dtype=pl.Utf8).alias("_qp"),
                            pl.lit(None, dtype=pl.Utf8).alias("_partial"), pl.lit(False).alias("_metal_assumed")))
    rare = df.select(*_NOTE_JOIN, "_note_edition").filter(other).unique(subset=_NOTE_JOIN)
    notes = _notes(pl.concat([common.select(*_NOTE_JOIN, "_note_edition"), rare])
                   .with_columns(pl.col("_note_edition").cast(pl.Utf8)), lists=not coded).with_row_index("_nk")
    place = np.full(int(ids.max()) + 1 if ids.size else 1, -1, dtype=np.int64)
    place[common.get_column("_note_id").to_numpy()] = np.arange(common.height)
    at = pl.Series("_nk", place[ids], dtype=pl.Int64)  # (-1 on the rows found below)
    if other.any():
        found = df.select(_NOTE_JOIN).filter(other).join(
            notes.slice(common.height).select(*_NOTE_JOIN, "_nk"), on=_NOTE_JOIN, how="left", nulls_equal=True,
            maintain_order="left")
        at = at.scatter(other.arg_true(), found.get_column("_nk").cast(pl.Int64))
    return notes, at


def compute_duties(
    rows: pl.DataFrame,
    *,
    as_known_on: dt.date | None = None,
    claim_preferences: bool = True,
    missing_quantity: Literal["error", "ave_estimate"] = "error",
    policy: Policy | None = None,
    chunk_rows: int = 250_000,
    texts: bool = True,
    coded: bool = False,
) -> DutyResult:
    """Duties owed on each row: column 1 (MFN, Column 2 or a preference) plus Chapter 99 layers.

    ``as_known_on``: answer with only the instruments published by that day (default: the law
    as finally amended). ``missing_quantity``: what to do when a specific duty has no quantity
    and no unit value — an error on the row, or count the specific part as 0 (flagged).
    ``texts=False`` (for callers that only sum the layers): the layers' description, citation,
    legal status and history are null, and the layers are not sorted by row (each row's layers
    are still in stacking order: column 1 first); the totals also carry ``_notes_text`` and
    ``_flags_text``, the notes and flags already joined (" | ", ";"), and ``_headings``, the
    headings of the row's layers joined (";").
    ``coded=True`` (for the batch's output): ``description``, ``hts_line`` and ``edition`` are
    Categorical, ``_notes_text`` and ``_flags_text`` are given as Categorical instead of the
    ``notes`` and ``flags`` lists; each is gathered by number from its few distinct values (no
    text per row, and a Parquet writer takes them as dictionaries without hashing a cell).
    With ``texts=False`` too, the layers leave out column 1, which the totals carry as
    ``_c1_authority`` and ``_c1_amount`` (null on rows in error): the batch's summary sums it
    from there.
    """
    if missing_quantity not in ("error", "ave_estimate"):
        raise InputError(f"missing_quantity must be 'error' or 'ave_estimate', not {missing_quantity!r}")
    policy = (policy or load_policy()).view(as_known_on)
    df = prepare(rows)
    if df.height > chunk_rows:  # bound memory: the measure chain is wide
        parts = [_compute(df.slice(i, chunk_rows), rows.columns, policy, claim_preferences, missing_quantity, texts,
                          coded)
                 for i in range(0, df.height, chunk_rows)]
        return DutyResult(totals=pl.concat([p.totals for p in parts]), layers=pl.concat([p.layers for p in parts]),
                          policy_version=policy.version, as_known_on=as_known_on, editions=parts[0].editions)
    return _compute(df, rows.columns, policy, claim_preferences, missing_quantity, texts, coded)


def _compute(df: pl.DataFrame, input_columns: list[str], policy: Policy, claim_preferences: bool,
             missing_quantity: str, texts: bool, coded: bool = False) -> DutyResult:
    """compute_duties on prepared rows."""
    df, table = c1.locate_lines(df, coded)
    mask2, cite2 = _column2(policy)
    df = c1.column1(df, table, policy, mask2, cite2, claim_preferences=claim_preferences, texts=texts)
    df, measure_layers = evaluate(df, policy, table, claim_preferences=claim_preferences, texts=texts)

    q_problem = pl.coalesce(
        pl.col("c1_problem"),
        pl.when(pl.col("_uses_mfn_ave")).then(pl.col("_gen_prob")).otherwise(None))
    quantity_is_error = missing_quantity == "error"
    df = df.with_columns(
        pl.coalesce(pl.col("error"), pl.col("_claim_error"),
                    q_problem if quantity_is_error else pl.lit(None, dtype=pl.Utf8)).alias("error"),
        (pl.col("c1_estimated").fill_null(False) | (pl.col("_uses_mfn_ave") & pl.col("_gen_est").fill_null(False))
         | (q_problem.is_not_null() if not quantity_is_error else pl.lit(False))).alias("estimated"),
    )
    ok = pl.col("error").is_null()
    df = df.with_columns(pl.when(pl.lit(not quantity_is_error)).then(q_problem).otherwise(None).alias("_qp"))
    notes, at = _note_numbers(df, coded)
    df = df.hstack([notes.get_column(c).cast(pl.Categorical).gather(at) for c in ("_notes_text", "_flags_text")]
                   if coded else [notes.get_column(c).gather(at) for c in ("notes", "flags", "_notes_text", "_flags_text")])
    df = df.with_columns(
        pl.when(ok).then(pl.col("c1_amount") + pl.col("_extra")).otherwise(None).alias("total_duty"),
    ).with_columns(
        (pl.col("total_duty") / pl.col("value")).alias("total_rate"),
    )
    # a measure id per column 1 authority (a handful), not text work on every row
    c1_ids = {a: "column1:" + a.lower().replace(" ", "_")
              for a in df.get_column("c1_authority").unique().drop_nulls().to_list()}
    col1_layer = df.lazy().filter(ok).select(
        pl.col("row_id").cast(pl.Int64),
        pl.col("c1_authority").alias("authority"),
        pl.col("c1_authority").replace_strict(c1_ids, default=None, return_dtype=pl.Utf8).alias("measure_id"),
        pl.col("hts_dotted").alias("heading"),
        pl.col("c1_rate_text").alias("description"),
        (pl.col("c1_amount") / pl.col("value")).alias("rate"),
        pl.col("value").alias("base_value"),
        pl.lit("full").alias("value_base"),
        pl.col("c1_amount").alias("amount"),
        pl.col("c1_citation").alias("citation"),
        pl.lit("in_force").alias("legal_status"),
        pl.lit("").alias("legal_history"),
        pl.col("c1_confidence").alias("confidence"),
    )
    # the measures' layers of rows found in error are dropped (the error rows are the few)
    bad_ids = df.lazy().filter(~ok).select(pl.col("row_id").cast(pl.Int64))
    # the batch's summary sums column 1 from the totals (``_c1_authority``, ``_c1_amount``)
    apart = coded and not texts
    parts = ([] if apart else [col1_layer.cast(LAYER_SCHEMA)]) + [
        f.with_columns(pl.col("row_id").cast(pl.Int64)).cast(LAYER_SCHEMA).join(bad_ids, on="row_id", how="anti")
        for f in measure_layers
    ]
    # stacking order: column 1 first, then the measures in evaluation order
    if texts:
        layers = (pl.concat([p.with_columns(pl.lit(i).alias("_o")) for i, p in enumerate(parts)], how="vertical")
                  .sort(["row_id", "_o"], maintain_order=True).drop("_o").collect(engine="in-memory"))
    else:
        layers = (pl.concat(parts, how="vertical") if parts else pl.LazyFrame(schema=LAYER_SCHEMA)
                  ).collect(engine="in-memory")
    summary = ["_notes_text", "_flags_text"] if coded or not texts else []
    if apart:
        summary += [pl.when(ok).then(pl.col("c1_authority")).alias("_c1_authority"),
                    pl.when(ok).then(pl.col("c1_amount")).alias("_c1_amount")]
    if not texts and "_heads" in df.columns:  # the signature path's measure headings, beside column 1's
        summary.append(pl.when(ok).then(pl.concat_str("hts_dotted", "_heads", separator=";", ignore_nulls=True))
                       .alias("_headings"))
    keep = [c for c in input_columns if c != "row_id"]
    totals = df.select(
        "row_id", *keep, "origin_iso", pl.col("_coded_edition" if coded else "line_edition").alias("edition"),
        pl.col("_coded_line" if coded else "hts_dotted").alias("hts_line"), "description", "total_duty",
        "total_rate", "estimated", "error", *([] if coded else ["notes", "flags"]), *summary,
    )
    return DutyResult(totals=totals, layers=layers, policy_version=policy.version,
                      as_known_on=policy.as_known_on, editions=tuple(c1.calendar()["edition"].to_list()))
