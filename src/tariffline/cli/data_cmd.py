"""`tariffline data fetch|status`: download, verify and list official datasets."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from tariffline.cli.lazy import lazy_module
from tariffline.cli.output import console, print_json
from tariffline.errors import TariffLineError

catalog = lazy_module("tariffline.data.catalog")
store = lazy_module("tariffline.data.store")

err_console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(help="Official data: fetch, verify, cache, mirror.", no_args_is_help=True)
    app.add_typer(data_app, name="data")

    @data_app.command("fetch")
    def fetch(names: list[str] = typer.Argument(None, help="Datasets to fetch (default: all)."),
              parse_editions: bool = typer.Option(
                  False, "--parse-editions",
                  help="Also parse every HTS edition on hand into the cache (once; ~2 min)."),
              json_out: bool = typer.Option(False, "--json")) -> None:
        """Download datasets from their publishers into the cache (or check the mirror), verify
        each against its SHA-256; go on past failures and list them all at the end."""
        todo = names or [d.name for d in catalog.all_datasets()]
        for name in todo:
            catalog.get(name)  # an unknown name is a usage error: stop before any download
        done, failed = [], []
        fetched = []
        for name in todo:
            try:
                fetched.append((name, store.fetch(name, progress=not json_out)))
            except TariffLineError as exc:
                failed.append({"name": name, "error": str(exc)})
        paths = dict(fetched)
        pending = list(paths)
        while pending:  # verify; members of one archive are read in one pass
            try:
                for name, _content in store.iter_bytes(pending):
                    pending.remove(name)
                    done.append({"name": name, "path": str(paths[name])})
                    if not json_out:
                        console.print(f"[green]ok[/] {name} -> {paths[name]}", highlight=False)
            except TariffLineError as exc:
                bad = next((n for n in pending if repr(n) in str(exc)), pending[0])
                pending.remove(bad)
                failed.append({"name": bad, "error": str(exc)})
        if parse_editions and not failed:
            from tariffline.hts.editions import editions
            from tariffline.hts.loader import parsed_dirs

            parsed = parsed_dirs(editions())
            if not json_out:
                console.print(f"[green]ok[/] {len(parsed)} HTS editions parsed into the cache")
        if json_out:
            print_json({"fetched": done, "failed": failed})
        elif failed:
            err_console.print(f"[bold red]{len(failed)} of {len(todo)} dataset(s) failed:[/]", highlight=False)
            for f in failed:
                err_console.print(f"  {f['name']}: {f['error']}", highlight=False, soft_wrap=True)
        if failed:
            raise typer.Exit(1)

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
