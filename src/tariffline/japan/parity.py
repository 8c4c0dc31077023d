"""Parity: the lines where a competitor origin enters Japan at a lower rate than the U.S.

For a day covered by a schedule edition (and optional HS chapters), every line is evaluated for
the U.S. and each competitor (default list in rules/japan/programs.yaml). A line is listed for a
competitor when both rates have an ad valorem equivalent and the competitor's is lower; the
margin is in percentage points of AVE (estimates flagged where a specific part was converted at
the stated unit values). ``us_preference`` says whether the U.S. rate is a USJTA preference or
the U.S. has none on that line. ``us_without_preference`` lists every line with no USJTA rate
where a competitor has an agreement rate below the U.S. rate or a quota the U.S. lacks (rice
and quota dairy: access through a quota at the same rate counts). Lines whose rates cannot be compared
(varying within the line, standard-price gaps, content-based duties) are counted separately.
With U.S. export statistics (:mod:`tariffline.japan.exports`) each HS-6 carries its export
value, summed once per HS-6 in the summaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from tariffline.errors import InputError
from tariffline.japan import programs as progs
from tariffline.japan.coverage import is_agricultural
from tariffline.japan.duty import Valuation
from tariffline.japan.lookup import FIRST_DAY, EditionSet, in_season, line_rate
from tariffline.japan.schedule import jfy

US = "US"
_EPS = 1e-9
_NON_PREF = ("MFN", "NATIONAL")


def parity(day: dt.date, val: Valuation, editions: EditionSet, *, chapters: list[str] | None = None,
           competitors: list[str] | None = None, weights: pl.DataFrame | None = None,
           progress: Callable[[int, int], None] | None = None) -> dict:
    if day < FIRST_DAY:
        raise InputError(f"date {day} is before 2020-01-01 (USJTA entry into force)")
    edition, edition_flags = editions.for_day(day)
    if edition is None:
        raise InputError(
            f"parity needs a schedule edition for JFY{jfy(day)}; editions cover JFY"
            f"{editions.first_jfy}-JFY{editions.latest_jfy} (use 'japan rate' for staged rates)"
        )
    lines = edition.lines
    if chapters:
        chaps = []
        for c in chapters:
            c = str(c).strip().zfill(2)
            if not (c.isdigit() and len(c) == 2):
                raise InputError(f"chapter {c!r} is not a two-digit HS chapter")
            chaps.append(c)
        lines = lines.filter(pl.col("chapter").is_in(chaps))
        if lines.is_empty():
            raise InputError(f"no lines in chapter(s) {', '.join(chaps)} of edition {edition.edition}")
    origins = [progs.resolve_origin(c) for c in (competitors or list(progs.rules().competitors))]
    rows = [r for r in lines.iter_rows(named=True) if in_season(r, day)]
    behind, no_pref, not_comparable = [], [], 0
    total = len(rows)
    for i, row in enumerate(rows):
        us = line_rate(row, US, US, day, val, editions, edition, edition_flags)
        us_ave = us.best.ave if us.best else None
        us_pref = "USJTA" if (us.best and us.best.program not in _NON_PREF) else "none"
        us_has_column = any(c.program not in _NON_PREF for c in us.candidates)
        agri = is_agricultural(row["code"])
        with_pref, lower = [], []
        for label, members in origins:
            comp = line_rate(row, members[0], label, day, val, editions, edition, edition_flags)
            if any(_gives_access(c, us_ave) for c in comp.candidates):
                with_pref.append(label)
            c_ave = comp.best.ave if comp.best else None
            if us_ave is None or c_ave is None:
                not_comparable += 1
                continue
            if c_ave < us_ave - _EPS:
                lower.append(label)
                behind.append({
                    "line": row["line_id"], "hs6": row["hs6"], "chapter": row["chapter"],
                    "description_ja": row["desc"], "description_en": us.desc_en, "agricultural": agri,
                    "competitor": label, "competitor_program": comp.best.program,
                    "competitor_rate_text": comp.best.text, "competitor_ave": c_ave,
                    "us_program": us.best.program, "us_rate_text": us.best.text, "us_ave": us_ave,
                    "margin_pp": round((us_ave - c_ave) * 100, 6),
                    "estimate": bool(us.best.estimate or comp.best.estimate),
                    "us_preference": us_pref,
                    "notes": "; ".join(comp.best.notes + us.best.notes),
                })
        if not us_has_column and with_pref:
            no_pref.append({"line": row["line_id"], "hs6": row["hs6"], "chapter": row["chapter"],
                            "description_en": us.desc_en, "agricultural": agri,
                            "us_rate_text": us.best.text if us.best else None,
                            "competitors_with_access": ",".join(with_pref),
                            "competitors_lower": ",".join(lower)})
        if progress:
            progress(i + 1, total)
    schema = {"line": pl.Utf8, "hs6": pl.Utf8, "chapter": pl.Utf8, "description_ja": pl.Utf8,
              "description_en": pl.Utf8, "agricultural": pl.Boolean, "competitor": pl.Utf8, "competitor_program": pl.Utf8,
              "competitor_rate_text": pl.Utf8, "competitor_ave": pl.Float64, "us_program": pl.Utf8,
              "us_rate_text": pl.Utf8, "us_ave": pl.Float64, "margin_pp": pl.Float64,
              "estimate": pl.Boolean, "us_preference": pl.Utf8, "notes": pl.Utf8}
    df = pl.DataFrame(behind, schema=schema)
    if weights is not None:
        df = df.join(weights, on="hs6", how="left")
    return {
        "date": day.isoformat(),
        "edition": edition.edition,
        "flags": edition_flags,
        "valuation": val.describe(),
        "competitors": [label for label, _ in origins],
        "lines_evaluated": total,
        "comparisons_without_ave": not_comparable,
        "rows": df,
        "by_chapter": _summary(df, "chapter", weights is not None),
        "by_competitor": _summary(df, "competitor", weights is not None),
        "us_without_preference": pl.DataFrame(no_pref, schema={
            "line": pl.Utf8, "hs6": pl.Utf8, "chapter": pl.Utf8, "description_en": pl.Utf8,
            "agricultural": pl.Boolean, "us_rate_text": pl.Utf8,
            "competitors_with_access": pl.Utf8, "competitors_lower": pl.Utf8}),
    }


def _gives_access(c, us_ave: float | None) -> bool:
    """A competitor's agreement rate that is below the U.S. rate or comes with a quota."""
    if c.program in _NON_PREF or c.expr is None:
        return False
    lower = us_ave is not None and c.ave is not None and c.ave < us_ave - _EPS
    return lower or any(n.startswith("in-quota rate (agreement quota)") for n in c.notes)


def _summary(df: pl.DataFrame, key: str, weighted: bool) -> pl.DataFrame:
    aggs = [
        pl.col("line").n_unique().alias("lines_behind"),
        pl.col("line").filter(pl.col("agricultural")).n_unique().alias("agricultural_lines_behind"),
        pl.col("line").filter(pl.col("us_preference") == "none").n_unique().alias("lines_us_no_preference"),
        pl.col("margin_pp").mean().alias("mean_margin_pp"),
        pl.col("margin_pp").max().alias("max_margin_pp"),
        pl.col("estimate").sum().alias("pairs_estimated"),
    ]
    out = df.group_by(key).agg(aggs)
    if weighted:
        w = (df.select(key, "hs6", "exports_usd").unique(subset=[key, "hs6"])
             .group_by(key).agg(pl.col("exports_usd").fill_null(0).sum().alias("us_exports_usd")))
        out = out.join(w, on=key, how="left")
    return out.sort(key)
