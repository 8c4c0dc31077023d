"""Golden table: duties on goods of Japan on dated entries, each case with its source.

Every change has the day before as a negative case. Rates are total duty / customs value.
Value 10,000 USD unless stated. Sources: the instrument and Chapter 99 heading that decide
the case (see src/tariffline/rules/us/ for the full citations).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from golden_check import assert_golden

from tariffline.engine import compute_duties

D = dt.date.fromisoformat

# (case id, hts, entry date, expected total rate, headings that must be reported, source, extra)
CASES = [
    # Passenger cars: MFN 2.5%; s232 autos +25% from 3 Apr 2025 (Proc. 10908, 9903.94.01);
    # Japan 15% inclusive from 16 Sep 2025 (EO 14345 s4, 90 FR 44638, 9903.94.41).
    ("car_2018", "8703.23.01", "2018-06-01", 0.025, [], "HTS 8703.23.01 General 2.5%", {}),
    ("car_before_232", "8703.23.01", "2025-04-02", 0.025, [], "Proc. 10908 starts 3 Apr 2025", {}),
    ("car_232", "8703.23.01", "2025-04-03", 0.275, ["9903.94.01"], "Proc. 10908 cl. 2", {}),
    ("car_ieepa_period", "8703.23.01", "2025-08-20", 0.275, ["9903.94.01"], "EO 14257 s3(b): 232 autos excluded", {}),
    ("car_before_jp_rule", "8703.23.01", "2025-09-15", 0.275, ["9903.94.01"], "90 FR 44638: not retroactive", {}),
    ("car_jp_rule", "8703.23.01", "2025-09-16", 0.15, ["9903.94.41"], "EO 14345 s4; 9903.94.41", {}),
    ("car_s122", "8703.23.01", "2026-03-10", 0.15, ["9903.94.41"], "Proc. 11012: 232 goods and vehicles exempt", {}),
    ("car_10digit", "8703.23.01.90", "2026-08-01", 0.15, ["9903.94.41"], "statistical line inherits", {}),
    # Light trucks: MFN 25%; +25% -> 50%; Japan rule: column 1 >= 15% -> no 232 (9903.94.40).
    ("truck_before_232", "8704.31.01", "2025-04-02", 0.25, [], "HTS 8704.31.01 General 25%", {}),
    ("truck_232", "8704.31.01", "2025-04-03", 0.50, ["9903.94.01"], "Proc. 10908", {}),
    ("truck_before_jp_rule", "8704.31.01", "2025-09-15", 0.50, ["9903.94.01"], "Proc. 10908", {}),
    ("truck_jp_rule", "8704.31.01", "2025-09-16", 0.25, ["9903.94.40"], "EO 14345 s4; 9903.94.40", {}),
    # Auto part (gear boxes): MFN 2.5%; parts +25% from 3 May 2025 (9903.94.05); Japan 15% incl.
    ("part_2024", "8708.40.11", "2024-06-01", 0.025, [], "HTS 8708.40.11 General 2.5%", {}),
    ("part_232", "8708.40.11", "2025-05-03", 0.275, ["9903.94.05"], "Proc. 10908 cl. 3; Annex I-B", {}),
    ("part_before_jp_rule", "8708.40.11", "2025-09-15", 0.275, ["9903.94.05"], "Proc. 10908", {}),
    ("part_jp_rule", "8708.40.11", "2025-09-16", 0.15, ["9903.94.43"], "EO 14345 s4; 9903.94.43", {}),
    # Medium/heavy trucks (MFN 25%): s232 +25% from 1 Nov 2025 (Proc. 10984, 9903.74.01), no Japan cap.
    ("mhdv_before", "8704.23.01", "2025-10-31", 0.25, ["9903.02.72"], "EO 14345: MFN >= 15%", {}),
    ("mhdv_232", "8704.23.01", "2025-11-01", 0.50, ["9903.74.01"], "Proc. 10984", {}),
    # Wood (Proc. 10976, from 14 Oct 2025): softwood lumber 10%; kitchen cabinets of Japan 15% total
    # (9903.76.21); before it, the reciprocal tariff.
    ("lumber_before", "4407.11.00", "2025-10-13", 0.15, ["9903.02.73"], "EO 14345", {}),
    ("lumber_232", "4407.11.00", "2025-10-14", 0.10, ["9903.76.01"], "Proc. 10976; 9903.76.01", {}),
    ("cabinet_before", "9403.40.90.60", "2025-10-13", 0.15, ["9903.02.73"], "EO 14345", {}),
    ("cabinet_jp_15", "9403.40.90.60", "2025-10-14", 0.15, ["9903.76.21"], "Proc. 10976 cl. 7; 9903.76.21", {}),
    ("cabinet_s122", "9403.40.90.60", "2026-03-10", 0.15, ["9903.76.21"], "Proc. 11012: 232 goods exempt", {}),
    # Flat-rolled steel (Free): 25% from 23 Mar 2018 (Proc. 9705); 50% from 4 Jun 2025 (Proc. 10947).
    ("steel_before_232", "7208.51.00", "2018-03-22", 0.0, [], "Proc. 9705 starts 23 Mar 2018", {}),
    ("steel_2018", "7208.51.00", "2018-03-23", 0.25, ["9903.80.01"], "Proc. 9705", {}),
    ("steel_2021", "7208.51.00", "2021-06-01", 0.25, ["9903.80.01"], "Proc. 9705", {}),
    ("steel_jp_trq", "7208.51.00", "2023-06-01", 0.0, [], "Proc. of 31 Mar 2022: in-quota (uncertain, US-44)", {}),
    ("steel_2025_restored", "7208.51.00", "2025-03-12", 0.25, [], "Proc. 10896", {}),
    ("steel_before_50", "7208.51.00", "2025-06-03", 0.25, [], "Proc. 10896", {}),
    ("steel_50", "7208.51.00", "2025-06-04", 0.50, [], "Proc. 10947", {}),
    ("steel_s122_period", "7208.51.00", "2026-03-10", 0.50, [], "Proc. 11012 cl. 4: not on 232 goods", {}),
    ("steel_2026_restructure", "7208.51.00", "2026-04-06", 0.50, [], "Proc. 11021 Annex I-A", {}),
    # Primary aluminum (Free): 10% from 23 Mar 2018 (Proc. 9704); 25% 12 Mar 2025; 50% 4 Jun 2025.
    ("alu_before_232", "7601.10.60", "2018-03-22", 0.0, [], "Proc. 9704 starts 23 Mar 2018", {}),
    ("alu_2018", "7601.10.60", "2018-03-23", 0.10, ["9903.85.01"], "Proc. 9704", {}),
    ("alu_before_25", "7601.10.60", "2025-03-11", 0.10, ["9903.85.01"], "Proc. 9704", {}),
    ("alu_25", "7601.10.60", "2025-03-12", 0.25, [], "Proc. 10895", {}),
    ("alu_50", "7601.10.60", "2025-06-04", 0.50, [], "Proc. 10947", {}),
    ("alu_2026", "7601.10.60", "2026-04-06", 0.50, [], "Proc. 11021 Annex I-A", {}),
    # Steel derivative on metal content (household refrigerators, Free; added 18 Aug 2025,
    # 90 FR 40326, 9903.81.91): 50% on 4,000 of steel, the rest under the reciprocal tariff
    # (EO 14257 s3(b); EO 14345) or s122 (Proc. 11012 cl. 4).
    ("deriv_before_inclusion", "8418.21.00", "2025-08-17", 0.15, ["9903.02.73"], "not yet a derivative",
     {"metal_value": 4000.0}),
    ("deriv_ieepa", "8418.21.00", "2025-10-01", 0.29, ["9903.81.91", "9903.02.73"],
     "Proc. 10947 (content); EO 14345 on the non-metal part", {"metal_value": 4000.0}),
    ("deriv_s122", "8418.21.00", "2026-03-10", 0.26, ["9903.81.91", "9903.03.01"],
     "Proc. 11012 cl. 4: s122 on the non-232 part", {"metal_value": 4000.0}),
    # Copper wire (MFN 3%): 50% on copper content from 1 Aug 2025 (Proc. 10962, 9903.78.01).
    ("copper", "7408.11.60", "2025-08-01", 0.53, ["9903.78.01"], "Proc. 10962", {"metal_value": 10000.0}),
    # USJTA machine tool (CNC lathes, MFN 4.4%): JP 1.4% in 2020, free from 1 Jan 2021.
    ("lathe_2019", "8458.11.00", "2019-06-01", 0.044, [], "HTS General 4.4% (before USJTA)", {}),
    ("lathe_2020", "8458.11.00", "2020-06-01", 0.014, [], "Proc. 9974 Annex I staging (year 1)", {}),
    ("lathe_2021", "8458.11.00", "2021-06-01", 0.0, [], "Proc. 9974: free from 1 Jan 2021", {}),
    ("lathe_pause", "8458.11.00", "2025-06-01", 0.10, ["9903.01.25"], "EO 14257 10%; EO 14266 pause", {}),
    ("lathe_jp_15", "8458.11.00", "2025-10-01", 0.15, ["9903.02.73"], "EO 14345; 9903.02.73 Special col. 15%", {}),
    ("lathe_s122", "8458.11.00", "2026-03-10", 0.10, ["9903.03.01"], "Proc. 11012", {}),
    ("lathe_no_pref", "8458.11.00", "2021-06-01", 0.044, [], "preference declined", {"program": "none"}),
    # Sweaters (MFN 32% >= 15%): no reciprocal top-up from 7 Aug 2025 (9903.02.72).
    ("sweater_before_jp", "6110.30.30", "2025-08-06", 0.42, ["9903.01.25"], "EO 14257 10%", {}),
    ("sweater_jp", "6110.30.30", "2025-08-07", 0.32, ["9903.02.72"], "EO 14345 s2(a); 9903.02.72", {}),
    ("sweater_s122", "6110.30.30", "2026-03-10", 0.42, ["9903.03.01"], "Proc. 11012", {}),
    # Toys (Free) through every IEEPA phase and s122.
    ("toy_before_ieepa", "9503.00.00", "2025-04-04", 0.0, [], "EO 14257 starts 5 Apr 2025", {}),
    ("toy_baseline", "9503.00.00", "2025-04-05", 0.10, ["9903.01.25"], "EO 14257 s3(a)", {}),
    ("toy_country_rate", "9503.00.00", "2025-04-09", 0.24, [], "EO 14257 Annex I: Japan 24%", {}),
    ("toy_pause", "9503.00.00", "2025-04-10", 0.10, ["9903.01.25"], "EO 14266", {}),
    ("toy_before_deal", "9503.00.00", "2025-08-06", 0.10, ["9903.01.25"], "EO 14326 starts 7 Aug", {}),
    ("toy_deal", "9503.00.00", "2025-08-07", 0.15, ["9903.02.73"], "EO 14345 s2(d) retroactive", {}),
    ("toy_last_ieepa_day", "9503.00.00", "2026-02-23", 0.15, ["9903.02.73"], "EO of 20 Feb 2026", {}),
    ("toy_s122", "9503.00.00", "2026-02-24", 0.10, ["9903.03.01"], "Proc. 11012", {}),
    ("toy_s122_last_day", "9503.00.00", "2026-07-23", 0.10, ["9903.03.01"], "Proc. 11012: 150 days", {}),
    ("toy_s122_lapsed", "9503.00.00", "2026-07-24", 0.125, ["9903.05.49"],
     "19 U.S.C. 2132: s122 lapsed; Section 301 note 52(k) 12.5% from 24 Jul 2026", {}),
    # Civil aircraft parts (Free): reciprocal until 15 Sep 2025; 9903.96.02 from 16 Sep 2025.
    # 8807.30.00.60: note 19(k) names only this statistical line of 8807.30.00 under 9903.85.08
    # (the whole 8-digit subheading was charged before the list was read at the note's digits)
    ("aircraft_before", "8807.30.00.60", "2025-09-15", 0.22, ["9903.85.08", "9903.02.73"],
     "EO 14345 s3 not retroactive: alu derivative 50% on 2,000 + reciprocal on the rest", {"metal_value": 2000.0}),
    ("aircraft_exempt", "8807.30.00.60", "2025-09-16", 0.0, ["9903.96.02"], "EO 14345 s3; 9903.96.02",
     {"metal_value": 2000.0}),
    ("aircraft_s122", "8807.30.00", "2026-03-10", 0.0, [], "Proc. 11012 Annex: civil aircraft", {}),
    # Pharmaceuticals (Free): Annex II (no reciprocal), s122-exempt.
    ("pharma_ieepa", "3004.90.10", "2025-10-01", 0.0, [], "EO 14257 Annex II", {}),
    ("pharma_s122", "3004.90.10", "2026-03-10", 0.0, [], "Proc. 11012 Annex", {}),
    # Specific duty with quantity: wine 6.3 cents/liter, 100 liters on 1,000 USD.
    ("wine_2024", "2204.21.50", "2024-06-01", 0.0063, [], "HTS 2204.21.50 General 6.3¢/liter",
     {"value": 1000.0, "quantity": 100.0}),
    ("wine_jp_15", "2204.21.50", "2025-10-01", 0.15, ["9903.02.73"], "EO 14345: AVE per CSMS 66242844",
     {"value": 1000.0, "quantity": 100.0}),
    ("wine_s122", "2204.21.50", "2026-03-10", 0.1063, ["9903.03.01"], "Proc. 11012",
     {"value": 1000.0, "quantity": 100.0}),
]


@pytest.fixture(scope="module")
def results():
    rows = []
    for i, (cid, hts, day, _, _, _, extra) in enumerate(CASES):
        rows.append({"row_id": i, "hts": hts, "origin": "JP", "entry_date": D(day),
                     "value": extra.get("value", 10000.0), "quantity": extra.get("quantity"),
                     "metal_value": extra.get("metal_value"), "program": extra.get("program")})
    frame = pl.DataFrame(rows, schema_overrides={"quantity": pl.Float64, "metal_value": pl.Float64,
                                                 "program": pl.Utf8})
    return compute_duties(frame)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_golden(results, i):
    cid, hts, day, expected, headings, source, _ = CASES[i]
    assert_golden(results, i, cid, expected, headings, source)


def test_at_least_sixty_cases():
    assert len(CASES) >= 60
