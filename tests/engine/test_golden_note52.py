"""Golden table: the Section 301 forced-labor action (HTS ch. 99 subch. III U.S. note 52).

Every case names the note paragraph and heading that decide it. Effective 12:01 a.m. ET on
24 July 2026 (HTS 2026 Rev 13 change record: note 52 and headings 9903.05.20-9903.06.21
established "July 24, 2026", source "Notice"; USTR notice 91 FR 47318). The day before, the
Section 122 surcharge of 10% (9903.03.01, Proc. 11012) still applied: it expired at the close of
23 July 2026 (HTS Rev 13 note 2(aa)). Rates are total duty / customs value; value 10,000 USD
unless stated. Column 1 rates are the HTS General (or claimed Special) rates of the subheading.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from golden_check import assert_golden

from tariffline.commitments.policy_link import measures_for_origin, policy_view
from tariffline.engine import compute_duties

D = dt.date.fromisoformat
FIRST = "2026-07-24"
LATER = "2026-08-03"

# (case id, origin, hts, entry date, expected total, headings reported, headings NOT reported, source, extra)
CASES = [
    # --- Japan: 9903.05.49 column 1 + duty = 12.5%; 9903.05.48 no duty where column 1 >= 12.5% (52(k)).
    ("jp_toy_day_before", "JP", "9503.00.00", "2026-07-23", 0.10, ["9903.03.01"], ["9903.05.49"],
     "HTS 9503.00.00 Free; s122 10% through 23 Jul (Proc. 11012; note 2(aa))", {}),
    ("jp_toy_first_day", "JP", "9503.00.00", FIRST, 0.125, ["9903.05.49"], ["9903.03.01"],
     "note 52(k); heading 9903.05.49 '12.5%'", {}),
    ("jp_toy_later", "JP", "9503.00.00", "2026-11-30", 0.125, ["9903.05.49"], [],
     "note 52: no end date", {}),
    ("jp_tools_day_before", "JP", "8207.13.00", "2026-07-23", 0.136, ["9903.03.01"], ["9903.05.49"],
     "HTS 8207.13.00 General 3.6% + s122 10%", {}),
    ("jp_tools_first_day", "JP", "8207.13.00", FIRST, 0.125, ["9903.05.49"], [],
     "3.6% + 8.9% = 12.5% (note 52(k))", {}),
    ("jp_sweater_mfn_32", "JP", "6110.30.30", LATER, 0.32, ["9903.05.48"], ["9903.05.49"],
     "HTS 6110.30.30 General 32% >= 12.5%: heading 9903.05.48, no duty", {}),
    ("jp_wine_specific_low", "JP", "2204.21.50", LATER, 0.125, ["9903.05.49"], [],
     "6.3 c/liter x 100 l / 1,000 USD = 0.63% AVE (note 52(k)) -> 12.5% in total",
     {"value": 1000.0, "quantity": 100.0}),
    ("jp_wine_specific_high", "JP", "2204.21.50", LATER, 0.1575, ["9903.05.48"], ["9903.05.49"],
     "6.3 c/liter x 100 l / 40 USD = 15.75% AVE >= 12.5% (note 52(k)): no duty",
     {"value": 40.0, "quantity": 100.0}),
    # 52(f), heading 9903.05.90: Section 232 goods are not subject to note 52.
    ("jp_car_232", "JP", "8703.23.01", LATER, 0.15, ["9903.94.41"], ["9903.05.49", "9903.05.48"],
     "note 52(f)(2) (9903.94.41); EO 14345 s4: 2.5% + 12.5% = 15%", {}),
    ("jp_light_truck_232", "JP", "8704.31.01", LATER, 0.25, ["9903.94.40"], ["9903.05.48"],
     "note 52(f)(2) names 9903.94.40; General 25%", {}),
    ("jp_mhdv_232", "JP", "8704.23.01", LATER, 0.50, ["9903.74.01"], ["9903.05.48"],
     "note 52(f)(5) (9903.74.01): 25% + 25%", {}),
    ("jp_steel_232", "JP", "7208.51.00", LATER, 0.50, ["9903.82.02"], ["9903.05.49"],
     "note 52(f)(1) (9903.82.02): Free + 50% (Proc. 11021 Annex I-A)", {}),
    ("jp_cabinet_232", "JP", "9403.40.90.60", LATER, 0.15, ["9903.76.21"], ["9903.05.49"],
     "note 52(f)(4) (9903.76.21)", {}),
    # Exemption lists read from the note text.
    ("jp_52b_cocoa", "JP", "1801.00.00", LATER, 0.0, ["9903.05.86"], ["9903.05.49"],
     "note 52(b) lists 1801.00.00; heading 9903.05.86", {}),
    ("jp_52b_10digit", "JP", "8505.11.00.70", LATER, 0.0, ["9903.05.86"], ["9903.05.49"],
     "note 52(b) lists the statistical number 8505.11.0070", {}),
    ("jp_52b_other_line", "JP", "8505.11.00.30", LATER, 0.125, ["9903.05.49"], ["9903.05.86"],
     "8505.11.0030 is not in note 52(b) (only .0070): 9903.05.49", {}),
    ("jp_52c_etrogs", "JP", "0805.90.01", LATER, 0.008, ["9903.05.87"], ["9903.05.49"],
     "note 52(c)(1) etrogs (0805.90.01, General 0.8%); heading 9903.05.87", {}),
    ("jp_52d_aircraft", "JP", "8807.30.00", LATER, 0.0, ["9903.05.88"], ["9903.05.49"],
     "note 52(d) lists 8807.30.00; heading 9903.05.88", {}),
    ("jp_52e_pharma_use", "JP", "2804.10.00", LATER, 0.037, ["9903.05.89"], ["9903.05.49"],
     "note 52(e) lists 2804.10.00 (General 3.7%); heading 9903.05.89", {}),
    # In transit (heading 9903.05.85): loaded before 24 Jul and entered before 28 Jul.
    ("jp_in_transit", "JP", "9503.00.00", "2026-07-27", 0.0, [], ["9903.05.49", "9903.03.01"],
     "9903.05.85: loaded 20 Jul, entered 27 Jul; s122 ended 23 Jul", {"loaded_date": "2026-07-20"}),
    ("jp_in_transit_loaded_23", "JP", "9503.00.00", "2026-07-27", 0.0, [], ["9903.05.49"],
     "9903.05.85: loaded 23 Jul (before 12:01 a.m. 24 Jul)", {"loaded_date": "2026-07-23"}),
    ("jp_in_transit_entered_late", "JP", "9503.00.00", "2026-07-28", 0.125, ["9903.05.49"], [],
     "9903.05.85 ends for goods entered on/after 28 Jul", {"loaded_date": "2026-07-20"}),
    ("jp_loaded_first_day", "JP", "9503.00.00", "2026-07-27", 0.125, ["9903.05.49"], [],
     "9903.05.85: loaded on 24 Jul is not before 24 Jul", {"loaded_date": "2026-07-24"}),
    # --- Partners with inclusive rules (52(k)).
    ("eu_toy_day_before", "DE", "9503.00.00", "2026-07-23", 0.10, ["9903.03.01"], ["9903.05.39"],
     "s122 10%", {}),
    ("eu_toy", "DE", "9503.00.00", FIRST, 0.10, ["9903.05.39"], [], "heading 9903.05.39 '10%'", {}),
    ("eu_tools", "FR", "8207.13.00", LATER, 0.10, ["9903.05.39"], [], "3.6% + 6.4% = 10% (52(k))", {}),
    ("eu_sweater", "IT", "6110.30.30", LATER, 0.32, ["9903.05.38"], ["9903.05.39"],
     "32% >= 10%: heading 9903.05.38", {}),
    ("eu_52j2_cork", "DE", "4501.10.00", LATER, 0.0, ["9903.05.97"], ["9903.05.39"],
     "note 52(j)(2) lists 4501.10.00; heading 9903.05.97", {}),
    ("eu_in_transit", "FR", "9503.00.00", "2026-07-27", 0.0, [], ["9903.05.39"],
     "9903.05.85", {"loaded_date": "2026-07-23"}),
    ("kr_toy", "KR", "9503.00.00", LATER, 0.125, ["9903.05.71"], [], "heading 9903.05.71 '12.5%'", {}),
    ("kr_tools_general", "KR", "8207.13.00", LATER, 0.125, ["9903.05.71"], [],
     "no KORUS claim: 3.6% + 8.9% (52(k))", {"program": "none"}),
    ("kr_tools_korus", "KR", "8207.13.00", LATER, 0.125, ["9903.05.71"], [],
     "KORUS Free claimed: 0% + 12.5% (52(k), Special column '12.5%')", {}),
    ("ch_toy", "CH", "9503.00.00", LATER, 0.125, ["9903.05.74"], [], "heading 9903.05.74 '12.5%'", {}),
    ("ch_52j3", "CH", "0106.14.00", LATER, 0.0, ["9903.05.98"], ["9903.05.74"],
     "note 52(j)(3) lists 0106.14.00; heading 9903.05.98", {}),
    ("tw_toy", "TW", "9503.00.00", LATER, 0.10, ["9903.05.76"], [], "heading 9903.05.76 '10%'", {}),
    # --- Additional ad valorem rates.
    ("gb_toy", "GB", "9503.00.00", LATER, 0.10, ["9903.05.81"], [], "heading 9903.05.81 '+ 10%'", {}),
    ("gb_52j1", "GB", "9018.12.00", LATER, 0.0, ["9903.05.96"], ["9903.05.81"],
     "note 52(j)(1) lists 9018.12.00; heading 9903.05.96", {}),
    ("vn_toy_day_before", "VN", "9503.00.00", "2026-07-23", 0.10, ["9903.03.01"], ["9903.05.84"], "s122", {}),
    ("vn_toy", "VN", "9503.00.00", FIRST, 0.125, ["9903.05.84"], [], "heading 9903.05.84 '+ 12.5%'", {}),
    ("vn_tools", "VN", "8207.13.00", LATER, 0.161, ["9903.05.84"], [], "3.6% + 12.5%", {}),
    ("in_tools", "IN", "8207.13.00", LATER, 0.136, ["9903.05.44"], [], "heading 9903.05.44 '+ 10%'", {}),
    ("hk_toy", "HK", "9503.00.00", LATER, 0.125, ["9903.05.43"], [], "heading 9903.05.43", {}),
    ("cn_tools_stacks", "CN", "8207.13.00", LATER, 0.411, ["9903.88.03", "9903.05.31"], [],
     "note 52(a): also subject to other subch. III duties: 3.6% + List 3 25% + 12.5%", {}),
    ("my_52j4i", "MY", "0106.19.91", LATER, 0.0, ["9903.05.99"], ["9903.05.54"],
     "note 52(j)(4)(i); heading 9903.05.99", {}),
    ("my_52j4ii_psyllium", "MY", "1211.90.89", LATER, 0.0, ["9903.06.01"], ["9903.05.54"],
     "note 52(j)(4)(ii)(A) psyllium seed husks; heading 9903.06.01", {}),
    ("th_psyllium_not_exempt", "TH", "1211.90.89", LATER, 0.125, ["9903.05.77"], ["9903.06.01"],
     "Thailand has no 52(j) list: heading 9903.05.77", {}),
    ("gt_toy", "GT", "9503.00.00", LATER, 0.10, ["9903.05.40"], [], "heading 9903.05.40 '+ 10%'", {}),
    ("gt_apparel_cafta", "GT", "6110.30.30", LATER, 0.0, ["9903.05.95"], ["9903.05.40"],
     "note 52(i) (CAFTA-DR claim, Free under GN 29); heading 9903.05.95", {}),
    ("ca_usmca", "CA", "9503.00.00", LATER, 0.0, ["9903.05.93"], ["9903.05.29"],
     "note 52(g): USMCA claim assumed (US-105)", {}),
    ("mx_usmca", "MX", "9503.00.00", LATER, 0.0, ["9903.05.94"], ["9903.05.55"],
     "note 52(h): USMCA claim assumed (US-105)", {}),
    ("ru_column2", "RU", "9503.00.00", LATER, 0.70, [], ["9903.05.66"],
     "heading 9903.05.66 Column 2 rate: the duty of the subheading (70%) alone", {}),
    ("li_not_named", "LI", "9503.00.00", LATER, 0.0, [], ["9903.05.74", "9903.05.86"],
     "Liechtenstein is not named in note 52", {}),
]

# Every country heading on a toy (9503.00.00, General Free) entered 3 Aug 2026: the heading's
# General rate as printed in HTS 2026 Rev 13 ('+ 10%' / '+ 12.5%', or the inclusive '10%' /
# '12.5%' of 9903.05.39, .49, .71, .74, .76). Canada, Mexico (USMCA, above) and Russia
# (Column 2, above) are cases of their own.
EVERY_HEADING = [
    ("DZ", "9903.05.20", 0.125),
    ("AO", "9903.05.21", 0.125),
    ("AR", "9903.05.22", 0.1),
    ("AU", "9903.05.23", 0.125),
    ("BS", "9903.05.24", 0.125),
    ("BH", "9903.05.25", 0.125),
    ("BD", "9903.05.26", 0.1),
    ("BR", "9903.05.27", 0.125),
    ("KH", "9903.05.28", 0.1),
    ("CL", "9903.05.30", 0.125),
    ("CN", "9903.05.31", 0.125),
    ("CO", "9903.05.32", 0.125),
    ("CR", "9903.05.33", 0.125),
    ("DO", "9903.05.34", 0.125),
    ("EC", "9903.05.35", 0.1),
    ("EG", "9903.05.36", 0.125),
    ("SV", "9903.05.37", 0.1),
    ("DE", "9903.05.39", 0.1),
    ("GT", "9903.05.40", 0.1),
    ("GY", "9903.05.41", 0.125),
    ("HN", "9903.05.42", 0.1),
    ("HK", "9903.05.43", 0.125),
    ("IN", "9903.05.44", 0.1),
    ("ID", "9903.05.45", 0.1),
    ("IQ", "9903.05.46", 0.125),
    ("IL", "9903.05.47", 0.125),
    ("JP", "9903.05.49", 0.125),
    ("JO", "9903.05.50", 0.1),
    ("KZ", "9903.05.51", 0.125),
    ("KW", "9903.05.52", 0.125),
    ("LY", "9903.05.53", 0.125),
    ("MY", "9903.05.54", 0.1),
    ("MA", "9903.05.56", 0.125),
    ("NZ", "9903.05.57", 0.125),
    ("NI", "9903.05.58", 0.125),
    ("NG", "9903.05.59", 0.125),
    ("NO", "9903.05.60", 0.125),
    ("OM", "9903.05.61", 0.125),
    ("PK", "9903.05.62", 0.1),
    ("PE", "9903.05.63", 0.125),
    ("PH", "9903.05.64", 0.125),
    ("QA", "9903.05.65", 0.125),
    ("SA", "9903.05.67", 0.125),
    ("SG", "9903.05.68", 0.125),
    ("ZA", "9903.05.69", 0.125),
    ("KR", "9903.05.71", 0.125),
    ("LK", "9903.05.72", 0.1),
    ("CH", "9903.05.74", 0.125),
    ("TW", "9903.05.76", 0.1),
    ("TH", "9903.05.77", 0.125),
    ("TT", "9903.05.78", 0.1),
    ("TR", "9903.05.79", 0.125),
    ("AE", "9903.05.80", 0.125),
    ("GB", "9903.05.81", 0.1),
    ("UY", "9903.05.82", 0.125),
    ("VE", "9903.05.83", 0.125),
    ("VN", "9903.05.84", 0.125),
]


@pytest.fixture(scope="module")
def every_heading():
    frame = pl.DataFrame({"row_id": list(range(len(EVERY_HEADING))), "hts": ["9503.00.00"] * len(EVERY_HEADING),
                          "origin": [o for o, _, _ in EVERY_HEADING], "entry_date": [D(LATER)] * len(EVERY_HEADING),
                          "value": [10000.0] * len(EVERY_HEADING)})
    return compute_duties(frame)


@pytest.mark.parametrize("i", range(len(EVERY_HEADING)), ids=[h for _, h, _ in EVERY_HEADING])
def test_every_country_heading(every_heading, i):
    _, heading, rate = EVERY_HEADING[i]
    assert every_heading.totals.filter(pl.col("row_id") == i)["total_rate"][0] == pytest.approx(rate)
    layers = every_heading.layers.filter((pl.col("row_id") == i) & pl.col("heading").str.starts_with("9903.05"))
    assert layers["heading"].to_list() == [heading]


def test_sixty_economies():
    assert len(EVERY_HEADING) + 3 == 60


@pytest.fixture(scope="module")
def results():
    rows = []
    for i, (_, origin, hts, day, _, _, _, _, extra) in enumerate(CASES):
        rows.append({"row_id": i, "hts": hts, "origin": origin, "entry_date": D(day),
                     "value": extra.get("value", 10000.0), "quantity": extra.get("quantity"),
                     "metal_value": None, "program": extra.get("program"),
                     "loaded_date": D(extra["loaded_date"]) if "loaded_date" in extra else None})
    frame = pl.DataFrame(rows, schema_overrides={"quantity": pl.Float64, "metal_value": pl.Float64,
                                                 "program": pl.Utf8, "loaded_date": pl.Date})
    return compute_duties(frame)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_golden(results, i):
    cid, _, _, _, expected, headings, absent, source, _ = CASES[i]
    assert_golden(results, i, cid, expected, headings, source)
    got = results.layers.filter(pl.col("row_id") == i)["heading"].to_list()
    for h in absent:
        assert h not in got, f"{cid}: heading {h} reported ({got})"


def test_japan_rate_layer_cites_note_52(results):
    i = next(k for k, c in enumerate(CASES) if c[0] == "jp_tools_first_day")
    layer = results.layers.filter((pl.col("row_id") == i) & (pl.col("heading") == "9903.05.49")).row(0, named=True)
    assert layer["authority"] == "Section 301"
    assert layer["rate"] == pytest.approx(0.089)
    assert "91 FR 47318" in layer["citation"] and "U.S. note 52" in layer["citation"]


def test_not_known_before_the_memorandum():
    """Read as known on 22 Jul 2026 (before the memorandum of 23 Jul), the action is not law."""
    frame = pl.DataFrame({"row_id": [0], "hts": ["9503.00.00"], "origin": ["JP"],
                          "entry_date": [D(LATER)], "value": [10000.0]})
    res = compute_duties(frame, as_known_on=D("2026-07-22"))
    assert "9903.05.49" not in res.layers["heading"].to_list()


def test_events_list_the_action_for_japan():
    """`tariffline events` reads measures affecting JP from the policy (commitments/policy_link.py)."""
    rows = {r.id: r for r in measures_for_origin(policy_view(None), "JP")}
    jp = rows["s301fl_jp_inclusive"]
    assert (jp.heading, jp.start, jp.end, jp.authority) == ("9903.05.49", D(FIRST), None, "Section 301")
    assert "s301fl_note52b_exempt" in rows
    assert "s301fl_vn" not in rows and "s301fl_gb_list_exempt" not in rows
