"""How much of an edition's rate text the parser understands, column by column.

Coverage counts distinct non-empty texts of each rate column (General, Special, Column 2,
Additional Duties) as written on the lines (not inherited). A text is *parsed* when it is
recognised as one of the forms of :mod:`tariffline.hts.rates` (for Special: every program
group, with known indicators); *computable* when it needs no other provision's text
(references and unparsed text are not); *approx* when the flat columns only bound it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from tariffline.hts.loader import HtsEdition, load_edition
from tariffline.hts.rates import parse_rate
from tariffline.hts.special import parse_special

COLUMNS = {"general": "general_text", "special": "special_text", "column2": "column2_text",
           "additional": "additional_text"}


def _column_report(lines: pl.DataFrame, column: str, text_col: str) -> dict:
    counts = (lines.filter(pl.col(text_col) != "").group_by(text_col)
              .agg(pl.len().alias("lines"), pl.col("hts_dotted").first().alias("example"))
              .sort(text_col))
    kinds: Counter = Counter()
    parsed = computable = approx = 0
    unparsed = []
    for text, n_lines, example in counts.iter_rows():
        if column == "special":
            sp = parse_special(text)
            ok, reason = sp.parsed, sp.error
            exprs = [r.expr for r in sp.rates]
        else:
            e = parse_rate(text)
            ok, reason, exprs = e.parsed, e.parse_error, [e]
        kinds.update(e.kind for e in exprs)
        if ok:
            parsed += 1
            computable += all(e.computable for e in exprs)
            approx += any(e.approx for e in exprs)
        else:
            unparsed.append({"text": text, "reason": reason, "lines": n_lines, "example": example})
    distinct = counts.height
    return {
        "column": column, "distinct": distinct, "parsed": parsed,
        "coverage": parsed / distinct if distinct else 1.0,
        "computable": computable, "approx": approx,
        "kinds": dict(sorted(kinds.items())), "unparsed": unparsed,
    }


def coverage(edition: str | Path | HtsEdition | None = None) -> dict:
    """Parse coverage of each rate column of an edition (default: the latest on hand)."""
    ed = edition if isinstance(edition, HtsEdition) else load_edition(edition)
    return {
        "edition": ed.info.edition,
        "source": ed.info.name,
        "columns": [_column_report(ed.lines, col, text_col) for col, text_col in COLUMNS.items()],
    }
