"""Build the briefing: gather the figures for one day, render the HTML, write HTML or PDF.

The PDF is made by WeasyPrint from the same HTML; charts are inline SVG, so they stay vectors.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from tariffline.brief.footnotes import Footnotes
from tariffline.cli.output import pct
from tariffline.dates import parse_date
from tariffline.errors import InputError
from tariffline.web import figures
from tariffline.web.health import health

CHANGES_DAYS = 90
DEADLINE_DAYS = 180

_env = Environment(loader=PackageLoader("tariffline.brief", "templates"), autoescape=select_autoescape())
_env.filters["pct"] = pct
_env.filters["money"] = lambda x: "—" if x is None else f"${x:,.0f}"
_env.filters["svg"] = Markup  # charts come from tariffline.web.charts, never from user input


def render_html(as_of: str | dt.date, origin: str = "JP", *, start: str | dt.date | None = None) -> str:
    """The briefing as one HTML document for ``as_of`` (series from ``start``, default 2018-01-01)."""
    day = parse_date(as_of, "as-of date")
    first = parse_date(start, "start date") if start else figures.SERIES_START
    if first >= day:
        raise InputError(f"start date {first} must be before the as-of date {day}")
    fn = Footnotes()
    ctx = {
        "day": day, "origin": origin, "fn": fn, "law_current_through": health()["law_current_through"],
        "now": figures.etr_now(origin, day),
        "series": figures.etr_series(origin, first, day),
        "changes": figures.changes(day - dt.timedelta(days=CHANGES_DAYS), day),
        "changes_days": CHANGES_DAYS,
        "side": figures.japan_side(day),
        "cm": figures.commitments(day, DEADLINE_DAYS),
        "deadline_days": DEADLINE_DAYS,
    }
    return _env.get_template("brief.html").render(ctx)


def write(out: str | Path, as_of: str | dt.date, origin: str = "JP", *, start: str | dt.date | None = None) -> Path:
    """Write the briefing to ``out`` (.pdf or .html) atomically; returns the path."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise InputError(f"briefing output must end in .pdf or .html, not {out.name!r}")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    html = render_html(as_of, origin, start=start)
    fd, tmp = tempfile.mkstemp(prefix=".brief-", suffix=suffix, dir=out.parent)
    os.close(fd)
    try:
        if suffix == ".html":
            Path(tmp).write_text(html, encoding="utf-8")
        else:
            from weasyprint import HTML  # imported here: only the PDF needs pango

            HTML(string=html).write_pdf(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
