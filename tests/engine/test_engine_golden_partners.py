"""Golden table: duties on goods of the other main partners (EU, Korea, UK, China, Canada,
Mexico, and a few Annex I countries) on dated entries, each case with its source.

Every change has the day before as a negative case. Rates are total duty / customs value.
Value 10,000 USD unless stated. Sources: the instrument and Chapter 99 heading that decide
the case (see src/tariffline/rules/us/ for the full citations and ASSUMPTIONS.md US-81..US-89
for the judgement calls: e.g. every good of Canada/Mexico is taken to claim USMCA, every UK car
to be within the quota).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from golden_check import assert_golden

from tariffline.engine import compute_duties

D = dt.date.fromisoformat
TOY = "9503.00.00"  # toys: MFN Free, no Section 232, not on the Section 301 lists
CAR, TRUCK, PART = "8703.23.01", "8704.31.01", "8708.40.11"  # MFN 2.5%, 25%, 2.5%
SWEATER = "6110.30.30"  # MFN 32%
# Free; aluminum derivative (9903.85.08) on metal content: U.S. note 19(k) names the statistical
# line 8807.30.00.60 only, not all of 8807.30.00 (the 8-digit code was wrongly charged before)
AIRCRAFT_PART = "8807.30.00.60"

# (case id, origin, hts, entry date, expected total rate, headings that must be reported, source, extra)
CASES = [
    # --- European Union (Germany; France for the group) ---
    ("de_toy_baseline", "DE", TOY, "2025-04-08", 0.10, ["9903.01.25"], "EO 14257 s3(a) 10%", {}),
    ("de_toy_annex1", "DE", TOY, "2025-04-09", 0.20, ["9903.01.50"], "EO 14257 Annex I: EU 20%", {}),
    ("de_toy_pause", "DE", TOY, "2025-04-10", 0.10, ["9903.01.25"], "EO 14266 s4 pause", {}),
    ("de_toy_before_eo14326", "DE", TOY, "2025-08-06", 0.10, ["9903.01.25"], "EO 14326 starts 7 Aug", {}),
    ("de_toy_eu_15", "DE", TOY, "2025-08-07", 0.15, ["9903.02.20"], "EO 14326 Annex I; 9903.02.20", {}),
    ("fr_toy_eu_15", "FR", TOY, "2025-08-07", 0.15, ["9903.02.20"], "EU member via group `eu`", {}),
    ("de_sweater_eu_15", "DE", SWEATER, "2025-08-07", 0.32, ["9903.02.19"],
     "9903.02.19: column 1 >= 15%, no additional duty", {}),
    ("de_toy_in_transit", "DE", TOY, "2025-08-20", 0.10, ["9903.01.25"],
     "9903.02.20 text: loaded before 7 Aug, entered before 5 Oct", {"loaded_date": "2025-08-01"}),
    ("de_toy_last_ieepa_day", "DE", TOY, "2026-02-23", 0.15, ["9903.02.20"], "EO of 20 Feb 2026", {}),
    ("de_toy_s122", "DE", TOY, "2026-02-24", 0.10, ["9903.03.01"], "Proc. 11012", {}),
    ("de_car_before_deal", "DE", CAR, "2025-07-31", 0.275, ["9903.94.01"], "Proc. 10908", {}),
    ("de_car_deal", "DE", CAR, "2025-08-01", 0.15, ["9903.94.51"],
     "FR Doc. 2025-18660: retroactive to 1 Aug 2025; 9903.94.51", {}),
    ("de_truck_deal", "DE", TRUCK, "2025-08-01", 0.25, ["9903.94.50"], "9903.94.50: MFN >= 15%", {}),
    ("de_part_before_deal", "DE", PART, "2025-07-31", 0.275, ["9903.94.05"], "Proc. 10908 cl. 3", {}),
    ("de_part_deal", "DE", PART, "2025-08-01", 0.15, ["9903.94.53"], "FR Doc. 2025-18660; 9903.94.53", {}),
    ("de_aircraft_before", "DE", AIRCRAFT_PART, "2025-08-31", 0.22, ["9903.85.08", "9903.02.20"],
     "alu derivative 50% on 2,000 + EU 15% on the rest", {"metal_value": 2000.0}),
    ("de_aircraft_exempt", "DE", AIRCRAFT_PART, "2025-09-01", 0.10, ["9903.85.08", "9903.02.76"],
     "FR Doc. 2025-18660: 9903.02.76 from 1 Sep 2025 (232 metals exemption not encoded, US-83)",
     {"metal_value": 2000.0}),
    # --- Korea (KORUS: most goods free of column 1 duty) ---
    ("kr_toy_annex1", "KR", TOY, "2025-04-09", 0.25, ["9903.01.54"], "EO 14257 Annex I: Korea 25%", {}),
    ("kr_toy_before_eo14326", "KR", TOY, "2025-08-06", 0.10, ["9903.01.25"], "EO 14266 pause", {}),
    ("kr_toy_additive", "KR", TOY, "2025-08-07", 0.15, ["9903.02.56"], "EO 14326: Korea 15% (additive)", {}),
    ("kr_sweater_additive", "KR", SWEATER, "2025-11-13", 0.47, ["9903.02.56"],
     "KORUS declined: MFN 32% + 15%", {"program": "none"}),
    ("kr_sweater_inclusive", "KR", SWEATER, "2025-11-14", 0.32, ["9903.02.79"],
     "90 FR 55964 Part B: max(column 1, 15%) from 14 Nov 2025; 9903.02.79", {"program": "none"}),
    ("kr_sweater_korus", "KR", SWEATER, "2025-11-14", 0.15, ["9903.02.80"],
     "KORUS free: the 15% of 9903.02.80 (note 2(v)(xxiv)(a))", {}),
    ("kr_toy_inclusive", "KR", TOY, "2025-11-14", 0.15, ["9903.02.80"], "90 FR 55964; 9903.02.80", {}),
    ("kr_car_before_deal", "KR", CAR, "2025-10-31", 0.25, ["9903.94.01"], "KORUS free + Proc. 10908 25%", {}),
    ("kr_car_deal", "KR", CAR, "2025-11-01", 0.15, ["9903.94.61"], "90 FR 55964 Part A; 9903.94.61", {}),
    ("kr_part_deal", "KR", PART, "2025-11-01", 0.15, ["9903.94.63"], "90 FR 55964 Part A; 9903.94.63", {}),
    # --- United Kingdom ---
    ("gb_toy_baseline", "GB", TOY, "2025-08-06", 0.10, ["9903.01.25"], "EO 14257 10%", {}),
    ("gb_toy_eo14326", "GB", TOY, "2025-08-07", 0.10, ["9903.02.66"], "EO 14326 Annex I: UK 10%", {}),
    ("gb_car_before_quota", "GB", CAR, "2025-06-29", 0.275, ["9903.94.01"], "Proc. 10908", {}),
    ("gb_car_quota", "GB", CAR, "2025-06-30", 0.10, ["9903.94.31"],
     "EO 14309 s2(a); 90 FR 27851; in quota (US-85)", {}),
    ("gb_truck_no_quota", "GB", TRUCK, "2025-06-30", 0.50, ["9903.94.01"], "EO 14309: heading 8703 only", {}),
    ("gb_steel_25", "GB", "7208.51.00", "2025-06-04", 0.25, ["9903.81.87"], "Proc. 10947: UK stays at 25%", {}),
    ("gb_aircraft_before", "GB", AIRCRAFT_PART, "2025-06-29", 0.13, ["9903.85.08", "9903.01.25"],
     "alu derivative 25% on 2,000 + 10% on the rest", {"metal_value": 2000.0}),
    ("gb_aircraft_exempt", "GB", AIRCRAFT_PART, "2025-06-30", 0.05, ["9903.96.01"],
     "EO 14309 s3; 9903.96.01", {"metal_value": 2000.0}),
    # --- China: IEEPA fentanyl and reciprocal ---
    ("cn_toy_before_fentanyl", "CN", TOY, "2025-02-03", 0.0, [], "EO 14195 starts 4 Feb 2025", {}),
    ("cn_toy_fentanyl_10", "CN", TOY, "2025-02-04", 0.10, ["9903.01.20"], "EO 14195; 9903.01.20", {}),
    ("cn_toy_fentanyl_in_transit", "CN", TOY, "2025-03-06", 0.0, [],
     "9903.01.23: loaded before 1 Feb, entered before 7 Mar", {"loaded_date": "2025-01-31"}),
    ("cn_toy_before_20", "CN", TOY, "2025-03-03", 0.10, ["9903.01.20"], "note 2(s): to 3 Mar 2025", {}),
    ("cn_toy_fentanyl_20", "CN", TOY, "2025-03-04", 0.20, ["9903.01.24"], "EO 14228; 90 FR 11426", {}),
    ("cn_toy_baseline", "CN", TOY, "2025-04-05", 0.30, ["9903.01.24", "9903.01.25"], "EO 14257 10% + fentanyl", {}),
    ("cn_toy_84", "CN", TOY, "2025-04-09", 1.04, ["9903.01.63", "9903.01.24"], "EO 14259: 84%", {}),
    ("hk_toy_125", "HK", TOY, "2025-04-10", 1.45, ["9903.01.63", "9903.01.24"], "EO 14266: 125% (incl. Hong Kong)", {}),
    ("mo_toy_125", "MO", TOY, "2025-04-10", 1.25, ["9903.01.63"], "Macau: reciprocal, no fentanyl duty", {}),
    ("cn_toy_125_last", "CN", TOY, "2025-05-13", 1.45, ["9903.01.63"], "EO 14298 from 14 May", {}),
    ("cn_toy_geneva", "CN", TOY, "2025-05-14", 0.30, ["9903.01.25", "9903.01.24"], "EO 14298 s2: 10%", {}),
    ("cn_toy_before_nov", "CN", TOY, "2025-11-09", 0.30, ["9903.01.24"], "EO 14228 20%", {}),
    ("cn_toy_nov", "CN", TOY, "2025-11-10", 0.20, ["9903.01.24"], "EO of 4 Nov 2025: fentanyl 10%", {}),
    ("cn_toy_s122", "CN", TOY, "2026-02-24", 0.10, ["9903.03.01"], "IEEPA ended; Proc. 11012", {}),
    # --- China: Section 301 ---
    ("cn_boiler_before_list1", "CN", "8402.11.00", "2018-07-05", 0.052, [], "83 FR 28710 from 6 Jul 2018", {}),
    ("cn_boiler_list1", "CN", "8402.11.00", "2018-07-06", 0.302, ["9903.88.01"], "83 FR 28710; 9903.88.01", {}),
    ("cn_bridge_before_list2", "CN", "7308.10.00", "2018-08-22", 0.0, [], "83 FR 40823 from 23 Aug 2018", {}),
    ("cn_bridge_list2", "CN", "7308.10.00", "2018-08-23", 0.25, ["9903.88.02"], "83 FR 40823; 9903.88.02", {}),
    ("cn_fridge_before_list3", "CN", "8418.10.00", "2018-09-23", 0.0, [], "83 FR 47974 from 24 Sep 2018", {}),
    ("cn_fridge_list3_10", "CN", "8418.10.00", "2018-09-24", 0.10, ["9903.88.03"], "83 FR 47974: 10%", {}),
    ("cn_fridge_list3_before_25", "CN", "8418.10.00", "2019-05-09", 0.10, ["9903.88.03"], "84 FR 20459 from 10 May", {}),
    ("cn_fridge_list3_25", "CN", "8418.10.00", "2019-05-10", 0.25, ["9903.88.03"], "84 FR 20459: 25%", {}),
    ("cn_fridge_list3_in_transit", "CN", "8418.10.00", "2019-06-14", 0.10, ["9903.88.03"],
     "9903.88.09: exported before 10 May, entered before 15 Jun 2019", {"loaded_date": "2019-05-01"}),
    ("cn_coat_before_4a", "CN", "6101.20.00", "2019-08-31", 0.159, [], "84 FR 43304 from 1 Sep 2019", {}),
    ("cn_coat_4a_15", "CN", "6101.20.00", "2019-09-01", 0.309, ["9903.88.15"], "84 FR 45821: 15%", {}),
    ("cn_coat_4a_before_cut", "CN", "6101.20.00", "2020-02-13", 0.309, ["9903.88.15"], "85 FR 3741 from 14 Feb", {}),
    ("cn_coat_4a_7_5", "CN", "6101.20.00", "2020-02-14", 0.234, ["9903.88.15"], "85 FR 3741: 7.5%", {}),
    ("cn_ev_before_review", "CN", "8703.80.00", "2024-09-26", 0.025, [], "89 FR 76581 from 27 Sep 2024", {}),
    ("cn_ev_review", "CN", "8703.80.00", "2024-09-27", 1.025, ["9903.91.03"], "89 FR 76581: EVs 100%", {}),
    ("cn_wafer_list3", "CN", "8541.10.00", "2024-12-31", 0.25, ["9903.88.03"], "List 3 25%", {}),
    ("cn_wafer_review", "CN", "8541.10.00", "2025-01-01", 0.50, ["9903.91.05"],
     "89 FR 76581: 50% in lieu of List 3 from 1 Jan 2025", {}),
    # --- Canada ---
    ("ca_toy_before", "CA", TOY, "2025-03-03", 0.0, [], "EO 14197: paused to 4 Mar 2025", {}),
    ("ca_toy_25", "CA", TOY, "2025-03-04", 0.25, ["9903.01.10"], "EO 14193; 9903.01.10", {}),
    ("ca_gas_energy_10", "CA", "2711.21.00", "2025-03-04", 0.10, ["9903.01.13"], "EO 14193: energy 10%", {}),
    ("ca_potash_25", "CA", "3104.20.00", "2025-03-06", 0.25, ["9903.01.10"], "potash 25% until EO 14231", {}),
    ("ca_toy_usmca", "CA", TOY, "2025-03-07", 0.0, ["9903.01.14"], "EO 14231: USMCA goods exempt (US-88)", {}),
    ("ca_toy_35_usmca", "CA", TOY, "2025-08-01", 0.0, ["9903.01.14"], "EO 14325 35%, USMCA exempt (US-88)", {}),
    ("ca_toy_no_baseline", "CA", TOY, "2025-04-09", 0.0, [], "9903.01.26: Canada outside 9903.01.25", {}),
    # --- Mexico ---
    ("mx_toy_before", "MX", TOY, "2025-03-03", 0.0, [], "EO 14198: paused to 4 Mar 2025", {}),
    ("mx_toy_25", "MX", TOY, "2025-03-04", 0.25, ["9903.01.01"], "EO 14194; 9903.01.01", {}),
    ("mx_toy_usmca", "MX", TOY, "2025-03-07", 0.0, ["9903.01.04"], "EO 14232: USMCA goods exempt (US-88)", {}),
    ("mx_car_232", "MX", CAR, "2025-04-03", 0.25, ["9903.94.01"], "USMCA free + Proc. 10908 25%", {}),
    # --- Other Annex I partners ---
    ("vn_toy_annex1", "VN", TOY, "2025-04-09", 0.46, ["9903.01.72"], "EO 14257 Annex I: Vietnam 46%", {}),
    ("vn_toy_eo14326", "VN", TOY, "2025-08-07", 0.20, ["9903.02.69"], "EO 14326: Vietnam 20%", {}),
    ("ch_toy_39", "CH", TOY, "2025-11-13", 0.39, ["9903.02.58"], "EO 14326: Switzerland 39%", {}),
    ("ch_toy_inclusive", "CH", TOY, "2025-11-14", 0.15, ["9903.02.83"], "90 FR 59281: retroactive to 14 Nov", {}),
]


@pytest.fixture(scope="module")
def results():
    rows = []
    for i, (cid, origin, hts, day, _, _, _, extra) in enumerate(CASES):
        loaded = extra.get("loaded_date")
        rows.append({"row_id": i, "hts": hts, "origin": origin, "entry_date": D(day),
                     "value": extra.get("value", 10000.0), "quantity": extra.get("quantity"),
                     "metal_value": extra.get("metal_value"), "program": extra.get("program"),
                     "loaded_date": D(loaded) if loaded else None})
    frame = pl.DataFrame(rows, schema_overrides={"quantity": pl.Float64, "metal_value": pl.Float64,
                                                 "program": pl.Utf8, "loaded_date": pl.Date})
    return compute_duties(frame)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_golden(results, i):
    cid, origin, hts, day, expected, headings, source, _ = CASES[i]
    assert_golden(results, i, cid, expected, headings, source)


def test_korea_deal_as_known_before_publication():
    """Before 90 FR 55964 (public 3-4 Dec 2025) Korean cars paid 25% and goods column 1 + 15%."""
    frame = pl.DataFrame({"hts": [CAR, SWEATER], "origin": ["KR", "KR"],
                          "entry_date": [D("2025-11-20"), D("2025-11-20")], "value": [10000.0, 10000.0],
                          "program": [None, "none"]}, schema_overrides={"program": pl.Utf8})
    before = compute_duties(frame, as_known_on=D("2025-12-01")).totals["total_rate"].to_list()
    after = compute_duties(frame).totals["total_rate"].to_list()
    assert before == pytest.approx([0.25, 0.47])
    assert after == pytest.approx([0.15, 0.32])


def test_section_232_and_annex_ii_goods_pay_no_country_rate():
    """EO 14257 s3(b), note 2(v)(vi)-(xvi): steel (232) and pharmaceuticals (Annex II) of the EU
    pay no reciprocal rate; China's steel pays 232 50% + fentanyl 20% + Section 301 25%
    (89 FR 76581, 9903.91.01)."""
    frame = pl.DataFrame({"hts": ["7208.51.00", "3004.90.10", "7208.51.00"], "origin": ["DE", "DE", "CN"],
                          "entry_date": [D("2025-10-01")] * 3, "value": [10000.0] * 3})
    res = compute_duties(frame)
    assert res.totals["total_rate"].to_list() == pytest.approx([0.50, 0.0, 0.95])


def test_at_least_sixty_cases():
    assert len(CASES) >= 60
