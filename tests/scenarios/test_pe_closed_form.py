"""The SMART-style PE against closed-form cases (docs/scenarios.md formulas), and properties."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.errors import InputError
from tariffline.scenarios.pe import effects


def _rows(data):
    return pl.DataFrame(data, schema={"hts": pl.Utf8, "origin": pl.Utf8, "value": pl.Float64,
                                      "t0": pl.Float64, "t1": pl.Float64})


def _el(demand=1.0, sigma=2.0):
    return pl.DataFrame({"hs10": ["0000000001"], "demand": [demand], "sigma": [sigma]})


def test_one_product_one_origin():
    # M=100, t 0 -> 10%, e_m=1: p = 0.1, creation = -1*100*0.1 = -10, no diversion (one origin).
    # revenue = 0.1*(100-10) = 9; CS = -(100*0.1 + 0.5*(-10)*0.1) = -9.5; DWL = -0.5*0.1*(-10) = 0.5
    df = effects(_rows({"hts": ["0000000001"], "origin": ["JP"], "value": [100.0], "t0": [0.0], "t1": [0.1]}),
                 _el()).row(0, named=True)
    assert df["creation_usd"] == pytest.approx(-10.0)
    assert df["diversion_usd"] == 0.0
    assert df["revenue_change_usd"] == pytest.approx(9.0)
    assert df["consumer_surplus_change_usd"] == pytest.approx(-9.5)
    assert df["deadweight_loss_change_usd"] == pytest.approx(0.5)


def test_two_origins_diversion_matches_smart():
    # SMART: TD = M_J M_R / (M_J + M_R) * sigma * d(relative price) = 100*100/200 * 2 * 0.1 = 10
    df = effects(_rows({"hts": ["0000000001"] * 2, "origin": ["JP", "KR"], "value": [100.0, 100.0],
                        "t0": [0.0, 0.0], "t1": [0.1, 0.0]}), _el()).sort("origin")
    jp, kr = df.row(0, named=True), df.row(1, named=True)
    assert jp["diversion_usd"] == pytest.approx(-10.0) and kr["diversion_usd"] == pytest.approx(10.0)
    assert jp["creation_usd"] == pytest.approx(-10.0) and kr["creation_usd"] == 0.0


def test_finite_supply_elasticity_passes_through_a_share():
    # e_x = 3, e_m = 1: pass-through 3/(3+1) = 0.75, so creation = -100*0.1*0.75 = -7.5
    df = effects(_rows({"hts": ["0000000001"], "origin": ["JP"], "value": [100.0], "t0": [0.0], "t1": [0.1]}),
                 _el(), supply_elasticity=3.0).row(0, named=True)
    assert df["creation_usd"] == pytest.approx(-7.5)
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(InputError):
            effects(_rows({"hts": ["0000000001"], "origin": ["JP"], "value": [1.0], "t0": [0.0], "t1": [0.1]}),
                    _el(), supply_elasticity=bad)


finite = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(min_value=1.0, max_value=1e12), min_size=1, max_size=5),
       t0=st.lists(finite, min_size=5, max_size=5), dt_=st.lists(st.floats(-0.5, 2.0), min_size=5, max_size=5),
       sigma=st.floats(0.1, 20.0), demand=st.floats(0.0, 10.0))
def test_properties(values, t0, dt_, sigma, demand):
    n = len(values)
    t1 = [max(0.0, a + b) for a, b in zip(t0[:n], dt_[:n])]
    rows = _rows({"hts": ["0000000001"] * n, "origin": [f"O{i}" for i in range(n)], "value": values,
                  "t0": t0[:n], "t1": t1})
    df = effects(rows, _el(demand, sigma))
    # diversion sums to (about) zero over origins; imports never fall below zero
    assert abs(df["diversion_usd"].sum()) <= 1e-9 * max(1.0, sum(values) * sigma * 3)
    # (to rounding: a value of 5e11 carries about 1e-4 of float64 spacing)
    assert (df["imports_change_usd"] >= -df["value"] * (1 + 1e-12) - 1e-6).all()
    same = effects(rows.with_columns(pl.col("t0").alias("t1")), _el(demand, sigma))
    for col in ("creation_usd", "diversion_usd", "imports_change_usd", "revenue_change_usd",
                "consumer_surplus_change_usd", "deadweight_loss_change_usd"):
        assert (same[col] == 0).all(), col
