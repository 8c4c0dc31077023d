"""Recording events: validated, append-only, atomic; refused input leaves the log unchanged."""

import json
import math
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.commitments import api, events_store
from tariffline.errors import DataError, InputError

from commitments_testpolicy import write_policy

GOOD = {
    "id": "invest_tranche_x", "date": "2026-04-10", "type": "investment",
    "title": "A further project", "commitment": "jp_invest_550bn", "amount": 10.0,
    "unit": "USD_bn", "source": "Commerce press release, Apr. 10, 2026", "confidence": "confirmed",
}


@pytest.fixture
def log(tmp_path):
    return tmp_path / "data" / "events.jsonl"


@pytest.fixture
def policy(tmp_path):
    return write_policy(tmp_path / "us")


def _delivered(log, policy, day="2026-04-30"):
    rows = api.status(day, commitments=["jp_invest_550bn"], events_file=log, policy_root=policy)
    return rows[0]["delivered"]


def test_add_event_appends_and_counts(log, policy):
    # seed: tranche 1 $36bn (Feb. 17) + tranche 2 up to $73bn (White House fact sheet, Mar. 19)
    assert _delivered(log, policy) == 109
    stored = api.add_event(GOOD, events_file=log)
    assert stored["log"] == str(log)
    assert _delivered(log, policy) == 119
    assert _delivered(log, policy, "2026-04-09") == 109  # not before its date
    second = dict(GOOD, id="invest_tranche_y", amount=4)
    api.add_event(second, events_file=log)
    lines = log.read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["invest_tranche_x", "invest_tranche_y"]


def test_correction_supersedes_and_keeps_history(log, policy):
    api.add_event(GOOD, events_file=log)
    api.add_event(dict(GOOD, id="invest_tranche_x_fix", amount=12.5, supersedes="invest_tranche_x"),
                  events_file=log)
    assert _delivered(log, policy) == 121.5
    assert len(log.read_text().splitlines()) == 2  # both kept
    with pytest.raises(InputError, match="already superseded"):
        api.add_event(dict(GOOD, id="again", supersedes="invest_tranche_x"), events_file=log)


BAD = [
    ({"date": "2026-13-01"}, "date"),
    ({"date": "yesterday"}, "date"),
    ({"commitment": "no_such"}, "unknown commitment 'no_such'"),
    ({"unit": "JPY_bn"}, "does not match"),
    ({"amount": -1}, ">= 0"),
    ({"amount": math.nan}, "finite"),
    ({"amount": None}, "without an amount"),
    ({"unit": None}, "needs a unit"),
    ({"id": "invest_tranche_1"}, "already used"),  # a shipped event's id
    ({"id": "Bad Id"}, "lower-case"),
    ({"type": "rumour"}, "type"),
    ({"confidence": "sure"}, "confidence"),
    ({"source": "   "}, "blank"),
    ({"title": ""}, "title"),
    ({"part_of": "nothing"}, "part_of"),
    ({"supersedes": "nothing"}, "supersedes unknown"),
    ({"agreement": "nafta"}, "unknown agreement"),
    ({"date": "2025-01-01"}, "before commitment"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("change, message", BAD)
def test_invalid_event_refused_and_log_unchanged(log, change, message):
    api.add_event(dict(GOOD, id="first"), events_file=log)
    before = log.read_bytes()
    with pytest.raises(InputError, match=message):
        api.add_event({**GOOD, **change}, events_file=log)
    assert log.read_bytes() == before
    assert sorted(p.name for p in log.parent.iterdir()) == ["events.jsonl"]  # no temp files


def test_invalid_event_does_not_create_a_log(log):
    with pytest.raises(InputError):
        api.add_event(dict(GOOD, amount=-5), events_file=log)
    assert not log.exists()


def test_corrupt_log_is_refused_untouched(log, policy):
    log.parent.mkdir(parents=True)
    log.write_text('{"id": "ok_event", "date": "2026-04-01"\n')
    before = log.read_bytes()
    with pytest.raises(DataError, match=r"events\.jsonl:1: not JSON"):
        api.add_event(GOOD, events_file=log)
    with pytest.raises(DataError, match=r"events\.jsonl:1"):
        api.status("2026-04-30", events_file=log, policy_root=policy)
    assert log.read_bytes() == before


def test_failed_replace_leaves_log_intact(log, monkeypatch):
    api.add_event(dict(GOOD, id="first"), events_file=log)
    before = log.read_bytes()

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(events_store.os, "replace", broken)
    with pytest.raises(DataError, match="disk full"):
        api.add_event(GOOD, events_file=log)
    assert log.read_bytes() == before
    assert sorted(p.name for p in log.parent.iterdir()) == ["events.jsonl"]


def test_env_var_chooses_the_log(tmp_path, monkeypatch):
    target = tmp_path / "env.jsonl"
    monkeypatch.setenv(events_store.ENV_VAR, str(target))
    assert events_store.events_path() == target
    api.add_event(GOOD)
    assert target.exists()
    assert events_store.events_path(tmp_path / "x.jsonl") == tmp_path / "x.jsonl"


def test_default_log_is_in_user_data_dir(monkeypatch):
    monkeypatch.delenv(events_store.ENV_VAR, raising=False)
    path = events_store.events_path()
    assert path.name == "commitments_events.jsonl" and "tariffline" in str(path)
    assert os.path.isabs(path)


_FIELD_VALUES = {
    "id": st.one_of(st.just("h_event"), st.text(max_size=12)),
    "date": st.one_of(st.dates().map(str), st.text(max_size=12)),
    "type": st.sampled_from(["investment", "meeting", "gossip", ""]),
    "title": st.text(max_size=20),
    "commitment": st.sampled_from([None, "jp_invest_550bn", "jp_boeing_100", "nope"]),
    "amount": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    "unit": st.sampled_from([None, "USD_bn", "aircraft", "yen"]),
    "source": st.text(max_size=20),
    "confidence": st.sampled_from(["confirmed", "likely", "uncertain", "maybe"]),
    "supersedes": st.sampled_from([None, "invest_tranche_1", "nope"]),
}


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional=_FIELD_VALUES))
def test_any_input_is_stored_or_refused_cleanly(fields):
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "events.jsonl"
        api.add_event(dict(GOOD, id="seed_event"), events_file=log)
        before = log.read_bytes()
        try:
            api.add_event({**GOOD, **fields}, events_file=log)
        except InputError:
            assert log.read_bytes() == before
        else:
            lines = log.read_bytes().splitlines()
            assert len(lines) == 2 and log.read_bytes().startswith(before)
