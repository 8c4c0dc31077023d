"""`tariffline brief`: the briefing report as PDF or HTML (see tariffline.brief)."""

from __future__ import annotations

import typer
from rich.markup import escape

from tariffline.cli.output import console


def register(app: typer.Typer) -> None:
    @app.command("brief")
    def brief(as_of: str = typer.Option(..., "--as-of", help="Day of the briefing (YYYY-MM-DD or 'today')."),
              origin: str = typer.Option("JP", "--origin", help="Origin of the U.S. imports."),
              out: str = typer.Option(..., "-o", "--out", help="Output file: .pdf or .html.")) -> None:
        """A 4-8 page briefing: U.S. tariffs on the origin, the ETR, changes, Japan's side, commitments."""
        from tariffline.brief.build import write

        path = write(out, as_of, origin)
        console.print(f"[green]wrote[/] {escape(str(path))}", highlight=False)
