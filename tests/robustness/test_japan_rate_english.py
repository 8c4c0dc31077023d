"""English renderings of Japanese rate texts (issue 9, CLI consistency).

Each expected string is the plain English reading of the Japanese text (Japan Customs'
実行関税率表 wording): 又は…のうちいずれか高い税率 = "whichever is higher", 無税 = free,
関税割当数量以内/以外 = within/outside the tariff quota, 課税価格 = customs value.
"""

from __future__ import annotations

import pytest

from tariffline.japan.rate_english import english


@pytest.mark.parametrize("text, expected", [
    ("3.1%又は22円/kg のうちいずれか高いもの", "the higher of 3.1% or ¥22/kg"),
    ("3.1%又は22円/kgのうちいずれか高い税率", "the higher of 3.1% or ¥22/kg"),
    ("10%又は100円/kgのうちいずれか低い税率", "the lower of 10% or ¥100/kg"),
    ("無税", "free"),
    ("38.5%", "38.5%"),
    ("29.8%＋679円/kg", "29.8% + ¥679/kg"),
    ("482円/kg", "¥482/kg"),
    ("●無税〜5%", "free to 5%"),
    ("(50%)", "(50%: shown, not applied)"),
    ("関税割当数量以内のもの　無税\n関税割当数量以外のもの　23.8%",
     "within the tariff quota: free; outside the tariff quota: 23.8%"),
    ("（524円×1.002-課税価格）/kg", "gap duty: ¥525.048 minus customs value, per kg (not below zero)"),
    ("1キログラムにつき、豚肉に係る基準輸入価格と課税価格との差額",
     "gap duty: standard import price of 豚肉 minus customs value, per kg (not below zero)"),
])
def test_english(text, expected):
    assert english(text) == expected


@pytest.mark.parametrize("text", [None, "", "not a rate", "(" * 100])
def test_unreadable_is_none(text):
    assert english(text) is None
