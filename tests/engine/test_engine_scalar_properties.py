"""api.duty's scalar path on any input: the vectorised engine's answer or its error, never a crash.

Hypothesis draws codes (valid, 8-digit, unknown suffixes, malformed, empty), origins (ISO-2,
names, junk), dates (inside and outside coverage) and numbers (0, tiny, huge, NaN, infinities).
Expected values come from compute_duties on the same entry as one row (the reference engine,
held by the golden tests).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline import api
from tariffline.engine import compute_duties, scalar
from tariffline.errors import InputError, TariffLineError
from tariffline.policy.loader import load_policy

codes = st.one_of(
    st.sampled_from(["8703.23.01", "7208.10.15", "7604.10.1000", "7408.11.60", "0402.10.10", "2204.21.50",
                     "8471.30.0100", "8541.43.00", "9903.88.01", "0101.21.00.99", "8703.23.0190"]),
    st.text(alphabet="0123456789. ", max_size=14), st.text(max_size=12))
origins = st.one_of(st.sampled_from(["JP", "CN", "CA", "MX", "KR", "Japan", "DEU", "FR", "ZZ", ""]),
                    st.text(max_size=6))
numbers = st.one_of(st.none(), st.sampled_from([0.0, 0.001, 1e-9, 1e13, -1.0, 10.0, 1234.5]),
                    st.floats(allow_nan=True, allow_infinity=True))
dates = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2031, 12, 31))


def _reference(policy, hts, origin, day, value, quantity, unit, unit_value, metal, program):
    row = pl.DataFrame({"hts": [hts], "origin": [origin], "entry_date": [day], "value": [value],
                        "quantity": [quantity], "quantity_unit": [unit], "unit_value": [unit_value],
                        "metal_value": [metal], "program": [program]},
                       schema_overrides={"value": pl.Float64, "quantity": pl.Float64, "quantity_unit": pl.Utf8,
                                         "unit_value": pl.Float64, "metal_value": pl.Float64,
                                         "program": pl.Utf8})
    res = compute_duties(row, policy=policy)
    return res.totals.row(0, named=True), res.layers.drop("row_id").to_dicts()


@pytest.fixture(scope="module")
def policy():
    return load_policy()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(codes, origins, dates, st.one_of(st.sampled_from([1000.0, 0.01, 1e12]), numbers), numbers,
       st.sampled_from([None, "kg", "No.", "liters", ""]), numbers, numbers,
       st.sampled_from([None, "none", "S", "JP", "A", ""]))
def test_scalar_answers_as_the_engine_or_refuses_alike(policy, hts, origin, day, value, quantity, unit,
                                                       unit_value, metal, program):
    if value is None:
        value = 1000.0
    try:
        got = scalar.entry(policy, hts, origin, day, value, quantity, unit, unit_value, metal, program)
    except scalar.Fallback:
        return
    except InputError as exc:
        tot, _ = _reference(policy, hts, origin, day, value, quantity, unit, unit_value, metal, program)
        assert tot["error"] == str(exc)
        return
    tot, layers = _reference(policy, hts, origin, day, value, quantity, unit, unit_value, metal, program)
    assert tot["error"] is None
    assert math.isclose(got["totals"]["total_duty"], tot["total_duty"], rel_tol=1e-9, abs_tol=1e-9)
    assert got["totals"]["notes"] == tot["notes"] and got["totals"]["flags"] == tot["flags"]
    assert [x["measure_id"] for x in got["layers"]] == [x["measure_id"] for x in layers]


@settings(max_examples=25, deadline=None)
@given(codes, origins, dates, numbers)
def test_api_duty_never_crashes(hts, origin, day, value):
    try:
        out = api.duty(hts, origin=origin, date=day, value=1000.0 if value is None else value)
    except TariffLineError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert math.isfinite(out["total_duty"]) and out["layers"][0]["measure_id"].startswith("column1:")
