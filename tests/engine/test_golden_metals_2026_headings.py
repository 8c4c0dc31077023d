"""Golden cases for the Section 232 metals headings of Proc. 11021 (from 12:01 a.m. EDT 6 Apr 2026)
that the Chapter 99 audit found unreached: the UK headings 9903.82.04/.05 (U.S. note 16(d)), the
UK's copper (outside those headings), Annex III goods of general note 3(b) countries (9903.82.12)
and of Russia (9903.82.17), and the Annex I-C partner heading for UK goods (Proc. 11032, from
8 Jun 2026). The day before and the first day of each, with a non-UK / non-column-2 control.

Each expected Chapter 99 heading and rate is the heading's rate text in HTS 2026 Rev 10
("The duty provided in the applicable subheading + X%"); the days before come from the 2025
measures in force then (Proc. 10947: UK steel/aluminum kept at 25%, 9903.81.87/.90; Proc. 10962:
copper 50%, 9903.78.01; Proc. 10947 derivatives at 50% of the metal content, 9903.81.91/.85.08).
Product lists: note 16(c) as printed in HTS 2026 Rev 6 (7208 is (c)(iii), 7408.11.30 (c)(v),
8544.42.90 (c)(viii), 8504.34.00 (c)(ix), 8428.33.00 (c)(x)); 7323.93.00 and 8429.51.10 are on
the Annex I-B list (the latter moves to Annex I-C on 8 Jun 2026, heading 9903.82.22).
Column 1 general rates from the HTS: 7208.10.15 Free, 7408.11.30 1%, 7323.93.00 2%,
8544.42.90 2.6%, 8429.51.10 Free; column 2 of 8504.34.00 and 8428.33.00 35%.
Note 16(d)'s 95% UK smelting/melting condition is read as met (ASSUMPTIONS US-170).
"""

from __future__ import annotations

import pytest

from tariffline import api

VALUE = 1000.0


def _metals(hts: str, origin: str, day: str) -> dict[str, float]:
    """Chapter 99 headings of the Section 232 metals (9903.78, .81, .82, .85) and their rates."""
    res = api.duty(hts, origin=origin, date=day, value=VALUE)
    return {la["heading"]: la["rate"] for la in res["layers"]
            if la["heading"].startswith(("9903.78", "9903.81", "9903.82", "9903.85"))}


# (hts, origin, entry day, expected metals headings -> rate, source)
CASES = [
    # --- UK articles of aluminum/steel, note 16(c)(i)-(iv), 9903.82.04 ---
    ("7208.10.1500", "GB", "2026-04-05", {"9903.81.87": 0.25}, "Proc. 10947: UK steel kept at 25% (US-47)"),
    ("7208.10.1500", "GB", "2026-04-06", {"9903.82.04": 0.25}, "9903.82.04 '+ 25%', note 16(c)(iii), (d)"),
    ("7208.10.1500", "JP", "2026-04-06", {"9903.82.02": 0.50}, "control: 9903.82.02 '+ 50%'"),
    # --- UK copper of (c)(v): not in 9903.82.04 (aluminum/steel only), so 9903.82.02 ---
    ("7408.11.3000", "GB", "2026-04-05", {"9903.78.01": 0.50}, "Proc. 10962 copper 50%"),
    ("7408.11.3000", "GB", "2026-04-06", {"9903.82.02": 0.50}, "9903.82.02 '+ 50%'; .04 covers (c)(i)-(iv) only"),
    # --- UK derivatives of (c)(vi)-(vii), 9903.82.05 ---
    ("7323.93.0080", "GB", "2026-04-05", {"9903.81.90": 0.25}, "Proc. 10947: UK derivative steel kept at 25%"),
    ("7323.93.0080", "GB", "2026-04-06", {"9903.82.05": 0.15}, "9903.82.05 '+ 15%', note 16(c)(vii), (d)"),
    ("7323.93.0080", "JP", "2026-04-06", {"9903.82.09": 0.25}, "control: 9903.82.09 '+ 25%'"),
    # --- UK copper of (c)(viii): not in 9903.82.05 (aluminum/steel only), so 9903.82.09 ---
    ("8544.42.9090", "GB", "2026-04-05", {"9903.78.01": 0.50}, "Proc. 10962 copper 50%"),
    ("8544.42.9090", "GB", "2026-04-06", {"9903.82.09": 0.25}, "9903.82.09 '+ 25%'; .05 covers (c)(vi)-(vii) only"),
    # --- UK Annex I-C goods: 9903.82.05 until 7 Jun 2026, then 9903.82.22 (15% in all) ---
    ("8429.51.1000", "GB", "2026-04-05", {}, "not a 2025 steel derivative"),
    ("8429.51.1000", "GB", "2026-04-06", {"9903.82.05": 0.15}, "9903.82.05 '+ 15%' (Annex I-B list)"),
    ("8429.51.1000", "GB", "2026-06-07", {"9903.82.05": 0.15}, "day before Proc. 11032"),
    ("8429.51.1000", "GB", "2026-06-08", {"9903.82.22": 0.15}, "9903.82.22 '15%' (UK named), column 1 Free"),
    # --- Annex III goods of general note 3(b) countries: 9903.82.12 '+ 25%' ---
    ("8504.34.0000", "CU", "2026-04-05", {"9903.85.08": 0.50}, "Proc. 10947 aluminum derivative 50% (content)"),
    ("8504.34.0000", "CU", "2026-04-06", {"9903.82.12": 0.25}, "9903.82.12 '+ 25%', general note 3(b), note 16(c)(ix)"),
    ("8504.34.0000", "KP", "2026-04-06", {"9903.82.12": 0.25}, "9903.82.12 '+ 25%', general note 3(b)"),
    ("8504.34.0000", "JP", "2026-04-06", {"9903.82.10": 0.15}, "control: 9903.82.10 '15%' in all, column 1 Free (USJTA)"),
    # --- Annex III derivative steel of Russia: 9903.82.17 '+ 25%' ---
    ("8428.33.0000", "RU", "2026-04-05", {"9903.81.91": 0.50}, "Proc. 10947 steel derivative 50% (content)"),
    ("8428.33.0000", "RU", "2026-04-06", {"9903.82.17": 0.25}, "9903.82.17 '+ 25%', note 16(c)(x)"),
    ("8428.33.0000", "JP", "2026-04-06", {"9903.82.10": 0.15}, "control: 9903.82.10 '15%' in all"),
]


@pytest.mark.parametrize("hts,origin,day,expected,source", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_metals_2026_heading(hts, origin, day, expected, source):
    assert _metals(hts, origin, day) == pytest.approx(expected), source


def test_uk_total_on_steel_is_column1_plus_25():
    # 7208.10.15 column 1 Free + 9903.82.04 25% = 25% (no Section 122 / IEEPA on Section 232 goods)
    res = api.duty("7208.10.1500", origin="GB", date="2026-04-06", value=VALUE)
    assert res["total_rate"] == pytest.approx(0.25)
