"""Japan's rate parser raises only RateParseError, whatever the text (issue 9).

Before: deep parentheses raised RecursionError, a footnote number of 5,000 digits ValueError,
and a 400-digit rate came back as an infinite AdValorem.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.japan.rates import (MAX_NESTING, MAX_TEXT_LENGTH, AdValorem, RateParseError,
                                    parse_rate)


@pytest.mark.parametrize("text", [
    "(" * 1000 + "5%" + ")" * 1000,                  # RecursionError before
    "（" * 3000 + "5%",                               # unbalanced full-width
    "◆" + "9" * 5000,                                 # int() digit limit: ValueError before
    "9" * 400 + "%",                                  # float overflow: inf before
    "1" * 308 + "万円/kg",                            # amount x 10000 overflow
    "(" + "9" * 320 + "円-課税価格)/kg",               # price gap out of range
    "毎年99月1日から同年8月31日までに輸入されるもの　無税",  # no month 99
    "5%" * (MAX_TEXT_LENGTH // 2 + 1),                # too long
    "\x00", "\ud800", "５％" * 10 + "又は",
])
def test_only_the_documented_error(text):
    with pytest.raises(RateParseError):
        parse_rate(text)


def test_nesting_within_bound_still_parses():
    # the schedule nests at most three deep; MAX_NESTING leaves room
    assert parse_rate("(" * MAX_NESTING + "5%" + ")" * MAX_NESTING).expr == AdValorem(0.05)


def test_non_string_is_the_documented_error():
    with pytest.raises(RateParseError):
        parse_rate(None)  # type: ignore[arg-type]


def _finite(node) -> bool:
    if isinstance(node, float):
        return math.isfinite(node)
    if isinstance(node, (tuple, list)):
        return all(_finite(x) for x in node)
    if hasattr(node, "__dataclass_fields__"):
        return all(_finite(getattr(node, f)) for f in node.__dataclass_fields__)
    return True


_PIECES = st.sampled_from(["(", ")", "（", "）", "5%", "3.1%", "22円/kg", "又は", "のうちいずれか高い税率",
                           "+", "-", "×", "/", "課税価格", "無税", "〜", "、", "\n", "\u3000", "◆1", "●",
                           "ただしその税率が", "を下回る場合は", "9" * 40, "一部", "毎年4月1日から同年8月31日までに輸入されるもの"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join)))
def test_property_only_rate_parse_error_and_finite(text):
    try:
        parsed = parse_rate(text)
    except RateParseError:
        return
    assert _finite(parsed.expr)
