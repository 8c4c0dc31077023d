"""Defects the fuzz tests found (issue 9), each kept as a test of its fix."""

from __future__ import annotations

import math

import pytest

from tariffline import api
from tariffline.errors import TariffLineError



@pytest.mark.parametrize("quantity", [float("nan"), float("inf")])
def test_non_finite_quantity_is_refused_or_finite(quantity):
    # 2204.21.50 (wine, 6.3 cents/liter General): the specific part uses the quantity
    try:
        res = api.duty("2204.21.50", origin="JP", date="2025-10-01", value=1000, quantity=quantity,
                       quantity_unit="liters")
    except TariffLineError:
        return
    assert math.isfinite(res["total_rate"]) and math.isfinite(res["total_duty"])


def test_subnormal_value_is_refused():
    # 8418.21.00 (refrigerators) from JP on 2025-10-01: 5e-324 once gave 0% where normal values give
    # 50%; a customs value below one cent is refused (ASSUMPTIONS LG-01)
    with pytest.raises(TariffLineError, match="customs value"):
        api.duty("8418.21.00", origin="JP", date="2025-10-01", value=5e-324)


def test_near_zero_value_rate_is_finite_or_refused():
    # 2204.21.50 (wine, 6.3 cents/liter): duty 6.3 on 100 liters, value 2.2e-308 -> total_rate inf
    try:
        res = api.duty("2204.21.50", origin="JP", date="2025-10-01", value=2.2250738585072014e-308,
                       quantity=100, quantity_unit="liters")
    except TariffLineError:
        return
    assert math.isfinite(res["total_rate"])


def test_error_message_is_one_line():
    with pytest.raises(TariffLineError) as exc:
        api.duty("87\n03", origin="JP", date="2025-10-01", value=1000)
    assert "\n" not in str(exc.value)
