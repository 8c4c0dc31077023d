"""Golden cases for the 2026 U.S. actions: the day before and the first day of each, for Japan
and at least one partner, each expected value from the HTS text or the instrument.

Column 1 (MFN) rates used below, from the HTS: 3004.90.92 Free; 8429.51.10 Free; 9503.00.00
Free; 8806.22/.24 Free; 6810.99.00 Free; 3818.00.00 Free. Column 2 of 3004.90.92: 30%.

Note 52 (Section 301 forced labor, from 24 Jul 2026) is encoded in parallel (h-note52). Cases
marked NOTE52 chose goods that note 52 does not reach: 3004.90.92 and 3818.00.00 are in the
note 52(b) list (9903.05.86), patented pharmaceuticals are in 52(f)(8), Annex I-C metals in
52(f)(1), unmanned aircraft of 8806 in the 52(d) civil-aircraft list (9903.05.88, civil use
assumed). Cases whose total depends on note 52 stacking are skipped until note 52 is encoded.
"""

from __future__ import annotations

import pytest

from tariffline import api
from tariffline.commitments import api as cm_api
from tariffline.data import store
from tariffline.policy import note_lists

VALUE = 1000.0


def _duty(hts, origin, day, **kw):
    return api.duty(hts, origin=origin, date=day, value=VALUE, **kw)


def _headings(res):
    return {la["heading"]: la["rate"] for la in res["layers"] if la["authority"] != "MFN"
            and not la["measure_id"].startswith("column1")}


# (hts, origin, entry day, expected total rate, Chapter 99 heading expected or None, source)
CASES = [
    # --- Section 232 pharmaceuticals, Proc. 11020, HTS Rev 14 note 40, from 31 Jul 2026 ---
    ("3004.90.9201", "JP", "2026-07-30", 0.00, None,
     "before note 40 (Rev 14 effective 7/31); NOTE52: 52(b) list"),
    ("3004.90.9201", "JP", "2026-07-31", 0.15, "9903.04.62", "9903.04.62 15% incl. column 1, note 40(f)"),
    ("3004.90.9201", "DE", "2026-07-31", 0.15, "9903.04.62", "EU member country, note 40(f)"),
    ("3004.90.9201", "IN", "2026-07-30", 0.00, None, "before note 40; NOTE52: 52(b) list"),
    ("3004.90.9201", "IN", "2026-07-31", 1.00, "9903.04.60", "9903.04.60 100% incl. column 1, note 40(d)"),
    ("3004.90.9201", "GB", "2026-07-31", 0.00, "9903.04.63", "9903.04.63 + 0% (Rev 15, effective 7/31)"),
    ("3004.90.9201", "RU", "2026-07-31", 0.30, None,
     "Column 2 of 9903.04.60: the duty of the subheading (Column 2 30%)"),
    ("3004.90.9201", "JP", "2026-09-28", 0.15, "9903.04.62", "note 40 as in Rev 19"),
    ("3004.90.9201", "JP", "2026-09-29", 0.15, "9903.04.62", "note 40 as modified by Rev 20 (same code listed)"),
    # --- Section 232 metals Annex I-C, Proc. 11032 (91 FR 34085), from 8 Jun 2026 ---
    ("8429.51.1000", "JP", "2026-06-07", 0.25, "9903.82.09", "Proc. 11021 Annex I-B 25%, no Japan relief"),
    ("8429.51.1000", "JP", "2026-06-08", 0.15, "9903.82.22", "9903.82.22: column 1 + 232 = 15%"),
    ("8429.51.1000", "DE", "2026-06-08", 0.15, "9903.82.22", "EU member, 9903.82.22"),
    ("8429.51.1000", "IN", "2026-06-08", 0.25, "9903.82.09", "Annex I-C 25%, 9903.82.09"),
    # --- Section 232 unmanned aircraft, Proc. 11055, HTS Rev 18 note 43, from 3 Sep 2026 ---
    ("8806.22.0000", "JP", "2026-09-02", 0.00, None, "before note 43; NOTE52: 52(d) civil aircraft"),
    ("8806.22.0000", "JP", "2026-09-03", 0.15, "9903.08.24", "9903.08.24 15% (allied-source certification assumed)"),
    ("8806.22.0000", "IN", "2026-09-02", 0.00, None, "before note 43; NOTE52: 52(d)"),
    ("8806.22.0000", "IN", "2026-09-03", 0.25, "9903.08.22", "9903.08.22 + 25%, 25 kg or less"),
    ("8806.24.0000", "IN", "2026-09-03", 1.00, "9903.08.21", "9903.08.21 + 100%, over 25 kg"),
    ("8806.22.0000", "GB", "2026-09-03", 0.10, "9903.08.23", "9903.08.23 + 10%"),
    # --- Section 232 polysilicon, Proclamation of 6 Aug 2026, from 4 Dec 2026 ---
    ("3818.00.0020", "JP", "2026-12-03", 0.00, None, "before the effective date; NOTE52: 52(b) list"),
    ("3818.00.0020", "JP", "2026-12-04", 0.15, None, "column 1 + 232 = 15% for Japan"),
    ("3818.00.0020", "IN", "2026-12-04", 0.15, None, "+ 15% on wafers; NOTE52: 52(b) list"),
    ("3818.00.0020", "GB", "2026-12-04", 0.10, None, "United Kingdom + 10%"),
    # --- Section 122, Proc. 11012: last day 23 Jul 2026 (HTS Rev 13, note 2(aa)) ---
    ("9503.00.0090", "DE", "2026-07-23", 0.10, "9903.03.01", "9903.03.01 + 10%, last day"),
]


