"""The 2026 investment tranches: announced amounts counted apart from funded ones.

Expected values from the announcements themselves:
- first tranche, 17 Feb 2026: $36bn (Lutnick statement and White House; events.yaml CM-09);
- second tranche, 19 Mar 2026: up to $40bn (GE Vernova Hitachi SMRs, Tennessee and Alabama)
  plus up to $33bn (gas power, Pennsylvania and Texas) = up to $73bn (White House fact sheet of
  19 Mar 2026); Japanese press called them candidates under profitability review, and no
  funding of either tranche has been reported, so funded is unknown (None), never zero.
"""

import datetime as dt

import pytest

from tariffline.commitments import api
from tariffline.commitments.loader import load_rules
from tariffline.commitments.models import Event

from commitments_testpolicy import write_policy

SMR_BN, GAS_BN = 40, 33  # White House fact sheet, 19 Mar 2026
TRANCHE_1_BN = 36  # 17 Feb 2026


@pytest.fixture
def opts(tmp_path):
    return {"events_file": tmp_path / "events.jsonl", "policy_root": write_policy(tmp_path / "us")}


def _inv(day, opts):
    return next(r for r in api.status(day, **opts) if r["id"] == "jp_invest_550bn")


@pytest.mark.parametrize("day, announced", [
    ("2026-03-18", TRANCHE_1_BN),                    # the day before the meeting
    ("2026-03-19", TRANCHE_1_BN + SMR_BN + GAS_BN),  # meeting day: up to $73bn more
    ("2026-03-20", TRANCHE_1_BN + SMR_BN + GAS_BN),
])
def test_second_tranche_dated(opts, day, announced):
    inv = _inv(day, opts)
    assert inv["delivered"] == announced
    assert inv["funded"] is None
    assert inv["unconfirmed"] is None


def test_second_tranche_parts_listed_not_recounted():
    book = load_rules()
    tranche = next(e for e in book.current_events() if e.id == "invest_tranche_2")
    parts = sorted(e.amount for e in book.current_events() if e.part_of == "invest_tranche_2")
    assert tranche.amount == SMR_BN + GAS_BN == 73
    assert parts == [GAS_BN, SMR_BN]
    assert tranche.stage == "announced" and tranche.counts
    assert "invest_tranche_2_reported" not in {e.id for e in book.current_events()}
    assert "invest_tranche_2_reported" in {e.id for e in book.events}  # history kept


def test_funding_counted_apart_from_announcement(opts):
    # a funding report adds to `funded`, never to the announced total
    api.add_event({
        "id": "tranche_1_funded_test", "date": "2026-04-10", "type": "investment",
        "title": "Funds provided for the first tranche (test record)",
        "commitment": "jp_invest_550bn", "amount": 36.0, "unit": "USD_bn", "stage": "funded",
        "source": "test", "confidence": "confirmed",
    }, events_file=opts["events_file"])
    before, after = _inv("2026-04-09", opts), _inv("2026-04-10", opts)
    assert (before["delivered"], before["funded"]) == (109, None)
    assert (after["delivered"], after["funded"]) == (109, 36)
    stages = {e["id"]: e["stage"] for e in after["events"]}
    assert stages["tranche_1_funded_test"] == "funded" and stages["invest_tranche_2"] == "announced"


def test_funded_event_needs_an_amount():
    with pytest.raises(ValueError, match="funded event needs an amount"):
        Event(id="x", date=dt.date(2026, 4, 1), type="investment", title="t", source="s",
              confidence="confirmed", stage="funded")


def test_uncertain_funding_not_counted(opts):
    api.add_event({
        "id": "rumoured_funding", "date": "2026-04-10", "type": "investment", "title": "Rumour",
        "commitment": "jp_invest_550bn", "amount": 10.0, "unit": "USD_bn", "stage": "funded",
        "source": "test", "confidence": "uncertain",
    }, events_file=opts["events_file"])
    inv = _inv("2026-04-10", opts)
    assert inv["funded"] is None and inv["unconfirmed"] == 10


def test_summit_meeting_on_the_timeline(opts):
    rows = api.timeline("2026-03-19", "2026-03-19", events_file=opts["events_file"],
                        policy_root=opts["policy_root"])
    refs = {r["ref"] for r in rows}
    assert {"invest_tranche_2", "summit_2026_03_19"} <= refs


def test_refund_phases_on_the_timeline_carry_their_confidence():
    # phase 1 from CBP CSMS 68340863 (confirmed); phase 2 from trade press (likely); phase 3
    # "late July" (uncertain); entries of the EO 14345 file (Japan's 15%), full policy
    rows = [r for r in api.timeline("2026-04-20", "2026-07-31", kinds=["measure"])
            if r["ref"] == "eo14345_japan_agreement" and r["type"] == "refund_process"]
    assert [(str(r["date"]), r["confidence"]) for r in rows] == [
        ("2026-04-20", "confirmed"), ("2026-06-29", "likely"), ("2026-07-31", "uncertain")]
