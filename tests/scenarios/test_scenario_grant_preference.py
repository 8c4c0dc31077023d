"""grant_preference: an origin may claim the rates the HTS Special column prints for an indicator,
through the engine's own column 1 (usjta-autos-zero grants Japan indicator B from 2026-01-01).

Expected values from the HTS 2026 Basic edition (in force on 1 Jan 2026): 8703.23.01 General 2.5%,
Special "Free (... B ...)"; 8708.40.50 General 2.5%, no B in its Special column.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline.engine import compute_duties
from tariffline.errors import PolicyError
from tariffline.policy.loader import load_policy
from tariffline.scenarios import overlay
from tariffline.scenarios.schema import load_scenario

SCENARIO_LAYER = "USJTA stage 2 (scenario)"


@pytest.fixture(scope="module")
def policies():
    base = load_policy()
    return base, overlay.apply(base, load_scenario("usjta-autos-zero")).policy


def _c1(policy, hts: str, origin: str, day: str) -> dict:
    rows = pl.DataFrame({"hts": [hts], "origin": [origin], "entry_date": [pl.Series([day]).str.to_date()[0]],
                         "value": [10000.0]})
    res = compute_duties(rows, policy=policy)
    layer = res.layers.filter(pl.col("measure_id").str.starts_with("column1:")).row(0, named=True)
    return {"authority": layer["authority"], "rate": layer["rate"], "citation": layer["citation"],
            "total": res.totals["total_rate"][0]}


def test_the_engine_claims_the_granted_column_from_its_date(policies):
    base, scen = policies
    on = _c1(scen, "8703.23.01", "JP", "2026-01-01")
    assert on["authority"] == SCENARIO_LAYER and on["rate"] == 0.0 and "special program B" in on["citation"]
    assert on["total"] == 0.0  # and the EO 14345 232 measure set to a 0% target charges nothing
    before = _c1(scen, "8703.23.01", "JP", "2025-12-31")
    assert before["authority"] == "MFN" and before["rate"] == pytest.approx(0.025)
    assert _c1(base, "8703.23.01", "JP", "2026-01-01")["rate"] == pytest.approx(0.025)


def test_a_line_without_the_indicator_and_other_origins_keep_their_column_1(policies):
    base, scen = policies
    gear = _c1(scen, "8708.40.50", "JP", "2026-01-01")
    assert gear["authority"] == "MFN" and gear["rate"] == pytest.approx(0.025)
    assert _c1(scen, "8703.23.01", "DE", "2026-01-01") == _c1(base, "8703.23.01", "DE", "2026-01-01")


def test_overlay_adds_one_program_and_a_new_version(policies):
    base, scen = policies
    added = [p for p in scen.programs if p not in base.programs]
    assert [(p.indicator, p.origins, p.start.isoformat()) for p in added] == [("B", ["JP"], "2026-01-01")]
    assert scen.version != base.version and len(base.programs) + 1 == len(scen.programs)


def _file(tmp_path, body: str):
    p = tmp_path / "g.yaml"
    p.write_text("id: g\ntitle: t\ndescription: d\nchanges:\n  - type: grant_preference\n" + body)
    return p


def test_bad_grants_are_one_line_errors(tmp_path):
    common = "    authority: X\n    title: t\n    citation: c\n    from: 2026-01-01\n"
    with pytest.raises(PolicyError, match="indicator 'ZZ' is not a program of the rule files"):
        overlay.apply(load_policy(), load_scenario(_file(tmp_path, "    origins: [JP]\n    indicator: ZZ\n" + common)))
    with pytest.raises(PolicyError, match="origin 'XX' is not ISO-2"):
        overlay.apply(load_policy(), load_scenario(_file(tmp_path, "    origins: [XX]\n    indicator: B\n" + common)))
    with pytest.raises(PolicyError, match="not ALL"):
        overlay.apply(load_policy(), load_scenario(_file(tmp_path, "    origins: [ALL]\n    indicator: B\n" + common)))
    with pytest.raises(PolicyError, match=r"g.yaml:5: changes.0.grant_preference: .*to 2025-01-01 is not after"):
        load_scenario(_file(tmp_path, "    origins: [JP]\n    indicator: B\n" + common + "    to: 2025-01-01\n"))


_PIECES = ["id: x\n", "title: t\n", "description: d\n", "changes:\n", "  - type: grant_preference\n",
           "  - type: grant_program\n", "    origins: [JP]\n", "    origins: []\n",
           "    origins: [ZZ]\n", "    origins: [ALL]\n",
           "    indicator: B\n", "    indicator: ''\n", "    authority: A\n", "    title: t\n", "    citation: c\n",
           "    from: 2026-01-01\n", "    from: 2026-02-30\n", "    to: 2025-01-01\n", "    to: null\n",
           "    origin: US\n", "    origin: JP\n", "    program: CPTPP\n", "    confidence: maybe\n", "\t", "- [\n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(_PIECES), max_size=14), noise=st.text(max_size=10))
def test_any_grant_text_is_valid_or_one_policy_error(tmp_path, parts, noise, policies):
    """A grant in any shape either loads and overlays, or fails with one line naming the file."""
    p = tmp_path / "fuzz.yaml"
    p.write_text("".join(parts) + noise, encoding="utf-8")
    try:
        overlay.apply(policies[0], load_scenario(p))
    except PolicyError as exc:
        assert str(p) in str(exc) and "\n" not in str(exc).strip()
