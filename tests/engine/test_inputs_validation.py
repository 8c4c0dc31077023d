"""Input validation (issue 9): every number finite and in range, every date one the data can
answer; refused with one clear line, never `$nan`, an infinite duty or a silent 0."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline import api
from tariffline.cli.app import main
from tariffline.engine import compute_duties
from tariffline.engine.inputs import COVERAGE_START, HORIZON_YEARS, LIMITS, date_horizon
from tariffline.errors import InputError
from tariffline.law import law_currency

NAN, INF = float("nan"), float("inf")
SUBNORMAL = 5e-324


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize("kwargs", [
    {"quantity": NAN}, {"quantity": INF}, {"quantity": -INF}, {"quantity": 1e300},
    {"value": NAN}, {"value": INF}, {"value": SUBNORMAL}, {"value": 1e13}, {"value": 0.0},
    {"unit_value": NAN}, {"unit_value": SUBNORMAL}, {"metal_value": NAN}, {"metal_value": INF},
])
def test_duty_refuses_non_finite_and_absurd_numbers(kwargs):
    args = {"value": 1000.0} | kwargs
    with pytest.raises(InputError, match="finite number"):
        api.duty("2204.21.50", origin="CN", date="2024-06-01", **args)


@pytest.mark.parametrize("option,text", [("--quantity", "nan"), ("--value", "5e-324"), ("--value", "inf"),
                                         ("--unit-value", "nan"), ("--metal-value", "-inf")])
def test_cli_duty_refuses_nan(capsys, option, text):
    code, out, err = run(capsys, "duty", "2204.21.50", "--origin", "CN", "--date", "2024-06-01",
                         "--value", "1000", option, text)
    assert code == 1 and "finite number" in err and "Traceback" not in err and "$nan" not in out


@pytest.mark.parametrize("kwargs", [{"quantity": NAN}, {"value": INF}, {"metal_value": NAN},
                                    {"value": SUBNORMAL}])
def test_timeline_refuses_non_finite(kwargs):
    with pytest.raises(InputError, match="finite number"):
        api.timeline("2204.21.50", origin="CN", start="2024-01-01", end="2024-12-31", **kwargs)


def test_cli_timeline_quantity_nan(capsys):
    code, _, err = run(capsys, "timeline", "2204.21.50", "--origin", "CN", "--start", "2024-01-01",
                       "--end", "2024-12-31", "--quantity", "nan")
    assert code == 1 and "quantity must be a finite number" in err


def test_horizon_is_three_years_past_law_currency():
    # LG-02: the documented horizon is law_current_through + HORIZON_YEARS (3) years
    through = law_currency().current_through
    assert HORIZON_YEARS == 3
    assert date_horizon() == dt.date(through.year + 3, through.month, through.day)


@pytest.mark.parametrize("day,needle", [
    ("9999-12-31", "past the horizon"), ("0001-01-01", "before the data's coverage"),
    ("2017-12-31", "before the data's coverage"),
])
def test_duty_refuses_dates_the_data_cannot_answer(day, needle):
    with pytest.raises(InputError, match=needle):
        api.duty("8703.23.01", origin="JP", date=day, value=1000)


def test_duty_on_the_horizon_and_the_day_after():
    horizon = date_horizon()
    res = api.duty("9503.00.00", origin="JP", date=horizon, value=1000)
    assert res["warnings"] and "after the law's currency date" in res["warnings"][0]
    with pytest.raises(InputError, match="past the horizon"):
        api.duty("9503.00.00", origin="JP", date=horizon + dt.timedelta(days=1), value=1000)


def test_duty_on_law_currency_date_has_no_warning_and_day_after_has_one():
    through = law_currency().current_through
    assert api.duty("9503.00.00", origin="JP", date=through, value=1000)["warnings"] == []
    assert api.duty("9503.00.00", origin="JP", date=through + dt.timedelta(days=1), value=1000)["warnings"]


@pytest.mark.parametrize("start,end,needle", [
    ("0001-01-01", "2024-01-01", "start date 0001-01-01 is before"),
    ("2024-01-01", "9999-12-31", "end date 9999-12-31 is past the horizon"),
])
def test_timeline_refuses_instead_of_clamping(start, end, needle):
    with pytest.raises(InputError, match=needle):
        api.timeline("9503.00.00", origin="JP", start=start, end=end)


def test_coverage_start_first_day_is_answered():
    assert api.duty("9503.00.00", origin="JP", date=COVERAGE_START, value=1000)["total_duty"] == 0.0


numbers = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
                    st.sampled_from([NAN, INF, -INF, SUBNORMAL, 1e308, 0.0, -0.0, 1e-7, 1e12, 1e12 * 1.01]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({
    "hts": st.sampled_from(["2204.21.50", "8703.23.01", "7208.51.00", "9503.00.00"]),
    "origin": st.sampled_from(["JP", "CN", "DE"]),
    "entry_date": st.dates(dt.date(2017, 6, 1), dt.date(2031, 1, 1)),
    "value": numbers, "quantity": numbers, "unit_value": numbers, "metal_value": numbers,
}), min_size=1, max_size=12))
def test_every_row_refused_or_finite(batch):
    frame = pl.DataFrame(batch, schema={"hts": pl.Utf8, "origin": pl.Utf8, "entry_date": pl.Date,
                                        "value": pl.Float64, "quantity": pl.Float64,
                                        "unit_value": pl.Float64, "metal_value": pl.Float64})
    tot = compute_duties(frame, missing_quantity="ave_estimate").totals
    assert tot.height == frame.height
    for row, (duty, rate, error) in zip(batch, tot.select("total_duty", "total_rate", "error").iter_rows()):
        if error is None:
            assert math.isfinite(duty) and math.isfinite(rate) and duty >= 0
            lo, hi = LIMITS["value"]
            assert lo <= row["value"] <= hi  # an accepted row's value is in range
        else:
            assert duty is None
