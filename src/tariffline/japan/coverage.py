"""Quality reports on an edition: how many distinct rate texts parse (and why the others do
not; a cell holding only a footnote reference counts as not parsed), which forms they take, and
how many lines carry a USJTA rate, set against CRS's "about 600 agricultural lines"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache

import polars as pl

from tariffline.japan.duty import Valuation, ave, select
from tariffline.japan.programs import load_yaml
from tariffline.japan.rates import FootnoteOnly, RateParseError, parse_rate
from tariffline.japan.schedule import Edition

USJTA_COLUMN = "EPA_日米貿易協定"


def parse_coverage(edition: Edition) -> dict:
    """Distinct rate texts of every column, how many parse, and the failures with reasons."""
    texts: Counter[str] = Counter()
    for col in edition.rate_columns:
        for t in edition.lines["rate:" + col].to_list():
            if t:
                texts[t] += 1
    failures = []
    forms: Counter[str] = Counter()
    for t, n in texts.items():
        try:
            expr = parse_rate(t).expr
        except RateParseError as exc:
            failures.append({"text": t, "cells": n, "reason": str(exc)})
            continue
        if isinstance(expr, FootnoteOnly):
            failures.append({"text": t, "cells": n,
                             "reason": "only a footnote reference; the rate is in a footnote not in the data"})
            continue
        forms[type(expr).__name__] += 1
    distinct = len(texts)
    return {
        "edition": edition.edition,
        "distinct_texts": distinct,
        "parsed": distinct - len(failures),
        "coverage": (distinct - len(failures)) / distinct if distinct else 1.0,
        "cells": sum(texts.values()),
        "cells_parsed": sum(texts.values()) - sum(f["cells"] for f in failures),
        "forms": dict(forms.most_common()),
        "failures": sorted(failures, key=lambda f: -f["cells"]),
    }


@lru_cache(maxsize=1)
def _aoa() -> tuple[tuple[str, ...], tuple[str, ...], str]:
    rules = load_yaml("wto_agriculture.yaml")
    return (tuple(p.replace(".", "") for p in rules["include"]),
            tuple(p.replace(".", "") for p in rules["exclude"]), rules["source"])


def is_agricultural(code: str) -> bool:
    """True if the code is in the product coverage of the WTO Agreement on Agriculture."""
    inc, exc, _ = _aoa()
    return code.startswith(inc) and not code.startswith(exc)


def usjta_lines(edition: Edition, val: Valuation, day: dt.date) -> dict:
    """Lines with a USJTA rate: total, agricultural (WTO AoA Annex 1), by chapter, and how many
    are below the MFN-column rates (a real preference) at the stated unit values."""
    df = edition.lines.filter(pl.col("rate:" + USJTA_COLUMN) != "")
    rows = list(df.iter_rows(named=True))
    agri = [r for r in rows if is_agricultural(r["code"])]
    codes9 = {r["code"] for r in rows}
    free = below = 0
    for r in rows:
        sel = select(parse_rate(r["rate:" + USJTA_COLUMN]), frozenset(), day, val)
        a = ave(sel.expr, val) if sel.expr is not None else None
        if a is not None and a.value == 0:
            free += 1
        mfn_texts = [r["rate:暫定"] or r["rate:基本"], r["rate:WTO協定"]]
        mfn = []
        for t in mfn_texts:
            if t:
                s = select(parse_rate(t), frozenset(), day, val)
                m = ave(s.expr, val) if s.expr is not None else None
                if m is not None and m.value is not None:
                    mfn.append(m.value)
        if a is not None and a.value is not None and mfn and a.value < min(mfn) - 1e-12:
            below += 1
    by_chapter = (df.group_by("chapter").agg(pl.len().alias("lines")).sort("chapter"))
    return {
        "edition": edition.edition,
        "lines_with_usjta_rate": len(rows),
        "distinct_9_digit_codes": len(codes9),
        "agricultural_lines": len(agri),
        "non_agricultural_lines": len(rows) - len(agri),
        "usjta_free_lines": free,
        "usjta_below_mfn_lines": below,
        "crs_figure": "about 600 agricultural tariff lines (CRS IF11120, 2026)",
        "by_chapter": by_chapter,
        "agriculture_definition": _aoa()[2],
    }
