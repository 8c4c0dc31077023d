"""`tariffline commitments ...` and `tariffline events`: agreements, pledges, deadlines, progress.

Commands: ``commitments status|deadlines|agreements|add-event|chart`` and the top-level
``events`` (the relationship's timeline). Every date is an explicit option.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from tariffline.cli.law_footer import law_fields, print_law_footer
from tariffline.cli.output import console, pct, print_json
from tariffline.cli.lazy import lazy_module
from tariffline.dates import parse_date

api = lazy_module("tariffline.commitments.api")

_EVENTS_FILE = typer.Option(None, "--events-file", help="Event log (default: $TARIFFLINE_EVENTS "
                            "or the user data directory).")
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
_DAY = "(YYYY-MM-DD or 'today')"


def _add_row(table: Table, *cells: object) -> None:
    """Add a row of data cells, shown literally (a title like "[part of x]" is not markup)."""
    table.add_row(*(escape(str(c)) for c in cells))


def _num(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.6g}"


def _status_table(rows: list[dict], as_of: str) -> Table:
    table = Table(title=f"Commitments as of {as_of}")
    widths = {"id": max((len(r["id"]) for r in rows), default=2), "party": 5, "target": 6,
              "announced": 9, "funded": 7, "unit": 7, "deadline": 10, "elapsed": 7, "pace": 7, "in force": 6}
    for col, width in widths.items():
        table.add_column(col, min_width=width, max_width=10 if col == "unit" else None,
                         overflow="fold")
    for r in rows:
        linked = [m for m in r["linked_measures"] if not m.get("missing")]
        live = sum(1 for m in linked if m["in_force"])
        _add_row(
            table, r["id"], r["party"],
            "—" if r["target"] is None else _num(r["target"]) + ("/yr" if r["per_year"] else ""),
            "—" if r["target"] is None else _num(r["delivered"]) + ("*" if r["unconfirmed"] else ""),
            _num(r["funded"]) if r["kind"] == "investment" and r["target"] is not None else "—",
            r["unit"], str(r["deadline"] or "—"), pct(r["share_elapsed"], 1),
            "n/a" if r["pace"] == "not_applicable" else r["pace"],
            f"{live} of {len(linked)}" if linked else "—",
        )
    return table


def register(app: typer.Typer) -> None:
    cm = typer.Typer(help="U.S.-Japan agreements and commitments: status, deadlines, progress.",
                     no_args_is_help=True)
    app.add_typer(cm, name="commitments")

    @cm.command("status")
    def status(as_of: str = typer.Option(..., "--as-of", help=f"Day of the status {_DAY}."),
               commitment: list[str] = typer.Option(None, "--commitment", help="Only these ids."),
               events_file: Path = _EVENTS_FILE, json_out: bool = _JSON) -> None:
        """Per commitment: target, delivered, share of the period elapsed, pace, linked tariffs."""
        rows = api.status(as_of, commitments=commitment or None, events_file=events_file)
        law = law_fields(as_of)
        rows = [r | law for r in rows]
        if json_out:
            print_json(rows)
            return
        console.print(_status_table(rows, as_of))
        for r in rows:
            if r["share_delivered"] is not None and r["expected"] is not None:
                console.print(
                    f"{r['id']}: {_num(r['delivered'])} of {_num(r['target'])} {r['unit']} announced "
                    f"({pct(r['share_delivered'], 1)}; funded: {_num(r['funded'])}) with {pct(r['share_elapsed'], 1)} of the "
                    f"period to {r['deadline']} elapsed; straight-line pace {r['expected']:,.1f} "
                    f"-> {r['pace']}", highlight=False)
            if r["unconfirmed"]:
                console.print(f"* {r['id']}: a further {_num(r['unconfirmed'])} {r['unit']} reported "
                              "by uncertain sources, not counted", highlight=False)
        console.print("announced = selected or pledged amounts; funded = money committed or paid, "
                      "counted apart (unknown while none is recorded). "
                      "unknown = no public delivery data is tracked (not zero); n/a = no quantified "
                      "target; in force = linked U.S. tariff measures in force that day.",
                      style="dim", highlight=False)
        print_law_footer(law)

    @cm.command("deadlines")
    def deadlines(as_of: str = typer.Option(..., "--as-of", help=f"First day of the window {_DAY}."),
                  days: int = typer.Option(..., "--days", help="Window length in days (capped at 9999-12-31)."),
                  origin: str = typer.Option("JP", "--origin", help="Origin whose tariff measures count."),
                  json_out: bool = _JSON) -> None:
        """Commitment deadlines and tariff-measure starts/ends in the next N days."""
        rows = api.deadlines(as_of, days, origin=origin)
        first = parse_date(as_of, "as-of date")
        law = law_fields(first + dt.timedelta(days=min(days, (dt.date.max - first).days)))
        rows = [r | law for r in rows]
        if json_out:
            print_json(rows)
            return
        table = Table(title=f"Due {as_of} + {days} days")
        for col in ("date", "kind", "ref", "what", "source", "confidence"):
            table.add_column(col, overflow="fold")
        for r in rows:
            what = r["title"] + (f" [{', '.join(r['measures'])}]" if r["measures"] else "")
            _add_row(table, r["date"], r["kind"], r["ref"], what, r["source"], r["confidence"])
        console.print(table if rows else f"nothing due from {as_of} for {days} days")
        print_law_footer(law)

    @cm.command("agreements")
    def agreements(as_of: str = typer.Option(..., "--as-of", help=f"Day of the status {_DAY}."),
                   json_out: bool = _JSON) -> None:
        """Agreements public by the day: legal form, status and commitments."""
        rows = api.agreements(as_of)
        if json_out:
            print_json(rows)
            return
        table = Table(title=f"Agreements as of {as_of}")
        for col in ("id", "legal form", "signed", "in force", "status", "since", "commitments"):
            table.add_column(col, overflow="fold")
        for r in rows:
            _add_row(table, r["id"], r["legal_form"], r["signed"] or "—", r["in_force"] or "—",
                     r["status"], r["status_since"], ", ".join(r["commitments"]))
        console.print(table)

    @cm.command("add-event")
    def add_event(
        event_id: str = typer.Option(..., "--id", help="Unique id (lower_case_with_underscores)."),
        date: str = typer.Option(..., "--date", help=f"Day of the event {_DAY}."),
        type_: str = typer.Option(..., "--type", help="negotiation|investment|purchase|"
                                  "implementation|meeting|safeguard|legal"),
        title: str = typer.Option(..., "--title"),
        source: str = typer.Option(..., "--source", help="Citation or official address."),
        confidence: str = typer.Option(..., "--confidence", help="confirmed|likely|uncertain"),
        commitment: str = typer.Option(None, "--commitment", help="Commitment it reports on."),
        agreement: str = typer.Option(None, "--agreement"),
        amount: float = typer.Option(None, "--amount", help="Amount in the commitment's unit."),
        unit: str = typer.Option(None, "--unit"),
        part_of: str = typer.Option(None, "--part-of", help="Package event this is part of."),
        supersedes: str = typer.Option(None, "--supersedes", help="Event this one corrects."),
        stage: str = typer.Option("announced", "--stage",
                                  help="announced|funded (counted apart in `status`)."),
        notes: str = typer.Option(None, "--notes"),
        events_file: Path = _EVENTS_FILE, json_out: bool = _JSON,
    ) -> None:
        """Validate an event and append it to the event log (refused input changes nothing)."""
        event = api.add_event({
            "id": event_id, "date": date, "type": type_, "title": title, "source": source,
            "confidence": confidence, "commitment": commitment, "agreement": agreement,
            "amount": amount, "unit": unit, "part_of": part_of, "supersedes": supersedes,
            "stage": stage, "notes": notes,
        }, events_file=events_file)
        if json_out:
            print_json(event)
        else:
            console.print(f"[green]recorded[/] {event['id']} ({event['date']}) in "
                          f"{escape(event['log'])}", highlight=False)

    @cm.command("chart")
    def chart(as_of: str = typer.Option(..., "--as-of", help=f"Last day shown {_DAY}."),
              out: Path = typer.Option(..., "--out", help="Output file (.png or .svg)."),
              commitment: str = typer.Option("jp_invest_550bn", "--commitment"),
              events_file: Path = _EVENTS_FILE) -> None:
        """Chart a pledge against what has been announced toward it over time."""
        path = api.chart(out, as_of, commitment=commitment, events_file=events_file)
        console.print(f"[green]wrote[/] {escape(str(path))}", highlight=False)

    @app.command("events")
    def events(start: str = typer.Option("2018-01-01", "--start", help=f"First day {_DAY}."),
               end: str = typer.Option(..., "--end", help=f"Last day {_DAY}."),
               kind: list[str] = typer.Option(None, "--kind",
                                              help="agreement|commitment|event|measure (repeatable)."),
               origin: str = typer.Option("JP", "--origin", help="Origin whose tariff measures count."),
               events_file: Path = _EVENTS_FILE, json_out: bool = _JSON) -> None:
        """The relationship's timeline: agreements, commitments, events and tariff measures."""
        rows = api.timeline(start, end, kinds=kind or None, origin=origin, events_file=events_file)
        law = law_fields(end)
        rows = [r | law for r in rows]
        if json_out:
            print_json(rows)
            return
        table = Table(title=f"U.S.-Japan timeline {start} to {end}")
        for col in ("date", "kind", "type", "what", "amount", "confidence"):
            table.add_column(col, overflow="fold")
        for r in rows:
            amount = f"{r['amount']:g} {r['unit']}" if r["amount"] is not None else ""
            _add_row(table, r["date"], r["kind"], r["type"], r["title"], amount, r["confidence"])
        console.print(table)
        print_law_footer(law)
