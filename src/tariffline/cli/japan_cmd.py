"""`tariffline japan rate|compare|parity|safeguard|coverage`: Japan's tariffs on U.S. goods
next to its FTA partners (see :mod:`tariffline.japan.api`).

Rate texts are shown with an English rendering beside them; answers carry the date of the
Japan Customs schedule edition they read as their currency (``law_current_through``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.output import console, pct, print_json
from tariffline.errors import InputError

if TYPE_CHECKING:
    import polars as pl

api = lazy_module("tariffline.japan.api")
japan_duty = lazy_module("tariffline.japan.duty")

_UNIT = typer.Option(None, "--unit-value", help="Reference unit value, UNIT=YEN (repeatable), e.g. kg=1500.")
_QUOTA = typer.Option("in", "--quota", help="'in': in-quota rates where the origin may use a quota; 'out': never.")
_EFILE = typer.Option(None, "--edition-file", help="A later edition in the same JSON layout (file or chapter directory).")
_EDATE = typer.Option(None, "--edition-date", help="Edition date of --edition-file if its source_version does not say.")
_DATE_HELP = "Day of import (YYYY-MM-DD or 'today')."


def _origin(origin: str | None, alias: str | None) -> str:
    """--origin, or its older spelling --from (kept, hidden); both given must agree."""
    if origin and alias and origin != alias:
        raise InputError(f"--origin {origin!r} and --from {alias!r} disagree; give --origin only")
    if not (origin or alias):
        raise InputError("--origin is required (ISO-2/ISO-3, name, Census code, or EU)")
    return origin or alias  # type: ignore[return-value]


def _rate_text(rate: dict | None) -> str:
    text = ((rate or {}).get("text") or "—").replace("\n", " / ")
    en = (rate or {}).get("text_en")
    return f"{text}\n[dim]= {en}[/]" if en and en != text else text


def _rate_cell(r: dict | None) -> str:
    if not r or r.get("ave") is None:
        return (r or {}).get("text") or "—"
    est = " (est.)" if r.get("ave_is_estimate") else ""
    return f"{pct(r['ave'], 1)}{est}"


def _write_csv(df: pl.DataFrame, path: str) -> None:
    dest = Path(path).expanduser()
    if not dest.parent.is_dir():
        raise InputError(f"output directory {str(dest.parent)!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    os.close(fd)
    try:
        df.write_csv(tmp)
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _footer(currency: dict) -> None:
    console.print(f"[dim]Japan's law current through {currency['law_current_through']} "
                  f"({currency['law_currency_basis']})[/]", highlight=False)


def register(app: typer.Typer) -> None:
    japan = typer.Typer(help="Japan's tariffs on U.S. goods vs CPTPP, EU and RCEP competitors.",
                        no_args_is_help=True)
    app.add_typer(japan, name="japan")

    @japan.command("rate")
    def rate(hs: str = typer.Argument(..., help="Japanese code: 2, 4, 6 or 9 digits (0201.30, 0201.30.010)."),
             origin: str = typer.Option(None, "--origin", help="Origin: ISO-2/ISO-3, name, Census code, or EU."),
             origin_alias: str = typer.Option(None, "--from", hidden=True),
             date: str = typer.Option(..., "--date", help=_DATE_HELP),
             json_out: bool = typer.Option(False, "--json"),
             unit_value: list[str] = _UNIT, quota: str = _QUOTA,
             edition_file: str = _EFILE, edition_date: str = _EDATE) -> None:
        """The rate each line pays from one origin on one day, and the program that gives it."""
        res = api.rate(hs, _origin(origin, origin_alias), date, unit_values=japan_duty.parse_unit_values(unit_value),
                       quota=quota, edition_file=edition_file, edition_date=edition_date)
        currency = api.currency(res)
        if json_out:
            print_json(res)
            return
        basis = res[0]["basis"] + (f" {res[0]['edition']}" if res[0]["edition"] else "")
        table = Table(title=f"Japan: {hs} from {res[0]['origin']} on {date} ({basis})")
        table.add_column("line", no_wrap=True)
        table.add_column("description", overflow="fold", ratio=1)
        table.add_column("program", overflow="fold", max_width=10)
        table.add_column("rate text (English)", overflow="fold", ratio=2)
        table.add_column("AVE", no_wrap=True)
        table.add_column("conf.", overflow="fold", max_width=9)
        for r in res:
            b = r["best"]
            table.add_row(r["line"], r["description_en"], r["program"] or "—", _rate_text(b),
                          _rate_cell(b), r["confidence"])
        console.print(table)
        for flag in sorted({f for r in res for f in r["flags"]}):
            console.print(f"[yellow]note:[/] {flag}", highlight=False)
        _footer(currency)

    @japan.command("compare")
    def compare(hs: str = typer.Argument(..., help="Japanese code: 2, 4, 6 or 9 digits."),
                date: str = typer.Option(..., "--date", help=_DATE_HELP),
                origins: str = typer.Option(None, "--origins", help="Comma-separated origins (default: competitors list)."),
                json_out: bool = typer.Option(False, "--json"),
                unit_value: list[str] = _UNIT, quota: str = _QUOTA,
                edition_file: str = _EFILE, edition_date: str = _EDATE) -> None:
        """All origins side by side for each line."""
        wanted = [o.strip() for o in origins.split(",") if o.strip()] if origins else None
        res = api.compare(hs, date, origins=wanted, unit_values=japan_duty.parse_unit_values(unit_value), quota=quota,
                          edition_file=edition_file, edition_date=edition_date)
        currency = api.currency(res)
        if json_out:
            print_json(res)
            return
        for line in res:
            table = Table(title=f"{line['hs']} {line['description_en'][:60]} — {date} ({line['basis']})")
            table.add_column("origin", no_wrap=True)
            table.add_column("program", overflow="fold", max_width=12)
            table.add_column("rate text (English)", overflow="fold", ratio=1)
            table.add_column("AVE", no_wrap=True)
            table.add_column("confidence", overflow="fold", max_width=10)
            for o, r in line["origins"].items():
                table.add_row(o, r["program"] or "—", _rate_text(r), _rate_cell(r), r["confidence"])
            console.print(table)
        _footer(currency)

    @japan.command("parity")
    def parity(date: str = typer.Option(..., "--date", help=_DATE_HELP),
               chapter: list[str] = typer.Option(None, "--chapter", help="HS chapter(s), repeatable."),
               competitors: str = typer.Option(None, "--competitors", help="Comma-separated origins."),
               exports: str = typer.Option(None, "--exports", help="Census export statistics (API JSON or CSV) as weights."),
               out: str = typer.Option(None, "--out", help="Write the line list to this CSV file."),
               json_out: bool = typer.Option(False, "--json"),
               unit_value: list[str] = _UNIT, quota: str = _QUOTA,
               edition_file: str = _EFILE, edition_date: str = _EDATE) -> None:
        """Lines where a competitor pays less than the U.S., with summaries by chapter and competitor."""
        comps = [c.strip() for c in competitors.split(",") if c.strip()] if competitors else None
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True, disable=json_out) as bar:
            task = bar.add_task("lines", total=None)
            res = api.parity(date, chapters=chapter or None, competitors=comps, exports_file=exports,
                             unit_values=japan_duty.parse_unit_values(unit_value), quota=quota,
                             edition_file=edition_file, edition_date=edition_date, as_frames=True,
                             progress=lambda i, n: bar.update(task, completed=i, total=n))
        if out:
            _write_csv(res["rows"], out)
        if json_out:
            import polars as pl

            print_json({k: (v.to_dicts() if isinstance(v, pl.DataFrame) else v) for k, v in res.items()})
            return
        console.print(f"Parity on {res['date']} (edition {res['edition']}): {res['lines_evaluated']} lines, "
                      f"{res['rows']['line'].n_unique()} with a competitor below the U.S.", highlight=False)
        for key in ("by_competitor", "by_chapter"):
            df = res[key]
            table = Table(title=key.replace("_", " "))
            for col in df.columns:
                table.add_column(col)
            for row in df.iter_rows():
                table.add_row(*[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row])
            console.print(table)
        nop = res["us_without_preference"]
        console.print(f"{nop.height} lines where the U.S. has no preference and a competitor does "
                      "(see --json or --out for the list)", highlight=False)
        for flag in res["flags"]:
            console.print(f"[yellow]note:[/] {flag}", highlight=False)

    @japan.command("safeguard")
    def safeguard(fiscal_year: int = typer.Option(..., "--fiscal-year", help="Japanese fiscal year (April-March)."),
                  imports: str = typer.Option(..., "--imports", help="CSV: period,us_tonnes[,cptpp_tonnes]."),
                  us_trigger: float = typer.Option(None, "--us-trigger", help="U.S. trigger (tonnes) if not encoded."),
                  cptpp_trigger: float = typer.Option(None, "--cptpp-trigger", help="CPTPP trigger (tonnes) if not encoded."),
                  previous_us_total: float = typer.Option(None, "--previous-us-total",
                                                          help="U.S. imports in the previous JFY (tonnes)."),
                  json_out: bool = typer.Option(False, "--json")) -> None:
        """Whether and when the USJTA beef safeguard triggers, from monthly or 10-day volumes."""
        res = api.safeguard(fiscal_year, imports, us_trigger=us_trigger, cptpp_trigger=cptpp_trigger,
                            previous_us_total=previous_us_total)
        if json_out:
            print_json(res)
            return
        if res["triggered"]:
            window = res["start"] if not res["start_latest"] else f"{res['start']} to {res['start_latest']}"
            ends = res["end"] if not res["end_latest"] else f"{res['end']} to {res['end_latest']}"
            rate = pct(res["rate"], 1) if res["rate"] is not None else "not encoded"
            console.print(f"[bold red]JFY{fiscal_year}: safeguard triggers[/] (imports crossed in "
                          f"{res['exceeded_in_period']}); in force from {window} until {ends}; rate {rate}",
                          highlight=False)
        else:
            console.print(f"[green]JFY{fiscal_year}: no trigger[/] (U.S. imports {res['us_imports']:,.0f} t; "
                          f"trigger {res['us_trigger_effective']:,.0f} t)", highlight=False)
        console.print(f"rule: {res['rule']}; confidence: {res['confidence']}", highlight=False)
        for note in res["notes"]:
            console.print(f"[yellow]note:[/] {note}", highlight=False)

    @japan.command("coverage")
    def coverage(edition: str = typer.Option(None, "--edition", help="Registered edition (default: latest)."),
                 json_out: bool = typer.Option(False, "--json"),
                 edition_file: str = _EFILE, edition_date: str = _EDATE) -> None:
        """Rate-text parse coverage (and what did not parse) and the USJTA line count."""
        res = api.coverage(edition, edition_file=edition_file, edition_date=edition_date)
        if json_out:
            print_json(res)
            return
        console.print(f"edition {res['edition']}: {res['parsed']}/{res['distinct_texts']} distinct rate texts parsed "
                      f"({res['coverage']:.2%}); {res['cells_parsed']}/{res['cells']} cells", highlight=False)
        for f in res["failures"]:
            console.print(f"[red]unparsed[/] {f['text']!r} ({f['cells']} cells): {f['reason']}", highlight=False)
        u = res["usjta"]
        console.print(f"USJTA rate on {u['lines_with_usjta_rate']} lines ({u['distinct_9_digit_codes']} codes): "
                      f"{u['agricultural_lines']} agricultural (WTO AoA Annex 1), {u['non_agricultural_lines']} other; "
                      f"{u['usjta_below_mfn_lines']} below MFN, {u['usjta_free_lines']} free. CRS: {u['crs_figure']}.",
                      highlight=False)
