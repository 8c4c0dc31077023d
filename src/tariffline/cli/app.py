"""Root of the command line: gathers each area's commands and turns errors into messages.

Every area module exposes ``register(app)``; a :class:`~tariffline.errors.TariffLineError`
anywhere becomes one red line naming the problem and exit status 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from tariffline.errors import TariffLineError

app = typer.Typer(
    name="tariffline",
    help="U.S.-Japan tariffs as computable, cited, time-aware policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_AREAS = (
    "tariffline.cli.data_cmd",
    "tariffline.cli.hts_cmd",
    "tariffline.cli.duty_cmd",
    "tariffline.cli.japan_cmd",
    "tariffline.cli.etr_cmd",
    "tariffline.cli.commitments_cmd",
    "tariffline.cli.audit_cmd",
    "tariffline.cli.serve_cmd",
    "tariffline.cli.brief_cmd",
    "tariffline.cli.scenario_cmd",
)
for _mod in _AREAS:
    try:
        importlib.import_module(_mod).register(app)
    except ModuleNotFoundError as _exc:  # an area still being built
        if not (_exc.name and _mod.startswith(_exc.name)):
            raise

err_console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user-caused errors print one message and exit 1."""
    try:
        app(args=argv)
    except TariffLineError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
