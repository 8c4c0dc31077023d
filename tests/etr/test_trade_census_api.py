"""Census trade API client: parsing, chunking, cache, mirror, offline and error handling.

Every response is a small JSON body the test builds itself, served by httpx.MockTransport.
"""

from __future__ import annotations

import json

import httpx
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffline.errors import DataError, InputError
from tariffline.trade.census_api import (
    CHAPTERS,
    ENDPOINT,
    CensusTradeClient,
    Period,
    annual_query_url,
    parse_response,
)

HEADER_YR = ["I_COMMODITY", "CTY_CODE", "CON_VAL_YR", "GEN_VAL_YR", "CON_QY1_YR", "UNIT_QY1",
             "CAL_DUT_YR", "time", "COMM_LVL", "SUMMARY_LVL"]


def body_yr(*rows):
    return [HEADER_YR] + [list(r) + ["2023-12", "HS10", "DET"] for r in rows]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.delenv("TARIFFLINE_OFFLINE", raising=False)
    return tmp_path / "cache"


def recording(handler):
    seen = []

    def wrapped(request: httpx.Request):
        seen.append(request)
        return handler(request)

    return httpx.MockTransport(wrapped), seen


def test_period_parse_and_api_predicates():
    assert Period.parse("2024") == Period(2024)
    assert Period.parse(2024).time == "2024-12" and Period(2024).suffix == "YR"
    p = Period.parse("2025-03")
    assert (p.label, p.time, p.suffix) == ("2025-03", "2025-03", "MO")
    for bad in ("2024-13", "2024-00", "24", "2024/03", "", "2012"):
        with pytest.raises(InputError):
            Period.parse(bad)


@given(st.integers(2013, 2100), st.one_of(st.none(), st.integers(1, 12)))
def test_period_label_round_trips(year, month):
    p = Period(year, month)
    assert Period.parse(p.label) == p


@given(st.text(max_size=12))
def test_period_parse_never_crashes(text):
    try:
        p = Period.parse(text)
    except InputError:
        return
    assert p.year >= 2013 and (p.month is None or 1 <= p.month <= 12)


def test_annual_query_url_is_the_official_endpoint():
    url = annual_query_url(Period(2024))
    assert url.startswith(ENDPOINT + "?")
    assert "CON_VAL_YR" in url and "time=2024-12" in url and "COMM_LVL=HS10" in url


def test_parse_response_types_units_and_country_groups():
    rows = body_yr(
        ["8703230190", "5880", "1000", "1100", "40", "NO", "25"],
        ["0902100000", "5880", "500", "500", "0", "X", "0"],
        ["7318150000", "5880", "200", "", "", "KG", ""],
        ["8703230190", "0003", "9", "9", "1", "NO", "0"],  # EU grouping: dropped
        ["8703230190", "4XXX", "9", "9", "1", "NO", "0"],  # Europe grouping: dropped
    )
    df = parse_response(rows, Period(2023))
    assert df.columns == ["hs10", "cty_code", "value", "general_value", "quantity",
                          "quantity_unit", "calculated_duty"]
    assert df.height == 3
    car = df.row(0, named=True)
    assert car == {"hs10": "8703230190", "cty_code": "5880", "value": 1000.0,
                   "general_value": 1100.0, "quantity": 40.0, "quantity_unit": "No.",
                   "calculated_duty": 25.0}
    tea = df.row(1, named=True)
    assert tea["quantity"] is None and tea["quantity_unit"] is None  # "X": none collected
    bolt = df.row(2, named=True)
    assert bolt["quantity_unit"] == "kg" and bolt["quantity"] is None
    assert bolt["general_value"] is None


@pytest.mark.parametrize("rows,msg", [
    ({"error": "x"}, "list of rows"),
    ([["I_COMMODITY", "CTY_CODE"], ["8703230190", "5880"]], "missing column"),
    (body_yr(["87032301", "5880", "1", "1", "1", "NO", "0"]), "not 10 digits"),
    (body_yr(["8703230190", "5880", "n/a", "1", "1", "NO", "0"]), "non-numeric"),
    ([HEADER_YR, ["8703230190", "5880"]], "length"),
])
def test_parse_response_rejects_broken_bodies(rows, msg):
    with pytest.raises(DataError, match=msg):
        parse_response(rows, Period(2023))


