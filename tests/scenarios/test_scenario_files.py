"""Scenario files: schema errors name file and line; the overlay is a new Policy with its own
version and leaves the loaded policy unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffline.errors import PolicyError
from tariffline.policy.loader import load_policy
from tariffline.scenarios import overlay
from tariffline.scenarios.schema import load_scenario, scenario_ids

SHIPPED = ["baseline", "japan-autos-25", "section-122-extended", "no-ieepa-ruling", "usjta-autos-zero",
           "us-joins-cptpp", "japan-301-exempt"]


def test_the_seven_scenarios_of_the_issue_are_shipped_and_cite_their_assumptions():
    assert set(SHIPPED) <= set(scenario_ids())
    for sid in SHIPPED:
        sc = load_scenario(sid).scenario
        assert sc.id == sid
        assert sid == "baseline" or (sc.author_assumptions and sc.sources)


@pytest.mark.parametrize("sid", SHIPPED)
def test_every_shipped_scenario_overlays_the_policy(sid):
    base = load_policy()
    ov = overlay.apply(base, load_scenario(sid))
    assert ov.policy.version != base.version and len(ov.policy.version) == 12
    assert base.measure("s232_autos_jp_inclusive").end is None  # base untouched


def test_end_sets_the_first_day_not_covered():
    ov = overlay.apply(load_policy(), load_scenario("japan-autos-25"))
    assert ov.policy.measure("s232_autos_jp_inclusive").end == dt.date(2026, 1, 1)
    assert ov.policy.measure("s232_auto_parts_jp_inclusive").end == dt.date(2026, 1, 1)


def test_set_rate_splits_a_measure_on_its_date_and_keeps_what_it_excluded():
    ov = overlay.apply(load_policy(), load_scenario("usjta-autos-zero"))
    old = ov.policy.measure("s232_autos_jp_inclusive")
    new = ov.policy.measure("s232_autos_jp_inclusive" + overlay.SPLIT_SUFFIX)
    assert old.end == new.start == dt.date(2026, 1, 1) and new.measure.rate.target == 0.0
    # Proc. 10908's 25% (9903.94.01) stays displaced for Japanese cars under the new measure
    assert new.id in ov.policy.measure("s232_autos_25").measure.excluded_by


def test_no_ieepa_ruling_keeps_ieepa_open_and_section_122_off():
    ov = overlay.apply(load_policy(), load_scenario("no-ieepa-ruling"))
    assert ov.policy.measure("ieepa_jp_inclusive_15").end is None  # EO 14345, in force 19 Feb 2026
    assert ov.policy.measure("ieepa_jp_24").end == dt.date(2025, 4, 10)  # ended before: unchanged
    s122 = ov.policy.measure("s122_surcharge_10")
    assert s122.end == s122.start  # never in force


def _write(tmp_path, text):
    p = tmp_path / "broken.yaml"
    p.write_text(text)
    return p


def test_broken_scenario_file_names_file_and_line(tmp_path):
    p = _write(tmp_path, "id: broken\ntitle: t\ndescription: d\nchanges:\n  - type: set_rate\n"
                         "    measures: [s232_autos_25]\n    from: 2026-01-01\n    rate: {type: additional, value: 25}\n")
    with pytest.raises(PolicyError) as exc:
        load_scenario(p)
    assert f"{p}:8:" in str(exc.value) and "fraction" in str(exc.value)


def test_unknown_change_type_and_bad_yaml_and_unknown_measure(tmp_path):
    p = _write(tmp_path, "id: broken\ntitle: t\ndescription: d\nchanges:\n  - type: abolish\n")
    with pytest.raises(PolicyError, match=r"broken.yaml:5:"):
        load_scenario(p)
    p = _write(tmp_path, "id: broken\ntitle: [t\n")
    with pytest.raises(PolicyError, match=r"broken.yaml:\d+: malformed YAML"):
        load_scenario(p)
    p = _write(tmp_path, "id: broken\ntitle: t\ndescription: d\nchanges:\n  - type: end\n"
                         "    measures: [no_such_measure]\n    from: 2026-01-01\n")
    with pytest.raises(PolicyError, match="no_such_measure.*not in the rule files"):
        overlay.apply(load_policy(), load_scenario(p))
    with pytest.raises(PolicyError, match="no scenario"):
        load_scenario("no-such-scenario")
