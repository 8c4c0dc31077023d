"""Import ledgers: run a ledger read by :mod:`ledger_read` through the engine in chunks.

:func:`run_batch` streams: it reads a chunk, computes it, writes its rows (and its layers) with
:class:`~tariffline.engine.ledger_write.ChunkedOutput` and adds its counts to the summary, so
memory is bounded by the chunk, not the ledger (docs/scaling.md).

Cells are parsed leniently: ISO dates and MM/DD/YYYY; numbers with thousands separators and a
dollar sign. A cell that cannot be read, a ragged line or a bad value becomes an error in its own
row; rows out = rows in, in order. Fees (MPF, HMF) are added after the duties when asked, as
their own layers, kept apart from duties in the totals.

The summary's columns are in a fixed order: the user's columns first, unchanged and in their
order, then :func:`result_columns` (every authority column even when empty).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import polars as pl

from tariffline.engine.compute import compute_duties
from tariffline.engine.distinct import distinct_texts, private_categorical
from tariffline.engine.ledger_read import CHUNK_ROWS, Ledger, LedgerChunks, open_ledger, read_ledger  # noqa: F401
from tariffline.engine.ledger_write import ChunkedOutput, check_output, write_atomic  # noqa: F401
from tariffline.engine.rare import where_needed
from tariffline.errors import InputError
from tariffline.fees import fee_layers, load_fees, mode_expr, normalise_mode
from tariffline.law import law_currency
from tariffline.policy.loader import Policy, load_policy
from tariffline.policy.schema import AUTHORITIES

NUMBERS = ("value", "quantity", "unit_value", "metal_value")
DATES = ("entry_date", "loaded_date")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")
WORKERS = 2  # chunks a batch computes at once (on 2 cores 2 beat 1 and 3: docs/scaling.md)


def duty_authorities() -> list[str]:
    """Every authority a duty layer can report, in a fixed order: column 1, programs, measures
    (``preference`` among them: Chapter 99 staging of an agreement, e.g. the USJTA's 2020 rates),
    so that every chunk of a streamed batch has the same columns."""
    programs = sorted({p.authority for p in load_policy().programs})
    rest = [a for a in AUTHORITIES if a not in ("MFN", "Column 2")]
    return ["MFN", "Column 2", *[p for p in programs if p not in rest], *rest]


def result_columns(fees: bool) -> list[str]:
    """tariffline's columns after the user's, in order."""
    cols = ["line", "hts_line", "description", "origin_iso", "edition", "total_duty", "total_rate",
            *[f"duty_{a}" for a in duty_authorities()]]
    if fees:
        cols += [f"fee_{f.id}" for f in load_fees().fees] + ["total_fees", "total_owed"]
    return cols + ["headings", "estimated", "flags", "notes", "warnings", "error"]


def _number(c: str) -> pl.Expr:
    return pl.col(c).str.strip_chars().str.replace_all(r"[,$\s]", "").cast(pl.Float64, strict=False)


def _date(c: str) -> pl.Expr:
    text = pl.col(c).str.strip_chars()
    return pl.coalesce([text.str.to_date(f, strict=False) for f in DATE_FORMATS]
                       + [text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)])


def _blank(c: str) -> pl.Expr:
    return pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")


_CODED = ("hts", "origin")  # text columns whose values repeat: worked out per distinct value (engine/distinct.py)
_FAST = {"number": lambda c: pl.col(c).cast(pl.Float64, strict=False),
         "date": lambda c: pl.col(c).str.to_date("%Y-%m-%d", strict=False)}


def _inputs(ledger: Ledger, raw: pl.DataFrame) -> pl.DataFrame:
    """The engine's input columns, typed, with the row's first unreadable cell in ``_cell_error``.

    Numbers and dates are first read as plain numbers and ISO dates; only a column with a cell
    that this does not read is read again the lenient way (separators, other date forms), which
    gives the same values where the plain reading succeeds. A column already of numbers (dates)
    where numbers (dates) are wanted is taken as it is; any other typed column is read as text."""
    cols = ledger.columns
    typed, checks = [pl.col("_row").alias("row_id")], [pl.col("_read_error")]
    native = {}
    for name, src in cols.items():
        dtype = raw.schema[src]
        if name in NUMBERS and dtype.is_numeric():
            native[name] = pl.col(src).cast(pl.Float64)
        elif name in DATES and (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
            native[name] = pl.col(src).cast(pl.Date)
    raw = raw.with_columns(pl.col(src).cast(pl.Utf8) for name, src in cols.items()
                           if name not in native and raw.schema[src] != pl.Utf8
                           and not (name in _CODED and isinstance(raw.schema[src], pl.Categorical)))
    for name, src in cols.items():
        c = pl.col(src)
        kind = "number" if name in NUMBERS else "date" if name in DATES else None
        if name in native:
            typed.append(native[name].alias(name))
            continue
        if kind is not None:
            fast = raw.select(_FAST[kind](src)).to_series()
            if not (fast.is_null() & raw.get_column(src).is_not_null()).any():
                typed.append(pl.lit(fast).alias(name))
                continue
        if name in NUMBERS:
            typed.append(pl.when(_blank(src)).then(None).otherwise(_number(src)).alias(name))
            checks.append(pl.when(~_blank(src) & _number(src).is_null())
                          .then(pl.lit(f"{name} '") + c + pl.lit("' is not a number")))
        elif name in DATES:
            typed.append(pl.when(_blank(src)).then(None).otherwise(_date(src)).alias(name))
            checks.append(pl.when(~_blank(src) & _date(src).is_null())
                          .then(pl.lit(f"{name} '") + c + pl.lit("' is not a date (YYYY-MM-DD or MM/DD/YYYY)")))
        elif name in _CODED:  # (they repeat: cleaned once per distinct value, kept coded)
            values, which = distinct_texts(raw.get_column(src))
            clean = values.str.strip_chars()
            clean = pl.select(pl.when(clean != "").then(clean)).to_series()
            typed.append(pl.lit(clean.cast(private_categorical()).gather(which)).alias(name))
        elif name == "mode":
            typed.append(mode_expr(src).alias("mode"))
            checks.append(pl.when(~_blank(src) & mode_expr(src).is_null())
                          .then(pl.lit("mode of transport '") + c + pl.lit("' is not known")))
        else:
            typed.append(pl.when(_blank(src)).then(None).otherwise(c.str.strip_chars()).alias(name))
    return raw.select(*typed, pl.coalesce(checks).alias("_cell_error"))


def run_ledger(ledger: Ledger, *, chunk_rows: int = CHUNK_ROWS, as_known_on: dt.date | None = None,
               claim_preferences: bool = True, missing_quantity: str = "error", fees: bool = False,
               mode: str | None = None, progress: Callable[[int], None] | None = None,
               policy: Policy | None = None, texts: bool = True, coded: bool = False
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(totals, layers) for a ledger, computed in chunks; ``row_id`` is the 0-based row in the
    whole ledger (the frame's rows start at ``ledger.first_row``).
    ``policy``: the rules to apply (default: the package's, loaded here).

    ``fees``: add MPF and HMF layers; ``mode`` is the mode of transport of rows without a mode column.
    ``texts=False``: the layers carry no descriptions, citations or legal status (see
    ``compute_duties``), for a caller that only sums them (:func:`summarise`).
    ``coded``: the text columns that take few values come as Categorical (``compute_duties``;
    not with fees, which add to the notes)."""
    default_mode = normalise_mode(mode)
    law = law_currency()
    frame = ledger.frame.with_row_index("_row", offset=ledger.first_row)
    engine_cols = [c for c in ledger.columns if c not in ("entry", "mode")]
    totals, layers = [], []
    for offset in range(0, max(frame.height, 1), chunk_rows):
        raw = frame.slice(offset, chunk_rows)
        typed = _inputs(ledger, raw)
        res = compute_duties(typed.select("row_id", *engine_cols), as_known_on=as_known_on,
                             claim_preferences=claim_preferences, missing_quantity=missing_quantity,
                             policy=policy, texts=texts, coded=coded and not fees)
        t = (res.totals.select("row_id", "origin_iso", "edition", "hts_line", "description", "total_duty",
                               "total_rate", "estimated", "error",
                               *[c for c in ("notes", "flags", "_notes_text", "_flags_text", "_headings",
                                             "_c1_authority", "_c1_amount") if c in res.totals.columns])
             .with_columns(pl.col("row_id").cast(pl.Int64))
             .join(typed.select(pl.col("row_id").cast(pl.Int64), "_cell_error", *[
                 c for c in ("entry_date", "value", "entry", "mode") if c in typed.columns]),
                   on="row_id", how="left", maintain_order="left")
             .with_columns(pl.coalesce("_cell_error", "error").alias("error")))
        ok = pl.col("error").is_null()
        t = t.with_columns(pl.when(ok).then(pl.col(c)).alias(c) for c in (
            "total_duty", "total_rate", "_headings", "_c1_authority", "_c1_amount") if c in t.columns)
        late = (pl.lit("entry date ") + pl.col("entry_date").cast(pl.Utf8)
                + pl.lit(f" is after the law's currency date {law.current_through}: answered under the "
                         "law as known then; later actions are not encoded"))
        t = t.with_columns(raw.get_column("_read_warning").alias("_read"),
                           where_needed(t, ok & (pl.col("entry_date") > law.current_through), late, "_late"))
        t = t.with_columns(where_needed(  # the row's warnings joined by " | " (null when none)
            t, pl.col("_read").is_not_null() | pl.col("_late").is_not_null(),
            pl.concat_str("_read", "_late", separator=" | ", ignore_nulls=True), "warnings")).drop("_read", "_late")
        cell_errors = t.get_column("_cell_error").is_not_null().any()  # the engine's errors have no layers
        lay = res.layers.join(t.filter(ok).select("row_id"), on="row_id", how="semi") if cell_errors else res.layers
        if fees:  # fees add notes: summarise joins the lists again
            t, lay = _with_fees(t.drop("_notes_text", "_headings", strict=False), lay, default_mode)
        totals.append(t.drop("_cell_error", "entry_date", "value", "entry", "mode", strict=False))
        layers.append(lay)
        if progress:
            progress(raw.height)
    return pl.concat(totals, how="vertical_relaxed"), pl.concat(layers, how="vertical_relaxed")


def _with_fees(t: pl.DataFrame, lay: pl.DataFrame, default_mode: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = t.filter(pl.col("error").is_null()).select(
        "row_id", "value", "entry_date",
        (pl.col("entry") if "entry" in t.columns else pl.lit(None, dtype=pl.Utf8)).alias("entry"),
        pl.coalesce(pl.col("mode") if "mode" in t.columns else pl.lit(None, dtype=pl.Utf8),
                    pl.lit(default_mode, dtype=pl.Utf8)).alias("mode"))
    fl, notes = fee_layers(rows)
    fee_sum = fl.group_by("row_id").agg(pl.col("amount").sum().alias("total_fees"))
    t = (t.join(fee_sum, on="row_id", how="left", maintain_order="left")
         .join(notes, on="row_id", how="left", maintain_order="left")
         .with_columns(pl.when(pl.col("error").is_null()).then(pl.col("total_fees").fill_null(0.0))
                       .alias("total_fees"),
                       pl.concat_list(pl.col("notes"), pl.col("fee_notes").fill_null([])).alias("notes"))
         .with_columns((pl.col("total_duty") + pl.col("total_fees")).alias("total_owed"))
         .drop("fee_notes"))
    order = {"duty": 0, "fee": 1}
    lay = (pl.concat([lay.with_columns(pl.lit(order["duty"]).alias("_o")),
                      fl.with_columns(pl.lit(order["fee"]).alias("_o"))], how="vertical_relaxed")
           .sort("row_id", "_o", maintain_order=True).drop("_o"))
    return t, lay


def summarise(ledger: Ledger, totals: pl.DataFrame, layers: pl.DataFrame, *, fees: bool = False
              ) -> pl.DataFrame:
    """One row per ledger row: the user's columns unchanged, then :func:`result_columns`.

    A user column whose name is one of tariffline's gets ``(ledger)`` appended."""
    cols = result_columns(fees)
    if "_c1_amount" in totals.columns:  # column 1 in the totals, not among the layers (compute_duties, coded)
        layers = pl.concat([totals.select("row_id", pl.col("_c1_authority").alias("authority"),
                                          pl.col("_c1_amount").alias("amount")).drop_nulls("authority"),
                            layers.select("row_id", "authority", "amount")], how="vertical_relaxed")
    by_auth = _by_authority(totals.get_column("row_id"), layers)
    if "_headings" in totals.columns:  # joined by the engine
        totals = totals.rename({"_headings": "headings"})
    else:
        heads = (layers.group_by("row_id", maintain_order=True).agg(pl.col("heading").drop_nulls())
                 .select("row_id", pl.col("heading").list.join(";").alias("headings")))
        totals = totals.join(heads, on="row_id", how="left", maintain_order="left")
    out = totals.hstack(by_auth.drop("row_id"))  # (in the totals' order)
    if fees and layers.height:
        fee_cols = (layers.filter(pl.col("authority") == "Fee")
                    .with_columns(pl.col("measure_id").str.replace("fee:", "fee_"))
                    .pivot(on="measure_id", index="row_id", values="amount", aggregate_function="sum"))
        out = out.join(fee_cols, on="row_id", how="left", maintain_order="left")
    if not out.get_column("row_id").is_sorted():
        out = out.sort("row_id")
    extra = sorted(c for c in out.columns if c.startswith("duty_") and c not in cols)
    out = out.with_columns(
        [pl.lit(None, dtype=pl.Utf8 if c == "headings" else pl.Float64).alias(c)
         for c in cols if c not in out.columns and c != "line"]
    ).with_columns(  # a fee not charged on a computed row is 0, whether or not another row owes it
        pl.when(pl.col("error").is_null()).then(pl.col(c).fill_null(0.0)).alias(c) for c in cols if c.startswith("fee_")
    ).with_columns(  # joined once per distinct combination by the engine when it could
        pl.col("_notes_text").alias("notes") if "_notes_text" in out.columns else pl.col("notes").list.join(" | "),
        pl.col("_flags_text").alias("flags") if "_flags_text" in out.columns else pl.col("flags").list.join(";"))
    user = ledger.frame.select(ledger.user_columns)
    user = user.rename({c: f"{c} (ledger)" for c in user.columns if c in cols or c in extra})
    return pl.concat([user, ledger.frame.select(pl.col("_line").alias("line")),
                      out.select([c for c in cols if c != "line"] + extra)], how="horizontal")


def _by_authority(row_ids: pl.Series, layers: pl.DataFrame) -> pl.DataFrame:
    """``row_id`` and ``duty_<authority>`` for each duty authority among the layers (fees, of
    authority ``Fee``, are left to the caller): the sum of the row's layers of that authority,
    added in stacking order; null where the row has none. The sums are scattered into columns by
    ``numpy.bincount`` over (authority, row) cells, not pivoted."""
    import numpy as np

    names, which = distinct_texts(layers.get_column("authority"))  # (one hash of the authorities)
    auths = [a for a in names.to_list() if a is not None]
    ids = row_ids.cast(pl.Int64).to_numpy()
    base, n = (int(ids.min()) if ids.size else 0), ids.size
    named = which < len(auths)  # (a layer of no authority is left out)
    row = layers.get_column("row_id").cast(pl.Int64).to_numpy()[named] - base
    auth = which[named]
    amount = layers.get_column("amount").fill_null(0.0).to_numpy()[named]
    if not (ids.size == 0 or (ids == np.arange(base, base + n)).all()):  # rows not consecutive
        pos = pl.DataFrame({"row_id": row_ids.cast(pl.Int64), "_p": np.arange(n)})
        row = (pl.DataFrame({"row_id": row + base}).join(pos, on="row_id", how="left", maintain_order="left")
               .get_column("_p").to_numpy())
    # one bin per (authority, row): bincount adds each bin's layers in their order, stacking order
    cell = auth * n + row
    cells = len(auths) * n
    sums = np.bincount(cell, weights=amount, minlength=cells).astype(np.float64, copy=False)
    seen = np.zeros(cells, dtype=bool)
    seen[cell] = True
    np.copyto(sums, np.nan, where=~seen)  # no layer: null below
    sums = sums.reshape(len(auths), n)
    columns = [pl.Series("row_id", row_ids.cast(pl.Int64))]
    columns += [pl.Series(f"duty_{a}", sums[j], nan_to_null=True) for j, a in enumerate(auths) if a != "Fee"]
    return pl.DataFrame(columns)


def layer_rows(ledger: Ledger, layers: pl.DataFrame) -> pl.DataFrame:
    """The layers file's rows: the ledger row's ``line`` first, then the layer's columns."""
    line_of = ledger.frame.select(  # (a ledger may have its own column named row_id)
        pl.int_range(ledger.first_row, ledger.first_row + ledger.height, dtype=pl.Int64).alias("row_id"),
        pl.col("_line").alias("line"))
    return (layers.join(line_of, on="row_id", how="left", maintain_order="left")
            .select("line", pl.exclude("line")))


def entry_chunks(source: LedgerChunks, fees: bool) -> Iterator[Ledger]:
    """``source``'s chunks; with fees, the lines at a chunk's end that share the last line's entry
    number move to the next chunk, so that an entry's consecutive lines are charged together
    (the MPF's per-entry minimum and maximum; ASSUMPTIONS EN-60)."""
    entry = source.columns.get("entry") if fees else None
    carry: Ledger | None = None
    for chunk in source.chunks:
        if carry is not None:
            chunk = replace(chunk, frame=pl.concat([carry.frame, chunk.frame]), first_row=carry.first_row)
            carry = None
        numbers = chunk.frame.get_column(entry).cast(pl.Utf8) if entry is not None else None
        last = numbers[-1] if numbers is not None and chunk.height else None
        if last is None or not last.strip():  # a blank entry number: the row is its own entry
            yield chunk
            continue
        other = (numbers != last).fill_null(True).arg_true()
        cut = int(other[-1]) + 1 if other.len() else 0
        if cut:
            yield replace(chunk, frame=chunk.frame.slice(0, cut))
        carry = replace(chunk, frame=chunk.frame.slice(cut), first_row=chunk.first_row + cut)
    if carry is not None:
        yield carry


def run_batch(source: LedgerChunks, out: Path | None = None, layers_out: Path | None = None, *,
              keep: bool = False, as_known_on: dt.date | None = None, claim_preferences: bool = True,
              missing_quantity: str = "error", fees: bool = False, mode: str | None = None,
              progress: Callable[[int], None] | None = None, policy: Policy | None = None,
              workers: int = WORKERS) -> tuple[dict, pl.DataFrame | None]:
    """Stream a ledger through the engine chunk by chunk: each chunk's rows (:func:`summarise`)
    go to ``out`` and its layers (:func:`layer_rows`) to ``layers_out``, in the ledger's order,
    both written atomically (nothing is moved into place unless every chunk succeeded).

    ``workers`` chunks are computed at once, in threads (the engine's Polars work runs outside
    the interpreter lock; its shared caches are locked), while the next chunk is read; memory
    grows with ``workers`` times the chunk, not with the ledger.

    Returns the summary (:func:`ledger_summary`, added up over the chunks) and, with ``keep``,
    every row in one frame (memory then grows with the ledger)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a whole number of at least 1, not {workers!r}")
    summary, kept = None, []

    def compute(chunk: Ledger) -> tuple[int, pl.DataFrame, pl.DataFrame | None]:
        totals, layers = run_ledger(chunk, chunk_rows=max(chunk.height, 1), as_known_on=as_known_on,
                                    claim_preferences=claim_preferences, missing_quantity=missing_quantity,
                                    fees=fees, mode=mode, policy=policy, texts=layers_out is not None, coded=True)
        return (chunk.height, summarise(chunk, totals, layers, fees=fees),
                layer_rows(chunk, layers) if layers_out is not None else None)

    def finish(height: int, result: pl.DataFrame, lays: pl.DataFrame | None) -> None:
        nonlocal summary
        if rows_out is not None:
            rows_out.write(result)
        if lays is not None:
            lays_out.write(lays)
        if keep:
            kept.append(result)
        counts = ledger_summary(result)
        summary = counts if summary is None else {
            k: (None if v is None else v + counts[k]) for k, v in summary.items()}
        if progress:
            progress(height)

    # what every chunk needs, loaded while the first chunk is read (about 0.15 s of a new process)
    threading.Thread(target=_warm_up, name="tariffline-warm-up", daemon=True).start()
    with ExitStack() as stack:
        rows_out = stack.enter_context(ChunkedOutput(out)) if out is not None else None
        lays_out = stack.enter_context(ChunkedOutput(layers_out, "layers output")) if layers_out is not None else None
        pool = stack.enter_context(ThreadPoolExecutor(workers, thread_name_prefix="tariffline-batch"))
        pending: deque[Future] = deque()
        for chunk in entry_chunks(source, fees):
            pending.append(pool.submit(compute, chunk))
            if len(pending) >= workers:
                finish(*pending.popleft().result())
        while pending:
            finish(*pending.popleft().result())
    if not keep:
        return summary, None
    rows = pl.concat(kept, how="vertical_relaxed")  # as text, as compute_duties gives it
    return summary, rows.with_columns(pl.col(c).cast(pl.Utf8) for c, t in rows.schema.items() if isinstance(t, pl.Categorical))


def _warm_up() -> None:
    """Load the rule files, the law's currency and the HTS line table (with its preference grid
    and coded texts) into the process's caches. A failure is not raised here: the chunk that
    needs what failed to load loads it again and raises its error in the ledger's order."""
    from tariffline.engine.line_table import line_table

    try:
        law_currency(load_policy())
        table = line_table([])
        table._special_grid  # noqa: B018 - (built once, cached on the table)
        table.coded_texts  # noqa: B018
    except Exception:  # noqa: BLE001, S110 - see the docstring
        pass


def ledger_summary(result: pl.DataFrame) -> dict:
    """Counts and sums for the command line's last line."""
    fees = "total_fees" in result.columns
    return {"rows": result.height, "errors": result["error"].is_not_null().sum(),
            "warnings": result["warnings"].is_not_null().sum(),
            "total_duty": result["total_duty"].sum(),
            "total_fees": result["total_fees"].sum() if fees else None,
            "total_owed": result["total_owed"].sum() if fees else None}
