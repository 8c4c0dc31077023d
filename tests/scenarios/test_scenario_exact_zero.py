"""A scenario that changes nothing gives exactly zero on every key, on the whole basket of a day
with many authorities in force (1 Aug 2026: MFN, USJTA, Section 232, Section 301 note 52, ...).

Two engine runs of the same duties may sum them in another order; the totals by authority are
summed exactly (math.fsum) and the changes by chapter and line are sums of per-row differences."""

from __future__ import annotations

from tariffline.scenarios import api


def test_baseline_on_the_whole_basket_is_exactly_zero():
    r = api.run("baseline", origin="JP", date="2026-08-01")
    s = r["static"]
    assert len(s["by_authority"]) >= 4
    assert all(v["change_usd"] == 0.0 and v["etr_change"] == 0.0 for v in s["by_authority"].values())
    assert s["revenue_change_usd"] == 0.0 and s["etr_change"] == 0.0
    assert s["by_chapter"] == [] and s["top_lines"] == []


def test_the_python_api_exports_the_scenario_verbs():
    from tariffline import api as top

    assert "scenario" in top.__all__ and top.scenario.run is api.run and top.scenario.compare is api.compare
