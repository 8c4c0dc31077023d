"""Column 1: the ordinary duty of each row — MFN (General), Column 2, or a claimed preference.

For each row the HTS edition in force on the entry date is used (the nearest edition on hand,
flagged, when none covers the date). The row's line is found exactly; else a 10-digit code's
8-digit parent in the same edition; else the code in another edition on hand (flagged).
Preferences the origin qualifies for on the date are claimed by default (the lowest duty), as
an importer would; ``program='none'`` on a row, or ``claim_preferences=False``, declines them.
"""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl

from tariffline.engine.measures import program_open_expr
from tariffline.engine.quantities import specific_part, with_unit_keys
from tariffline.hts.editions import editions
from tariffline.hts.loader import load_edition
from tariffline.policy.loader import Policy

_RATE_COLS = ("adv", "adv_partial", "specific", "specific_unit", "specific2", "specific2_unit", "kind",
              "approx", "parse_error")


@functools.lru_cache(maxsize=2)
def edition_tables() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(edition calendar, all lines of all editions, all special-program rates)."""
    infos = editions()
    cal = pl.DataFrame({
        "edition": [e.name for e in infos],
        "effective_from": [e.effective_from for e in infos],
        "effective_to": [e.effective_to for e in infos],
        "edition_label": [e.edition for e in infos],
    }).sort("effective_from")
    lines, specials = [], []
    for e in infos:
        ed = load_edition(e.name)
        sel = [pl.lit(e.name).alias("edition"), "hts", "hts_dotted", "level", "description",
               pl.col("eff_general_text").alias("general_text"),
               pl.col("eff_column2_text").alias("column2_text")]
        for side in ("gen", "col2"):
            sel += [pl.col(f"{side}_{c}").alias(f"{side}_{c}") for c in _RATE_COLS]
        lines.append(ed.lines.select(sel))
        specials.append(ed.special.select(
            pl.lit(e.name).alias("edition"), "hts", "program",
            *[pl.col(c).alias(f"pref_{c}") for c in _RATE_COLS]))
    lines_all = with_unit_keys(pl.concat(lines, how="vertical_relaxed"),
                               ["gen_specific_unit", "gen_specific2_unit",
                                "col2_specific_unit", "col2_specific2_unit"])
    special_all = with_unit_keys(pl.concat(specials, how="vertical_relaxed"),
                                 ["pref_specific_unit", "pref_specific2_unit"])
    return cal, lines_all, special_all


def edition_expr(cal: pl.DataFrame) -> pl.Expr:
    """The latest edition on hand that started on or before ``entry_date`` (else the earliest)."""
    names, starts = cal["edition"].to_list(), cal["effective_from"].to_list()
    expr = pl.lit(names[0])
    for name, start in zip(names[1:], starts[1:]):
        expr = pl.when(pl.col("entry_date") >= start).then(pl.lit(name)).otherwise(expr)
    return expr


def locate_lines(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``edition``, ``line_edition``, ``line_hts`` and the line's rate columns."""
    cal, lines_all, _ = edition_tables()
    first_start = cal["effective_from"][0]
    df = df.with_columns(edition_expr(cal).alias("edition"),
                         pl.col("hts10").str.slice(0, 8).alias("_hts8"))
    keys = lines_all.select("edition", "hts")
    exact = keys.with_columns(pl.lit(True).alias("_exact"))
    eight = keys.filter(pl.col("hts").str.len_chars() == 8).with_columns(pl.lit(True).alias("_eight"))
    # an 8-digit code printed only as a 10-digit line (e.g. 7408.11.60.00): its first child
    child = (keys.filter(pl.col("hts").str.len_chars() == 10)
             .with_columns(pl.col("hts").str.slice(0, 8).alias("_k8"))
             .group_by("edition", "_k8").agg(pl.col("hts").min().alias("_child")))
    latest = (lines_all.join(cal.select("edition", "effective_from"), on="edition")
              .sort("effective_from").group_by("hts").agg(pl.col("edition").last().alias("_alt")))
    df = (df.join(exact, left_on=["edition", "hts10"], right_on=["edition", "hts"], how="left", maintain_order="left")
            .join(eight, left_on=["edition", "_hts8"], right_on=["edition", "hts"], how="left", maintain_order="left")
            .join(child, left_on=["edition", "hts10"], right_on=["edition", "_k8"], how="left", maintain_order="left")
            .join(latest, left_on="hts10", right_on="hts", how="left", maintain_order="left"))
    df = df.with_columns(
        pl.when(pl.col("_exact") | pl.col("_eight") | pl.col("_child").is_not_null()).then(pl.col("edition"))
        .otherwise(pl.col("_alt")).alias("line_edition"),
        pl.when(pl.col("_exact")).then(pl.col("hts10"))
        .when(pl.col("_eight")).then(pl.col("_hts8"))
        .when(pl.col("_child").is_not_null()).then(pl.col("_child"))
        .when(pl.col("_alt").is_not_null()).then(pl.col("hts10"))
        .otherwise(None).alias("line_hts"),
    )
    ends = dict(zip(cal["edition"], cal["effective_to"]))
    labels = dict(zip(cal["edition"], cal["edition_label"]))
    ed_end = pl.col("edition").replace_strict(ends, default=None, return_dtype=pl.Date)
    ed_label = pl.col("edition").replace_strict(labels, default="?", return_dtype=pl.Utf8)
    notes = (
        pl.when(pl.col("entry_date") < first_start).then(
            pl.lit(f"MFN rates from the earliest HTS edition on hand ({cal['edition_label'][0]}); "
                   "rates of the edition in force on the date may differ"))
        .when(ed_end.is_not_null() & (pl.col("entry_date") >= ed_end)).then(
            pl.lit("the HTS edition in force on the date is not on hand; MFN rates from ") + ed_label
            + pl.lit(" (the latest earlier edition)"))
        .otherwise(None).alias("_note_edition"),
        pl.when(~pl.col("_exact").fill_null(False) & pl.col("_eight").fill_null(False)
                & (pl.col("hts10").str.len_chars() == 10)).then(
            pl.lit("statistical suffix not in the edition; rates of its 8-digit line"))
        .when(~pl.col("_exact").fill_null(False) & ~pl.col("_eight").fill_null(False)
              & pl.col("_child").is_null() & pl.col("_alt").is_not_null()).then(
            pl.lit("code not in the edition in force; rates from edition ") + pl.col("_alt"))
        .otherwise(None).alias("_note_line"),
    )
    df = df.with_columns(*notes).join(
        lines_all, left_on=["line_edition", "line_hts"], right_on=["edition", "hts"], how="left", maintain_order="left")
    missing = (pl.lit("HTS code ") + pl.col("hts") + pl.lit(" is not in the HTS edition in force on ")
               + pl.col("entry_date").cast(pl.Utf8) + pl.lit(" (")
               + pl.col("edition").replace_strict(labels, default="?") + pl.lit(") nor in any edition on hand"))
    df = df.with_columns(
        pl.when(pl.col("error").is_null() & pl.col("line_hts").is_null()).then(missing)
        .otherwise(pl.col("error")).alias("error"))
    return df.drop("_exact", "_eight", "_child", "_alt", "_hts8")


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


