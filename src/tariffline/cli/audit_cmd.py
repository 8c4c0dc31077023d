"""`tariffline audit chapter99`: every 9903 heading of an edition encoded or explained."""

from __future__ import annotations

import typer
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.output import console, print_json

chapter99 = lazy_module("tariffline.audit.chapter99")
sources = lazy_module("tariffline.audit.sources")
law = lazy_module("tariffline.law")

_EDITION_HELP = ("Edition: dataset name (hts_2026_rev4), release id, file path, or rev12..rev21 for a "
                 "2026 revision known from its change material. Default: the newest full edition.")


def _summary(reports: list[chapter99.AuditReport]) -> None:
    # a narrow terminal cuts the source column; a single source is also named in the title, which wraps
    title = ("Chapter 99 audit (headings of each source against the rule files)" if len(reports) != 1
             else f"Chapter 99 audit of {reports[0].source} (headings against the rule files)")
    table = Table(title=title)
    for col in ("source", "headings", "encoded", "other dates", "not enc.", "unacc.",
                "mismatch", "unexpl.", "footnotes"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for r in reports:
        fn = sum(r.footnote_findings.get("counts", {}).values()) if r.footnotes_available else "n/a"
        table.add_row(r.source, str(r.headings), str(len(r.encoded)), str(len(r.encoded_other_dates)),
                      str(len(r.not_encoded)), f"[{'red' if r.unaccounted else 'green'}]{r.unaccounted}[/]",
                      str(r.rate_mismatches), f"[{'red' if r.unexplained_mismatches else 'green'}]"
                      f"{r.unexplained_mismatches}[/]", str(fn))
    console.print(table)


def _details(r: chapter99.AuditReport) -> None:
    if r.unaccounted_headings:
        t = Table(title=f"{r.source}: unaccounted headings")
        for col in ("heading", "general", "description"):
            t.add_column(col)
        for u in r.unaccounted_headings:
            t.add_row(u["heading"], u["general"], u["description"][:90])
        console.print(t)
    if r.mismatches:
        t = Table(title=f"{r.source}: rate mismatches")
        for col in ("heading", "measure", "HTS text", "rule", "explained"):
            t.add_column(col)
        for m in r.mismatches:
            t.add_row(m["heading"], m["measure"], m["hts_rule"], m["measure_rule"],
                      m["reason"][:80] if m["explained"] else "[red]no[/]")
        console.print(t)
    for c in r.registry_origin_conflicts:
        console.print(f"[yellow]registry says no origin encoded for {c['heading']}, but rules name "
                      f"{', '.join(c['origins'])}[/]")
    if r.note:
        console.print(f"[dim]{r.note}[/]")


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="Audits of the rule files against the official HTS.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("chapter99")
    def chapter99_cmd(
        edition: str = typer.Option(None, "--edition", help=_EDITION_HELP),
        every: bool = typer.Option(False, "--all", help="Audit every edition and revision on hand."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Every 9903 heading: reached by a measure, or registered as not encoded with a reason;
        rate texts compared with the measures' rate rules; footnotes checked where present."""
        names = sources.all_sources() if every else [edition]
        reports = [chapter99.audit(sources.source_named(n)) for n in names]
        currency = law.law_currency().current_through.isoformat()
        if json_out:
            docs = [r.as_dict() | {"law_current_through": currency} for r in reports]
            print_json(docs if every else docs[0])
            return
        _summary(reports)
        for r in reports:
            _details(r)
        console.print(f"law current through {currency}")
