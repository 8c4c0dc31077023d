"""Deadlines in a window: commitment deadlines and tariff-measure ends/starts, as known then."""

import datetime as dt

import pytest

from tariffline.commitments import api
from tariffline.errors import InputError

from commitments_testpolicy import write_policy


@pytest.fixture
def policy(tmp_path):
    return write_policy(tmp_path / "us")


def _find(rows, kind, ref):
    return [r for r in rows if r["kind"] == kind and r["ref"] == ref]


def test_done_when_section_122_end_in_real_policy_files():
    rows = api.deadlines("2026-03-01", 150)
    ends = [r for r in rows if r["kind"] == "measure_end" and r["date"] == dt.date(2026, 7, 24)]
    assert ends, "the Section 122 surcharge's statutory end (2026-07-24) is missing"
    assert any(r["authority"] == "Section 122" for r in ends)


def test_section_122_end_one_row_per_instrument(policy):
    rows = api.deadlines("2026-03-01", 150, policy_root=policy)
    ends = _find(rows, "measure_end", "s122_test_surcharge")
    assert len(ends) == 1
    assert ends[0]["date"] == dt.date(2026, 7, 24)
    assert ends[0]["measures"] == ["s122_test_10", "s122_test_exempt"]


@pytest.mark.parametrize("as_of, days, shown", [
    ("2026-03-01", 144, False),  # window ends 2026-07-23
    ("2026-03-01", 145, True),   # window ends on 2026-07-24 (inclusive)
    ("2026-07-24", 0, True),     # the day itself
    ("2026-07-25", 30, False),   # the day after
])
def test_window_edges(policy, as_of, days, shown):
    rows = api.deadlines(as_of, days, policy_root=policy)
    assert bool(_find(rows, "measure_end", "s122_test_surcharge")) is shown


@pytest.mark.parametrize("as_of, shown", [("2026-05-31", False), ("2026-06-01", True)])
def test_end_not_shown_before_it_was_published(tmp_path, as_of, shown):
    policy = write_policy(tmp_path / "late", late_end=True)
    rows = api.deadlines(as_of, 60, policy_root=policy)
    assert bool(_find(rows, "measure_end", "s122_test_surcharge")) is shown


def test_measures_of_other_origins_are_left_out(policy):
    rows = api.deadlines("2026-03-01", 30, policy_root=policy)
    assert not any("s122_canada_only" in r["measures"] for r in rows)
    rows = api.deadlines("2026-03-01", 30, origin="CA", policy_root=policy)
    assert any("s122_canada_only" in r["measures"] for r in rows)
    ends = _find(api.deadlines("2026-07-01", 30, origin="CA", policy_root=policy),
                 "measure_end", "s122_test_surcharge")
    assert ends[0]["measures"] == ["s122_test_exempt"]  # CA is excluded from the 10% heading


@pytest.mark.parametrize("as_of, days, shown", [
    ("2026-03-31", 30, True), ("2026-04-28", 0, True), ("2026-04-29", 10, False),
    ("2026-03-31", 27, False), ("2025-10-27", 365, False),  # not yet announced on Oct. 27
])
def test_commitment_deadline_edges(policy, as_of, days, shown):
    rows = api.deadlines(as_of, days, policy_root=policy)
    assert bool(_find(rows, "commitment", "cm_financing_6_months")) is shown


def test_sorted_and_sourced(policy):
    rows = api.deadlines("2026-03-01", 200, policy_root=policy)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert all(r["source"] and r["confidence"] for r in rows)


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_bad_days_refused(policy, days):
    with pytest.raises(InputError, match="days"):
        api.deadlines("2026-03-01", days, policy_root=policy)
