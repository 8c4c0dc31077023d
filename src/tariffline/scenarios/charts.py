"""Charts of a scenario run: a waterfall of the ETR change by authority, the change in duties by
HS chapter, (with a date range) the ETR series baseline vs scenario and (with Japan's side) the
change in Japan's tariff on U.S. goods by HS chapter. One figure, written atomically (.png or
.svg)."""

from __future__ import annotations

from pathlib import Path

from tariffline.chartfile import chart_format, pyplot, save


def render(result: dict, out: str | Path) -> Path:
    out = Path(out)
    fmt = chart_format(out)
    plt = pyplot()

    st = result["static"]
    japan = result.get("japan_side") or {}
    japan = japan if japan.get("computed") else None
    panels = 2 + bool(result.get("series")) + bool(japan)
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
    if result.get("series"):
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
    if japan:
        ax = axes[-1]
        ch = japan["by_chapter"][:15]
        ax.barh([r["chapter"] for r in ch], [r["etr_contribution"] * 100 for r in ch], color="purple")
        ax.set_xlabel("contribution to the change (percentage points)")
        ax.set_title(f"Japan's tariff on U.S. goods {japan['etr_baseline'] * 100:.2f}% -> "
                     f"{japan['etr_scenario'] * 100:.2f}%\nby HS chapter (HS-2 export weights: coarse)")
    sc = result["scenario"]
    fig.suptitle(f"Scenario {sc['id']} ({sc['hash']}), {result['basket_year']} basket")
    fig.tight_layout()
    return save(fig, out, fmt)
