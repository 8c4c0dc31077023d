"""Japan's ETR beside the EU (and each member), Korea, the UK, Canada, Mexico, China and all origins.

The whole basket is rated in one engine call; each comparator is a selection of its rows.
Each row says whether the origin's own measures are encoded in the rule files.
"""

from __future__ import annotations

from tariffline.etr.compute import DayRates, EtrResult, summarise
from tariffline.etr.origins import ALL, EU27, flags

# Comparator label -> ISO-2 set (None: all origins), in display order.
COMPARATORS: dict[str, frozenset[str] | None] = {
    "JP": frozenset({"JP"}),
    "EU": EU27,
    "KR": frozenset({"KR"}),
    "GB": frozenset({"GB"}),
    "CA": frozenset({"CA"}),
    "MX": frozenset({"MX"}),
    "CN": frozenset({"CN"}),
    ALL: None,
}


def compare(rates: DayRates, basket_year: int, encoded: dict[str, list[str]], *,
            members: bool = True) -> list[tuple[EtrResult, bool | None]]:
    """(result, origin-specific measures encoded?) per comparator; EU members follow the EU.

    For groups (EU, ALL) the second element is None; their flags give the share of value
    from origins without encoded measures.
    """
    out = []
    for label, origins in COMPARATORS.items():
        sub = rates.select(set(origins) if origins is not None else None)
        res = summarise(sub, label, basket_year)
        res.flags = flags(label, origins, sub.per_origin, encoded)
        single = origins is not None and len(origins) == 1
        out.append((res, bool(encoded.get(label)) if single else None))
        if label == "EU" and members:
            for iso in sorted(EU27):
                msub = rates.select({iso})
                mres = summarise(msub, iso, basket_year)
                mres.flags = flags(iso, frozenset({iso}), msub.per_origin, encoded)
                out.append((mres, bool(encoded.get(iso))))
    return out
