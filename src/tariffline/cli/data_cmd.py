"""`tariffline data fetch|status`: download, verify and list official datasets."""

from __future__ import annotations

import typer
from rich.table import Table

from tariffline.cli.output import console, print_json
from tariffline.data import catalog, store


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(help="Official data: fetch, verify, cache, mirror.", no_args_is_help=True)
    app.add_typer(data_app, name="data")

    @data_app.command("fetch")
    def fetch(names: list[str] = typer.Argument(None, help="Datasets to fetch (default: all)."),
              json_out: bool = typer.Option(False, "--json")) -> None:
        """Download datasets from their publishers into the cache (or check the mirror)."""
        todo = names or [d.name for d in catalog.all_datasets()]
        done = []
        for name in todo:
            path = store.fetch(name)
            store.read_bytes(name)  # verify
            done.append({"name": name, "path": str(path)})
            if not json_out:
                console.print(f"[green]ok[/] {name} -> {path}")
        if json_out:
            print_json(done)

    @data_app.command("status")
    def status(json_out: bool = typer.Option(False, "--json")) -> None:
        """List every dataset, where it is read from and whether it is on this machine."""
        rows = store.status()
        if json_out:
            print_json(rows)
            return
        table = Table(title="tariffline datasets")
        for col in ("name", "source", "present", "bytes", "publisher"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["name"], r["source"], "yes" if r["present"] else "no",
                          f"{r['bytes']:,}" if r["bytes"] else "", r["publisher"])
        console.print(table)
