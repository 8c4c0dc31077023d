"""Which origins an ETR is about, and whether their own measures are encoded in the rules.

An origin argument is an ISO-2/ISO-3 code, Census code or name, ``EU`` (the member states)
or ``ALL``. An origin's *encoded measures* on a date are the measures in force that day whose
origins name it (directly or through a group) — preference programs do not count. Origins
with none get MFN, preference programs and measures on all origins only; results for them
carry a flag saying so, and results for the others list the measures that were counted.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from tariffline.countries import to_iso2

# EU member states since 1 Feb 2020 (UK withdrawal). Source: europa.eu, "EU countries"
# (https://european-union.europa.eu/principles-countries-history/eu-countries_en).
EU27 = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
ALL = "ALL"


def resolve(origin: str) -> tuple[str, frozenset[str] | None]:
    """(label, ISO-2 set) for an origin argument; ``None`` set means every origin."""
    text = str(origin).strip()
    if text.upper() in {ALL, "*"}:
        return ALL, None
    if text.upper() in {"EU", "EU27", "EUROPEAN UNION"}:
        return "EU", EU27
    iso = to_iso2(text)
    return iso, frozenset({iso})


def encoded_measures(day: dt.date, as_known_on: dt.date | None = None) -> dict[str, list[str]]:
    """ISO-2 origin -> ids of the origin-specific measures in force on ``day``."""
    from tariffline.policy.loader import ALL as POLICY_ALL
    from tariffline.policy.loader import load_policy

    policy = load_policy().view(as_known_on)
    out: dict[str, list[str]] = {}
    for bm in policy.measures:
        if bm.start > day or (bm.end is not None and day >= bm.end):
            continue
        for code in bm.measure.origins:
            if code == POLICY_ALL:
                continue
            for iso in sorted(policy.expand_origin(code)):
                if bm.id not in out.setdefault(iso, []):
                    out[iso].append(bm.id)
    return out


def flags(label: str, origins: frozenset[str] | None, per_origin: pl.DataFrame,
          encoded: dict[str, list[str]]) -> list[str]:
    """What a result's origin-specific coverage is: the measures counted, or a warning."""
    present = per_origin.filter(pl.col("imports") > 0)
    if origins is not None:
        present = present.filter(pl.col("origin").is_in(sorted(origins)))
    if origins is not None and len(origins) == 1:
        (iso,) = origins
        if encoded.get(iso):
            return [f"{label}: origin-specific measures counted: {', '.join(encoded[iso])}; any "
                    "other origin-specific measure is not encoded"]
        return [f"{label}: no origin-specific measure is encoded in the rules for this date; the "
                "rate covers MFN, preference programs and measures on all origins only and may "
                "understate what this origin faces"]
    total = float(present["imports"].sum() or 0.0)
    missing = present.filter(~pl.col("origin").is_in(sorted(encoded))).sort("imports", descending=True)
    if missing.is_empty() or total == 0:
        return []
    share = float(missing["imports"].sum()) / total
    names = ", ".join(missing["origin"].head(8).to_list())
    return [f"{label}: {share:.1%} of the basket's value comes from origins with no "
            f"origin-specific measure encoded (largest: {names}); for them only MFN, preference "
            "programs and measures on all origins are counted"]
