"""Golden cases for the classes of rule defects of issue 8 item 4, each fixed as a class.

Per class: a case for Japan and one for a partner, the day before each change and its first day,
each with its source. Rates are total duty / customs value on 10,000 USD; column 1 rates are the
HTS edition's (General column) as cited. Headings in ``absent`` must not be reported: they name
the charge the defect made.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from golden_check import assert_golden

from tariffline import api
from tariffline.engine import compute_duties
from tariffline.etr import compute as etr

BOILER_PART = "8402.90.00"  # List 1 and List 3 both name it; MFN 4.3% (HTS 2018-2019 editions)
CASTING = "7616.99.51.60"  # aluminum castings: note 19(g)(vii), not a 19(j) line; MFN 2.5%
CASTING_19J = "7616.99.51.30"  # a line note 19(j) names under 9903.85.07
TOY = "9503.00.00"  # MFN Free
FURNITURE = "9401.61.40.11"  # upholstered wooden seat, note 37(d); MFN Free
UK_PART = "8708.40.11.10"  # gear box part; a note 33(j) statistical line; MFN 2.5%

# (case id, origin, hts, date, expected total rate, headings reported, headings absent, source, extra)
CASES = [
    # --- 1. Overlapping lists of one authority: the highest rate, not the sum ---
    ("cn_list1_before_list3", "CN", BOILER_PART, "2018-09-23", 0.293, ["9903.88.01"], ["9903.88.03"],
     "83 FR 28710 (List 1, 25%); MFN 4.3%", {}),
    ("cn_list3_first_day", "CN", BOILER_PART, "2018-09-24", 0.293, ["9903.88.01"], ["9903.88.03"],
     "83 FR 47974 List 3 (10%) also names it: one Section 301 rate, the highest (25%)", {}),
    ("cn_list3_at_25", "CN", BOILER_PART, "2019-05-10", 0.293, [], [],
     "84 FR 20459: List 3 at 25% from 2019-05-10; still one 25% charge, not 50%", {}),
    ("jp_casting_before_50", "JP", CASTING, "2025-06-03", 0.275, ["9903.85.02"], ["9903.85.07"],
     "Proc. 10895: 25%; note 19(g)(vii) castings; MFN 2.5%", {}),
    ("jp_casting_50", "JP", CASTING, "2025-06-04", 0.525, ["9903.85.02"], ["9903.85.07"],
     "Proc. 10947: 50%; 7616.99.51.60 is not among the 19(j) lines, so not also 9903.85.07", {}),
    ("jp_casting_19j_line", "JP", CASTING_19J, "2025-06-04", 0.525, ["9903.85.07"], ["9903.85.02"],
     "note 19(j) names 7616.99.5130: 9903.85.07 only", {}),
    ("de_casting_2025_first_day", "DE", CASTING, "2025-03-12", 0.275, ["9903.85.02"], ["9903.85.07"],
     "Proc. 10895 cl. 2 (25%, arrangements end); one aluminum charge", {}),
    # --- 2. Product lists at the digits the law uses ---
    ("jp_medicament_not_derivative", "JP", "3004.90.92.10", "2025-08-18", 0.0, ["9903.01.32"],
     ["9903.81.91", "9903.85.08"],
     "note 19(k) names 3004.90.9244 only; 3004.90.92 is in note 2(v)(iii)(a) (Annex II)", {}),
    ("jp_medicament_listed_line", "JP", "3004.90.92.44", "2025-08-18", 0.05, ["9903.85.08"], [],
     "note 19(k): 3004.90.9244 is an aluminum derivative, 50% on its aluminum content (1,000)",
     {"metal_value": 1000.0}),
    ("jp_medicament_listed_day_before", "JP", "3004.90.92.44", "2025-08-17", 0.0, ["9903.01.32"],
     ["9903.85.08"], "the inclusions took effect 2025-08-18 (90 FR 40326)", {"metal_value": 1000.0}),
    ("jp_new_tractor_not_listed", "JP", "8701.21.00.20", "2025-08-18", 0.15, ["9903.02.73"],
     ["9903.81.91"], "only used truck tractors (8701.21.0080) are listed (note 16(c)); EO 14345 15%", {}),
    ("jp_used_tractor_listed", "JP", "8701.21.00.80", "2025-08-18", 0.345, ["9903.81.91", "9903.02.73"],
     [], "50% on steel content 5,000 + MFN 4% + (15% - 4%) on the other 5,000", {"metal_value": 5000.0}),
    ("jp_used_tractor_day_before", "JP", "8701.21.00.80", "2025-08-17", 0.15, ["9903.02.73"],
     ["9903.81.91"], "before the 2025-08-18 inclusions: EO 14345 15% in all", {"metal_value": 5000.0}),
    ("de_new_tractor_not_listed", "DE", "8701.21.00.20", "2025-08-18", 0.15, ["9903.02.20"],
     ["9903.81.91"], "EU 15% in all (MFN 4%); not a listed derivative line", {}),
    # --- 3. IEEPA Annex II is the list of note 2(v)(iii)(a); country exemptions their own ---
    ("jp_annex2_day_before", "JP", "8541.10.00", "2025-04-04", 0.0, [], ["9903.01.32"],
     "no reciprocal tariff before 2025-04-05 (EO 14257 sec. 3)", {}),
    ("jp_annex2_first_day", "JP", "8541.10.00", "2025-04-05", 0.0, ["9903.01.32"], ["9903.01.25"],
     "8541.10.00 is printed in note 2(v)(iii)(a)", {}),
    ("jp_not_annex2", "JP", "0106.11.00.00", "2025-04-05", 0.10, ["9903.01.25"], ["9903.01.32"],
     "live primates are not in note 2(v)(iii)(a) (the curated list merged other exemptions)", {}),
    ("jp_wood_annex2_day_before", "JP", "4409.22.05.15", "2025-10-13", 0.032, ["9903.01.32"],
     ["9903.02.73"], "chapter 44 lumber in Annex II until 2025-10-14; MFN 3.2%", {}),
    ("jp_wood_annex2_removed", "JP", "4409.22.05.15", "2025-10-14", 0.15, ["9903.02.73"], ["9903.01.32"],
     "Proc. 10976 cl. 12: chapter 44 out of Annex II from 2025-10-14; EO 14345 15% in all", {}),
    ("de_wood_annex2_removed", "DE", "4409.22.05.15", "2025-10-14", 0.15, ["9903.02.20"], ["9903.01.32"],
     "EU 15% in all once out of Annex II", {}),
    ("jp_coffee_day_before_agri", "JP", "0901.21.00", "2025-11-12", 0.15, ["9903.02.73"], ["9903.01.32"],
     "roasted coffee (MFN Free) paid EO 14345's 15% before the agricultural additions", {}),
    ("jp_coffee_agri_annex2", "JP", "0901.21.00", "2025-11-13", 0.0, ["9903.01.32"], ["9903.02.73"],
     "EO of Nov. 14, 2025: added to Annex II from 2025-11-13 (note 2(v)(iii)(a))", {}),
    ("de_coffee_day_before_agri", "DE", "0901.21.00", "2025-11-12", 0.15, ["9903.02.20"], ["9903.01.32"],
     "EU 15% in all before the additions", {}),
    ("jp_s122_annex_first_day", "JP", "8541.10.00", "2026-02-24", 0.0, ["9903.03.03"], ["9903.03.01"],
     "Proc. 11012: 8541.10.00 printed in note 2(aa)(ii)", {}),
    ("de_s122_not_annex", "DE", "8407.10.00", "2026-02-24", 0.10, ["9903.03.01"], ["9903.03.03"],
     "aircraft engines are not in note 2(aa)(ii) (the curated list merged 9903.03.05 goods); "
     "MFN Free", {}),
    ("jp_aircraft_day_before", "JP", "8807.30.00.60", "2025-09-15", 0.22, ["9903.85.08", "9903.02.73"],
     ["9903.01.32"], "civil aircraft are not Annex II: 50% on 2,000 + 15% on 8,000",
     {"metal_value": 2000.0}),
    ("jp_aircraft_9903_96_02", "JP", "8807.30.00.60", "2025-09-16", 0.0, ["9903.96.02"], ["9903.01.32"],
     "EO 14345 sec. 3; heading 9903.96.02 from 2025-09-16", {"metal_value": 2000.0}),
    ("de_aircraft_day_before", "DE", "8807.30.00.60", "2025-08-31", 0.22, ["9903.85.08", "9903.02.20"],
     ["9903.01.32"], "EU: 50% on 2,000 + 15% on 8,000 before the EU exemption", {"metal_value": 2000.0}),
    ("de_aircraft_9903_02_76", "DE", "8807.30.00.60", "2025-09-01", 0.10, ["9903.02.76"], ["9903.01.32"],
     "FR Doc. 2025-18660: 9903.02.76 from 2025-09-01", {"metal_value": 2000.0}),
    # --- 4. USMCA exemption only for goods entered under USMCA ---
    ("ca_day_before_usmca_exemption", "CA", TOY, "2025-03-06", 0.25, ["9903.01.10"], ["9903.01.14"],
     "EO 14193: 25% from 2025-03-04", {}),
    ("ca_usmca_claimed", "CA", TOY, "2025-03-07", 0.0, ["9903.01.14"], ["9903.01.10"],
     "EO 14231: USMCA goods exempt from 2025-03-07 (engine claims the preference)", {}),
    ("ca_usmca_declined", "CA", TOY, "2025-03-07", 0.25, ["9903.01.10"], ["9903.01.14"],
     "no USMCA claim (program none): the 25% applies", {"program": "none"}),
    ("mx_usmca_declined", "MX", TOY, "2025-03-07", 0.25, ["9903.01.01"], ["9903.01.04"],
     "EO 14194/14232: only USMCA entries exempt", {"program": "none"}),
    ("mx_s122_declined", "MX", TOY, "2026-02-24", 0.10, ["9903.03.01"], ["9903.03.07"],
     "Proc. 11012: 9903.03.07/.08 only for goods entered under USMCA", {"program": "none"}),
    ("mx_s122_claimed", "MX", TOY, "2026-02-24", 0.0, ["9903.03.07"], ["9903.03.01"],
     "U.S. note 2(aa)(vi)-(vii)", {}),
    ("ca_usmca_named", "CA", TOY, "2025-03-07", 0.0, ["9903.01.14"], ["9903.01.10"],
     "USMCA named on an MFN-free line (no Special-column S): a valid claim", {"program": "S"}),
    ("mx_s122_named", "MX", TOY, "2026-02-24", 0.0, ["9903.03.07"], ["9903.03.01"],
     "U.S. note 2(aa)(vii): entered under USMCA", {"program": "S"}),
    ("jp_toy_no_usmca", "JP", TOY, "2026-02-24", 0.10, ["9903.03.01"], ["9903.03.07"],
     "Japan: Section 122 10%; the USMCA exemption never reaches it", {}),
    # --- 5. 2018 Section 232 country exemptions with their dates ---
    ("jp_steel_day_before_2018", "JP", "7208.51.00", "2018-03-22", 0.0, [], ["9903.80.01"],
     "Proc. 9705 cl. 2: from 2018-03-23", {}),
    ("jp_steel_2018", "JP", "7208.51.00", "2018-03-23", 0.25, ["9903.80.01"], [],
     "Japan never exempted (Proc. 9705, 9711)", {}),
    ("de_steel_exempt_to_june", "DE", "7208.51.00", "2018-05-31", 0.0, [], ["9903.80.01"],
     "Proc. 9740: EU exempt until 2018-06-01", {}),
    ("de_steel_june_2018", "DE", "7208.51.00", "2018-06-01", 0.25, ["9903.80.01"], [],
     "Proc. 9759: EU dutiable from 2018-06-01", {}),
    ("ca_steel_day_before_exclusion", "CA", "7208.51.00", "2019-05-19", 0.25, ["9903.80.01"], [],
     "Canada dutiable 2018-06-01 to 2019-05-19", {}),
    ("ca_steel_excluded", "CA", "7208.51.00", "2019-05-20", 0.0, [], ["9903.80.01"],
     "Proc. 9894: Canada excluded from 2019-05-20", {}),
    ("kr_aluminum_exempt", "KR", "7601.10.30", "2018-04-30", 0.0, [], ["9903.85.01"],
     "Proc. 9711: Korea exempt until 2018-05-01; KORUS free", {}),
    ("kr_aluminum_dutiable", "KR", "7601.10.30", "2018-05-01", 0.10, ["9903.85.01"], [],
     "Proc. 9739: Korea's aluminum exemption not extended", {}),
    ("gb_steel_before_trq", "GB", "7208.51.00", "2022-05-31", 0.25, ["9903.80.01"], [],
     "UK dutiable until its TRQ", {}),
    ("gb_steel_trq", "GB", "7208.51.00", "2022-06-01", 0.0, [], ["9903.80.01"],
     "Proc. 10406: UK TRQ from 2022-06-01 (in quota, ASSUMPTIONS US-148)", {}),
    # --- 6. Wood products: the country headings of note 37 ---
    ("jp_wood_day_before", "JP", FURNITURE, "2025-10-13", 0.15, ["9903.02.73"], ["9903.76.21"],
     "before Proc. 10976: EO 14345 15%", {}),
    ("jp_wood_first_day", "JP", FURNITURE, "2025-10-14", 0.15, ["9903.76.21"], ["9903.76.02", "9903.02.73"],
     "9903.76.21: 15% in all; outside IEEPA (Section 232 goods)", {}),
    ("kr_wood_day_before", "KR", FURNITURE, "2025-11-13", 0.25, ["9903.76.02"], ["9903.76.23"],
     "Korea paid 9903.76.02 (25%) until its heading", {}),
    ("kr_wood_first_day", "KR", FURNITURE, "2025-11-14", 0.15, ["9903.76.23"], ["9903.76.02"],
     "90 FR 55964 Part B; 9903.76.23 from 2025-11-14", {}),
    ("gb_wood_first_day", "GB", FURNITURE, "2025-10-14", 0.10, ["9903.76.20"], ["9903.76.02", "9903.02.66"],
     "9903.76.20: + 10%, outside IEEPA", {}),
    ("gb_wood_outside_s122", "GB", FURNITURE, "2026-02-24", 0.10, ["9903.76.20"], ["9903.03.01"],
     "Section 232 goods are outside Section 122 (9903.03.06)", {}),
    ("de_wood_first_day", "DE", FURNITURE, "2025-10-14", 0.15, ["9903.76.22"], ["9903.76.02"],
     "9903.76.22: 15% in all", {}),
    # --- 7. UK car parts: 9903.94.32 at 10% from 2025-06-30 ---
    ("gb_part_day_before", "GB", UK_PART, "2025-06-29", 0.275, ["9903.94.05"], ["9903.94.32"],
     "Proc. 10908: 25% + MFN 2.5%", {}),
    ("gb_part_first_day", "GB", UK_PART, "2025-06-30", 0.10, ["9903.94.32"], ["9903.94.05"],
     "note 33(j), heading 9903.94.32 '10%' (90 FR 27851)", {}),
    ("jp_part_day_before", "JP", UK_PART, "2025-09-15", 0.275, ["9903.94.05"], ["9903.94.32"],
     "Japan: 25% + 2.5% before EO 14345's parts rule", {}),
    ("jp_part_first_day", "JP", UK_PART, "2025-09-16", 0.15, ["9903.94.43"], ["9903.94.32"],
     "EO 14345 sec. 4: 15% in all", {}),
]


@pytest.fixture(scope="module")
def results():
    rows = pl.DataFrame({
        "hts": [c[2] for c in CASES],
        "origin": [c[1] for c in CASES],
        "entry_date": [dt.date.fromisoformat(c[3]) for c in CASES],
        "value": [10000.0] * len(CASES),
        "metal_value": [c[8].get("metal_value") for c in CASES],
        "program": [c[8].get("program") for c in CASES],
    }, schema_overrides={"metal_value": pl.Float64, "program": pl.Utf8})
    return compute_duties(rows)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_golden_defect_class(results, i):
    cid, _, _, _, expected, headings, absent, source, _ = CASES[i]
    assert_golden(results, i, cid, expected, headings, source)
    got = results.layers.filter(pl.col("row_id") == i)["heading"].to_list()
    for h in absent:
        assert h not in got, f"{cid}: {h} charged or reported ({got}); {source}"


def test_usmca_cannot_be_named_for_goods_of_japan():
    # General Note 11: USMCA is for goods of Canada and Mexico only
    res = compute_duties(pl.DataFrame({"hts": [TOY], "origin": ["JP"], "entry_date": [dt.date(2025, 3, 7)],
                                       "value": [1.0], "program": ["S"]}))
    assert "cannot claim program 'S'" in res.totals["error"][0]


def test_partial_8_digit_query_is_flagged_not_charged(results):
    # 3004.90.92 at 8 digits: only 3004.90.9244 is listed (note 19(k)), so the 8-digit query is
    # flagged partial_scope rather than charged
    res = api.duty("3004.90.92", origin="JP", date="2025-08-18", value=10000.0)
    assert res["total_rate"] == pytest.approx(0.0)
    assert any("only some 10-digit statistical lines" in n and "9903.85.08" in n for n in res["notes"])


# --- 8. Legal status as of the view: known at the entry date, or at --as-known-on ---
def _status(res, authority):
    return [(la["heading"], la["legal_status"], la["legal_history"]) for la in res["layers"]
            if la["authority"] == authority]


def test_legal_status_at_entry_date_japan():
    # EO 14345 in force on 2025-10-01; Learning Resources v. Trump (2026-02-20) not yet known
    (_, status, history), = _status(api.duty(TOY, origin="JP", date="2025-10-01", value=1.0), "IEEPA")
    assert status == "in_force" and "struck down" not in history


def test_legal_status_day_before_and_after_ruling_japan():
    day_before = api.duty(TOY, origin="JP", date="2025-10-01", value=1.0, as_known_on="2026-02-19")
    assert [s for _, s, _ in _status(day_before, "IEEPA")] == ["in_force"]
    ruling = api.duty(TOY, origin="JP", date="2025-10-01", value=1.0, as_known_on="2026-02-20")
    assert [s for _, s, _ in _status(ruling, "IEEPA")] == ["struck_down"]
    refunds = api.duty(TOY, origin="JP", date="2025-10-01", value=1.0, as_known_on="2026-03-04")
    assert [s for _, s, _ in _status(refunds, "IEEPA")] == ["refundable"]  # CIT order, 2026-03-04


def test_legal_status_from_the_layers_own_instrument_korea():
    # 90 FR 55964 holds IEEPA and Section 232 measures: the ruling strikes only the IEEPA ones,
    # and the Korean wood heading's status is its own (from 2025-11-14), not the file's 2025-11-01
    res = api.duty(FURNITURE, origin="KR", date="2025-11-14", value=1.0, as_known_on="2026-03-10")
    (heading, status, history), = _status(res, "Section 232")
    assert (heading, status) == ("9903.76.23", "in_force") and "2025-11-14" in history
    assert "2025-11-01" not in history
    toy = api.duty(TOY, origin="KR", date="2025-11-14", value=1.0, as_known_on="2026-03-10")
    assert [s for _, s, _ in _status(toy, "IEEPA")] == ["refundable"]


def test_etr_usmca_share_applies_the_duty_to_the_declined_share():
    # ET-01: a Mexican toy row of 1,000 on 2025-04-01: the declining share pays the 25% (EO 14194)
    frame = pl.DataFrame({"hs10": ["9503000000", "9503000000"], "cty_code": ["2010", "5880"],
                          "iso2": ["MX", "JP"], "value": [1000.0, 1000.0],
                          "quantity": [None, None], "quantity_unit": [None, None]},
                         schema_overrides={"quantity": pl.Float64, "quantity_unit": pl.Utf8})
    rates = etr.rate_rows(etr.engine_rows(frame), dt.date(2025, 4, 1))
    mx = etr.summarise(rates.select({"MX"}), "MX", 2024)
    assert mx.etr == pytest.approx(0.25 * (1 - etr.DEFAULT_USMCA_SHARE))
    day_before = etr.rate_rows(etr.engine_rows(frame), dt.date(2025, 3, 6))
    assert etr.summarise(day_before.select({"MX"}), "MX", 2024).etr == pytest.approx(0.25)
    all_claimed = etr.rate_rows(etr.engine_rows(frame, usmca_share=1.0), dt.date(2025, 4, 1))
    assert etr.summarise(all_claimed.select({"MX"}), "MX", 2024).etr == pytest.approx(0.0)
