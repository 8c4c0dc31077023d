"""`tariffline duty | timeline | batch`: the U.S. duty on goods of any origin on any date.

The engine, Polars and the rule files are imported when a command runs, not when the command
line starts (``tariffline --help`` stays fast)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from tariffline.cli.output import console, pct, print_json
from tariffline.dates import parse_date
from tariffline.errors import InputError

BATCH_CHUNK_ROWS = 200_000  # engine.ledger_read.CHUNK_ROWS, not imported at start (tests/cli check)
BATCH_WORKERS = 2  # engine.ledger.WORKERS, likewise
ROWS_FAILED_EXIT = 3  # batch: the output was written but some rows carry an error
_MODE_HELP = "Mode of transport: ocean, air, truck or rail (the HMF is charged on ocean only)."

_STATUS = {"in_force": "in force", "struck_down": "struck down", "refundable": "refundable",
           "enjoined": "enjoined", "expired": "expired", "terminated": "terminated",
           "refund_process": "refund process"}


def _money(x: float | None) -> str:
    return "—" if x is None else f"${x:,.2f}"


def register(app: typer.Typer) -> None:
    @app.command("duty")
    def duty_cmd(
        hts: str = typer.Argument(..., help="HTS code, 8 or 10 digits (dots optional)."),
        origin: str = typer.Option(..., "--origin", help="Country of origin: ISO-2/ISO-3, Census code or name."),
        date: str = typer.Option(..., "--date", help="Entry date (YYYY-MM-DD or 'today')."),
        value: Optional[float] = typer.Option(None, "--value", help="Customs value in USD (default 1,000)."),
        quantity: Optional[float] = typer.Option(None, "--quantity", help="Quantity in the duty's unit."),
        unit: Optional[str] = typer.Option(None, "--unit", help="Unit of --quantity (checked against the duty's)."),
        unit_value: Optional[float] = typer.Option(None, "--unit-value", help="USD per unit, to estimate a quantity."),
        metal_value: Optional[float] = typer.Option(None, "--metal-value", help="Value of steel/aluminum/copper content."),
        program: Optional[str] = typer.Option(None, "--program", help="Special program to claim (e.g. JP), or 'none'."),
        no_preference: bool = typer.Option(False, "--no-preference", help="Do not claim any preference."),
        loaded: Optional[str] = typer.Option(None, "--loaded-date", help="Date loaded on the vessel (in-transit rules)."),
        as_known_on: Optional[str] = typer.Option(None, "--as-known-on", help="Law as published by this date."),
        fees: bool = typer.Option(False, "--fees", help="Add the MPF and HMF (19 CFR 24.23, 24.24)."),
        mode: Optional[str] = typer.Option(None, "--mode", help=_MODE_HELP),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        scenario: Optional[str] = typer.Option(None, "--scenario", help="Also rate under a scenario (id or file)."),
    ) -> None:
        """Every duty layer on one entry: authority, Chapter 99 heading, rate, amount, citation."""
        if scenario is not None:
            from tariffline.cli.scenario_cmd import print_duty
            from tariffline.scenarios.api import duty as scenario_duty

            res = scenario_duty(hts, origin=origin, date=date, scenario=scenario,
                                value=value if value is not None else 1000.0, metal_value=metal_value)
            print_json(res) if json_out else print_duty(res)
            return
        args = dict(origin=origin, date=date, value=value if value is not None else 1000.0, quantity=quantity,
                    quantity_unit=unit, unit_value=unit_value, metal_value=metal_value, program=program,
                    claim_preferences=not no_preference, loaded_date=loaded)
        # a process that has not loaded the engine yet answers from the compiled policy on disk
        # (a loaded engine answers faster from memory); what was missing is written afterwards
        cold = "tariffline.api" not in sys.modules
        res = None
        if cold and not fees and mode is None:
            res = _from_snapshot(hts, args | {"as_known_on": as_known_on})
        if res is not None:
            _print_duty(res, json_out, value is None)
            return
        from tariffline import api

        res = api.duty(hts, **args, as_known_on=as_known_on, fees=fees, mode=mode)
        _print_duty(res, json_out, value is None)
        if cold:
            _refresh_snapshot(res["edition"])

    @app.command("timeline")
    def timeline_cmd(
        hts: str = typer.Argument(..., help="HTS code."),
        origin: str = typer.Option(..., "--origin"),
        start: str = typer.Option(..., "--start", help="First day (YYYY-MM-DD or 'today')."),
        end: str = typer.Option(..., "--end", help="Last day (YYYY-MM-DD or 'today')."),
        value: float = typer.Option(10000.0, "--value"),
        quantity: Optional[float] = typer.Option(None, "--quantity"),
        metal_value: Optional[float] = typer.Option(None, "--metal-value"),
        as_known_on: Optional[str] = typer.Option(None, "--as-known-on"),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Every day the duty on a good changes, with the new total and what changed."""
        from rich.table import Table

        from tariffline import api

        points = api.timeline(hts, origin=origin, start=start, end=end, value=value, quantity=quantity,
                              metal_value=metal_value, as_known_on=as_known_on)
        if json_out:
            print_json(points)
            return
        table = Table(title=f"Duty on {hts} from {origin}, {start} to {end}")
        for col in ("From", "Total rate", "What changed"):
            table.add_column(col, overflow="fold")
        for p in points:
            table.add_row(str(p["date"]), pct(p["total_rate"]), "\n".join(p["changes"]))
        console.print(table)
        if points:
            if points[-1]["warnings"]:
                console.print(f"[bold yellow]warning:[/] days after {points[-1]['law_current_through']} "
                              "are answered under the law as known then", highlight=False)
            console.print(f"[dim]law current through {points[-1]['law_current_through']}[/]")

    @app.command("batch")
    def batch_cmd(
        ledger: Path = typer.Argument(..., help="Ledger (.csv, .parquet or .xlsx): hts, origin, entry_date, value, ..."),
        out: str = typer.Option(..., "-o", "--out", help="Output file (.csv, .parquet, .xlsx, .json, .ndjson)."),
        layers_out: Optional[str] = typer.Option(None, "--layers", help="Also write every layer to this file."),
        as_known_on: Optional[str] = typer.Option(None, "--as-known-on"),
        no_preference: bool = typer.Option(False, "--no-preference"),
        estimate_missing_quantity: bool = typer.Option(
            False, "--estimate-missing-quantity",
            help="Count a specific duty with no quantity as 0 (flagged) instead of an error."),
        column_map: Optional[str] = typer.Option(
            None, "--map", help="Columns not recognised by name, e.g. hts=\"Tariff No\",origin=COO,value=Amount."),
        fees: bool = typer.Option(False, "--fees", help="Add the MPF and HMF (19 CFR 24.23, 24.24)."),
        mode: Optional[str] = typer.Option(None, "--mode", help=_MODE_HELP + " For rows without a mode column."),
        engine: str = typer.Option("local", "--engine",
                                   help="local, or dask: LEDGER is a Parquet directory or glob, -o a directory."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="Dask scheduler address (default: a local cluster)."),
        chunk_rows: int = typer.Option(BATCH_CHUNK_ROWS, "--chunk-rows", min=1,
                                       help="Rows read, computed and written at a time (memory grows with it)."),
        workers: int = typer.Option(BATCH_WORKERS, "--workers", min=1,
                                    help="Chunks computed at once (memory grows with workers x chunk rows)."),
    ) -> None:
        """Duties for a whole import ledger; a bad row gets an error in its row, nothing is dropped.

        Exit code 0 when every row was computed, 3 when some rows carry an error (the output is
        still written), 1 when the ledger as a whole cannot be read or written."""
        from tariffline.engine.ledger_read import parse_map

        if engine not in ("local", "dask"):
            raise InputError(f"--engine must be local or dask, not {engine!r}")
        if engine == "dask":
            from tariffline.engine.dask_batch import run_dask

            s = run_dask(str(ledger), out, scheduler=scheduler,
                         as_known_on=parse_date(as_known_on) if as_known_on else None,
                         claim_preferences=not no_preference,
                         missing_quantity="ave_estimate" if estimate_missing_quantity else "error",
                         fees=fees, mode=mode, mapping=parse_map(column_map))
            console.print(f"{s['rows']:,} rows -> {out}/ ({s['partitions']} partitions); {s['errors']:,} with "
                          f"errors; total duty {_money(s['total_duty'])}", highlight=False, soft_wrap=True)
            if s["errors"]:
                raise typer.Exit(ROWS_FAILED_EXIT)
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        from tariffline.engine.ledger import check_output, open_ledger, run_batch
        from tariffline.fees import normalise_mode

        out_path = check_output(out)
        layers_path = check_output(layers_out, "layers output") if layers_out is not None else None
        normalise_mode(mode)
        source = open_ledger(ledger, parse_map(column_map), chunk_rows=chunk_rows)
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console, transient=True) as bar:
            task = bar.add_task("computing duties", total=source.rows)
            s, _ = run_batch(
                source, out_path, layers_path, as_known_on=parse_date(as_known_on) if as_known_on else None,
                claim_preferences=not no_preference,
                missing_quantity="ave_estimate" if estimate_missing_quantity else "error",
                fees=fees, mode=mode, progress=lambda n: bar.update(task, advance=n), workers=workers)
        fee_text = (f"; total fees {_money(s['total_fees'])}; total owed {_money(s['total_owed'])}"
                    if fees else "")
        console.print(f"{s['rows']:,} rows -> {out_path}; {s['errors']:,} with errors; "
                      f"{s['warnings']:,} with warnings; total duty {_money(s['total_duty'])}{fee_text}",
                      highlight=False, soft_wrap=True)
        if s["errors"]:
            raise typer.Exit(ROWS_FAILED_EXIT)


