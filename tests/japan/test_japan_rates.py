"""Japanese rate texts: golden forms from the schedule, property tests, and coverage of the
distinct texts of both editions (issue 3: >= 99%)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffline.japan.coverage import parse_coverage
from tariffline.japan.rates import (
    AdValorem,
    Bounded,
    Branches,
    Choice,
    Compound,
    ContentDuty,
    FootnoteOnly,
    PriceGap,
    RateParseError,
    Specific,
    Varies,
    parse_rate,
)
from tariffline.japan.schedule import load_edition


@pytest.mark.parametrize("text,expr", [
    ("無税", AdValorem(0.0)),
    ("38.5%", AdValorem(0.385)),
    ("482円/kg", Specific(482.0, "kg")),
    ("4,000,000円/頭", Specific(4_000_000.0, "head")),
    ("関税割当数量以内のもの　170万円/頭", None),
    ("29.8%＋679円/kg", Compound((AdValorem(0.298), Specific(679.0, "kg")))),
    ("1.3%＋0.46円/㎡", Compound((AdValorem(0.013), Specific(0.46, "m2")))),
    ("(8.5%＋290.70円/1,000本)", Compound((AdValorem(0.085), Specific(290.7, "1000 pieces")))),
    ("30%又は4,300円/足のうちいずれか高い税率",
     Choice((AdValorem(0.3), Specific(4300.0, "pair")), "higher")),
])
def test_simple_forms(text, expr):
    parsed = parse_rate(text)
    if expr is not None:
        assert parsed.expr == expr


def test_parentheses_and_markers():
    p = parse_rate("(50%)")
    assert p.parenthesized and p.expr == AdValorem(0.5)
    p = parse_rate("*(341円/kg)")
    assert p.parenthesized and "*" in p.markers and p.expr == Specific(341.0, "kg")
    p = parse_rate("◎無税 ◆2")
    assert "◎" in p.markers and p.footnotes == (2,) and p.is_free
    assert isinstance(parse_rate("◆11").expr, FootnoteOnly)


def test_wine_minimum_proviso():
    p = parse_rate("15%又は125円/lのうちいずれか低い税率\nただしその税率が67円/lを下回る場合は67円/l")
    assert p.expr == Bounded(Choice((AdValorem(0.15), Specific(125.0, "l")), "lower"),
                             minimum=Specific(67.0, "l"))
    p = parse_rate("9.3%又は7.19円/kgのうちいずれか高い税率（ただしその税率が50%を上回る場合は50%とする）")
    assert p.expr.maximum == AdValorem(0.5)


def test_pork_gate_price_forms():
    p = parse_rate("（524円×1.002-課税価格）/kg又は54円/kgのうちいずれか低い税率")
    gap, cap = p.expr.options
    assert p.expr.pick == "lower"
    assert gap == PriceGap(525.048, -1.0, "kg") and cap == Specific(54.0, "kg")
    assert parse_rate("((500円-課税価格)×10/16)/kg").expr == PriceGap(312.5, -0.625, "kg")
    assert parse_rate("(577.15円-課税価格×0.6)/kg").expr == PriceGap(577.15, -0.6, "kg")
    std = parse_rate("1キログラムにつき部分肉に係る基準輸入価格と課税価格との差額").expr
    assert std.constant is None and std.reference == "部分肉"


def test_content_based_duties():
    lac = parse_rate("1キログラムにつき、37.19円に重量比による乳糖の含有率が10%を超える1%ごとに3.75円を加えた額").expr
    assert lac == ContentDuty("lactose", 37.19, False, 3.75, 0.10)
    sugar = parse_rate("関税割当数量以内のもの　原産品に含まれる砂糖の重量1キログラムにつき21.50円").expr
    assert sugar.branches[0].expr == ContentDuty("sugar", 21.5, True)


def test_ranges_and_unbound():
    v = parse_rate("●無税〜5%").expr
    assert v == Varies(AdValorem(0.0), AdValorem(0.05))
    v = parse_rate("●8%又は非譲許").expr
    assert v.unbound and v.low == AdValorem(0.08)
    v = parse_rate("（一部8.4%〜10.5%)").expr
    assert v.partial and v.high == AdValorem(0.105)
    v = parse_rate("●(9%）〜（29.8%+1,159円/kg)、64円/kg、85円/kg又は341円/kg").expr
    assert isinstance(v, Varies) and len(v.items) == 3


def test_branches_quota_country_season_product():
    b = parse_rate("関税割当数量以内のもの　無税\n関税割当数量以外のもの　23.8%").expr
    assert [x.condition.quota for x in b.branches] == ["in", "out"]
    b = parse_rate("（マレーシアに対する待遇）\u30003%\n（他の締約国に対する待遇）\u30001%").expr
    assert b.branches[0].condition.countries == ("マレーシア",)
    assert b.branches[1].condition.other_countries
    b = parse_rate("毎年11月1日から翌年2月末日までに輸入されるもの　無税").expr
    assert b.branches[0].condition.season == (11, 1, 2, 29)
    b = parse_rate("くらげ　3.2%\nその他のもの　4.4%").expr
    assert b.branches[0].condition.product == "くらげ" and b.branches[1].condition.other
    b = parse_rate("保護用の金属製トーキャップを有するもの 6.7%\n\nその他のもの 8%").expr
    assert isinstance(b, Branches) and b.branches[1].expr == AdValorem(0.08)
    b = parse_rate("ソフトチーズ（軟質のもの）以外のもの　13%").expr
    assert b.branches[0].condition.other and b.branches[0].condition.product is None


@pytest.mark.parametrize("text", ["", "N/A", "12%%", "円/kg", "関税割当数量以内のもの"])
def test_unreadable_texts_raise(text):
    with pytest.raises(RateParseError):
        parse_rate(text)


percent = st.decimals(min_value=0, max_value=999, places=1).map(lambda d: f"{d.normalize():f}")
yen = st.decimals(min_value="0.01", max_value=99999, places=2).map(lambda d: f"{d.normalize():f}")
unit = st.sampled_from([("kg", "kg"), ("l", "l"), ("頭", "head"), ("㎡", "m2"), ("本", "piece")])


@given(percent)
def test_property_ad_valorem(p):
    assert parse_rate(f"{p}%").expr == AdValorem(round(float(p) / 100, 8))


@given(percent, yen, unit, st.booleans())
def test_property_compound_and_choice(p, y, u, higher):
    jp_unit, canon = u
    comp = parse_rate(f"{p}%＋{y}円/{jp_unit}").expr
    assert comp == Compound((AdValorem(round(float(p) / 100, 8)), Specific(float(y), canon)))
    word = "高い" if higher else "低い"
    ch = parse_rate(f"{p}%又は{y}円/{jp_unit}のうちいずれか{word}税率").expr
    assert ch.pick == ("higher" if higher else "lower") and ch.options[1] == Specific(float(y), canon)


@given(yen, st.decimals(min_value="1.001", max_value="1.05", places=3), yen)
def test_property_gate_price(ref, factor, cap):
    p = parse_rate(f"（{ref}円×{factor}-課税価格）/kg又は{cap}円/kgのうちいずれか低い税率").expr
    gap = p.options[0]
    assert gap.cif_coef == -1.0
    assert gap.constant == pytest.approx(float(ref) * float(factor), rel=1e-9)


@pytest.mark.parametrize("edition", ["japan_tariff_2025_04_01", "japan_tariff_2026_07_09"])
def test_parse_coverage_of_both_editions(edition):
    cov = parse_coverage(load_edition(edition))
    assert cov["distinct_texts"] > 1300
    assert cov["coverage"] >= 0.99
    assert all(f["reason"] for f in cov["failures"])
