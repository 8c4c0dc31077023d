"""Import basket loader: the 2024 mirror file, API-built baskets, bad input."""

from __future__ import annotations

import json

import httpx
import pytest

from tariffline.errors import DataError, InputError
from tariffline.trade.census_api import CensusTradeClient
from tariffline.trade.imports import load_imports, parse_imports_csv


def test_2024_basket_from_the_mirror_matches_its_provenance():
    b = load_imports(2024)
    assert b.source == "mirror:us_imports_hs10_country_2024"
    assert b.frame.height == 334_728
    assert b.total == pytest.approx(3_123.8e9, rel=1e-4)
    assert b.frame["iso2"].null_count() == 0  # every 2024 Census code maps to ISO-2
    jp = b.origin("JP")
    assert jp.height == 10_052
    assert jp["value"].sum() == pytest.approx(144.86e9, rel=1e-4)
    assert not b.has_quantities
    assert b.edition["url"].startswith("https://api.census.gov/")


def test_origin_filter_accepts_names_and_codes():
    by_name = load_imports(2024, origin="Japan")
    by_census = load_imports(2024, origin="5880")
    assert by_name.frame.height == by_census.frame.height == 10_052
    assert set(by_name.frame["iso2"].unique()) == {"JP"}


def test_unknown_origin_and_bad_year_are_input_errors():
    with pytest.raises(InputError, match="unknown origin"):
        load_imports(2024, origin="Atlantis")
    with pytest.raises(InputError, match="not a year"):
        load_imports("2024")
    with pytest.raises(InputError, match="2013"):
        load_imports(2010)


def test_year_without_data_offline_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    with pytest.raises(DataError, match=r"no Census import data for 2023.*TARIFFLINE_OFFLINE"):
        load_imports(2023, origin="JP")


def test_other_years_come_from_the_census_api_for_one_origin(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    monkeypatch.delenv("TARIFFLINE_OFFLINE", raising=False)
    header = ["I_COMMODITY", "CTY_CODE", "CON_VAL_YR", "GEN_VAL_YR", "CON_QY1_YR", "UNIT_QY1",
              "CAL_DUT_YR"]
    seen = []

    def handler(request):
        seen.append(request.url.params["CTY_CODE"])
        return httpx.Response(200, json=[header,
                                         ["8703230190", "5880", "30000", "30000", "1", "NO", "750"],
                                         ["0902100000", "5880", "200", "200", "20", "KG", "0"]])

    b = load_imports(2023, origin="JP", client=CensusTradeClient(transport=httpx.MockTransport(handler)))
    assert seen == ["5880"]
    assert b.source == "census-api" and b.year == 2023
    assert b.has_quantities and b.total == 30200.0
    assert b.frame.columns == ["hs10", "cty_code", "iso2", "value", "quantity", "quantity_unit"]
    assert b.frame["quantity_unit"].to_list() == ["No.", "kg"]


def test_cached_api_json_of_a_catalogued_year_is_read_without_a_mirror(tmp_path, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    (tmp_path / "country.txt").write_text("5880|JAPAN|JP\n2010|MEXICO|MX\n")
    header = ["I_COMMODITY", "CTY_CODE", "CON_VAL_YR", "GEN_VAL_YR", "CON_QY1_YR", "UNIT_QY1",
              "CAL_DUT_YR"]
    (tmp_path / "us_imports_hs10_country_2024.census.json").write_text(json.dumps(
        [header, ["8703230190", "5880", "5", "5", "1", "NO", "0"],
         ["8703230190", "2010", "7", "7", "1", "NO", "0"]]))
    b = load_imports(2024)
    assert b.source == "cache:us_imports_hs10_country_2024"
    assert sorted(b.frame["iso2"].to_list()) == ["JP", "MX"]


@pytest.mark.parametrize("text,msg", [
    (b"hs10,cty_code\n0101210010,1220\n", "missing column"),
    (b"hs10,gtap_code,cty_code,imports\n01012100,ctl,1220,5\n", "malformed"),
    (b"hs10,gtap_code,cty_code,imports\n0101210010,ctl,1220,abc\n", "not numeric"),
])
def test_broken_csv_is_a_data_error(text, msg):
    with pytest.raises(DataError, match=msg):
        parse_imports_csv(text)