def _from_snapshot(hts: str, args: dict) -> dict | None:
    """api.duty's answer from the compiled policy on disk (engine.policy_cache), or None when it
    is missing, stale or does not hold the question (then the full path answers)."""
    from tariffline.engine import policy_cache
    from tariffline.errors import TariffLineError

    try:
        snap = policy_cache.load()
        return None if snap is None else policy_cache.duty(snap, hts, **args)
    except TariffLineError:
        raise  # the input's own error, as the full path words it
    except Exception:  # noqa: BLE001 - scalar.Fallback, or a cache that cannot answer: never shown
        return None


def _refresh_snapshot(edition: str) -> None:
    """After the full path: write what the next cold ``duty`` needs: the snapshot, the pack of the
    edition used (an error only leaves it unwritten)."""
    import pickle

    from tariffline.engine import policy_cache
    from tariffline.engine.lookup import ENGINE
    from tariffline.errors import TariffLineError

    try:
        policy_cache.refresh(ENGINE.policy(), (edition,))
    except (OSError, TariffLineError, pickle.PicklingError):
        pass


def _print_duty(res: dict, json_out: bool, no_value: bool) -> None:
    from rich.table import Table

    if json_out:
        print_json(res)
        return
    known = f", law as known on {res['as_known_on']}" if res["as_known_on"] else ""
    table = Table(title=f"{res['hts']} {res['description'][:70]}\norigin {res['origin']}, "
                        f"entered {res['date']}, customs value {_money(res['value'])}{known}")
    for col in ("", "Authority", "Heading", "Rate", "On value", "Amount", "Legal status"):
        table.add_column(col, overflow="fold")
    for i, lay in enumerate(res["layers"], 1):
        status = _STATUS.get(lay["legal_status"], lay["legal_status"])
        if lay["confidence"] != "confirmed":
            status += f" ({lay['confidence']})"
        table.add_row(f"[{i}]", lay["authority"], lay["heading"] or "", pct(lay["rate"]),
                      _money(lay["base_value"]), _money(lay["amount"]), status)
    table.add_row("", "[bold]Total duty", "", f"[bold]{pct(res['total_rate'])}", "",
                  f"[bold]{_money(res['total_duty'])}", "")
    if "total_fees" in res:
        table.add_row("", "Total fees", "", "", "", _money(res["total_fees"]), "")
        table.add_row("", "[bold]Total owed", "", "", "", f"[bold]{_money(res['total_owed'])}", "")
    console.print(table)
    for i, lay in enumerate(res["layers"], 1):
        console.print(f"[{i}] {lay['description']}. [dim]{lay['citation']}[/]", highlight=False)
        if lay["legal_history"]:
            console.print(f"    [yellow]{lay['legal_history']}[/]", highlight=False)
    for note in res["notes"]:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    if no_value:
        console.print("[dim]no --value given: amounts are per $1,000 of customs value[/]")
    for warning in res["warnings"]:
        console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
    console.print(f"[dim]HTS edition {res['edition']}; policy version {res['policy_version']}; "
                  f"law current through {res['law_current_through']}[/]")
