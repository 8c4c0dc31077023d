"""ETR arithmetic on small synthetic baskets, with the engine replaced by a known rule set.

The fake engine charges 2.5% "MFN" on every row, 10% "IEEPA" on JP rows from 2025-04-05,
counts a specific duty as 0 (estimated) on HTS 2208*, assumes metal content on 7318*, and
rejects HTS 9999* rows. Expected numbers are worked out by hand below.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl
import pytest

import tariffline.engine as engine
from tariffline.errors import InputError
from tariffline.etr import comparators, compute, origins, series
from tariffline.trade.imports import ImportBasket

IEEPA_START = dt.date(2025, 4, 5)
CALLS: list[list[dt.date]] = []  # entry dates of each fake engine call


def fake_compute_duties(rows, *, as_known_on=None, claim_preferences=True, missing_quantity="error", texts=True):
    assert missing_quantity == "ave_estimate" and claim_preferences
    CALLS.append(sorted(set(rows["entry_date"].to_list())))
    df = rows.with_columns(
        pl.col("hts").str.starts_with("9999").alias("bad"),
        (pl.col("origin") == "JP").alias("jp"),
    )
    ieepa = (df["jp"] & (df["entry_date"] >= IEEPA_START)).to_list()
    totals, layers = [], []
    for r, extra in zip(df.iter_rows(named=True), ieepa):
        if r["bad"]:
            totals.append({"row_id": r["row_id"], "total_duty": None, "estimated": False,
                           "error": "HTS code not in the edition", "edition": None, "flags": []})
            continue
        mfn = 0.025 * r["value"]
        add = 0.10 * r["value"] if extra else 0.0
        flags = ["metal_assumed"] if r["hts"].startswith("7318") and r["metal_value"] is None else []
        if r["hts"].startswith("2208"):
            flags.append("quantity_missing")
        if r["entry_date"] < dt.date(2025, 1, 1):
            flags.append("edition_fallback")
        if r["origin"] == "MX":
            flags.append("line_fallback")
        totals.append({"row_id": r["row_id"], "total_duty": mfn + add,
                       "estimated": bool(flags), "error": None,
                       "edition": "2025_basic", "flags": flags})
        layers.append({"row_id": r["row_id"], "authority": "MFN", "amount": mfn, "value_base": "full"})
        if extra:
            layers.append({"row_id": r["row_id"], "authority": "IEEPA", "amount": add, "value_base": "full"})
        if r["hts"].startswith("7318") and r["metal_value"] is not None:
            layers.append({"row_id": r["row_id"], "authority": "Section 232", "amount": 0.0,
                           "value_base": "metal_content"})
    return SimpleNamespace(
        totals=pl.DataFrame(totals, schema={"row_id": pl.Int64, "total_duty": pl.Float64,
                                            "estimated": pl.Boolean, "error": pl.Utf8,
                                            "edition": pl.Utf8, "flags": pl.List(pl.Utf8)}),
        layers=pl.DataFrame(layers, schema={"row_id": pl.Int64, "authority": pl.Utf8,
                                            "amount": pl.Float64, "value_base": pl.Utf8}),
        policy_version="test-policy",
    )


def fake_change_points(start, end, origins=None, as_known_on=None):
    return [start] + [d for d in (IEEPA_START,) if start < d <= end]


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(engine, "compute_duties", fake_compute_duties)
    monkeypatch.setattr(engine, "change_points", fake_change_points)


def basket_frame():
    rows = [
        ("8703230190", "5880", "JP", 600.0),
        ("2208300000", "5880", "JP", 100.0),  # specific duty: estimated
        ("7318150000", "5880", "JP", 200.0),  # metal content assumed
        ("9999999999", "5880", "JP", 100.0),  # engine error: left out
        ("8703230190", "4280", "DE", 1000.0),
        ("8703230190", "4279", "FR", 500.0),
        ("8703230190", "2010", "MX", 400.0),
        ("8703230190", "9999", None, 50.0),  # no ISO origin: not rated
        ("8703230190", "5700", "CN", 0.0),  # zero value: not rated
    ]
    return pl.DataFrame(rows, schema=["hs10", "cty_code", "iso2", "value"], orient="row").with_columns(
        pl.lit(None, pl.Float64).alias("quantity"), pl.lit(None, pl.Utf8).alias("quantity_unit"))


def test_engine_rows_drop_zero_value_and_unknown_origin_and_estimate_metal():
    rows = compute.engine_rows(basket_frame())
    # 7 rated rows, the Mexican one split into its USMCA-claiming and declining shares (ET-01)
    assert rows.height == 8
    assert rows.columns == ["row_id", "hts", "origin", "value", "quantity", "quantity_unit",
                            "metal_value", "program"]
    assert rows["row_id"].to_list() == list(range(8))
    mx = rows.filter(pl.col("origin") == "MX").sort("value")
    assert mx["value"].to_list() == pytest.approx([400.0 * (1 - compute.DEFAULT_USMCA_SHARE),
                                                   400.0 * compute.DEFAULT_USMCA_SHARE])
    assert mx["program"].to_list() == ["none", None]
    # ch. 73 goods: all metal; others: the share
    assert rows["metal_value"].to_list()[:3] == [300.0, 50.0, 200.0]
    assert compute.engine_rows(basket_frame(), 0.25)["metal_value"][0] == 150.0
    assert compute.engine_rows(basket_frame(), None)["metal_value"].null_count() == 8
    with pytest.raises(InputError, match="between 0 and 1"):
        compute.engine_rows(basket_frame(), 1.5)


def test_metal_value_upper_bound_is_reported_when_no_share_is_given():
    rates = compute.rate_rows(compute.engine_rows(basket_frame(), None), dt.date(2025, 6, 1))
    jp = compute.summarise(rates.select({"JP"}), "JP", 2024)
    assert jp.metal_assumed_value == 200.0 and jp.metal_content_value == 0.0


def test_rate_on_one_day_by_origin_and_authority():
    rates = compute.rate_rows(compute.engine_rows(basket_frame()), dt.date(2025, 6, 1))
    jp = compute.summarise(rates.select({"JP"}), "JP", 2024)
    # JP rated rows: 600 + 100 + 200 = 900; MFN 2.5% + IEEPA 10% = 12.5% -> 112.5
    assert jp.imports == 900.0 and jp.duties == pytest.approx(112.5)
    assert jp.etr == pytest.approx(0.125)
    assert jp.by_authority == pytest.approx({"IEEPA": 0.10, "MFN": 0.025, "Section 232": 0.0})
    assert list(jp.by_authority)[:2] == ["IEEPA", "MFN"]  # largest first
    assert sum(jp.by_authority.values()) == pytest.approx(jp.etr)
    assert jp.estimated_value == 100.0
    assert jp.metal_assumed_value == 0.0 and jp.metal_content_value == 200.0
    assert jp.edition_fallback_value == 0.0 and jp.line_fallback_value == 0.0
    mx = compute.summarise(rates.select({"MX"}), "MX", 2024)
    assert mx.line_fallback_value == 400.0 and mx.estimated_value == 0.0
    assert (jp.error_value, jp.error_rows) == (100.0, 1)
    d = jp.to_dict()
    assert d["error_share"] == pytest.approx(0.1) and d["estimated_share"] == pytest.approx(100 / 900)
    assert d["top_errors"][0]["error"] == "HTS code not in the edition"
    assert {"etr", "by_authority", "imports", "duties", "basket_year"} <= set(d)
    assert rates.editions == ("2025_basic",) and rates.policy_version == "test-policy"
    chapters = jp.by_product(2)
    assert [c["code"] for c in chapters] == ["87", "73", "22"]  # largest contribution first
    assert chapters[0] == {"code": "87", "imports": 600.0, "duties": pytest.approx(75.0),
                           "rate": pytest.approx(0.125), "contribution": pytest.approx(75 / 900),
                           "by_authority": pytest.approx({"IEEPA": 60 / 900, "MFN": 15 / 900})}
    assert sum(c["contribution"] for c in chapters) == pytest.approx(jp.etr)
    assert [h["code"] for h in jp.by_product(4)] == ["8703", "7318", "2208"]
    assert "by_heading" in jp.to_dict(4) and "by_chapter" not in jp.to_dict()
    with pytest.raises(InputError, match="2 .chapter. or 4"):
        jp.by_product(6)
    everyone = compute.summarise(rates, "ALL", 2024)
    assert everyone.imports == 2800.0
    assert everyone.duties == pytest.approx(112.5 + 0.025 * 1900)


def test_day_before_a_measure_starts_has_no_layer():
    rates = compute.rate_rows(compute.engine_rows(basket_frame()), IEEPA_START - dt.timedelta(days=1))
    jp = compute.summarise(rates.select({"JP"}), "JP", 2024)
    early = compute.summarise(compute.rate_rows(compute.engine_rows(basket_frame()),
                                                dt.date(2024, 6, 1)).select({"JP"}), "JP", 2024)
    assert early.edition_fallback_value == 900.0
    assert jp.by_authority == pytest.approx({"MFN": 0.025, "Section 232": 0.0})


def test_dates_before_engine_coverage_are_rejected():
    with pytest.raises(InputError, match="before the engine's coverage"):
        compute.rate_rows(compute.engine_rows(basket_frame()), dt.date(2017, 12, 31))


def test_series_recomputes_only_at_change_points_and_fills_forward():
    start, end = dt.date(2025, 4, 1), dt.date(2025, 4, 10)
    points, editions, version = series.compute_series(
        basket_frame(), "JP", frozenset({"JP"}), start, end, basket_year=2024)
    assert CALLS == [[start, IEEPA_START]]  # one engine call, both change points stacked
    assert editions == {"2025_basic"} and version == "test-policy"
    s = series.EtrSeries("JP", start, end, points, ["IEEPA", "MFN"], {})

    daily = s.daily
    assert daily.height == 10 and daily["date"].to_list()[0] == start
    assert daily.filter(pl.col("date") == IEEPA_START - dt.timedelta(days=1))["etr"][0] == pytest.approx(0.025)
    assert daily.filter(pl.col("date") == IEEPA_START)["etr"][0] == pytest.approx(0.125)
    assert daily.filter(pl.col("date") == end)["IEEPA"][0] == pytest.approx(0.10)
    assert daily["MFN"].to_list() == pytest.approx([0.025] * 10)
    assert points[0].metal_content_value == 200.0
    assert s.to_dict()["points"][1]["date"] == IEEPA_START


def test_stacked_days_split_into_bounded_calls_give_the_same_rates():
    rows = compute.engine_rows(basket_frame())
    days = [dt.date(2025, 1, 1), dt.date(2025, 4, 5), dt.date(2025, 6, 1)]
    one = compute.rate_days(rows, days)
    CALLS.clear()
    seen = []
    many = compute.rate_days(rows, days, max_rows=5, on_chunk=seen.append)
    assert len(CALLS) == 5 and seen == [5, 5, 5, 5, 4]  # 24 (row, day) pairs in slices of 5
    for a, b in zip(one, many):
        assert a.date == b.date
        assert a.per_origin.sort("origin").equals(b.per_origin.sort("origin"))
        assert a.per_authority.sort("origin", "authority").equals(b.per_authority.sort("origin", "authority"))
    jp = [compute.summarise(r.select({"JP"}), "JP", 2024).etr for r in one]
    assert jp == pytest.approx([0.025, 0.125, 0.125])


def test_series_rejects_reversed_or_early_ranges():
    with pytest.raises(InputError, match="after end"):
        series.evaluation_days(dt.date(2025, 2, 1), dt.date(2025, 1, 1), None, None)
    with pytest.raises(InputError, match="coverage"):
        series.evaluation_days(dt.date(2017, 1, 1), dt.date(2025, 1, 1), None, None)


def test_comparators_group_eu_members_and_flag_unencoded_origins():
    rates = compute.rate_rows(compute.engine_rows(basket_frame()), dt.date(2025, 6, 1))
    out = comparators.compare(rates, 2024, encoded={"JP": ["jp_deal"], "DE": ["eu_deal"]})
    by = {r.origin: (r, enc) for r, enc in out}
    eu, eu_enc = by["EU"]
    assert eu.imports == 1500.0 and eu_enc is None  # DE + FR
    assert by["JP"][1] is True and by["MX"][1] is False
    assert by["FR"][1] is False and by["DE"][1] is True
    assert "no origin-specific measure" in by["MX"][0].flags[0]
    assert by["JP"][0].flags == ["JP: origin-specific measures counted: jp_deal; any other "
                                 "origin-specific measure is not encoded"]
    # FR is 500 of the EU's 1500 -> one third without encoded measures
    assert "33.3%" in eu.flags[0] and "FR" in eu.flags[0]
    assert by["KR"][0].imports == 0.0  # no trade in the basket: rate undefined, not an error
    labels = [r.origin for r, _ in out]
    assert labels[:2] == ["JP", "EU"] and labels[-1] == "ALL" and len(labels) == 8 + 27


def test_origin_arguments_resolve_to_sets():
    assert origins.resolve("all") == ("ALL", None)
    assert origins.resolve("Japan") == ("JP", frozenset({"JP"}))
    label, eu = origins.resolve("EU")
    assert label == "EU" and len(eu) == 27 and "GB" not in eu
    with pytest.raises(InputError, match="unknown origin"):
        origins.resolve("Narnia")


def test_basket_object_helpers():
    b = ImportBasket(2024, basket_frame(), "test", {})
    assert b.total == 2950.0 and not b.has_quantities
    assert b.origin("JP").height == 4 and b.origin(None).height == 9
