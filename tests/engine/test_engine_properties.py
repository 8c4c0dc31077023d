"""Properties of the engine over arbitrary input rows (hypothesis): it never raises on bad
rows, keeps every row in order, and each total is the sum of its cited layers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline.engine import compute_duties
from tariffline.policy.loader import load_policy
from tariffline.errors import PolicyError

CODES = ["8703.23.01", "8704.31.01", "8708.40.11", "7208.51.00", "7601.10.60", "9503.00.00",
         "8418.21.00", "2204.21.50", "6110.30.30", "8807.30.00", "0201.30.80", "8458.11.00"]
ORIGINS = ["JP", "DE", "CN", "KR", "MX", "CA", "GB", "VN", "AU", "RU", "JPN", "5880", "Japan"]
rows = st.lists(st.fixed_dictionaries({
    "hts": st.one_of(st.sampled_from(CODES), st.text(max_size=12)),
    "origin": st.one_of(st.sampled_from(ORIGINS), st.text(max_size=6)),
    "entry_date": st.dates(dt.date(2016, 1, 1), dt.date(2027, 12, 31)),
    # any float: NaN, infinities, subnormals and huge values must be refused on their row or
    # give finite duties (issue 9)
    "value": st.one_of(st.floats(-10, 1e7), st.floats(), st.just(5e-324), st.just(0.0)),
    "quantity": st.one_of(st.none(), st.floats(0, 1e5), st.floats()),
    "metal_value": st.one_of(st.none(), st.floats(0, 1e6), st.floats()),
}), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_any_rows(batch):
    frame = pl.DataFrame(batch, schema={"hts": pl.Utf8, "origin": pl.Utf8, "entry_date": pl.Date,
                                        "value": pl.Float64, "quantity": pl.Float64,
                                        "metal_value": pl.Float64})
    res = compute_duties(frame, missing_quantity="ave_estimate")
    tot = res.totals
    assert tot.height == frame.height
    assert tot["row_id"].to_list() == list(range(frame.height))
    ok = tot.filter(pl.col("error").is_null())
    assert (ok["total_duty"] >= -1e-9).all()
    assert ok["total_duty"].is_finite().all() and ok["total_rate"].is_finite().all()
    assert res.layers["amount"].is_finite().all()
    sums = res.layers.group_by("row_id").agg(pl.col("amount").sum())
    joined = ok.with_columns(pl.col("row_id").cast(pl.Int64)).join(sums, on="row_id", how="left")
    for total, amount in joined.select("total_duty", "amount").iter_rows():
        assert amount == pytest.approx(total, rel=1e-9, abs=1e-6)
    bad = tot.filter(pl.col("error").is_not_null())
    assert bad["total_duty"].null_count() == bad.height


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_rule_file_text_never_crashes_loader(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("rules")
    (root / "programs").mkdir()
    (root / "x.yaml").write_text(text, encoding="utf-8")
    try:
        load_policy(root)
    except PolicyError as exc:
        assert "x.yaml" in str(exc) or "rules directory" in str(exc)
