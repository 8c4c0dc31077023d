"""A small U.S. policy directory for the commitments tests (format: docs/policy-format.md).

It carries the ids the shipped commitments link to, with the dates of the real rule files, so
the tracker's logic is tested independently of the full policy tree (which other tests cover).
"""

from pathlib import Path

EO14345 = """id: eo14345_japan_agreement
title: Implementing the United States-Japan Agreement
authority: IEEPA
instrument: Executive Order 14345 of September 4, 2025
citation: "90 FR 43535 (Sept. 9, 2025)"
signed: 2025-09-04
published: 2025-09-09
sources: ["EO 14345"]
confidence: confirmed
legal_status:
  - {from: 2026-02-20, status: struck_down, citation: "Learning Resources v. Trump"}
measures:
  - id: ieepa_jp_inclusive_15
    heading: "9903.02.73"
    description: Japan all-in 15%
    start: 2025-08-07
    end: 2026-02-24
    end_published: 2026-02-20
    origins: [JP]
    rate: {type: inclusive, target: 0.15}
    source: "EO 14345 sec. 2"
  - id: jp_civil_aircraft_exempt
    heading: "9903.96.02"
    description: Japanese civil aircraft
    start: 2025-09-16
    origins: [JP]
    rate: {type: exempt}
    source: "EO 14345 sec. 3"
  - id: s232_autos_jp_inclusive
    heading: "9903.94.41"
    authority: Section 232
    description: Japanese cars 15%
    start: 2025-09-16
    origins: [JP]
    rate: {type: inclusive, target: 0.15}
    source: "EO 14345 sec. 4"
  - id: s232_auto_parts_jp_inclusive
    heading: "9903.94.43"
    authority: Section 232
    description: Japanese auto parts 15%
    start: 2025-09-16
    origins: [JP]
    rate: {type: inclusive, target: 0.15}
    source: "EO 14345 sec. 4"
"""

S122 = """id: s122_test_surcharge
title: Temporary import surcharge
authority: Section 122
instrument: Proclamation 11012 of February 20, 2026
citation: "Proclamation 11012"
signed: 2026-02-20
published: 2026-02-20
sources: ["Proclamation 11012 cl. (7)"]
confidence: confirmed
measures:
  - id: s122_test_10
    heading: "9903.03.01"
    description: 10% surcharge
    start: 2026-02-24
    end: 2026-07-24
    origins: [ALL]
    exclude_origins: [CA]
    rate: {type: additional, value: 0.10}
    source: "Proclamation 11012 cl. (1), (7)"
  - id: s122_test_exempt
    heading: "9903.03.05"
    description: exempt aircraft
    start: 2026-02-24
    end: 2026-07-24
    origins: [ALL]
    rate: {type: exempt}
    source: "Proclamation 11012 Annex I"
  - id: s122_canada_only
    heading: "9903.03.09"
    description: a measure for Canada only
    start: 2026-03-10
    origins: [CA]
    rate: {type: exempt}
    source: "test"
"""

USJTA_PROGRAM = """id: usjta
authority: USJTA
indicator: JP
title: United States-Japan Trade Agreement
origins: [JP]
start: 2020-01-01
end: null
citation: "Proclamation 9974"
published: 2019-12-30
confidence: confirmed
"""

STAGING = """id: usjta_staging_2020
title: USJTA year-1 rates
authority: preference
instrument: Proclamation 9974
citation: "84 FR 72187"
signed: 2019-12-26
published: 2019-12-30
sources: ["Proclamation 9974"]
confidence: confirmed
measures: []
"""


def write_policy(root: Path, late_end: bool = False) -> Path:
    """Write the test policy under ``root``; ``late_end``: the surcharge's end published late."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "eo14345_japan_agreement.yaml").write_text(EO14345)
    s122 = S122.replace("    end: 2026-07-24\n", "    end: 2026-07-24\n    end_published: 2026-06-01\n") \
        if late_end else S122
    (root / "s122_test_surcharge.yaml").write_text(s122)
    (root / "usjta_staging_2020.yaml").write_text(STAGING)
    (root / "programs").mkdir(exist_ok=True)
    (root / "programs" / "usjta.yaml").write_text(USJTA_PROGRAM)
    return root
