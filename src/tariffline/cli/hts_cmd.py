"""`tariffline hts editions|show|search|coverage|parse`: HTS editions on hand, lines, keyword
search and rate parsing."""

from __future__ import annotations

import typer
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.output import console, pct, print_json
from tariffline.dates import parse_date

coverage_mod = lazy_module("tariffline.hts.coverage")
search_mod = lazy_module("tariffline.hts.search")
show_mod = lazy_module("tariffline.hts.show")
hts_editions = lazy_module("tariffline.hts.editions")
SEARCH_MAX_LIMIT = 500  # tariffline.hts.search.MAX_LIMIT (tests/cli check they agree), not imported at start

_EDITION_HELP = "Edition: dataset name (hts_2026_rev4), release id (2026HTSRev4) or a file path."


def _rate_line(label: str, rate: dict) -> None:
    if not rate["text"]:
        console.print(f"[bold]{label}:[/] —")
        return
    origin = f" [dim](inherited from {rate['inherited_from']})[/]" if rate["inherited_from"] else ""
    console.print(f"[bold]{label}:[/] {rate['text']}{origin}", highlight=False)
    exprs = [rate["parsed"]] if "parsed" in rate else [g["rate"] for g in rate.get("groups", [])]
    for g, e in zip(rate.get("groups", [None] * len(exprs)), exprs):
        who = f" for {','.join(p['code'] for p in g['programs'])}" if g else ""
        bits = [e["kind"]]
        if e["kind"] == "base_plus":
            bits.append(f"rate of the applicable subheading + {pct(e['adv'], 3)}")
        elif e["adv"] is not None and e["kind"] != "free":
            bits.append(f"ad valorem {pct(e['adv'], 3)}")
        bits += [f"{c['rate']:g} USD/{c['unit']}" for c in e["components"] if c["kind"] == "specific"]
        bits += [f"{pct(c['rate'], 3)} on the {c['basis']}" for c in e["components"]
                 if c["kind"] == "ad_valorem" and c["basis"]]
        if e["reference"]:
            bits.append(f"see {e['reference']}")
        if e["note"] or e["parse_error"]:
            bits.append(f"[yellow]{e['note'] or e['parse_error']}[/]")
        console.print(f"    parsed{who}: " + "; ".join(bits), highlight=False)