@pytest.mark.parametrize("hts, origin, day, total, heading, source", CASES)
def test_golden_2026(hts, origin, day, total, heading, source):
    res = _duty(hts, origin, day)
    assert res["total_rate"] == pytest.approx(total), source
    if heading:
        assert heading in _headings(res), source


def test_polysilicon_raw_not_in_the_ad_valorem_duty():
    # raw polysilicon (2804.61) is subject only to the minimum import price (not encoded)
    res = _duty("2804.61.0000", "IN", "2026-12-04")
    assert not [la for la in res["layers"] if la["measure_id"].startswith("s232_polysilicon")]


def test_section_122_layer_ends_at_the_close_of_23_july():
    # HTS Rev 13 compiler's note to note 2(aa): 9903.03.01-.11 expired at the close of July 23
    for origin in ("JP", "DE"):
        assert "9903.03.01" in _headings(_duty("9503.00.0090", origin, "2026-07-23"))
        assert "9903.03.01" not in _headings(_duty("9503.00.0090", origin, "2026-07-24"))
    # the layer's status is the one known at the entry date (issue 8 item 4); the expiry is part
    # of its history once the law is read as known after it
    status = [la for la in _duty("9503.00.0090", "JP", "2026-07-23", as_known_on="2026-08-01")["layers"]
              if la["heading"] == "9903.03.01"][0]
    assert "expired 2026-07-24" in status["legal_history"]


def test_section_122_japan_24_july_with_note_52():
    # Note 52 stacking: from 24 Jul, Japan's 9903.05.49 makes column 1 +
    # 301 = 12.5% (note 52(k)); 9503.00.00 is free and not in the 52(b) list.
    assert _duty("9503.00.0090", "JP", "2026-07-24")["total_rate"] == pytest.approx(0.125)


def test_quartz_layer_15_august():
    # Proc. 11051, HTS Rev 16: 9903.45.30 25% within the quota (in quota assumed); 41(c) exempts
    # Korea (third-party reading of the note, ASSUMPTIONS US-127)
    for origin in ("JP", "IN"):
        assert "9903.45.30" not in _headings(_duty("6810.99.0020", origin, "2026-08-14"))
        on = _headings(_duty("6810.99.0020", origin, "2026-08-15"))
        assert on["9903.45.30"] == pytest.approx(0.25)
    assert "9903.45.30" not in _headings(_duty("6810.99.0020", "KR", "2026-08-15"))


def test_quartz_japan_total_with_note_52():
    # Note 52 stacking: 6810.99 is not in the 52(b) list, so Japan pays
    # 12.5% (9903.05.49, column 1 free) from 24 Jul, and note 41(b) makes the safeguard
    # cumulative: 12.5% + 25% = 37.5% on 15 Aug.
    assert _duty("6810.99.0020", "JP", "2026-08-14")["total_rate"] == pytest.approx(0.125)
    assert _duty("6810.99.0020", "JP", "2026-08-15")["total_rate"] == pytest.approx(0.375)


def test_pharma_revision_of_29_september_known_from_its_publication():
    # Rev 20 (published 28 Sep 2026) replaced the note 40(c) list from 29 Sep
    def mid(res):
        return [la["measure_id"] for la in res["layers"] if la["heading"] == "9903.04.62"]
    assert mid(_duty("3004.90.9201", "JP", "2026-09-28")) == ["s232_pharma_partners_15_rev14"]
    assert mid(_duty("3004.90.9201", "JP", "2026-09-29")) == ["s232_pharma_partners_15"]
    # as known on 27 Sep the Rev 20 text was not public: the Rev 14 rule runs on
    known = _duty("3004.90.9201", "JP", "2026-10-01", as_known_on="2026-09-27")
    assert mid(known) == ["s232_pharma_partners_15_rev14"]


