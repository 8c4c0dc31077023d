"""U.S. law currency on answers that involve U.S. tariff measures (etr, commitments, events):
``law_current_through`` in the JSON and a footer line, with the warning owed for a day after it
(see :mod:`tariffline.law`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tariffline.cli.output import console
from tariffline.dates import parse_date

if TYPE_CHECKING:
    from tariffline.law import LawCurrency


def law_fields(*days: str | dt.date | None, law: LawCurrency | None = None) -> dict:
    """``law_current_through`` and the warnings owed for ``days`` (the latest one counts); ``law``:
    the currency if already computed (the web app computes it once per process)."""
    if law is None:
        from tariffline.law import law_currency  # the law loads the policy: import when asked

        law = law_currency()
    parsed = [parse_date(d) for d in days if d is not None]
    warning = law.warning(max(parsed)) if parsed else None
    return {"law_current_through": law.current_through, "warnings": [warning] if warning else []}


def print_law_footer(fields: dict) -> None:
    for w in fields["warnings"]:
        console.print(f"[bold yellow]warning:[/] {w}", highlight=False)
    console.print(f"[dim]U.S. law current through {fields['law_current_through']}[/]", highlight=False)
