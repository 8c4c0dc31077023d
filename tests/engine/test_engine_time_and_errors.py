"""The two kinds of time (as finally amended vs as known on a day), in-transit rules, timelines,
and clear errors for bad input."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tariffline import api
from tariffline.engine import change_points, compute_duties
from tariffline.errors import InputError, PolicyError
from tariffline.policy.loader import load_policy


def _total(hts, day, **kw):
    return api.duty(hts, origin=kw.pop("origin", "JP"), date=day, value=kw.pop("value", 10000.0), **kw)


# --- as known on a day: EO 14326 (published 6 Aug 2025) vs EO 14345 (published 9 Sep 2025) ---
def test_as_known_before_eo14345_stacks_15_on_top():
    # cermet tool inserts, MFN 3.6%: EO 14326 as first issued added 15% on top (9903.02.30)
    res = _total("8207.13.00", "2025-08-10", as_known_on="2025-08-20")
    assert res["total_rate"] == pytest.approx(0.186)
    assert "9903.02.30" in [layer["heading"] for layer in res["layers"]]


def test_as_finally_amended_is_inclusive_15():
    res = _total("8207.13.00", "2025-08-10")
    assert res["total_rate"] == pytest.approx(0.15)
    assert "9903.02.30" not in [layer["heading"] for layer in res["layers"]]


def test_as_known_after_eo14345_matches_final():
    assert _total("8207.13.00", "2025-08-10", as_known_on="2025-09-10")["total_rate"] == pytest.approx(0.15)


def test_as_known_before_measure_published_hides_it():
    # Proc. 10908 (autos) was published in April 2025: on 1 Mar 2025 nobody knew of it
    assert _total("8703.23.01", "2025-05-01", as_known_on="2025-03-01")["total_rate"] == pytest.approx(0.025)


def test_ieepa_layers_report_struck_down_and_refundable():
    # a layer's status is the one known at --as-known-on or, without it, at the entry date
    # (issue 8 item 4): on 1 Oct 2025 EO 14345 was in force; Learning Resources v. Trump struck
    # the IEEPA duties down on 20 Feb 2026, and the CIT ordered refunds on 4 Mar 2026
    at_entry = _total("9503.00.00", "2025-10-01")
    ieepa = [la for la in at_entry["layers"] if la["authority"] == "IEEPA"]
    assert ieepa and ieepa[0]["legal_status"] == "in_force"
    assert "struck down" not in ieepa[0]["legal_history"]
    known_later = _total("9503.00.00", "2025-10-01", as_known_on="2026-04-01")
    ieepa = [la for la in known_later["layers"] if la["authority"] == "IEEPA"]
    assert ieepa and ieepa[0]["legal_status"] == "refundable"
    # CBP's refund process (CSMS 68340863, phase 1 from 2026-04-20) once it is known
    known_now = _total("9503.00.00", "2025-10-01", as_known_on="2026-12-01")
    ieepa = [la for la in known_now["layers"] if la["authority"] == "IEEPA"]
    assert ieepa and ieepa[0]["legal_status"] == "refund_process"
    assert "struck down 2026-02-20" in ieepa[0]["legal_history"]
    known_then = _total("9503.00.00", "2025-10-01", as_known_on="2025-12-01")
    assert [la["legal_status"] for la in known_then["layers"] if la["authority"] == "IEEPA"] == ["in_force"]


def test_section_232_layer_of_eo14345_not_struck_down():
    res = _total("8703.23.01", "2025-10-01")
    s232 = [la for la in res["layers"] if la["authority"] == "Section 232"]
    assert s232[0]["legal_status"] == "in_force"


# --- in transit ---
def test_in_transit_keeps_old_rate_for_eo14345():
    # loaded before 7 Aug 2025, entered before 5 Oct 2025: not subject to 9903.02.73 (keeps 10%)
    res = _total("9503.00.00", "2025-08-20", loaded_date="2025-08-01")
    heads = [la["heading"] for la in res["layers"]]
    assert "9903.02.73" not in heads
    assert res["total_rate"] == pytest.approx(0.10)


def test_in_transit_window_closes():
    res = _total("9503.00.00", "2025-10-05", loaded_date="2025-08-01")
    assert res["total_rate"] == pytest.approx(0.15)


# --- any origin gets MFN and global measures; preferences are data ---
def test_other_origin_gets_global_measures():
    # during the pause every origin without a rule of its own pays the 10% baseline (9903.01.25)
    res = _total("9503.00.00", "2025-06-01", origin="DE")
    assert res["total_rate"] == pytest.approx(0.10)
    assert "9903.01.25" in [la["heading"] for la in res["layers"]]
    res_kr = _total("8458.11.00", "2025-06-01", origin="Korea, Republic of")
    assert res_kr["origin"] == "KR"
    assert res_kr["layers"][0]["authority"] != "MFN"  # KORUS preference claimed


@pytest.mark.parametrize("origin", ["JP", "JPN", "Japan", "5880"])
def test_origin_forms(origin):
    assert _total("9503.00.00", "2025-10-01", origin=origin)["origin"] == "JP"


# --- timeline and change points ---
def test_timeline_auto_change_points():
    points = api.timeline("8703.23.01", origin="JP", start="2018-01-01", end="2026-12-31")
    days = [p["date"] for p in points]
    assert days == [dt.date(2018, 1, 1), dt.date(2025, 4, 3), dt.date(2025, 9, 16)]
    assert [round(p["total_rate"], 4) for p in points] == [0.025, 0.275, 0.15]


def test_change_points_include_rule_dates():
    days = change_points(dt.date(2025, 1, 1), dt.date(2026, 12, 31), ["JP"])
    for d in ("2025-04-05", "2025-04-09", "2025-04-10", "2025-08-07", "2025-09-16", "2026-02-24", "2026-07-24"):
        assert dt.date.fromisoformat(d) in days


# --- bad input: clear messages, never a traceback ---
@pytest.mark.parametrize("hts,origin,day,needle", [
    ("87A3.23.01", "JP", "2025-10-01", "malformed"),
    ("8703", "JP", "2025-10-01", "malformed"),
    ("9999.99.99", "JP", "2025-10-01", "not in the HTS edition"),
    ("8703.23.01", "Atlantis", "2025-10-01", "unknown origin"),
    ("8703.23.01", "JP", "2017-12-31", "before the data's coverage"),
])
def test_bad_single_lookup(hts, origin, day, needle):
    with pytest.raises(InputError, match=needle):
        api.duty(hts, origin=origin, date=day, value=1000)


def test_bad_date_text():
    with pytest.raises(InputError, match="not a date"):
        api.duty("8703.23.01", origin="JP", date="2025-13-01")


def test_specific_duty_needs_quantity():
    with pytest.raises(InputError, match="give a quantity in liter"):
        api.duty("2204.21.50", origin="JP", date="2024-06-01", value=1000)


def test_specific_duty_unit_value_estimate():
    res = api.duty("2204.21.50", origin="JP", date="2024-06-01", value=1000, unit_value=10.0)
    assert res["estimated"] is True
    assert res["total_rate"] == pytest.approx(0.0063)


def test_quantity_unit_mismatch():
    with pytest.raises(InputError, match="does not match"):
        api.duty("2204.21.50", origin="JP", date="2024-06-01", value=1000, quantity=5, quantity_unit="kg")


def test_claimed_program_not_available():
    with pytest.raises(InputError, match="cannot claim program 'KR'"):
        api.duty("8458.11.00", origin="JP", date="2024-06-01", value=1000, program="KR")


def test_batch_bad_rows_kept():
    rows = pl.DataFrame({
        "hts": ["8703.23.01", "bad", "8703.23.01", "9503.00.00"],
        "origin": ["JP", "JP", "XX", "JP"],
        "entry_date": [dt.date(2025, 10, 1)] * 4,
        "value": [100.0, 100.0, 100.0, -5.0],
    })
    res = compute_duties(rows)
    assert res.totals.height == 4
    errors = res.totals["error"].to_list()
    assert errors[0] is None and "malformed" in errors[1] and "unknown origin" in errors[2]
    assert "positive" in errors[3]


def test_broken_policy_file_names_file_and_line(tmp_path):
    (tmp_path / "programs").mkdir()
    (tmp_path / "bad_rule.yaml").write_text(
        "id: bad_rule\ntitle: t\nauthority: IEEPA\ninstrument: EO\ncitation: c\npublished: 2025-02-30\n"
        "sources: [x]\nconfidence: confirmed\nmeasures: []\n")
    with pytest.raises(PolicyError, match=r"bad_rule.yaml:6: published"):
        load_policy(tmp_path)


_HEAD = ("id: r\ntitle: t\nauthority: IEEPA\ninstrument: EO\ncitation: c\npublished: 2025-02-01\n"
         "sources: [x]\nconfidence: confirmed\nmeasures:\n")


def _rules(tmp_path, measures: str):
    (tmp_path / "programs").mkdir()
    (tmp_path / "r.yaml").write_text(_HEAD + measures)
    return tmp_path


def test_policy_typo_in_heading(tmp_path):
    root = _rules(tmp_path, "  - id: m\n    heading: '9903.0125'\n    description: d\n    start: 2025-03-01\n"
                            "    origins: [ALL]\n    rate: {type: additional, value: 0.1}\n    source: s\n")
    with pytest.raises(PolicyError, match=r"r.yaml:11: measures.0.heading"):
        load_policy(root)


def test_policy_unknown_excluded_by(tmp_path):
    root = _rules(tmp_path, "  - id: m\n    description: d\n    start: 2025-03-01\n    origins: [ALL]\n"
                            "    rate: {type: additional, value: 0.1}\n    excluded_by: [nothing_here]\n    source: s\n")
    with pytest.raises(PolicyError, match="nothing_here"):
        load_policy(root)


def test_policy_prefix_typo(tmp_path):
    root = _rules(tmp_path, "  - id: m\n    description: d\n    start: 2025-03-01\n    origins: [ALL]\n"
                            "    products: {include: {prefixes: ['72081']}}\n"
                            "    rate: {type: additional, value: 0.1}\n    source: s\n")
    with pytest.raises(PolicyError, match=r"r.yaml:14: .*72081"):
        load_policy(root)


def test_edition_gap_is_flagged():
    # between 2019 Rev 20 (to 31 Dec 2019) and 2020 Rev 18 (from 30 Jul 2020) no edition is on hand
    notes = api.duty("8703.23.01", origin="JP", date="2020-03-01", value=1000)["notes"]
    assert any("not on hand" in n for n in notes)
    assert api.duty("8703.23.01", origin="JP", date="2025-01-10", value=1000)["notes"] == []


def test_reference_rate_is_not_silently_zero():
    # 0201.30.80 Special for AU reads "See 9822.04.01-9822.04.03 (AU)": not claimable as a number,
    # so an Australian good pays the General rate, never a silent zero
    res = api.duty("0201.30.80", origin="AU", date="2024-06-01", value=1000)
    assert res["total_rate"] == pytest.approx(0.264)


def test_rows_keep_input_order():
    rows = pl.DataFrame({"hts": ["9503.00.00", "8703.23.01", "bad", "7208.51.00"] * 50,
                         "origin": ["JP", "DE", "JP", "KR"] * 50,
                         "entry_date": [dt.date(2025, 10, 1)] * 200, "value": [1.0] * 200})
    res = compute_duties(rows)
    assert res.totals["row_id"].to_list() == list(range(200))
    assert res.totals["hts"].to_list() == rows["hts"].to_list()


def test_amendment_in_same_file_hidden_until_published():
    # China fentanyl: 10% from 4 Feb 2025; the rise to 20% (EO 14228) was published 3 Mar 2025
    before = api.duty("9503.00.00", origin="CN", date="2025-03-10", value=1000, as_known_on="2025-02-20")
    after = api.duty("9503.00.00", origin="CN", date="2025-03-10", value=1000)
    heads_before = [la["heading"] for la in before["layers"]]
    assert "9903.01.20" in heads_before and "9903.01.24" not in heads_before
    assert "9903.01.24" in [la["heading"] for la in after["layers"]]


def test_timeline_of_specific_duty_uses_quantity():
    points = api.timeline("2204.21.50", origin="JP", start="2024-01-01", end="2026-12-31",
                          value=1000.0, quantity=100.0)
    assert points[0]["total_rate"] == pytest.approx(0.0063)
    with pytest.raises(InputError, match="give a quantity"):
        api.timeline("2204.21.50", origin="JP", start="2024-01-01", end="2026-12-31", value=1000.0)
    with pytest.raises(InputError, match="unknown origin"):
        api.timeline("2204.21.50", origin="Atlantis", start="2024-01-01", end="2026-12-31")
