"""Scenario runs on a restricted basket (headings 8703 cars and 8708 parts): baseline changes are exactly
zero; japan-autos-25 raises Japan's ETR, lowers imports from Japan and diverts to others; every
shipped scenario runs; the CLI gives JSON with the issue's keys and one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tariffline.cli.app import app
from tariffline.errors import InputError
from tariffline.scenarios import api

CH = ["8703", "8708"]
DAY = "2026-01-01"


@pytest.fixture(scope="module")
def baseline():
    return api.run("baseline", origin="JP", date=DAY, pe=True, chapters=CH)


@pytest.fixture(scope="module")
def autos():
    return api.run("japan-autos-25", origin="JP", date=DAY, pe=True, chapters=CH)


def test_baseline_changes_are_exactly_zero(baseline):
    s, p = baseline["static"], baseline["pe"]
    assert s["etr_baseline"] == s["etr_scenario"] and s["revenue_change_usd"] == 0.0
    assert s["by_chapter"] == [] and s["top_lines"] == []
    assert all(v["change_usd"] == 0.0 for v in s["by_authority"].values())
    for key in ("imports_change_usd", "diversion_usd", "consumer_surplus_change_usd", "revenue_change_usd",
                "deadweight_loss_change_usd", "price_change"):
        assert p[key] == 0.0, key
    assert baseline["scenario"]["id"] == "baseline" and len(baseline["scenario"]["hash"]) == 12


def test_japan_autos_25_signs_and_the_law(autos):
    s, p = autos["static"], autos["pe"]
    assert s["etr_scenario"] > s["etr_baseline"] and s["revenue_change_usd"] > 0
    assert set(k for k, v in s["by_authority"].items() if v["change_usd"]) == {"Section 232"}
    car = next(line for line in s["top_lines"] if line["hts"].startswith("870323"))
    # EO 14345 sec. 4: 2.5% MFN + 12.5% = 15% (9903.94.41); Proc. 10908: 25% on top (9903.94.01)
    assert {x["heading"]: x["rate"] for x in car["baseline_layers"]}["9903.94.41"] == pytest.approx(0.125)
    assert {x["heading"]: x["rate"] for x in car["scenario_layers"]}["9903.94.01"] == pytest.approx(0.25)
    assert p["imports_change_usd"] < 0 < p["diversion_usd"]
    assert p["consumer_surplus_change_usd"] < 0 and p["price_change"] > 0
    assert {"SC-01", "SC-10", "SC-13"} <= set(autos["assumptions"])


def test_usjta_autos_zero_lowers_japans_etr():
    r = api.run("usjta-autos-zero", origin="JP", date=DAY, chapters=["8703"])
    s = r["static"]
    assert s["etr_scenario"] < s["etr_baseline"]
    car = next(line for line in s["top_lines"] if line["hts"].startswith("870323"))
    assert car["scenario_usd"] == 0.0  # MFN and the Section 232 of EO 14345 both zero on the car


@pytest.mark.parametrize("sid", ["section-122-extended", "no-ieepa-ruling", "us-joins-cptpp", "japan-301-exempt"])
def test_every_shipped_scenario_runs(sid):
    r = api.run(sid, origin="JP", date="2026-08-01", chapters=["8703"])
    assert r["static"]["imports_usd"] > 0 and r["scenario"]["id"] == sid


def test_date_range_gives_a_series():
    r = api.run("japan-autos-25", origin="JP", date="2025-12-28", end="2026-01-03", chapters=["8703"])
    days = [p["date"].isoformat() for p in r["series"]]
    assert days[0] == "2025-12-28" and "2026-01-01" in days
    jan = next(p for p in r["series"] if p["date"].isoformat() == "2026-01-01")
    assert r["series"][0]["etr_scenario"] == r["series"][0]["etr_baseline"] < jan["etr_scenario"]


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError):
        api.run("baseline", origin="JP", date=DAY, end="2025-01-01")
    with pytest.raises(InputError):
        api.run("baseline", origin="JP", date=DAY, chapters=["8x"])


runner = CliRunner()


def test_cli_json_keys_and_chart(tmp_path):
    out = tmp_path / "c.png"
    res = runner.invoke(app, ["scenario", "run", "japan-autos-25", "--origin", "JP", "--date", DAY,
                              "--chapters", "8703", "--end", "2026-01-02", "--pe", "--json", "--chart", str(out)])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output)
    for key in ("etr_baseline", "etr_scenario", "revenue_change_usd"):
        assert key in r["static"]
    for key in ("imports_change_usd", "diversion_usd", "consumer_surplus_change_usd"):
        assert key in r["pe"]
    assert r["assumptions"] and r["scenario"]["hash"] and out.stat().st_size > 0


def test_cli_list_show_and_broken_file(tmp_path):
    assert runner.invoke(app, ["scenario", "list"]).exit_code == 0
    assert "s232_autos_jp_inclusive" in runner.invoke(app, ["scenario", "show", "japan-autos-25"]).output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: t\ndescription: d\nchanges:\n  - type: end\n    measures: [x]\n")
    from tariffline.cli.app import main

    with pytest.raises(SystemExit) as exc:
        main(["scenario", "run", str(bad), "--date", DAY])
    assert exc.value.code == 1


def test_duty_with_scenario_follows_the_law():
    res = runner.invoke(app, ["duty", "8703.23.01", "--origin", "JP", "--date", DAY, "--value", "30000",
                              "--scenario", "japan-autos-25", "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output)
    # EO 14345: 15% all in; Proc. 10908: 2.5% MFN + 25% = 27.5%
    assert r["baseline"]["total_rate"] == pytest.approx(0.15)
    assert r["scenario_result"]["total_rate"] == pytest.approx(0.275)
    assert r["change_usd"] == pytest.approx(30000 * 0.125)
