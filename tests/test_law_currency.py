"""Every answer says how current its law is; `today` is accepted wherever a date is asked for."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from tariffline import api
from tariffline.dates import parse_date
from tariffline.errors import InputError
from tariffline.hts.editions import editions
from tariffline.law import law_currency
from tariffline.policy.loader import load_policy


def _rules(tmp_path, published: str, with_measure: bool = True):
    (tmp_path / "groups.yaml").write_text("groups: []\n")
    inst = {"id": "x_measure", "title": "t", "authority": "Section 232", "instrument": "Proc. X",
            "citation": "00 FR 0", "published": published, "sources": ["s"], "confidence": "confirmed",
            "measures": [{"id": "x_m", "heading": "9903.99.99", "description": "d", "start": published,
                          "origins": ["ALL"], "rate": {"type": "additional", "value": 0.1},
                          "source": "s"}] if with_measure else []}
    (tmp_path / "x_measure.yaml").write_text(yaml.safe_dump(inst))
    return load_policy(tmp_path)


def test_currency_is_the_newer_of_instrument_and_edition(tmp_path):
    newest_edition = max(e.effective_from for e in editions() if e.effective_from)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    far = _rules(tmp_path / "a", "2099-01-01")
    assert law_currency(far).current_through == dt.date(2099, 1, 1)
    old = _rules(tmp_path / "b", "2018-03-01")
    assert law_currency(old).current_through == newest_edition


def test_instrument_without_measures_does_not_count(tmp_path):
    (tmp_path / "a").mkdir()
    _rules(tmp_path / "a", "2018-03-01")
    (tmp_path / "a" / "y_note.yaml").write_text(yaml.safe_dump({
        "id": "y_note", "title": "t", "authority": "Section 232", "instrument": "Proc. Y",
        "citation": "00 FR 1", "published": "2099-01-01", "sources": ["s"], "confidence": "uncertain"}))
    assert law_currency(load_policy(tmp_path / "a")).newest_instrument == "x_measure"


def test_duty_answer_carries_currency_and_warns_past_it():
    law = law_currency()
    inside = api.duty("9503.00.00", origin="JP", date=law.current_through)
    assert inside["law_current_through"] == law.current_through and inside["warnings"] == []
    after = api.duty("9503.00.00", origin="JP", date=law.current_through + dt.timedelta(days=1))
    assert after["warnings"] and "after the law's currency date" in after["warnings"][0]


def test_timeline_points_carry_currency():
    points = api.timeline("9503.00.00", origin="JP", start="2025-01-01", end="2025-12-31")
    assert all(p["law_current_through"] == law_currency().current_through for p in points)


def test_today_is_a_date_everywhere():
    assert parse_date("today") == dt.date.today()
    assert parse_date(" TODAY ") == dt.date.today()
    with pytest.raises(InputError, match="or 'today'"):
        parse_date("yesterday")
