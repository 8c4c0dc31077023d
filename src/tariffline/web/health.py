"""What ``/api/health`` reports and what the app loads once per process (the FastAPI lifespan):
the policy rule files, the HTS editions on hand and the law's currency."""

from __future__ import annotations

from functools import lru_cache

from tariffline.hts.editions import editions
from tariffline.law import law_currency
from tariffline.policy.loader import load_policy


@lru_cache(maxsize=1)
def health() -> dict:
    """Status, ``law_current_through`` and the data versions; computed once per process."""
    policy = load_policy()
    law = law_currency(policy)
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

