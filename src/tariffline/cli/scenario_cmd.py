"""`tariffline scenario list|show|run|compare`: what-if scenarios against the baseline.

``scenario run ID_OR_FILE --origin JP --date D [--end D2] [--pe] [--ge DATA|sample] [--json]
[--chart out.png]``; ``scenario compare A B --origin JP --date D``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.output import console, pct, print_json

api = lazy_module("tariffline.scenarios.api")
DEFAULT_BASKET_YEAR = 2024  # scenarios.api's, not imported at start (tests/cli/test_cli_start.py)


def _money(x: float | None) -> str:
    return "—" if x is None else f"${x / 1e9:,.2f}bn" if abs(x) >= 1e8 else f"${x:,.0f}"


def _chapters(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


def _print_run(r: dict) -> None:
    st, sc = r["static"], r["scenario"]
    console.print(f"Scenario [bold]{sc['id']}[/] ({sc['hash']}): {sc['title']}", highlight=False)
    console.print(f"{r['origin']} on {r['date']}, {r['basket_year']} basket: ETR {pct(st['etr_baseline'])} -> "
                  f"[bold]{pct(st['etr_scenario'])}[/]; duties {_money(st['duties_baseline_usd'])} -> "
                  f"{_money(st['duties_scenario_usd'])} (change {_money(st['revenue_change_usd'])}) on imports "
                  f"{_money(st['imports_usd'])}", highlight=False)
    table = Table(title="change by authority")
    for col in ("Authority", "Baseline", "Scenario", "Change", "ETR points"):
        table.add_column(col)
    for a, v in st["by_authority"].items():
        table.add_row(a, _money(v["baseline_usd"]), _money(v["scenario_usd"]), _money(v["change_usd"]),
                      f"{v['etr_change'] * 100:+.2f}")
    console.print(table)
    if st["top_lines"]:
        table = Table(title="lines that move most")
        for col in ("HTS-10", "Origin", "Imports", "Baseline", "Scenario", "Scenario layers"):
            table.add_column(col)
        for line in st["top_lines"][:10]:
            layers = ", ".join(f"{x['heading']} {x['rate'] * 100:.1f}%" for x in line["scenario_layers"]
                               if x["rate"] is not None)
            table.add_row(line["hts"], line["origin"], _money(line["imports_usd"]), _money(line["baseline_usd"]),
                          _money(line["scenario_usd"]), layers)
        console.print(table)
    if "pe" in r:
        p = r["pe"]
        console.print(f"PE: imports from {r['origin']} {_money(p['imports_change_usd'])}, diversion to others "
                      f"{_money(p['diversion_usd'])}, consumer surplus {_money(p['consumer_surplus_change_usd'])}, "
                      f"deadweight loss {_money(p['deadweight_loss_change_usd'])}, prices {p['price_change']:+.2%}",
                      highlight=False)
    if "japan_side" in r:
        _print_japan_side(r["japan_side"])
    if "ge" in r:
        for c, w in r["ge"]["welfare_change"].items():
            console.print(f"GE: {c} welfare (real GDP) {w:+.4f}%", highlight=False)
        console.print(f"[dim]{r['ge']['note']}[/]", highlight=False)
    for line in r["limits"]:
        console.print(f"[dim]limit: {line}[/]", highlight=False)
    console.print(f"[dim]policy {r['provenance']['policy_version_baseline']} -> "
                  f"{r['provenance']['policy_version_scenario']}; assumptions {', '.join(r['assumptions'])}[/]",
                  highlight=False)


def _print_japan_side(j: dict) -> None:
    if not j["computed"]:
        console.print(f"Japan's side on {j['date']}: not computed: {j['reason']}", highlight=False)
        return
    console.print(f"Japan's side: Japan's tariff on U.S. goods on {j['date']} (edition {j['edition']}), weighted by "
                  f"{j['exports_year']} U.S. exports {_money(j['exports_weighted_usd'])}: {pct(j['etr_baseline'])} -> "
                  f"[bold]{pct(j['etr_scenario'])}[/] ({j['etr_change'] * 100:+.2f} points; "
                  f"{j['lines_changed']} of {j['lines_rated']} lines move)", highlight=False)
    if j["by_chapter"]:
        table = Table(title="Japan's side: change by HS chapter")
        for col in ("Chapter", "U.S. exports", "Lines", "Baseline avg", "Scenario avg", "ETR points"):
            table.add_column(col)
        for c in j["by_chapter"][:10]:
            table.add_row(c["chapter"], _money(c["exports_usd"]), str(c["lines"]), pct(c["avg_baseline"]),
                          pct(c["avg_scenario"]), f"{c['etr_contribution'] * 100:+.3f}")
        console.print(table)
    if j["top_lines"]:
        table = Table(title="Japan's side: lines that move most")
        for col in ("Line", "Description", "Baseline", "Scenario"):
            table.add_column(col)
        for x in j["top_lines"][:10]:
            table.add_row(x["line"], (x["description_en"] or "")[:60], f"{x['program_baseline']} {x['text_baseline']}",
                          f"{x['program_scenario']} {x['text_scenario']}")
        console.print(table)
    console.print(f"[dim]{j['method']}[/]", highlight=False)


def print_etr(r: dict) -> None:
    """``etr --scenario``: the origin's ETR, baseline vs scenario, by authority."""
    st, sc = r["static"], r["scenario"]
    table = Table(title=f"ETR on imports from {r['origin']} on {r['date']}: baseline vs {sc['id']} ({sc['hash']})")
    for col in ("Authority", "Baseline", "Scenario", "Change (points)"):
        table.add_column(col)
    imports = st["imports_usd"] or 1.0
    for a, v in st["by_authority"].items():
        table.add_row(a, pct(v["baseline_usd"] / imports), pct(v["scenario_usd"] / imports),
                      f"{v['etr_change'] * 100:+.2f}")
    table.add_row("[bold]Total", f"[bold]{pct(st['etr_baseline'])}", f"[bold]{pct(st['etr_scenario'])}",
                  f"[bold]{st['etr_change'] * 100:+.2f}")
    console.print(table)


