"""Japan's ETR with the real engine, rules and 2024 basket (mirror data): shape and bounds.

Bounds are set from the rules (see docs/etr.md): MFN-only before 2025 (~1.5%); the 15%
all-in regime in October 2025; IEEPA gone and Section 122 present in March 2026.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tariffline.etr import api
from tariffline.etr.origins import EU27

JP_2024_IMPORTS = 144.863352475e9


@pytest.fixture(scope="module")
def jp_2024():
    return api.etr("JP", "2024-06-01")


@pytest.fixture(scope="module")
def jp_oct25():
    return api.etr("Japan", dt.date(2025, 10, 1))


@pytest.fixture(scope="module")
def jp_mar26():
    return api.etr("JP", "2026-03-10")


def check_consistent(res):
    assert res.imports + res.error_value == pytest.approx(JP_2024_IMPORTS, rel=1e-9)
    assert sum(res.by_authority.values()) == pytest.approx(res.etr, abs=1e-12)
    assert sum(res.duties_by_authority.values()) == pytest.approx(res.duties, rel=1e-9)
    prov = res.provenance
    assert prov["policy_version"] and prov["hts_editions"]
    assert prov["basket"]["source"] == "mirror:us_imports_hs10_country_2024"
    assert "ETR-03" in prov["assumptions"]  # no quantities in the 2024 file
    assert prov["metal_share"] == 0.5


def test_before_2025_only_column_1_duties(jp_2024):
    check_consistent(jp_2024)
    assert 0.01 < jp_2024.etr < 0.025
    assert set(jp_2024.by_authority) <= {"MFN", "USJTA", "Section 232", "Column 2"}
    assert jp_2024.by_authority["MFN"] > 0.9 * jp_2024.etr
    assert "IEEPA" not in jp_2024.by_authority


def test_october_2025_sits_near_the_15_percent_deal(jp_oct25):
    check_consistent(jp_oct25)
    assert 0.13 < jp_oct25.etr < 0.19
    assert jp_oct25.by_authority["IEEPA"] > 0.02 and jp_oct25.by_authority["Section 232"] > 0.05
    chapters = {c["code"]: c for c in jp_oct25.by_product(2)}
    assert chapters["87"]["rate"] == pytest.approx(0.15, abs=0.02)  # autos: 15% all-in
    assert chapters["72"]["rate"] > 0.40  # steel: 50% Section 232


def test_march_2026_ieepa_gone_section_122_in(jp_mar26):
    check_consistent(jp_mar26)
    assert jp_mar26.by_authority.get("IEEPA", 0.0) == 0.0
    assert jp_mar26.by_authority["Section 122"] > 0.01
    assert jp_mar26.etr < 0.17


def test_result_dict_has_the_issue_keys(jp_oct25):
    d = jp_oct25.to_dict(2)
    assert {"etr", "by_authority", "imports", "duties", "basket_year", "by_chapter"} <= set(d)
    assert d["basket_year"] == 2024 and isinstance(d["etr"], float)


def test_upper_bound_metal_share_rates_at_least_as_high(jp_oct25):
    upper = api.etr("JP", "2025-10-01", metal_share=None)
    assert upper.etr >= jp_oct25.etr
    assert upper.metal_assumed_value > 0 and upper.provenance["metal_share"] is None


def test_daily_series_changes_only_at_change_points():
    s = api.etr_series("JP", "2025-03-01", "2026-03-31")
    daily = s.daily
    assert daily.height == 396
    assert daily["date"][0] == dt.date(2025, 3, 1) and daily["date"][-1] == dt.date(2026, 3, 31)
    point_days = {p.date for p in s.points}
    changed = daily.filter(pl.col("etr") != pl.col("etr").shift(1))["date"].to_list()
    assert set(changed) <= point_days  # the rate never moves between change points
    on = lambda d: daily.filter(pl.col("date") == d)["etr"][0]  # noqa: E731
    assert on(dt.date(2025, 10, 1)) == pytest.approx(api.etr("JP", "2025-10-01").etr, rel=1e-9)
    assert s.to_dict()["provenance"]["assumptions"]["ETR-07"]


def test_comparators_cover_the_issue_list_and_add_up():
    rows = api.compare("2025-10-01")
    by = {r["origin"]: r for r in rows}
    assert {"JP", "EU", "KR", "GB", "CA", "MX", "CN", "ALL"} <= set(by)
    members = [r for r in rows if r["origin"] in {"DE", "FR", "IT", "IE", "NL"}]
    assert len(members) == 5
    eu_members = sum(r["imports"] for r in rows if r["origin"] in EU27)
    assert len([r for r in rows if r["origin"] in EU27]) == 27
    assert by["EU"]["imports"] == pytest.approx(eu_members, rel=1e-9)
    assert by["ALL"]["imports"] == pytest.approx(3_123.77e9, rel=1e-3)
    assert by["JP"]["etr"] == pytest.approx(api.etr("JP", "2025-10-01").etr, rel=1e-9)
    # An origin with nothing of its own encoded is flagged, never silently complete.
    for r in rows:
        if r["measures_encoded"] is False:
            assert any("no origin-specific measure" in f for f in r["flags"])
    assert any("origins with no origin-specific measure" in f for f in by["ALL"]["flags"])


def test_usjta_coverage_on_the_2025_basic_edition():
    res = api.usjta_coverage()
    assert res["edition"] == "hts_2025_basic"
    assert res["lines"] == 257 and res["rows_with_indicator"] == 259
    assert 0.03 < res["import_share"] < 0.06
    assert res["imports_from_japan"] == pytest.approx(JP_2024_IMPORTS, rel=1e-9)


def test_crs_figures_japan_imports_and_rank():
    res = api.crs_figures()["japan_imports"]
    assert res["rank"] == 5
    assert [r["iso2"] for r in res["top_sources"][:5]] == ["MX", "CN", "CA", "DE", "JP"]
    assert res["autos"]["ch87"] == pytest.approx(52.1e9, rel=0.01)
    assert res["by_chapter"][0]["chapter"] == "87"
