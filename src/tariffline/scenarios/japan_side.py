"""Japan's side of a scenario: Japan's tariffs on U.S. goods, baseline vs scenario.

A ``grant_program`` change lets U.S. goods claim one of Japan's program columns (e.g. CPTPP)
from a date. On the query day every line of the Japan Customs schedule edition for the day's
Japanese fiscal year is rated for U.S. goods as the law stands (the best program the U.S. may
claim, :func:`tariffline.japan.lookup.line_rate`) and, in the scenario, as the lower of that and
the granted column of the same line, evaluated for U.S. goods at the same unit values. A grant
whose day has not come changes nothing.

Weights: U.S. exports to Japan by HS chapter (USITC DataWeb, FAS value, basket year). The data
has nothing finer than HS-2, so a chapter's rate is the simple average of its lines' ad valorem
equivalents (lines without one are left out of both runs and counted) and the chapters are
weighted by exports: one weight per chapter, however its trade is spread over its lines
(SC-31). A line's share of the result is its chapter's exports divided by the chapter's lines.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from tariffline.data import store
from tariffline.errors import InputError, PolicyError
from tariffline.japan import programs as progs
from tariffline.japan.duty import ave, select, valuation
from tariffline.japan.lookup import FIRST_DAY, EditionSet, in_season, line_rate
from tariffline.japan.nomenclature import describe as describe_en
from tariffline.japan.rates import RateParseError, parse_rate
from tariffline.japan.schedule import jfy
from tariffline.scenarios import datasets
from tariffline.scenarios.schema import GrantProgram

TOP_LINES = 20
EXPORT_YEARS = range(2020, 2025)
PARTNER = "Japan"  # DataWeb's country name
METHOD = ("Japan's applied rates on U.S. goods (best program the U.S. may claim; the scenario adds the "
          "granted column), simple average of the schedule's lines within each HS chapter, weighted by "
          "U.S. exports to Japan by chapter (USITC DataWeb, FAS value). HS-2 weighting is coarse: one weight "
          "per chapter (97 chapters for ~9,700 lines), so a cut on a line the U.S. ships much or little of "
          "counts the same as any other line of its chapter; exports are FAS while Japan's duty is on CIF.")


def us_exports_by_chapter(year: int) -> pl.DataFrame:
    """chapter, exports_usd: U.S. exports to Japan in ``year`` (USITC DataWeb, FAS value)."""
    if year not in EXPORT_YEARS:
        raise InputError(f"U.S. exports by chapter exist for {EXPORT_YEARS.start}-{EXPORT_YEARS.stop - 1}, "
                         f"not {year}")
    raw = store.read_bytes(datasets.US_EXPORTS_HS2.name)
    df = pl.read_csv(io.BytesIO(raw), skip_rows=2, infer_schema=False, truncate_ragged_lines=True)
    return (df.filter((pl.col("Data Type") == "FAS Value") & (pl.col("Country") == PARTNER))
            .select(pl.col("HTS Number").str.zfill(2).alias("chapter"),
                    pl.col(str(year)).str.replace_all(",", "").cast(pl.Float64).alias("exports_usd"))
            .group_by("chapter").agg(pl.col("exports_usd").sum()).sort("chapter"))


def _granted_ave(row: dict, pid: str, names: frozenset[str], day: dt.date, val
                 ) -> tuple[float | None, str, bool]:
    """The AVE of the granted column of one schedule row for U.S. goods, its text, and whether
    the AVE is an estimate (a specific part converted at the stated unit values)."""
    text = row.get("rate:" + (progs.column_of(pid) or ""), "") or ""
    if not text:
        return None, "", False
    try:
        sel = select(parse_rate(text), set(names), day, val)
    except RateParseError:
        return None, text, False
    if sel.expr is None:
        return None, text, False
    a = ave(sel.expr, val)
    return a.value, text, a.estimate


def line_table(grants: tuple[GrantProgram, ...], day: dt.date) -> tuple[pl.DataFrame, str]:
    """Every line of the edition for ``day``: U.S. rate (AVE) baseline and scenario, and the edition."""
    if day < FIRST_DAY:
        raise InputError(f"Japan's side starts on {FIRST_DAY} (USJTA entry into force), not {day}")
    for g in grants:
        if g.program not in progs.program_ids():
            raise PolicyError(f"grant_program: {g.program!r} is not a program of Japan's schedule "
                              f"(rules/japan/programs.yaml: {', '.join(progs.program_ids())})")
    editions = EditionSet()
    edition, flags = editions.for_day(day)
    if edition is None:
        raise InputError(f"Japan's side needs a schedule edition for JFY{jfy(day)}; editions cover "
                         f"JFY{editions.first_jfy}-JFY{editions.latest_jfy}")
    val = valuation()
    names = progs.japanese_names_for("US")
    active = [g.program for g in grants if g.from_ <= day]
    out = []
    for row in edition.lines.iter_rows(named=True):
        if not in_season(row, day):
            continue
        best = line_rate(row, "US", "US", day, val, editions, edition, flags).best
        base = (best.program, best.text, best.ave, best.estimate) if best else (None, None, None, False)
        scen = base
        for pid in active:
            g_ave, g_text, g_est = _granted_ave(row, pid, names, day, val)
            if g_ave is not None and scen[2] is not None and g_ave < scen[2]:
                scen = (pid, g_text, g_ave, g_est)
        out.append({"line": row["line_id"], "chapter": row["chapter"], "hs6": row["hs6"],
                    "program_baseline": base[0], "text_baseline": base[1], "ave_baseline": base[2],
                    "program_scenario": scen[0], "text_scenario": scen[1], "ave_scenario": scen[2],
                    "ave_is_estimate": bool(base[3] or scen[3])})
    schema = {"line": pl.Utf8, "chapter": pl.Utf8, "hs6": pl.Utf8,
              "program_baseline": pl.Utf8, "text_baseline": pl.Utf8, "ave_baseline": pl.Float64,
              "program_scenario": pl.Utf8, "text_scenario": pl.Utf8, "ave_scenario": pl.Float64,
              "ave_is_estimate": pl.Boolean}
    return pl.DataFrame(out, schema=schema), edition.edition


def aggregate(lines: pl.DataFrame, exports: pl.DataFrame) -> dict:
    """Weighted average tariff baseline vs scenario from per-line AVEs (``line_table``) and
    exports by chapter: chapter = simple mean of its lines with an AVE; weight = the chapter's
    share of the exports of chapters that have such lines."""
    rated = lines.filter(pl.col("ave_baseline").is_not_null() & pl.col("ave_scenario").is_not_null())
    chapters = (rated.group_by("chapter")
                .agg(pl.len().alias("lines"), pl.col("ave_baseline").mean().alias("avg_baseline"),
                     pl.col("ave_scenario").mean().alias("avg_scenario"))
                .join(exports.filter(pl.col("exports_usd") > 0), on="chapter", how="inner"))
    total = float(chapters["exports_usd"].sum() or 0.0)
    chapters = chapters.with_columns(
        (pl.col("avg_scenario") - pl.col("avg_baseline")).alias("change"),
        (pl.col("exports_usd") / total if total else pl.lit(0.0)).alias("weight"),
    ).with_columns((pl.col("change") * pl.col("weight")).alias("etr_contribution"))
    etr_b = float((chapters["avg_baseline"] * chapters["weight"]).sum()) if total else 0.0
    etr_s = float((chapters["avg_scenario"] * chapters["weight"]).sum()) if total else 0.0
    moved = (rated.join(chapters.select("chapter", "lines", "exports_usd"), on="chapter", how="inner")
             .with_columns((pl.col("ave_scenario") - pl.col("ave_baseline")).alias("change"),
                           (pl.col("exports_usd") / pl.col("lines")).alias("chapter_exports_per_line_usd"))
             .with_columns((pl.col("change") * pl.col("chapter_exports_per_line_usd") / total
                            if total else pl.lit(0.0)).alias("etr_contribution"))
             .filter(pl.col("change") != 0)
             .sort(pl.col("etr_contribution").abs(), "line", descending=[True, False]))
    unmatched = exports.join(chapters.select("chapter"), on="chapter", how="anti")
    by_chapter = (chapters.filter(pl.col("change") != 0)
                  .sort(pl.col("etr_contribution").abs(), "chapter", descending=[True, False]))
    return {
        "etr_baseline": etr_b, "etr_scenario": etr_s, "etr_change": etr_s - etr_b,
        "exports_weighted_usd": total,
        "exports_without_lines_usd": float(unmatched["exports_usd"].sum() or 0.0),
        "lines_rated": rated.height, "lines_without_ave": lines.height - rated.height,
        "lines_changed": moved.height,
        "by_chapter": by_chapter.to_dicts(),
        "top_lines": [r | {"description_en": describe_en(r["line"])} for r in moved.head(TOP_LINES).to_dicts()],
    }


def compute(grants: tuple[GrantProgram, ...], day: dt.date, year: int) -> dict:
    """Japan's tariff on U.S. goods on ``day``, baseline vs scenario, weighted by ``year`` exports.

    A day with no schedule edition for its fiscal year gives ``computed: false`` and the reason
    (the U.S.-side results of the run stand)."""
    head = {"origin": "US", "date": day, "exports_year": year,
            "grants": [g.model_dump(mode="json", by_alias=True) | {"in_force_on_date": g.from_ <= day}
                       for g in grants]}
    editions = EditionSet()
    if day >= FIRST_DAY and editions.for_day(day)[0] is None:
        return head | {"computed": False, "reason": (
            f"no Japan Customs schedule edition for JFY{jfy(day)} (editions cover JFY{editions.first_jfy}"
            f"-JFY{editions.latest_jfy}); Japan's side needs every line of one")}
    lines, edition = line_table(grants, day)
    return head | {
        "computed": True, "edition": edition,
        **aggregate(lines, us_exports_by_chapter(year)),
        "method": METHOD,
        "sources": [f"Japan Customs 実行関税率表 edition {edition} (rules/japan/programs.yaml columns)",
                    f"USITC DataWeb, U.S. total exports to Japan by HTS chapter, FAS value, {year}"],
        "assumptions": ["SC-31", "SC-32", "JP-01"],
    }
