"""Charts as inline SVG (matplotlib, vector), shared by the web pages and the briefing report.

Each function returns an ``<svg>`` string whose ``data-points`` attribute says how many data
points it draws, so a page (and the browser tests) can tell a chart with data from an empty one.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                     "axes.spines.right": False})

_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c"]


def _svg(fig, points: int, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', text, count=1)
    return text.replace("<svg ", f'<svg role="img" aria-label="{title}" class="chart" '
                                   f'data-points="{points}" ', 1)


def step_chart(dates: list[dt.date], values: list[float], end: dt.date, title: str, ylabel: str) -> str:
    """A step line of a rate over time (rates as fractions, drawn as percent)."""
    fig, ax = plt.subplots(figsize=(7, 2.6))
    if dates:
        xs, ys = list(dates) + [end], [v * 100 for v in values] + [values[-1] * 100]
        ax.step(xs, ys, where="post", color=_COLOURS[0])
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.set_ylim(bottom=0)
    return _svg(fig, len(dates), title)


def stacked_chart(dates: list[dt.date], layers: dict[str, list[float]], end: dt.date, title: str) -> str:
    """Stacked areas of a rate by component over time (fractions drawn as percent)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    names = [n for n, v in layers.items() if any(abs(x) > 0 for x in v)]
    if dates and names:
        xs = list(dates) + [end]
        ys = [[x * 100 for x in layers[n]] + [layers[n][-1] * 100] for n in names]
        ax.stackplot(xs, ys, labels=names, step="post", colors=_COLOURS[:len(names)] or None)
        ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.set_ylabel("percent of import value")
    ax.set_title(title, loc="left")
    ax.set_ylim(bottom=0)
    return _svg(fig, len(dates), title)


def bar_chart(labels: list[str], values: list[float], title: str, xlabel: str, percent: bool = True) -> str:
    """Horizontal bars, one per label (fractions drawn as percent when ``percent``)."""
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(labels), 3) + 0.8))
    vals = [v * 100 if percent else v for v in values]
    ax.barh(labels[::-1], vals[::-1], color=_COLOURS[0])
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    return _svg(fig, len(labels), title)
