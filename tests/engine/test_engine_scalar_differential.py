"""The scalar lookup path (engine.scalar, behind api.duty) against the vectorised engine.

Random single entries (10- and 8-digit codes of an edition and codes the Chapter 99 lists name;
origins with and without preferences, a group member; dates 2018-2026 and the policy's change
dates; metal value none / 0 / part / all; quantities, units, unit values, programs, loaded dates)
are answered by ``scalar.entry`` one by one and by ``compute_duties`` on all of them as one batch.
The expected values come from the reference engine, itself held by the golden tests: totals,
notes, flags, errors and every layer field must be equal (floats to 1e-9 relative).
"""

from __future__ import annotations

import datetime as dt
import math
import random

import polars as pl
import pytest

from tariffline.engine import compute_duties, scalar
from tariffline.errors import InputError
from tariffline.hts.loader import load_edition
from tariffline.policy.loader import load_policy

ORIGINS = ["JP", "CN", "CA", "MX", "GB", "KR", "DE", "BR", "IN", "FR", "VN", "AU", "RU", "HK"]
LISTED = ["8703.23.01", "8703.80.00", "8708.29.50", "7208.10.15", "7604.10.10", "7308.90.95", "7408.11.60",
          "2204.21.50", "0402.10.10", "8471.30.01", "8541.43.00", "3004.90.92", "9403.60.80", "8507.60.00",
          "2709.00.10", "6109.10.00", "7326.90.86", "8544.42.90"]
PROGRAMS = [None] * 12 + ["none", "S", "A", "JP", "KR", "AU"]


def _rows(n: int, seed: int, policy) -> pl.DataFrame:
    rnd = random.Random(seed)
    lines = load_edition("hts_2025_rev25").lines
    codes = [c for c in lines.get_column("hts").drop_nulls().to_list() if len(c) in (8, 10)]
    changes = [d for d in policy.change_dates() if dt.date(2018, 1, 1) <= d <= dt.date(2026, 9, 28)]
    out = []
    for _ in range(n):
        code = rnd.choice(LISTED) if rnd.random() < 0.3 else rnd.choice(codes)
        if rnd.random() < 0.1 and len(code.replace(".", "")) == 10:
            code = code.replace(".", "")[:8]
        if rnd.random() < 0.05:
            code = code.replace(".", "")[:8] + "99"  # an unknown statistical suffix
        day = (rnd.choice(changes) if rnd.random() < 0.3
               else dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randrange(3190)))
        value = rnd.choice([1000.0, 12345.67, 0.03, 5e6])
        metal = rnd.choice([None, None, 0.0, round(value / 3, 2), value])
        qty = rnd.choice([None, 10.0, 10.0, 10.0, 0.0, 2500.0])
        out.append({
            "hts": code, "origin": rnd.choice(ORIGINS), "entry_date": day, "value": value,
            "quantity": qty, "quantity_unit": rnd.choice([None, None, None, None, "kg", "No.", "liters"]),
            "unit_value": rnd.choice([None, 4.0, 4.0]), "metal_value": metal,
            "program": rnd.choice(PROGRAMS),
            "loaded_date": rnd.choice([None, None, day - dt.timedelta(days=rnd.randrange(1, 90))]),
        })
    return pl.DataFrame(out, schema={
        "hts": pl.Utf8, "origin": pl.Utf8, "entry_date": pl.Date, "value": pl.Float64, "quantity": pl.Float64,
        "quantity_unit": pl.Utf8, "unit_value": pl.Float64, "metal_value": pl.Float64, "program": pl.Utf8,
        "loaded_date": pl.Date})


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _compare(rows: pl.DataFrame, policy, known: dt.date | None, claim: bool) -> tuple[int, int]:
    """(entries answered by the scalar path, entries it left to the engine); asserts equality."""
    res = compute_duties(rows, as_known_on=known, claim_preferences=claim, policy=policy)
    layers: dict[int, list[dict]] = {}
    for lay in res.layers.to_dicts():
        layers.setdefault(lay.pop("row_id"), []).append(lay)
    done = left = 0
    for tot, row in zip(res.totals.to_dicts(), rows.to_dicts()):
        args = (policy, row["hts"], row["origin"], row["entry_date"], row["value"], row["quantity"],
                row["quantity_unit"], row["unit_value"], row["metal_value"], row["program"], claim,
                row["loaded_date"], known)
        try:
            got = scalar.entry(*args)
        except scalar.Fallback:
            left += 1
            continue
        except InputError as exc:
            assert tot["error"] == str(exc), (row, tot["error"])
            done += 1
            continue
        assert tot["error"] is None, (row, tot["error"])
        for k, v in got["totals"].items():
            assert _same(v, tot[k]), (row, k, v, tot[k])
        want = layers.get(tot["row_id"], [])
        assert len(got["layers"]) == len(want), (row, got["layers"], want)
        for g, w in zip(got["layers"], want):
            for k in w:
                assert _same(g[k], w[k]), (row, k, g[k], w[k])
        assert got["policy_version"] == res.policy_version
        done += 1
    return done, left


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def test_scalar_path_equals_the_engine(policy):
    done, left = _compare(_rows(2500, 10, policy), policy, None, True)
    assert done >= 0.97 * (done + left), (done, left)  # the rest: inputs the engine refuses


def test_scalar_path_without_preferences_and_as_known_on(policy):
    rows = _rows(600, 11, policy)
    _compare(rows, policy, None, False)
    _compare(rows, policy, dt.date(2025, 6, 1), True)


def _close(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return _same(a, b)


def test_api_duty_answer_is_the_same_by_either_path(policy, monkeypatch):
    """The whole api.duty answer (law currency, warnings, fees, version) built from the scalar path
    equals the one built from compute_duties on one row."""
    from tariffline import api

    rows = _rows(25, 12, policy).to_dicts()
    cases = [(r, False, None) for r in rows] + [
        ({**rows[0], "hts": "8703.23.01", "origin": "JP", "entry_date": dt.date(2026, 12, 1)}, True, "ocean"),
        ({**rows[1], "hts": "7208.10.15", "origin": "CN", "entry_date": dt.date(2025, 10, 1)}, True, None)]

    def answer(r, fees, mode):
        try:
            return api._duty(policy, r["hts"], r["origin"], r["entry_date"], r["value"], r["quantity"],
                             r["quantity_unit"], r["unit_value"], r["metal_value"], r["program"], True,
                             r["loaded_date"], None, fees, mode)
        except InputError as exc:
            return str(exc)

    fast = [answer(*c) for c in cases]

    def refuse(*_a, **_k):
        raise scalar.Fallback

    monkeypatch.setattr(scalar, "entry", refuse)
    slow = [answer(*c) for c in cases]
    for c, f, s in zip(cases, fast, slow):
        assert _close(f, s), (c, f, s)
    assert any(isinstance(f, dict) and f["warnings"] for f in fast)
    assert any(isinstance(f, dict) and "total_fees" in f for f in fast)
