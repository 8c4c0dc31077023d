"""`tariffline etr` and `tariffline coverage usjta|crs`: effective tariff rates and the CRS figures.

``etr --origin JP --date D [--by authority] [--json]``: the statutory ETR on one date;
``etr --origin JP --start D1 --end D2 [--chart OUT.png|.svg] [--json]``: the daily series;
``etr --compare --date D [--json]``: Japan beside the EU, Korea, UK, Canada, Mexico, China, all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.law_footer import law_fields, print_law_footer
from tariffline.cli.output import console, pct, print_json
from tariffline.errors import InputError

api = lazy_module("tariffline.etr.api")
# etr.api's defaults, written here so that the options do not import the ETR engine at start
# (tests/cli/test_cli_start.py checks they agree)
DEFAULT_BASKET_YEAR = 2024
DEFAULT_METAL_SHARE = 0.5


def _money(x: float | None) -> str:
    return "—" if x is None else f"${x / 1e9:,.2f}bn" if abs(x) >= 1e8 else f"${x:,.0f}"


def _print_flags(flags: list[str]) -> None:
    for f in flags:
        console.print(f"[yellow]flag:[/] {f}", highlight=False)


def _print_provenance(prov: dict) -> None:
    b = prov.get("basket", {})
    console.print(f"[dim]basket {b.get('year')} ({b.get('source')}); HTS "
                  f"{', '.join(prov.get('hts_editions', []))}; policy {prov.get('policy_version')}; "
                  f"assumptions {', '.join(prov.get('assumptions', {}))} (ASSUMPTIONS.md)[/]",
                  highlight=False)


_BY = {"authority": None, "chapter": 2, "heading": 4}


def _single(res: dict, by: str | None) -> None:
    console.print(f"Statutory ETR on U.S. imports from [bold]{res['origin']}[/] on {res['date']}: "
                  f"[bold]{pct(res['etr'])}[/] (duties {_money(res['duties'])} on imports "
                  f"{_money(res['imports'])}, {res['basket_year']} basket)", highlight=False)
    if by in ("chapter", "heading"):
        rows = res["by_chapter" if by == "chapter" else "by_heading"]
        table = Table(title=f"by {by} (largest contributions first; points of the ETR)")
        for col in ("HS", "Imports", "Rate", "Points of ETR", "Points by authority"):
            table.add_column(col)
        for r in rows[:20]:
            parts = ", ".join(f"{a} {v * 100:.2f}" for a, v in r["by_authority"].items() if v)
            table.add_row(r["code"], _money(r["imports"]), pct(r["rate"]), f"{r['contribution'] * 100:.2f}", parts)
        if len(rows) > 20:
            table.add_row("…", f"{len(rows) - 20} more", "", "", "")
        console.print(table)
    if by == "authority":
        table = Table(title="by authority")
        for col in ("Authority", "Rate (of basket value)", "Duties"):
            table.add_column(col)
        for name, rate in res["by_authority"].items():
            table.add_row(name, pct(rate), _money(res["duties_by_authority"][name]))
        table.add_row("[bold]Total", f"[bold]{pct(res['etr'])}", f"[bold]{_money(res['duties'])}")
        console.print(table)
    _print_flags(res["flags"])
    _print_provenance(res["provenance"])


def _compare(rows: list[dict]) -> None:
    table = Table(title=f"Statutory ETR on {rows[0]['date']} ({rows[0]['basket_year']} basket)")
    for col in ("Origin", "ETR", "Imports", "Duties", "Own measures encoded", "Largest layers"):
        table.add_column(col)
    for r in rows:
        enc = {True: "yes", False: "[yellow]no[/]", None: "(group)"}[r["measures_encoded"]]
        top = ", ".join(f"{a} {pct(v, 1)}" for a, v in list(r["by_authority"].items())[:3])
        table.add_row(r["origin"], pct(r["etr"]), _money(r["imports"]), _money(r["duties"]), enc, top)
    console.print(table)
    for r in rows:
        if r["origin"] in ("EU", "ALL"):
            _print_flags(r["flags"])
    _print_provenance(rows[0]["provenance"])


def _metal_share(text: str) -> float | None:
    if text.strip().lower() == "full":
        return None
    try:
        share = float(text)
    except ValueError:
        raise InputError(f"--metal-share {text!r} is not a number between 0 and 1 or 'full'") from None
    if not 0.0 <= share <= 1.0:
        raise InputError(f"--metal-share {text!r} must be between 0 and 1 (or 'full')")
    return share


def register(app: typer.Typer) -> None:
    @app.command("etr")
    def etr_cmd(
        origin: Optional[str] = typer.Option(None, "--origin", help="ISO-2/ISO-3, Census code or name; EU; ALL."),
        date: Optional[str] = typer.Option(None, "--date", help="Entry date (YYYY-MM-DD or 'today')."),
        start: Optional[str] = typer.Option(None, "--start", help="Series: first day (YYYY-MM-DD or 'today')."),
        end: Optional[str] = typer.Option(None, "--end", help="Series: last day (YYYY-MM-DD or 'today')."),
        by: Optional[str] = typer.Option(None, "--by", help="Decompose: 'authority', 'chapter' or 'heading'."),
        chart: Optional[Path] = typer.Option(None, "--chart", help="Series: write a chart (.png or .svg)."),
        compare: bool = typer.Option(False, "--compare", help="Japan beside EU, KR, UK, CA, MX, CN and all origins."),
        basket_year: int = typer.Option(DEFAULT_BASKET_YEAR, "--basket-year", help="Year of the import weights."),
        as_known_on: Optional[str] = typer.Option(None, "--as-known-on",
                                                  help="Law as published by this date (YYYY-MM-DD or 'today')."),
        metal_share: str = typer.Option(str(DEFAULT_METAL_SHARE), "--metal-share",
                                        help="Metal share of value outside ch. 72/73/74/76 for duties on "
                                             "metal content (0-1), or 'full' for the upper bound."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        scenario: Optional[str] = typer.Option(None, "--scenario", help="ETR under a scenario (id or file) vs the baseline."),
    ) -> None:
        """Statutory (pre-substitution) effective tariff rate: engine duties on a fixed import basket."""
        share = _metal_share(metal_share)
        if by is not None and by not in _BY:
            raise InputError(f"--by {by!r}: choose one of {', '.join(_BY)}")
        series = start is not None or end is not None
        if series and date is not None:
            raise InputError("give either --date or --start/--end, not both")
        if scenario is not None:
            from tariffline.cli.scenario_cmd import print_etr
            from tariffline.scenarios.api import run as scenario_run

            if date is None or origin is None or compare or series or chart is not None:
                raise InputError("--scenario needs --origin and --date (and no --compare/--start/--end/--chart)")
            res = scenario_run(scenario, origin=origin, date=date, basket_year=basket_year, metal_share=share)
            out = {k: res[k] for k in ("scenario", "origin", "date", "basket_year", "assumptions", "provenance")}
            out["static"] = {k: v for k, v in res["static"].items() if k != "top_lines"}
            print_json(out) if json_out else print_etr(out)
            return
        if compare:
            if date is None or series or chart is not None:
                raise InputError("--compare needs --date (and no --start/--end/--chart)")
            rows = api.compare(date, basket_year=basket_year, as_known_on=as_known_on, metal_share=share)
            law = law_fields(date)
            rows = [r | law for r in rows]
            print_json(rows) if json_out else _compare(rows)
            if not json_out:
                print_law_footer(law)
            return
        if origin is None:
            raise InputError("--origin is required (e.g. --origin JP; EU or ALL for groups)")
        if not series:
            if date is None:
                raise InputError("give --date D, or --start D1 --end D2 for a series")
            if chart is not None:
                raise InputError("--chart needs a series: give --start and --end")
            res = api.etr(origin, date, basket_year=basket_year, as_known_on=as_known_on,
                          metal_share=share).to_dict(_BY.get(by)) | law_fields(date)
            print_json(res) if json_out else _single(res, by)
            if not json_out:
                print_law_footer(res)
            return
        if start is None or end is None:
            raise InputError("a series needs both --start and --end")
        if chart is not None:
            s, path = api.chart(origin, start, end, chart, basket_year=basket_year,
                                as_known_on=as_known_on, progress=not json_out, metal_share=share)
        else:
            s = api.etr_series(origin, start, end, basket_year=basket_year,
                               as_known_on=as_known_on, progress=not json_out, metal_share=share)
            path = None
        law = law_fields(end)
        if json_out:
            print_json({**s.to_dict(), "chart": str(path) if path else None, **law})
            return
        table = Table(title=f"Statutory ETR, imports from {s.origin}, {s.start} to {s.end} "
                            f"(changes only; {s.points[0].basket_year} basket)")
        table.add_column("From", no_wrap=True)
        table.add_column("ETR")
        for a in s.authorities:
            table.add_column(a)
        prev = None
        for p in s.points:
            key = (round(p.etr, 6), tuple(round(p.by_authority.get(a, 0.0), 6) for a in s.authorities))
            if key == prev:
                continue
            prev = key
            table.add_row(str(p.date), pct(p.etr), *[pct(p.by_authority.get(a, 0.0)) for a in s.authorities])
        console.print(table)
        bare = [str(p.date) for p in s.points if any("no origin-specific measure" in f for f in p.flags)]
        if bare:
            more = f" and {len(bare) - 4} more" if len(bare) > 4 else ""
            _print_flags([f"{s.origin}: no origin-specific measure encoded at {len(bare)} of "
                          f"{len(s.points)} change points ({', '.join(bare[:4])}{more}); there the rate "
                          "counts MFN, preference programs and measures on all origins only"])
        counted = sorted({m for p in s.points for f in p.flags if "measures counted:" in f
                          for m in f.split("measures counted: ", 1)[1].split(";", 1)[0].split(", ")})
        if counted:
            console.print(f"[dim]origin-specific measures counted over the range: {', '.join(counted)}[/]",
                          highlight=False)
        if path:
            console.print(f"[green]chart written:[/] {path}")
        _print_provenance(s.provenance)
        print_law_footer(law)

    cov = typer.Typer(help="Coverage figures: USJTA lines and trade, the CRS figures.", no_args_is_help=True)
    app.add_typer(cov, name="coverage")

    @cov.command("usjta")
    def usjta_cmd(
        edition: Optional[str] = typer.Option(None, "--edition", help="HTS edition (default: the one after the basket year)."),
        basket_year: int = typer.Option(DEFAULT_BASKET_YEAR, "--basket-year"),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """U.S. tariff lines with a JP (USJTA) preference and the share of imports from Japan on them."""
        res = api.usjta_coverage(basket_year=basket_year, edition=edition)
        if json_out:
            print_json(res)
            return
        console.print(f"USJTA: [bold]{res['lines']}[/] U.S. tariff lines (8-digit, outside ch. 99) carry "
                      f"the JP indicator in HTS {res['edition']} (CRS: {res['crs']['lines']['value']}).",
                      highlight=False)
        console.print(f"Imports from Japan on those lines in {res['basket_year']}: "
                      f"{_money(res['imports_on_lines'])} of {_money(res['imports_from_japan'])} = "
                      f"[bold]{pct(res['import_share'])}[/] (CRS: about 5%, on older trade).",
                      highlight=False)

    @cov.command("crs")
    def crs_cmd(
        basket_year: int = typer.Option(DEFAULT_BASKET_YEAR, "--basket-year"),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """The CRS In Focus figures (USJTA lines and share, imports from Japan, rank) recomputed."""
        res = api.crs_figures(basket_year=basket_year)
        if json_out:
            print_json(res)
            return
        u, j = res["usjta"], res["japan_imports"]
        console.print(f"USJTA lines with JP: {u['lines']} (CRS 241); import share {pct(u['import_share'])} "
                      f"(CRS ~5%)", highlight=False)
        console.print(f"Imports from Japan {j['basket_year']}: {_money(j['total'])}, rank {j['rank']} among "
                      f"U.S. sources; ch. 87 {_money(j['autos']['ch87'])} ({pct(j['autos']['ch87_share'])})",
                      highlight=False)
        table = Table(title="Imports from Japan by HS chapter")
        for col in ("Chapter", "Imports", "Share"):
            table.add_column(col)
        for r in j["by_chapter"]:
            table.add_row(r["chapter"], _money(r["imports"]), pct(r["share"]))
        console.print(table)