def register(app: typer.Typer) -> None:
    hts_app = typer.Typer(help="HTS editions, lines and rate-text parsing.", no_args_is_help=True)
    app.add_typer(hts_app, name="hts")

    @hts_app.command("editions")
    def editions_cmd(json_out: bool = typer.Option(False, "--json")) -> None:
        """List the HTS editions on hand with the period each was in force."""
        rows = [{"name": e.name, "edition": e.edition, "release": e.release,
                 "effective_from": e.effective_from, "effective_to": e.effective_to,
                 "confidence": e.confidence, "source": e.source} for e in hts_editions.editions()]
        if json_out:
            print_json(rows)
            return
        table = Table(title="HTS editions on hand (end date exclusive)")
        for col in ("name", "edition", "from", "to", "confidence"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["name"], r["edition"], str(r["effective_from"]),
                          str(r["effective_to"] or "open"), r["confidence"])
        console.print(table)
        first, last = hts_editions.CHANGE_RECORDS[0], hts_editions.CHANGE_RECORDS[-1]
        console.print(f"[dim]{first[0]} ({first[2]}) to {last[0]} ({last[2]}): change records only, "
                      "no full edition on hand; their dates are answered from the last edition, "
                      "flagged[/]", highlight=False)

    @hts_app.command("show")
    def show_cmd(hts: str = typer.Argument(..., help="HTS code, e.g. 8703.23.01 or 8703.23.01.10"),
                 edition: str = typer.Option(None, "--edition", help=_EDITION_HELP),
                 json_out: bool = typer.Option(False, "--json")) -> None:
        """Show one HTS line: description, units, rate texts and how they parse."""
        info = show_mod.show(hts, edition)
        if json_out:
            print_json(info)
            return
        console.print(f"[bold]{info['hts']}[/] ({info['edition']})", highlight=False)
        if info["path"]:
            console.print(f"[dim]{info['path']}[/]", highlight=False)
        console.print(info["description"], highlight=False)
        console.print(f"[bold]Units:[/] {', '.join(info['units']) or '—'}", highlight=False)
        _rate_line("General", info["general"])
        _rate_line("Special", info["special"])
        _rate_line("Column 2", info["column2"])
        if info["additional"]:
            console.print(f"[bold]Additional duties:[/] {info['additional']}", highlight=False)
        for note in info["footnotes"]:
            console.print(f"[bold]Footnote:[/] {note}", highlight=False)
        if info["children"]:
            table = Table(title=f"Lines under {info['hts']}")
            table.add_column("code", no_wrap=True)
            table.add_column("description", ratio=1, overflow="fold")
            table.add_column("General", overflow="fold", max_width=18)
            for c in info["children"]:
                table.add_row(c["hts"], c["description"], c["general"] or "—")
            console.print(table)

    @hts_app.command("search")
    def search_cmd(words: list[str] = typer.Argument(..., help="Words to look for, e.g. passenger motor vehicles"),
                   date: str = typer.Option("today", "--date",
                                            help="Search the edition in force on this date (YYYY-MM-DD or 'today')."),
                   limit: int = typer.Option(20, "--limit", help=f"Most lines shown (1-{SEARCH_MAX_LIMIT})."),
                   json_out: bool = typer.Option(False, "--json")) -> None:
        """Keyword search over line descriptions (with their superior lines), best match first."""
        res = search_mod.search(" ".join(words), parse_date(date, "date"), limit=limit)
        if json_out:
            print_json(res)
            return
        if res["edition_note"]:
            console.print(f"[yellow]note:[/] {res['edition_note']}", highlight=False)
        if not res["results"]:
            console.print(f"no line of {res['edition']} mentions {res['query']!r}", highlight=False)
            return
        how = "all words" if res["match"] == "all" else "[yellow]no line has all words; any word[/]"
        table = Table(title=f"{res['edition']}: {res['query']!r} ({how})")
        table.add_column("code", no_wrap=True)
        table.add_column("description (superior lines > line)", ratio=1, overflow="fold")
        table.add_column("General", overflow="fold", max_width=14)
        for r in res["results"]:
            path = f"[dim]{r['path']} >[/] " if r["path"] else ""
            table.add_row(r["hts"], path + r["description"], r["general"] or "—")
        console.print(table)

    @hts_app.command("coverage")
    def coverage_cmd(edition: str = typer.Option(None, "--edition", help=_EDITION_HELP),
                     json_out: bool = typer.Option(False, "--json")) -> None:
        """Parse coverage of distinct rate texts per column, and the texts not understood."""
        report = coverage_mod.coverage(edition)
        if json_out:
            print_json(report)
            return
        table = Table(title=f"Rate-text parse coverage — {report['edition']}")
        for col in ("column", "distinct texts", "parsed", "coverage", "computable", "approx"):
            table.add_column(col, justify="right" if col != "column" else "left")
        for c in report["columns"]:
            table.add_row(c["column"], str(c["distinct"]), str(c["parsed"]), pct(c["coverage"]),
                          str(c["computable"]), str(c["approx"]))
        console.print(table)
        for c in report["columns"]:
            for u in c["unparsed"]:
                console.print(f"[yellow]not parsed[/] ({c['column']}, {u['lines']} line(s), e.g. "
                              f"{u['example']}): {u['text']!r} — {u['reason']}", highlight=False)

    @hts_app.command("parse")
    def parse_cmd(text: str = typer.Argument(..., help="A rate text, e.g. '$1.035/kg + 2.4%' or "
                                                       "'Free (A*,AU) 2.4% (JP)'"),
                  json_out: bool = typer.Option(False, "--json")) -> None:
        """Parse one rate-of-duty text (General, Column 2 or Special form) and print its structure."""
        info = show_mod.parse(text)
        if json_out:
            print_json(info)
            return
        _rate_line("Rate", info | {"inherited_from": None})
