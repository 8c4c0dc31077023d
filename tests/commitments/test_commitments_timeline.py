"""The relationship's timeline: merged, dated, filterable by kind, corrections applied."""

import datetime as dt

import pytest

from tariffline.commitments import api
from tariffline.errors import InputError

from commitments_testpolicy import write_policy


@pytest.fixture
def opts(tmp_path):
    return {"events_file": tmp_path / "events.jsonl", "policy_root": write_policy(tmp_path / "us")}


def test_merges_all_kinds_in_date_order(opts):
    rows = api.timeline("2018-01-01", "2026-12-31", **opts)
    assert {r["kind"] for r in rows} == {"agreement", "commitment", "event", "measure"}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert rows[0]["date"] >= dt.date(2018, 1, 1)
    assert all(r["source"] and r["confidence"] for r in rows)


def test_key_dates_present(opts):
    rows = api.timeline("2018-01-01", "2026-12-31", **opts)
    got = {(r["date"], r["kind"], r["ref"]) for r in rows}
    assert (dt.date(2020, 1, 1), "agreement", "usjta") in got
    assert (dt.date(2023, 1, 1), "agreement", "beef_safeguard_protocol") in got
    assert (dt.date(2025, 9, 4), "agreement", "investment_mou_2025") in got
    assert (dt.date(2026, 2, 17), "event", "invest_tranche_1") in got
    assert (dt.date(2026, 2, 24), "measure", "eo14345_japan_agreement") in got  # IEEPA part ends
    assert (dt.date(2026, 2, 20), "measure", "eo14345_japan_agreement") in got  # struck down
    assert (dt.date(2026, 7, 24), "measure", "s122_test_surcharge") in got
    assert (dt.date(2029, 1, 19), "commitment", "jp_invest_550bn") not in got  # outside window


@pytest.mark.parametrize("kinds", [["event"], ["measure"], ["agreement", "commitment"]])
def test_filter_by_kind(opts, kinds):
    rows = api.timeline("2018-01-01", "2030-12-31", kinds=kinds, **opts)
    assert rows and {r["kind"] for r in rows} == set(kinds)


@pytest.mark.parametrize("start, end, inside", [
    ("2026-02-17", "2026-02-17", True), ("2026-02-18", "2026-03-01", False),
    ("2026-01-01", "2026-02-16", False)])
def test_bounds_inclusive(opts, start, end, inside):
    rows = api.timeline(start, end, kinds=["event"], **opts)
    assert any(r["ref"] == "invest_tranche_1" for r in rows) is inside


def test_parts_marked_and_corrections_applied(opts):
    rows = api.timeline("2026-02-17", "2026-02-17", kinds=["event"], **opts)
    ohio = next(r for r in rows if r["ref"] == "invest_ohio_gas_power")
    assert "[part of invest_tranche_1]" in ohio["title"]
    api.add_event({"id": "fix_ohio", "date": "2026-02-17", "type": "investment",
                   "title": "Ohio plant, corrected", "commitment": "jp_invest_550bn",
                   "amount": 33.3, "unit": "USD_bn", "part_of": "invest_tranche_1",
                   "supersedes": "invest_ohio_gas_power", "source": "test", "confidence": "likely"},
                  events_file=opts["events_file"])
    refs = {r["ref"] for r in api.timeline("2026-02-17", "2026-02-17", kinds=["event"], **opts)}
    assert "fix_ohio" in refs and "invest_ohio_gas_power" not in refs


def test_other_origins_measures_left_out(opts):
    rows = api.timeline("2026-01-01", "2026-12-31", kinds=["measure"], **opts)
    assert not any(r["ref"] == "s122_test_surcharge" and r["date"] == dt.date(2026, 3, 10) for r in rows)


def test_bad_input_refused(opts):
    with pytest.raises(InputError, match="unknown kind rumour"):
        api.timeline("2018-01-01", "2026-12-31", kinds=["rumour"], **opts)
    with pytest.raises(InputError, match="before start"):
        api.timeline("2026-01-01", "2025-01-01", **opts)
    with pytest.raises(InputError, match="origin"):
        api.timeline("2025-01-01", "2026-01-01", origin="Atlantis", **opts)