def test_pharma_not_known_before_the_proclamation():
    # Proc. 11020 was signed and posted on 2 Apr 2026
    res = _duty("3004.90.9201", "IN", "2026-08-01", as_known_on="2026-04-01")
    assert "9903.04.60" not in _headings(res)


def test_note_40_lists_read_from_the_note_text():
    # counts of the (c) lists: 131 statistical numbers in Rev 19, 149 in Rev 20 (PROVENANCE of
    # usitc_hts_2026_changes_rev12_21/ch99_notes_rev20)
    rev19 = note_lists.codes(store.open_text("usitc:ch99_note40_rev19"), "40(c)")
    rev20 = note_lists.codes(store.open_text("usitc:ch99_note40_rev20"), "40(c)")
    assert (len(rev19), len(rev20)) == (131, 149)
    assert "2918993000" in rev20 and "3004909276" in rev20  # first and last cells
    assert "2922190900" in rev19 and "2922190900" not in rev20  # renumbered .0910/.0990


# --- IEEPA refunds as legal status -----------------------------------------------------------
def _ieepa(res):
    return [la for la in res["layers"] if la["authority"] == "IEEPA"]


# a layer's status is the one known at the entry date unless the law is read as known later
# (issue 8 item 4): the refund history shows when read as known on 1 Dec 2026
def test_ieepa_layer_shows_the_refund_process():
    layer = _ieepa(_duty("9503.00.0090", "JP", "2025-10-01", as_known_on="2026-12-01"))[0]
    assert layer["heading"] == "9903.02.73"
    assert layer["legal_status"] == "refund_process"
    history = layer["legal_history"]
    for part in ("struck down 2026-02-20", "refundable 2026-03-04", "refundable 2026-03-06",
                 "refundable 2026-04-07", "refund process 2026-04-20", "CSMS 68340863",
                 "refund process 2026-06-29", "[likely]", "[uncertain"):
        assert part in history, part


def test_ieepa_refund_process_not_known_on_1_march():
    layer = _ieepa(_duty("9503.00.0090", "JP", "2025-10-01", as_known_on="2026-03-01"))[0]
    assert layer["legal_status"] == "struck_down"
    assert "refund" not in layer["legal_history"]


def test_ieepa_partner_layer_shows_the_refund_process():
    layer = _ieepa(_duty("9503.00.0090", "DE", "2025-10-01", as_known_on="2026-12-01"))[0]
    assert layer["legal_status"] == "refund_process"
    assert _ieepa(_duty("9503.00.0090", "DE", "2025-10-01"))[0]["legal_status"] == "in_force"


# --- events ------------------------------------------------------------------------------
def test_events_list_the_2026_actions():
    rows = cm_api.timeline("2026-01-01", "2026-12-31", kinds=["measure"])
    got = {(str(r["date"]), r["type"],
            r["title"].split(" takes effect")[0].split(" ends")[0].split(" is revised")[0])
           for r in rows}
    titles = {t for _, _, t in got}
    expected = {
        ("2026-06-08", "Further Adjusting the Tariff Regimes for Imports of Aluminum, Steel, and Copper (Annex I-C)"),
        ("2026-07-24", "Imposing a Temporary Import Surcharge to Address Fundamental International Payments Problems"),
        ("2026-07-31", "Adjusting Imports of Pharmaceuticals and Pharmaceutical Ingredients Into the United States"),
        ("2026-08-15", "To Facilitate Positive Adjustment to Competition From Imports of Quartz Surface Products"),
        ("2026-09-03", "Adjusting Imports of Unmanned Aircraft Systems and Their Components Into the United States"),
        ("2026-09-29", "Adjusting Imports of Pharmaceuticals and Pharmaceutical Ingredients Into the United States"),
        ("2026-12-04", "Adjusting Imports of Polysilicon and Its Derivatives Into the United States"),
    }
    dated = {(d, t) for d, _, t in got}
    for day, title in expected:
        assert (day, title) in dated, (day, title, sorted(titles))
    # the Rev 20 text of note 40 replaces the Rev 14 rules on 29 Sep: one "revised" entry
    pharma = "Adjusting Imports of Pharmaceuticals and Pharmaceutical Ingredients Into the United States"
    assert {typ for d, typ, t in got if d == "2026-09-29" and t == pharma} == {"revised"}