def print_duty(r: dict) -> None:
    """``duty --scenario``: one entry's layers under the baseline and the scenario."""
    for key in ("baseline", "scenario_result"):
        part = r[key]
        table = Table(title=f"{r['hts']} from {r['origin']} on {r['date']}: {key} (policy {part['policy_version']})")
        for col in ("Authority", "Heading", "Rate", "Amount"):
            table.add_column(col)
        for lay in part["layers"]:
            table.add_row(lay["authority"], lay["heading"] or "", pct(lay["rate"]), f"${lay['amount']:,.2f}")
        table.add_row("[bold]Total", "", f"[bold]{pct(part['total_rate'])}", f"[bold]${part['total_duty']:,.2f}")
        console.print(table)
    console.print(f"change: ${r['change_usd']:,.2f} (scenario {r['scenario']['id']}, {r['scenario']['hash']})",
                  highlight=False)


def register(app: typer.Typer) -> None:
    sc = typer.Typer(help="What-if scenarios: static, partial- and general-equilibrium effects.",
                     no_args_is_help=True)
    app.add_typer(sc, name="scenario")

    @sc.command("list")
    def list_cmd(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """The shipped scenarios."""
        rows = api.list_scenarios()
        if json_out:
            print_json(rows)
            return
        table = Table(title="scenarios")
        for col in ("Id", "Title", "Changes", "Hash"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["id"], r["title"], str(r["changes"]), r["hash"])
        console.print(table)

    @sc.command("show")
    def show_cmd(scenario: str = typer.Argument(..., help="Scenario id or file."),
                 json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """A scenario's changes and the measures they touch."""
        r = api.show(scenario)
        if json_out:
            print_json(r)
            return
        console.print(f"[bold]{r['id']}[/]: {r['title']}\n{r['description']}", highlight=False)
        for c in r["changes"]:
            console.print(f"- {c}", highlight=False)
        console.print(f"measures touched: {', '.join(r['measures_touched']) or 'none'}; programs added: "
                      f"{', '.join(r['programs_added']) or 'none'}; "
                      f"assumptions {', '.join(r['author_assumptions']) or 'none'}", highlight=False)

    @sc.command("run")
    def run_cmd(
        scenario: str = typer.Argument(..., help="Scenario id or file."),
        origin: str = typer.Option("JP", "--origin", help="ISO-2, name, EU or ALL."),
        date: str = typer.Option(..., "--date", help="Entry date (YYYY-MM-DD)."),
        end: Optional[str] = typer.Option(None, "--end", help="Also an ETR series to this day."),
        pe: bool = typer.Option(False, "--pe", help="Partial equilibrium (SMART-style)."),
        ge: Optional[str] = typer.Option(None, "--ge", help="General equilibrium on gravity data (CSV) or 'sample'."),
        sigma_source: str = typer.Option("broda_weinstein", "--sigma", help="broda_weinstein or hauk."),
        supply: Optional[float] = typer.Option(None, "--supply-elasticity", help="Finite export supply elasticity."),
        chapters: Optional[str] = typer.Option(None, "--chapters", help="Restrict the basket, e.g. 87,84."),
        basket_year: int = typer.Option(DEFAULT_BASKET_YEAR, "--basket-year"),
        chart: Optional[Path] = typer.Option(None, "--chart", help="Write charts (.png or .svg)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Effects of a scenario against the baseline."""
        r = api.run(scenario, origin=origin, date=date, end=end, pe=pe, ge=ge, basket_year=basket_year,
                    sigma_source=sigma_source, supply_elasticity=supply, chapters=_chapters(chapters))
        if chart is not None:
            from tariffline.scenarios.charts import render

            r["chart"] = str(render(r, chart))
        if json_out:
            print_json(r)
            return
        _print_run(r)

    @sc.command("compare")
    def compare_cmd(a: str = typer.Argument(...), b: str = typer.Argument(...),
                    origin: str = typer.Option("JP", "--origin"), date: str = typer.Option(..., "--date"),
                    pe: bool = typer.Option(False, "--pe"),
                    chapters: Optional[str] = typer.Option(None, "--chapters"),
                    json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """Two scenarios side by side."""
        r = api.compare(a, b, origin=origin, date=date, pe=pe, chapters=_chapters(chapters))
        if json_out:
            print_json(r)
            return
        table = Table(title=f"{r['a']['scenario']['id']} vs {r['b']['scenario']['id']} ({origin}, {date})")
        table.add_column("")
        table.add_column(r["a"]["scenario"]["id"])
        table.add_column(r["b"]["scenario"]["id"])
        for key, fmt in (("etr_baseline", pct), ("etr_scenario", pct), ("revenue_change_usd", _money)):
            table.add_row(key, fmt(r["a"]["static"][key]), fmt(r["b"]["static"][key]))
        if pe:
            for key in ("imports_change_usd", "diversion_usd", "consumer_surplus_change_usd"):
                table.add_row(key, _money(r["a"]["pe"][key]), _money(r["b"]["pe"][key]))
        sides = [(r[k].get("japan_side") or {}) for k in ("a", "b")]
        if any(j.get("computed") for j in sides):
            for key in ("etr_baseline", "etr_scenario"):
                table.add_row(f"japan_side.{key}", *[pct(j[key]) if j.get("computed") else "—" for j in sides])
        console.print(table)
