"""What an ETR result was computed from: data editions, policy version and assumptions.

The policy version and HTS editions are those the engine reports for its run.

The assumption texts here are the short form of the register in ``ASSUMPTIONS.md``
(same IDs); every result lists the ones it relied on.
"""

from __future__ import annotations

import datetime as dt

ASSUMPTIONS = {
    "ETR-01": "Statutory, pre-substitution rate: 2024 import weights held fixed on every date "
              "(no demand, sourcing or price response; no AD/CVD, no Chapter 98 provisions).",
    "ETR-02": "Basket value = Census annual import value per HTS-10 x origin (most likely imports "
              "for consumption, customs value; the 2024 mirror file carries no metadata).",
    "ETR-03": "Rows without a quantity (the whole 2024 basket): specific and compound duties count "
              "only their ad valorem part; the specific part is 0 and flagged (estimated_share).",
    "ETR-04": "Rows the engine cannot rate (e.g. 2024 HTS-10 codes absent from the edition in "
              "force) are left out of numerator and denominator and reported (error_share).",
    "ETR-05": "Preferences are claimed wherever the origin and program allow (full utilisation).",
    "ETR-06": "Origins without origin-specific measures in the rule files get MFN and measures "
              "applying to all origins only; such results are flagged, never silently complete.",
    "ETR-07": "Series values are constant between change points of the rules and HTS editions.",
    "ETR-08": "Metal content is not in the trade data: duties on metal content take the full "
              "value as metal in HTS ch. 72, 73, 74, 76 and metal_share (default 50%, the Budget "
              "Lab tariff-rate-tracker's flat default) elsewhere; with no share the engine charges "
              "the full value (upper bound). Value so treated: metal_content_share.",
    "ETR-09": "Where the HTS edition in force is not on hand the engine uses the nearest one "
              "(edition_fallback_share); 2024 HTS-10 codes missing from an edition take their "
              "8-digit line's or another edition's rates (line_fallback_share).",
    "ET-01": "Trade data cannot tell USMCA claims: 87% of each Canada/Mexico row is taken to "
             "claim USMCA (exempt from the Canada/Mexico IEEPA duties and Section 122 where the "
             "law says so) and 13% to decline it (full duties, MFN); share of 2025-26 imports "
             "claiming USMCA as reported from Penn Wharton Budget Model/Census (about 86-89%); "
             "2024: Canada 37.9%, Mexico 48.9%. uncertain",
}


def provenance(basket, editions: set[str] | list[str], version: str, assumption_ids: list[str],
               as_known_on: dt.date | None, metal_share: float | None) -> dict:
    """The provenance block every ETR result carries."""
    return {
        "basket": {"year": basket.year, "source": basket.source, "quantities": basket.has_quantities,
                   **basket.edition},
        "hts_editions": sorted(editions),
        "policy_version": version,
        "as_known_on": as_known_on,
        "metal_share": metal_share,
        "assumptions": {i: ASSUMPTIONS[i] for i in sorted(set(assumption_ids))},
    }
