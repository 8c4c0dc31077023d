"""What ``/api/health`` reports and what the app loads once per process (the FastAPI lifespan):
the policy rule files, the HTS editions on hand and the law's currency."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tariffline.cli.law_footer import law_fields as _law_fields
from tariffline.hts.editions import editions
from tariffline.law import LawCurrency, law_currency
from tariffline.policy.loader import load_policy


@lru_cache(maxsize=1)
def current_law() -> LawCurrency:
    """The law's currency for this process's policy and editions (computing it takes ms)."""
    return law_currency(load_policy())


def law_fields(*days: str | dt.date | None) -> dict:
    """``cli.law_footer.law_fields`` over :func:`current_law`: the same JSON fields."""
    return _law_fields(*days, law=current_law())


@lru_cache(maxsize=1)
def health() -> dict:
    """Status, ``law_current_through`` and the data versions; computed once per process."""
    policy = load_policy()
    law = current_law()
    return {
        "status": "ok",
        "law_current_through": law.current_through,
        "law": law.as_dict(),
        "policy_instruments": len(policy.instruments),
        "hts_editions": [e.name for e in editions()],
    }


def warm() -> None:
    """Load the policy, HTS editions and law currency before the first request."""
    health()

