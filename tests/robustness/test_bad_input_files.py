"""Binary or out-of-range inputs give one clear error, never a traceback (issue 9, "Crashes")."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from tariffline.cli.app import app
from tariffline.commitments import api as commitments_api
from tariffline.countries import parse_census_country_list
from tariffline.errors import DataError, InputError
from tariffline.japan import api as japan_api
from tariffline.japan.safeguard import read_imports

BINARY = bytes(range(256)) * 8  # every byte value, invalid UTF-8


def test_safeguard_binary_imports_file(tmp_path):
    f = tmp_path / "imports.csv"
    f.write_bytes(BINARY)
    with pytest.raises(InputError, match="not UTF-8 text"):
        japan_api.safeguard(2025, f)


def test_safeguard_binary_imports_cli(tmp_path):
    f = tmp_path / "imports.csv"
    f.write_bytes(BINARY)
    res = CliRunner().invoke(app, ["japan", "safeguard", "--fiscal-year", "2025", "--imports", str(f)])
    # main() turns a TariffLineError into one line and exit 1; anything else would be a traceback
    assert isinstance(res.exception, InputError) and "not UTF-8 text" in str(res.exception)


@pytest.mark.parametrize("text, message", [
    ("period,us_tonnes\n2025-04,1\x00\n", "NUL"),
    ("period,us_tonnes\n2025-04,nan\n", "finite"),
    ("period,us_tonnes\n2025-04,inf\n", "finite"),
    ("period,us_tonnes\n9999-12,1\n", "out of range"),
    ("period,us_tonnes\n0000-01,1\n", "out of range"),
    ("period,us_tonnes\n9999-12-31,1\n", "out of range"),
])
def test_safeguard_bad_rows(text, message):
    with pytest.raises(InputError, match=message):
        read_imports(text)


@pytest.mark.parametrize("kwargs", [{"fiscal_year": 99999999}, {"us_trigger": float("nan")},
                                    {"us_trigger": float("inf")}, {"cptpp_trigger": -1.0}])
def test_safeguard_out_of_range_arguments(tmp_path, kwargs):
    f = tmp_path / "imports.csv"
    f.write_text("period,us_tonnes,cptpp_tonnes\n2025-04,100,200\n")
    args = {"fiscal_year": 2025} | kwargs
    with pytest.raises(InputError):
        japan_api.safeguard(args.pop("fiscal_year"), f, **args)


def test_binary_census_country_file():
    with pytest.raises(DataError, match="Census country list"):
        parse_census_country_list(BINARY.decode("latin-1"))


def test_census_country_file_mapping_nothing():
    with pytest.raises(DataError, match="no Census code"):
        parse_census_country_list("a,b\n1,2\n")


def test_census_country_file_good():
    # Census Schedule C: 5880 is Japan
    assert parse_census_country_list("Code,Name\n5880,Japan\n") == {"5880": "JP"}


def test_deadlines_huge_horizon_is_bounded():
    rows = commitments_api.deadlines("2026-01-01", 100_000_000)
    assert all(dt.date(2026, 1, 1) <= (r["date"] if isinstance(r["date"], dt.date) else dt.date.fromisoformat(r["date"])) <= dt.date.max for r in rows)


def test_deadlines_huge_horizon_cli():
    res = CliRunner().invoke(app, ["commitments", "deadlines", "--as-of", "2026-01-01", "--days", "100000000"])
    assert res.exit_code == 0, res.output
    assert res.exception is None


def test_commitments_chart_at_the_end_of_time(tmp_path):
    # the chart's right margin (30 days after the as-of day) overflowed past 9999-12-31
    out = commitments_api.chart(tmp_path / "c.png", "9999-12-31")
    assert out.exists()


@pytest.mark.parametrize("year", [-1, 0, 9999, 10**9])
def test_basket_year_out_of_range(year):
    from tariffline.etr import api as etr_api

    with pytest.raises(InputError, match="basket year"):
        etr_api.usjta_coverage(basket_year=year)


@pytest.mark.parametrize("origin", ["AQ", "BV", "KP"])
def test_etr_of_an_origin_without_imports_is_input_error(origin):
    # Antarctica, Bouvet Island: no row in the 2024 Census basket; North Korea: none to weigh.
    # Found by the fuzz tests (ValueError 'cannot concat empty list' before).
    from tariffline.etr import api as etr_api

    with pytest.raises(InputError, match="no imports from"):
        etr_api.etr(origin, "2025-10-01")
    with pytest.raises(InputError, match="no imports from"):
        etr_api.etr_series(origin, "2025-01-01", "2025-03-01")
