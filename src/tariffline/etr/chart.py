"""Chart of an ETR series by authority: stacked step areas, PNG or SVG, written atomically."""

from __future__ import annotations

from pathlib import Path

from tariffline.chartfile import chart_format, pyplot, save
from tariffline.etr.series import EtrSeries

_ADDITIONAL = ("Section 232", "IEEPA", "Section 122", "Section 301", "Section 201")
# Fixed colours so the same authority looks the same in every chart.
_COLOURS = {
    "MFN": "#8c8c8c", "Column 2": "#4d4d4d", "USJTA": "#66a61e", "Section 232": "#1f77b4",
    "IEEPA": "#d62728", "Section 122": "#ff7f0e", "Section 301": "#9467bd",
    "Section 201": "#8c564b",
}


def render(series: EtrSeries, out: str | Path, *, title: str | None = None) -> Path:
    """Draw ``series`` to ``out`` (format from the suffix: .png or .svg); return the path."""
    out = Path(out)
    fmt = chart_format(out)
    plt = pyplot()

    daily = series.daily
    dates = daily["date"].to_list()
    # Column 1 (MFN, Column 2, preference programs) at the bottom, then the additional duties.
    present = [a for a in series.authorities if daily[a].max() and daily[a].max() > 0]
    additional = [a for a in present if a in _ADDITIONAL]
    authorities = [a for a in present if a not in _ADDITIONAL] + additional
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=120)
    ax.stackplot(dates, *[(daily[a] * 100).to_list() for a in authorities], labels=authorities,
                 step="post", colors=[_COLOURS.get(a, f"C{i % 10}") for i, a in enumerate(authorities)],
                 alpha=0.85)
    ax.step(dates, (daily["etr"] * 100).to_list(), where="post", color="black", linewidth=1.2,
            label="total ETR")
    ax.set_ylabel("duties / import value (%)")
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    basket = series.points[0].basket_year if series.points else "?"
    ax.set_title(title or f"Statutory ETR on U.S. imports from {series.origin} by authority "
                          f"({basket} basket, pre-substitution)")
    prov = series.provenance
    ax.text(0.0, -0.12, f"policy {prov.get('policy_version')}; HTS {', '.join(prov.get('hts_editions', []))}; "
            f"basket {prov.get('basket', {}).get('source')}",
            transform=ax.transAxes, fontsize=7, color="#555555")
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    fig.tight_layout()
    return save(fig, out, fmt)
