"""CBP user fees: the merchandise processing fee (19 CFR 24.23: 0.3464% ad valorem, per-entry
minimum and maximum by fiscal year) and the harbor maintenance fee (19 CFR 24.24: 0.125%, ocean
only). Expected values are computed by hand from those figures (rules/fees/fees.yaml, LG-10..14)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tariffline import api
from tariffline.errors import InputError
from tariffline.fees import fee_layers, load_fees, normalise_mode

FY2026 = (33.58, 651.50)  # MPF min/max 1 Oct 2025 - 30 Sep 2026 (LG-11, uncertain)
FY2025 = (32.71, 634.62)
FY2023 = (29.66, 575.35)  # FR Doc. 2022-16533


def fees_for(value, day, entry=None, mode=None):
    rows = pl.DataFrame({"row_id": list(range(len(value))), "value": value, "entry_date": day,
                         "entry": entry or [None] * len(value), "mode": mode or [None] * len(value)},
                        schema_overrides={"entry": pl.Utf8, "mode": pl.Utf8, "value": pl.Float64})
    return fee_layers(rows)


def amounts(layers, measure):
    return layers.filter(pl.col("measure_id") == measure).select("row_id", "amount").rows()


@pytest.mark.parametrize("value,day,expected", [
    (30_000.0, dt.date(2025, 10, 1), 30_000 * 0.003464),       # 103.92: between min and max
    (1_000.0, dt.date(2025, 10, 1), FY2026[0]),                 # 3.46 -> minimum
    (1_000_000.0, dt.date(2025, 10, 1), FY2026[1]),             # 3,464 -> maximum
    (1_000.0, dt.date(2025, 9, 30), FY2025[0]),                 # the day before FY2026
    (1_000_000.0, dt.date(2025, 9, 30), FY2025[1]),
    (1_000.0, dt.date(2022, 10, 1), FY2023[0]),                 # first day of FY2023
    (9_694.0, dt.date(2025, 10, 1), 9_694 * 0.003464),          # just above the minimum (33.58)
])
def test_mpf_per_entry(value, day, expected):
    layers, _ = fees_for([value], [day])
    assert amounts(layers, "fee:mpf") == [(0, pytest.approx(expected, abs=0.005))]


def test_mpf_after_last_fiscal_year_uses_last_figures_with_note():
    layers, notes = fees_for([1_000.0], [dt.date(2026, 10, 1)])
    assert amounts(layers, "fee:mpf") == [(0, pytest.approx(FY2026[0]))]
    assert layers.filter(pl.col("measure_id") == "fee:mpf")["confidence"][0] == "uncertain"
    assert any("not encoded" in n for n in notes["fee_notes"][0])


def test_mpf_summed_over_entry_clamped_and_allocated_pro_rata():
    # entry E1: 150,000 + 50,000 -> 692.80 > max 651.50, split 3:1; E2 alone: 1,000 -> min 33.58
    layers, notes = fees_for([150_000.0, 50_000.0, 1_000.0], [dt.date(2025, 10, 1)] * 3,
                             entry=["E1", "E1", "E2"])
    got = dict(amounts(layers, "fee:mpf"))
    assert got[0] == pytest.approx(651.50 * 0.75) and got[1] == pytest.approx(651.50 * 0.25)
    assert got[2] == pytest.approx(33.58)
    assert not any("no entry number" in n for ns in notes["fee_notes"] for n in ns)


def test_hmf_ocean_only():
    layers, notes = fees_for([30_000.0, 30_000.0, 30_000.0], [dt.date(2025, 10, 1)] * 3,
                             entry=["A", "B", "C"], mode=["ocean", "air", None])
    assert amounts(layers, "fee:hmf") == [(0, pytest.approx(37.50))]  # 0.125% of 30,000
    assert notes["fee_notes"][1].to_list() == []
    assert any("mode of transport unknown" in n for n in notes["fee_notes"][2])


@pytest.mark.parametrize("word,mode", [("11", "ocean"), ("Vessel", "ocean"), ("40", "air"),
                                       ("truck", "truck"), ("30", "truck"), ("20", "rail"), ("", None)])
def test_modes_and_ace_codes(word, mode):
    # ACE mode-of-transportation codes: 10/11 vessel, 20/21 rail, 30-34 road, 40/41 air
    assert normalise_mode(word) == mode


def test_unknown_mode_is_refused():
    with pytest.raises(InputError, match="mode of transport 'boat'"):
        normalise_mode("boat")


def test_fee_rule_file_is_cited():
    fees = {f.id: f for f in load_fees().fees}
    assert fees["mpf"].rate == 0.003464 and "19 CFR 24.23" in fees["mpf"].citation
    assert fees["hmf"].rate == 0.00125 and "19 CFR 24.24" in fees["hmf"].citation
    lim = fees["mpf"].limits
    assert all(a.to + dt.timedelta(days=1) == b.from_ for a, b in zip(lim, lim[1:]))  # no gaps
    assert lim[0].from_ <= dt.date(2018, 1, 1)


def test_api_duty_fees_are_layers_kept_apart_from_duty():
    plain = api.duty("8703.23.01", origin="JP", date="2025-10-01", value=30000)
    res = api.duty("8703.23.01", origin="JP", date="2025-10-01", value=30000, fees=True, mode="ocean")
    assert "total_fees" not in plain
    assert res["total_duty"] == pytest.approx(plain["total_duty"]) == pytest.approx(4500)
    fee = [la for la in res["layers"] if la["authority"] == "Fee"]
    assert [la["heading"] for la in fee] == [None, None]
    assert [round(la["amount"], 2) for la in fee] == [103.92, 37.50]
    assert res["total_fees"] == pytest.approx(141.42)
    assert res["total_owed"] == pytest.approx(4500 + 141.42)


def test_batch_fees_columns(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("hts,origin,entry_date,value,entry_number,mode\n"
                      "8703.23.01,JP,2025-10-01,30000,E1,ocean\n"
                      "9503.00.00,JP,2025-10-01,1000,E1,ocean\n"
                      "9503.00.00,JP,2025-10-01,1000,,air\n")
    res = api.batch(ledger, fees=True)
    # E1: 31,000 x 0.3464% = 107.38, allocated 30/31 and 1/31; row 3: its own entry, minimum 33.58
    assert res["fee_mpf"].to_list() == pytest.approx([107.384 * 30 / 31, 107.384 / 31, 33.58])
    assert res["fee_hmf"].to_list() == pytest.approx([37.5, 1.25, 0.0])  # air: no HMF
    assert res["total_owed"].to_list() == pytest.approx(
        [d + f for d, f in zip(res["total_duty"], res["total_fees"])])
    bad = tmp_path / "bad.csv"
    bad.write_text("hts,origin,entry_date,value\n87,JP,2025-10-01,1000\n")
    failed = api.batch(bad, fees=True).row(0, named=True)
    assert failed["fee_mpf"] is None and failed["total_fees"] is None and failed["total_owed"] is None
    plain = api.batch(ledger)
    assert "total_fees" not in plain.columns and plain["total_duty"].to_list() == res["total_duty"].to_list()


def test_informal_entry_noted_at_2500():
    # 19 CFR 143.21(a): informal entry up to $2,500; the fixed informal MPF is not modelled (LG-10)
    _, notes = fees_for([2_499.99, 2_500.0], [dt.date(2025, 10, 1)] * 2, entry=["A", "B"], mode=["air", "air"])
    assert any("informal entry" in n for n in notes["fee_notes"][0])
    assert not any("informal entry" in n for n in notes["fee_notes"][1])
