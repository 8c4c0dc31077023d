"""The figures the CRS In Focus reports (IF11120, 2019 and 2026) state, recomputed from data.

- USJTA coverage: U.S. tariff lines whose Special column carries the ``JP`` indicator, and
  the share of U.S. imports from Japan entered under those lines (CRS 2026: 241 lines, about
  5% of U.S. imports from Japan).
- U.S. imports from Japan in a basket year, in total and by HS chapter (autos: chapter 87).
- Japan's rank among U.S. import sources in that year.

Each figure carries the CRS statement it is compared with and the data edition it used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from tariffline.errors import InputError
from tariffline.trade.imports import ImportBasket

CRS26 = "CRS In Focus IF11120 (2026), 'U.S.-Japan Trade Agreements and Tariff Negotiations'"
CRS19 = "CRS In Focus IF11120 (2019), 'U.S.-Japan Trade Agreement Negotiations'"
CRS_CLAIMS = {
    "usjta_lines": {"value": 241, "source": CRS26 + ": 'The United States agreed to reduce or "
                    "eliminate 241 tariff lines'"},
    "usjta_import_share": {"value": 0.05, "source": CRS26 + ": 'Tariff commitments covered about "
                           "5% of U.S. goods imports from Japan ... according to estimates'"},
    "autos_2025": {"value": 51.1e9, "source": CRS26 + ": '$51.1 billion in automotive goods from "
                   "Japan' (2025)"},
    "goods_2018": {"value": 144.6e9, "source": CRS19 + ": goods imports from Japan $144.6 billion "
                   "(2018), motor vehicles and parts $56.0 billion"},
    "rank_2025": {"value": 6, "source": CRS26 + ", Figure 1: Japan the sixth-largest U.S. trade "
                  "partner (goods and services, exports plus imports, BEA, 2025); fifth by imports"},
}
PROGRAM = "JP"  # HTS special-program indicator of the U.S.-Japan Trade Agreement (GN 36)


def usjta_lines(special: pl.DataFrame) -> pl.DataFrame:
    """Distinct 8-digit tariff lines (outside ch. 99) with a ``JP`` rate in a Special table.

    ``special`` is an HTS edition's long Special-column table (``hts``, ``program``, ...).
    Columns out: ``line8``, ``chapter``, ``codes`` (the HTS numbers carrying the indicator).
    """
    jp = special.filter(pl.col("program") == PROGRAM).select(
        pl.col("hts").str.replace_all(r"\D", "").alias("hts"))
    return (jp.with_columns(pl.col("hts").str.slice(0, 8).alias("line8"))
            .filter(~pl.col("line8").str.starts_with("99"))
            .group_by("line8").agg(pl.col("hts").unique().sort().alias("codes"))
            .with_columns(pl.col("line8").str.slice(0, 2).alias("chapter"))
            .sort("line8"))


def usjta_coverage(special: pl.DataFrame, japan: pl.DataFrame, *, edition: str,
                   basket_year: int, text_source: pl.DataFrame | None = None) -> dict:
    """Lines with a JP preference and the share of ``japan`` (basket rows) entered under them.

    ``text_source`` (``hts``, ``special_from``: the line whose Special text a line uses) lets
    the count of rows *printing* the indicator be given, as in the published schedule.
    """
    lines = usjta_lines(special)
    jp = special.filter(pl.col("program") == PROGRAM).select("hts")
    if text_source is not None:
        jp = jp.join(text_source, on="hts").filter(pl.col("hts") == pl.col("special_from"))
    jp_codes = jp["hts"].str.replace_all(r"\D", "")
    on_lines = japan.filter(pl.col("hs10").str.slice(0, 8).is_in(lines["line8"].implode()))
    total = float(japan["value"].sum() or 0.0)
    covered = float(on_lines["value"].sum() or 0.0)
    by_chapter = (lines.group_by("chapter").agg(pl.len().alias("lines")).join(
        on_lines.with_columns(pl.col("hs10").str.slice(0, 2).alias("chapter"))
        .group_by("chapter").agg(pl.col("value").sum().alias("imports")),
        on="chapter", how="left").with_columns(pl.col("imports").fill_null(0.0)).sort("chapter"))
    top_lines = (on_lines.group_by(pl.col("hs10").str.slice(0, 8).alias("line8"))
                 .agg(pl.col("value").sum().alias("imports")).sort("imports", descending=True).head(10))
    return {
        "lines": lines.height,
        "import_share": covered / total if total else None,
        "imports_on_lines": covered,
        "imports_from_japan": total,
        "rows_with_indicator": jp_codes.len(),
        "ch99_rows_with_indicator": int(jp_codes.str.starts_with("99").sum()),
        "edition": edition,
        "basket_year": basket_year,
        "by_chapter": by_chapter.to_dicts(),
        "top_lines": top_lines.to_dicts(),
        "crs": {"lines": CRS_CLAIMS["usjta_lines"], "import_share": CRS_CLAIMS["usjta_import_share"]},
    }


def japan_imports(basket: ImportBasket, *, top: int = 10) -> dict:
    """U.S. imports from Japan in the basket year: total, by chapter, autos, rank among sources."""
    frame = basket.frame
    jp = frame.filter(pl.col("iso2") == "JP")
    total = float(jp["value"].sum() or 0.0)
    chapters = (jp.group_by(pl.col("hs10").str.slice(0, 2).alias("chapter"))
                .agg(pl.col("value").sum().alias("imports"))
                .with_columns((pl.col("imports") / total).alias("share"))
                .sort("imports", descending=True))
    head4 = lambda p: float(jp.filter(pl.col("hs10").str.starts_with(p))["value"].sum() or 0.0)  # noqa: E731
    sources = (frame.filter(pl.col("iso2").is_not_null()).group_by("iso2")
               .agg(pl.col("value").sum().alias("imports")).sort("imports", descending=True)
               .with_row_index("rank", offset=1))
    jp_rank = sources.filter(pl.col("iso2") == "JP")
    return {
        "basket_year": basket.year,
        "source": basket.source,
        "total": total,
        "share_of_us_imports": total / basket.total if basket.total else None,
        "by_chapter": chapters.head(top).to_dicts(),
        "autos": {"ch87": head4("87"), "8703_passenger_vehicles": head4("8703"),
                  "8704_trucks": head4("8704"), "8708_parts": head4("8708"),
                  "ch87_share": head4("87") / total if total else None},
        "rank": int(jp_rank["rank"][0]) if jp_rank.height else None,
        "top_sources": sources.head(8).to_dicts(),
        "crs": {k: CRS_CLAIMS[k] for k in ("autos_2025", "goods_2018", "rank_2025")},
    }


def edition_for_basket(basket_year: int) -> dt.date:
    """The day whose HTS edition best matches a basket year's codes: 1 Jan of the next year.

    The 2024 basket's HTS-10 codes are 2024 vintage; the nearest edition on hand is the 2025
    Basic edition (in force from 1 Jan 2025).
    """
    if not 1 <= basket_year <= 9998:
        raise InputError(f"basket year {basket_year} is out of range")
    return dt.date(basket_year + 1, 1, 1)