def test_client_queries_one_country_and_caches_the_raw_response(cache):
    transport, seen = recording(lambda r: httpx.Response(
        200, json=body_yr(["8703230190", "5880", "1000", "1000", "40", "NO", "25"])))
    client = CensusTradeClient(transport=transport, api_key="SECRET")
    df = client.imports("2023", cty_code="5880")
    assert df["value"].to_list() == [1000.0]
    assert len(seen) == 1
    q = seen[0].url.params
    assert str(seen[0].url).startswith(ENDPOINT)
    assert q["time"] == "2023-12" and q["CTY_CODE"] == "5880" and q["COMM_LVL"] == "HS10"
    assert q["key"] == "SECRET" and "CON_VAL_YR" in q["get"]
    cached = cache / "census_intltrade_imports_hs" / "2023" / "5880_all.json"
    assert json.loads(cached.read_text())[0][0] == "I_COMMODITY"
    assert "SECRET" not in cached.read_text()
    # Second call: served from the cache, no request.
    again = CensusTradeClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert again.imports("2023", cty_code="5880").equals(df)


def test_client_monthly_uses_month_variables(cache):
    header = ["I_COMMODITY", "CTY_CODE", "CON_VAL_MO", "GEN_VAL_MO", "CON_QY1_MO", "UNIT_QY1",
              "CAL_DUT_MO"]
    transport, seen = recording(lambda r: httpx.Response(
        200, json=[header, ["8703230190", "5880", "10", "10", "1", "NO", "0"]]))
    df = CensusTradeClient(transport=transport).imports("2025-03", cty_code="5880", hs_prefix="87")
    assert df.height == 1
    q = seen[0].url.params
    assert q["time"] == "2025-03" and q["I_COMMODITY"] == "87*" and "CON_VAL_MO" in q["get"]


def test_client_splits_all_country_queries_by_chapter(cache):
    def handler(request):
        if request.url.params["I_COMMODITY"] == "87*":
            return httpx.Response(200, json=body_yr(
                ["8703230190", "5880", "7", "7", "1", "NO", "0"],
                ["8703230190", "2010", "5", "5", "1", "NO", "0"]))
        return httpx.Response(204)

    transport, seen = recording(handler)
    df = CensusTradeClient(transport=transport).imports(2023)
    assert len(seen) == len(CHAPTERS) == 98
    assert "77*" not in {r.url.params["I_COMMODITY"] for r in seen}
    assert sorted(df["cty_code"].to_list()) == ["2010", "5880"]
    assert (cache / "census_intltrade_imports_hs" / "2023" / "all_01.json").read_text() == "[]"


def test_client_reads_the_mirror_before_cache_or_network(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    path = mirror / "census_intltrade_imports_hs" / "2022" / "5880_all.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(body_yr(["9006530000", "5880", "3", "3", "1", "NO", "0"])))
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(mirror))
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    df = CensusTradeClient(transport=httpx.MockTransport(lambda r: httpx.Response(500))).imports(
        "2022", cty_code="5880")
    assert df["hs10"].to_list() == ["9006530000"]


def test_offline_without_cache_names_what_is_missing(cache, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    with pytest.raises(DataError, match=r"2021.*country=5880.*TARIFFLINE_OFFLINE"):
        CensusTradeClient().imports("2021", cty_code="5880")


@pytest.mark.parametrize("response,msg", [
    (httpx.Response(400, text="error: unknown variable 'CON_VAL_YX'"), "HTTP 400: error: unknown"),
    (httpx.Response(200, text="<html>oops</html>"), "not JSON"),
    (httpx.Response(200, json={"rows": []}), "not a list"),
])
def test_api_errors_become_data_errors_and_nothing_is_cached(cache, response, msg):
    client = CensusTradeClient(transport=httpx.MockTransport(lambda r: response))
    with pytest.raises(DataError, match=msg):
        client.imports("2023", cty_code="5880")
    assert not list(cache.rglob("*.json"))


def test_network_failure_is_a_data_error(cache):
    def boom(request):
        raise httpx.ConnectError("no route to host")

    with pytest.raises(DataError, match="request failed"):
        CensusTradeClient(transport=httpx.MockTransport(boom)).imports("2023", cty_code="5880")


def test_bad_query_arguments_are_input_errors(cache):
    client = CensusTradeClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with pytest.raises(InputError, match="Schedule C"):
        client.imports("2023", cty_code="JP")
    with pytest.raises(InputError, match="HS prefix"):
        client.imports("2023", hs_prefix="8")


def test_unreadable_cached_response_is_reported(cache):
    path = cache / "census_intltrade_imports_hs" / "2023" / "5880_all.json"
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    with pytest.raises(DataError, match="unreadable"):
        CensusTradeClient().imports("2023", cty_code="5880")
    assert isinstance(parse_response([], Period(2023)), pl.DataFrame)