def column1(df: pl.DataFrame, policy: Policy, column2_mask: pl.Expr, column2_citation: pl.Expr,
            *, claim_preferences: bool) -> pl.DataFrame:
    """Add the column-1 layer: ``c1_*`` columns and ``mfn_amount`` (the General duty)."""
    _, _, special_all = edition_tables()
    gen_amt, gen_est, gen_prob = _duty("gen")
    col2_amt, col2_est, col2_prob = _duty("col2")
    df = df.with_columns(
        gen_amt.alias("mfn_amount"), gen_est.alias("_gen_est"), gen_prob.alias("_gen_prob"),
        col2_amt.alias("_col2_amt"), col2_est.alias("_col2_est"), col2_prob.alias("_col2_prob"),
        column2_mask.fill_null(False).alias("_is_col2"), column2_citation.alias("_col2_cite"),
    )
    # preferences: candidates = programs the origin may claim on the date x the line's rates
    pref = None
    if claim_preferences:
        programs = _program_table(policy)
        cand = (df.filter(pl.col("error").is_null() & ~pl.col("_is_col2")
                          & (pl.col("program").is_null() | (pl.col("program").str.to_lowercase() != "none")))
                  .select("row_id", "origin_iso", "entry_date", "line_edition", "line_hts", "value",
                          "quantity", "quantity_unit", "unit_value", "_qunit_key", "program")
                  .rename({"program": "claimed"})
                  .join(programs, on="origin_iso", how="inner")
                  .filter((pl.col("entry_date") >= pl.col("p_start")) & (pl.col("entry_date") < pl.col("p_end"))
                          & (pl.col("claimed").is_null() | (pl.col("claimed") == pl.col("program"))))
                  .join(special_all, left_on=["line_edition", "line_hts", "program"],
                        right_on=["edition", "hts", "program"], how="inner")
                  .filter(pl.col("pref_parse_error").is_null() & pl.col("pref_adv").is_not_null()))
        p_amt, p_est, p_prob = _duty("pref")
        cand = (cand.with_columns(p_amt.alias("p_amount"), p_est.alias("p_est"), p_prob.alias("p_prob"))
                    .filter(pl.col("p_prob").is_null())
                    .sort(["row_id", "p_amount"]).group_by("row_id", maintain_order=True).first())
        pref = cand.select("row_id", "program", "p_amount", "p_est", "p_authority", "p_citation",
                           "p_confidence", "p_title").rename({"program": "p_program"})
    if pref is None:
        pref = pl.DataFrame(schema={"row_id": df.schema["row_id"], "p_program": pl.Utf8, "p_amount": pl.Float64,
                                    "p_est": pl.Boolean, "p_authority": pl.Utf8, "p_citation": pl.Utf8,
                                    "p_confidence": pl.Utf8, "p_title": pl.Utf8})
    df = df.join(pref, on="row_id", how="left", maintain_order="left")
    use_pref = pl.col("p_amount").is_not_null() & (pl.col("p_amount") < pl.col("mfn_amount"))
    # a program the origin may claim on the date, named on a line whose column 1 is already Free,
    # is a valid claim (e.g. USMCA "S" for the Chapter 99 exemptions), not an error
    claimed_missing = (pl.col("program").is_not_null() & (pl.col("program").str.to_lowercase() != "none")
                       & pl.col("p_program").is_null()
                       & ~((pl.col("mfn_amount") == 0) & program_open_expr(policy)).fill_null(False))
    cal = edition_tables()[0]
    labels = dict(zip(cal["edition"], cal["edition_label"]))
    edition_cite = (pl.lit("HTSUS ") + pl.col("line_edition").replace_strict(labels, default="?")
                    + pl.lit(", subheading ") + pl.col("hts_dotted"))
    return df.with_columns(
        pl.when(pl.col("_is_col2")).then(pl.lit("Column 2"))
        .when(use_pref).then(pl.col("p_authority")).otherwise(pl.lit("MFN")).alias("c1_authority"),
        pl.when(pl.col("_is_col2")).then(pl.col("_col2_amt"))
        .when(use_pref).then(pl.col("p_amount")).otherwise(pl.col("mfn_amount")).alias("c1_amount"),
        pl.when(pl.col("_is_col2")).then(pl.col("column2_text"))
        .when(use_pref).then(pl.lit("special (") + pl.col("p_program") + pl.lit(")"))
        .otherwise(pl.col("general_text")).alias("c1_rate_text"),
        pl.when(pl.col("_is_col2")).then(edition_cite + pl.lit(", column 2; ") + pl.col("_col2_cite"))
        .when(use_pref).then(edition_cite + pl.lit(", special program ") + pl.col("p_program")
                             + pl.lit("; ") + pl.col("p_citation"))
        .otherwise(edition_cite + pl.lit(", column 1 General")).alias("c1_citation"),
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
