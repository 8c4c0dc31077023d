"""Charts of a scenario run: a waterfall of the ETR change by authority, the change in duties by
HS chapter, and (with a date range) the ETR series baseline vs scenario. One figure, written
atomically (.png or .svg)."""

from __future__ import annotations

from pathlib import Path

from tariffline.chartfile import chart_format, pyplot, save



def render(result: dict, out: str | Path) -> Path:
    out = Path(out)
    fmt = chart_format(out)
    plt = pyplot()

    st = result["static"]
    panels = 3 if result.get("series") else 2
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4.5))
    # waterfall: baseline ETR, each authority's change, scenario ETR (percentage points)
    ax = axes[0]
    steps = [(a, v["etr_change"] * 100) for a, v in st["by_authority"].items() if v["etr_change"]]
    level = st["etr_baseline"] * 100
    ax.bar(0, level, color="grey")
    labels = ["baseline"]
    for i, (name, d) in enumerate(steps, start=1):
        ax.bar(i, d, bottom=level, color="firebrick" if d > 0 else "seagreen")
        level += d
        labels.append(name)
    ax.bar(len(steps) + 1, st["etr_scenario"] * 100, color="steelblue")
    labels.append("scenario")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_ylabel("ETR (%)")
    ax.set_title(f"ETR change by authority, {result['origin']} {result['date']}")
    ax = axes[1]
    ch = sorted(st["by_chapter"], key=lambda r: -abs(r["change_usd"]))[:15]
    ax.barh([r["chapter"] for r in ch], [r["change_usd"] / 1e6 for r in ch], color="darkorange")
    ax.set_xlabel("change in duties (USD million)")
    ax.set_title("by HS chapter (largest 15)")
    if panels == 3:
        ax = axes[2]
        s = result["series"]
        days = [p["date"] for p in s] + [result["end"]]
        for key, label in (("etr_baseline", "baseline"), ("etr_scenario", "scenario")):
            vals = [p[key] * 100 for p in s]
            ax.step(days, vals + vals[-1:], where="post", label=label)
        ax.set_ylabel("ETR (%)")
        ax.legend()
        ax.set_title("ETR series")
        fig.autofmt_xdate()
    sc = result["scenario"]
    fig.suptitle(f"Scenario {sc['id']} ({sc['hash']}), {result['basket_year']} basket")
    fig.tight_layout()
    return save(fig, out, fmt)
