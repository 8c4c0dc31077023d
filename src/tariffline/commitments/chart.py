"""Chart of a cumulative pledge against what has been announced toward it, over time.

Lines: the amount pledged (from the commitment's announcement to its deadline); up to the as-of
day, the amount announced (counted events of confirmed or likely confidence), the amount funded
(events of stage ``funded``, if any) and, dashed, the announced amount plus amounts reported
only by uncertain sources; and the straight-line pace from the period
start to the deadline. The file type follows the suffix (.png or .svg); the file is written
atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tariffline.commitments.models import Commitment, Event
from tariffline.chartfile import chart_format, pyplot, save
from tariffline.errors import InputError



def _steps(events: list[Event], start: dt.date, end: dt.date) -> tuple[list[dt.date], list[float]]:
    xs, ys, total = [start], [0.0], 0.0
    for e in sorted(events, key=lambda e: e.date):
        xs += [e.date, e.date]
        ys += [total, total + e.amount]
        total += e.amount
    return xs + [end], ys + [total]


def render(c: Commitment, events: list[Event], as_of: dt.date, out: Path) -> Path:
    """Draw ``c``'s pledge vs its counted ``events`` (dated up to ``as_of``) into ``out``."""
    fmt = chart_format(out, parent_must_exist=False)
    if c.target is None or c.per_year:
        raise InputError(f"commitment {c.id} has no cumulative target to chart")
    if as_of < c.announced:
        raise InputError(f"as-of date {as_of} is before commitment {c.id} was announced ({c.announced})")
    plt = pyplot()
    import matplotlib.dates as mdates

    counted = [e for e in events if e.counts and e.stage == "announced" and e.date <= as_of]
    firm = [e for e in counted if e.confidence != "uncertain"]
    funded = [e for e in events if e.counts and e.stage == "funded" and e.date <= as_of
              and e.confidence != "uncertain"]
    start = c.announced - dt.timedelta(days=30)
    last = max(as_of, c.deadline or as_of)
    right = last + dt.timedelta(days=min(30, (dt.date.max - last).days))  # no overflow at 9999-12-31
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.step([start, c.announced, c.deadline or as_of], [0, c.target, c.target], where="post",
            color="black", label=f"pledged ({c.target:g} {c.unit}, announced {c.announced})")
    if len(firm) < len(counted):
        ax.step(*_steps(counted, start, as_of), where="post", color="tab:orange", linestyle="--",
                label="announced incl. unconfirmed reports")
    xs, ys = _steps(firm, start, as_of)
    ax.step(xs, ys, where="post", color="tab:blue", linewidth=2,
            label=f"announced ({ys[-1]:g} {c.unit} as of {as_of})")
    if funded:
        fx, fy = _steps(funded, start, as_of)
        ax.step(fx, fy, where="post", color="tab:green", linewidth=2,
                label=f"funded ({fy[-1]:g} {c.unit} as of {as_of})")
    if c.period_start and c.deadline:
        ax.plot([c.period_start, c.deadline], [0, c.target], color="grey", linestyle=":",
                label=f"straight-line pace to {c.deadline}")
    ax.axvline(as_of, color="grey", linewidth=0.8)
    ax.set_xlim(start, right)
    ax.set_ylim(0, c.target * 1.08)
    ax.set_ylabel(c.unit)
    ax.set_title(c.title, fontsize=10)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.legend(loc="center left", bbox_to_anchor=(0.01, 0.62), fontsize=8)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.01, f"Sources: {c.sources[0]}; events: tariffline commitments data",
             fontsize=6, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save(fig, out, fmt, dpi=120)
