"""Commitment status on dated days: delivered vs target, time elapsed, pace, linked measures."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffline.commitments import api
from tariffline.commitments.models import Commitment
from tariffline.commitments.status import pace, share_elapsed
from tariffline.errors import InputError

from commitments_testpolicy import write_policy


@pytest.fixture
def opts(tmp_path):
    # no event log (only the shipped events count) and the small test policy
    return {"events_file": tmp_path / "events.jsonl", "policy_root": write_policy(tmp_path / "us")}


def _by_id(rows):
    return {r["id"]: r for r in rows}


def test_done_when_status_2026_03_31(opts):
    rows = _by_id(api.status("2026-03-31", **opts))
    inv = rows["jp_invest_550bn"]
    # announced: $36bn (Feb. 17) + up to $73bn (White House fact sheet of Mar. 19, 2026)
    assert (inv["target"], inv["delivered"], inv["unit"], inv["deadline"]) == (
        550, 109, "USD_bn", dt.date(2029, 1, 19))
    # MOU signed 2025-09-04 to 2029-01-19: 1233 days, 208 elapsed on 2026-03-31
    assert inv["share_elapsed"] == pytest.approx(208 / 1233)
    assert inv["expected"] == pytest.approx(550 * 208 / 1233)
    assert inv["share_delivered"] == pytest.approx(109 / 550)
    assert inv["pace"] == "on_pace"  # 109 >= 550 * 208 / 1233 = 92.8
    assert inv["unconfirmed"] is None  # the uncertain ~$40bn report is superseded (CM-30)
    for cid in ("jp_ag_purchases_8bn", "jp_energy_7bn", "jp_rice_ma_plus75", "jp_boeing_100",
                "jp_defense_17bn"):
        assert rows[cid]["delivered"] is None and rows[cid]["pace"] == "unknown", cid
    assert rows["jp_us_auto_standards"]["pace"] == "met"


@pytest.mark.parametrize("day, delivered, pace_label", [
    ("2025-09-03", 0.0, "on_pace"),   # before the period starts: nothing due yet
    ("2025-09-04", 0.0, "on_pace"),   # first day: 0 expected
    ("2025-09-05", 0.0, "behind"),    # day after: something was due
    ("2026-02-16", 0.0, "behind"),    # the day before the first tranche
    ("2026-02-17", 36.0, "behind"),   # tranche day: counted
    ("2026-02-18", 36.0, "behind"),
])
def test_investment_dated_table(opts, day, delivered, pace_label):
    inv = _by_id(api.status(day, **opts))["jp_invest_550bn"]
    assert inv["delivered"] == delivered
    assert inv["pace"] == pace_label


def test_commitment_absent_before_announcement(opts):
    assert "jp_invest_550bn" not in _by_id(api.status("2025-07-21", **opts))
    assert "jp_invest_550bn" in _by_id(api.status("2025-07-22", **opts))


@pytest.mark.parametrize("day, expected", [
    ("2026-02-15", "pending"), ("2026-02-16", "met"), ("2026-02-17", "met")])
def test_regulatory_commitment_met_on_its_implementation_day(opts, day, expected):
    assert _by_id(api.status(day, **opts))["jp_us_auto_standards"]["pace"] == expected


@pytest.mark.parametrize("day, expected", [
    ("2020-04-30", "pending"), ("2020-05-01", "pending"), ("2020-05-02", "missed")])
def test_deadline_passes_unmet(opts, day, expected):
    assert _by_id(api.status(day, **opts))["usjta_stage_two_consultations"]["pace"] == expected


@pytest.mark.parametrize("day, in_force", [
    ("2025-08-06", None),   # EO 14345 not yet published: no linked measure known
    ("2025-09-09", True),   # published, retroactive to 2025-08-07
    ("2026-02-23", True),   # last day collected
    ("2026-02-24", False),  # first day not covered after the Supreme Court ruling
])
def test_linked_tariff_measure_in_force(opts, day, in_force):
    row = _by_id(api.status(day, **opts)).get("us_tariff_15_general")
    linked = [m for m in row["linked_measures"] if m["id"] == "ieepa_jp_inclusive_15"]
    if in_force is None:
        assert not linked
    else:
        assert linked[0]["in_force"] is in_force


def test_what_tariff_depends_on_the_pledge(opts):
    inv = _by_id(api.status("2026-03-31", **opts))["jp_invest_550bn"]
    ids = {m["id"] for m in inv["linked_measures"]}
    assert {"ieepa_jp_inclusive_15", "s232_autos_jp_inclusive"} <= ids
    assert not any(m.get("missing") for m in inv["linked_measures"])


def test_unknown_commitment_and_bad_date_refused(opts):
    with pytest.raises(InputError, match="unknown commitment nope"):
        api.status("2026-03-31", commitments=["nope"], **opts)
    with pytest.raises(InputError, match="not a date"):
        api.status("31/03/2026", **opts)


def _commitment(target=100.0, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1)):
    return Commitment(id="c", agreement="a", party="JP", kind="investment", title="t",
                      announced=start, target=target, unit="USD_bn", period_start=start,
                      deadline=end, delivery_tracked=True, sources=["s"], confidence="confirmed")


@given(st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)),
       st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)))
def test_share_elapsed_is_monotone_and_bounded(a, b):
    start, end = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    lo, hi = sorted((a, b))
    assert 0.0 <= share_elapsed(start, end, lo) <= share_elapsed(start, end, hi) <= 1.0


@given(st.floats(0, 100), st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
def test_pace_matches_straight_line(delivered, day):
    label, elapsed, expected = pace(_commitment(), delivered, day)
    assert expected == pytest.approx(100 * elapsed)
    if delivered >= 100:
        assert label == "met"
    else:
        assert label == ("on_pace" if delivered >= expected else "behind")


def test_pace_after_deadline_and_unknown():
    c = _commitment()
    assert pace(c, 50.0, dt.date(2026, 1, 2))[0] == "missed"
    assert pace(c, 50.0, dt.date(2026, 1, 1))[0] == "behind"
    assert pace(c, None, dt.date(2025, 6, 1))[0] == "unknown"


@pytest.mark.parametrize("day, expected", [
    ("2025-07-21", None), ("2025-07-22", "announced"), ("2025-09-03", "announced"),
    ("2025-09-04", "implemented"), ("2026-02-19", "implemented"), ("2026-02-20", "partly_void")])
def test_framework_status_by_day(opts, day, expected):
    rows = {r["id"]: r for r in api.agreements(day, policy_root=opts["policy_root"])}
    assert (rows["framework_2025"]["status"] if "framework_2025" in rows else None) == expected


def test_agreement_lists_its_commitments_and_measures(opts):
    rows = {r["id"]: r for r in api.agreements("2026-03-31", policy_root=opts["policy_root"])}
    mou = rows["investment_mou_2025"]
    assert mou["legal_form"] == "mou" and "jp_invest_550bn" in mou["commitments"]
    usjta = rows["usjta"]
    assert {m["id"] for m in usjta["policy_measures"]} == {"usjta"}  # staging file has no measures
    assert usjta["policy_measures"][0]["in_force"] is True
