"""The rate-text parser on real HTS texts (2025 Basic / 2026 Rev 4) and the ad valorem equivalent."""

import pytest

from tariffline.errors import InputError
from tariffline.hts.rates import Component, ad_valorem_equivalent, parse_rate
from tariffline.hts.special import parse_special, special_rows

AV, SP = "ad_valorem", "specific"

# (text as in the HTS, kind, whole-value ad valorem, [(USD, unit), ...] specific parts, partial ad valorem)
CASES = [
    ("Free", "free", 0.0, [], 0.0),
    ("Free ", "free", 0.0, [], 0.0),
    ("6.8%", AV, 0.068, [], 0.0),
    ("33 1/3%", AV, 1 / 3, [], 0.0),
    ("37% /", AV, 0.37, [], 0.0),
    ("2.2¢/kg", SP, 0.0, [(0.022, "kg")], 0.0),
    ("$1.055/kg", SP, 0.0, [(1.055, "kg")], 0.0),
    ("$1.24/t", SP, 0.0, [(1.24, "t")], 0.0),
    ("0.14¢/liter", SP, 0.0, [(0.0014, "liter")], 0.0),
    ("14.27¢/ liter", SP, 0.0, [(0.1427, "liter")], 0.0),
    ("18.9¢/pf.liter", SP, 0.0, [(0.189, "pf.liter")], 0.0),
    ("$1.32/pf. liter", SP, 0.0, [(1.32, "pf.liter")], 0.0),
    ("2.8¢/doz.", SP, 0.0, [(0.028, "doz.")], 0.0),
    ("$1.44 each", SP, 0.0, [(1.44, "No.")], 0.0),
    ("68¢/head", SP, 0.0, [(0.68, "No.")], 0.0),
    ("14.5¢/m2", SP, 0.0, [(0.145, "m2")], 0.0),
    ("$1.13/m3", SP, 0.0, [(1.13, "m3")], 0.0),
    ("10.5¢/bbl", SP, 0.0, [(0.105, "bbl")], 0.0),
    ("$1.34/1000", SP, 0.0, [(1.34, "thousand")], 0.0),
    ("18.7¢/clean kg", SP, 0.0, [(0.187, "kg_clean")], 0.0),
    ("10.1¢/kg on drained weight", SP, 0.0, [(0.101, "kg_drained")], 0.0),
    ("0.8¢/kg on entire contents of container", SP, 0.0, [(0.008, "kg_entire_contents")], 0.0),
    ("5¢/kg on contents and container", SP, 0.0, [(0.05, "kg_gross")], 0.0),
    ("$1.32/t, including weight of container", SP, 0.0, [(1.32, "t_gross")], 0.0),
    ("0.01¢/kg of total sugars", SP, 0.0, [(0.0001, "kg_total_sugars")], 0.0),
    ("0.8¢/kg on lead content", SP, 0.0, [(0.008, "kg_lead")], 0.0),
    ("$40/kg of anhydrous morphine content", SP, 0.0, [(40.0, "kg_morphine")], 0.0),
    ("86.1¢/m2of recording surface", SP, 0.0, [(0.861, "m2_recording_surface")], 0.0),
    ("20¢/gross of immediate containers", SP, 0.0, [(0.2, "gross_immediate_containers")], 0.0),
    ("$1.035/kg + 13.6%", "compound", 0.136, [(1.035, "kg")], 0.0),
    ("$1.035/kg +13.6%", "compound", 0.136, [(1.035, "kg")], 0.0),
    ("12.1¢/kg + 4.6%", "compound", 0.046, [(0.121, "kg")], 0.0),
    ("0.2¢ each + 3.1%", "compound", 0.031, [(0.002, "No.")], 0.0),
    ("12¢/doz. + 5.5%", "compound", 0.055, [(0.12, "doz.")], 0.0),
    ("62¢/pr. + 13.7%", "compound", 0.137, [(0.62, "pr.")], 0.0),
    ("10¢/1,000 pins + 3.5%", "compound", 0.035, [(0.1, "thousand")], 0.0),
    ("$2.50/thou- sand + 40%", "compound", 0.40, [(2.5, "thousand")], 0.0),
    ("0.18¢/line/ gross + 2.5%", "compound", 0.025, [(0.0018, "line_gross")], 0.0),
    ("22¢/kg on drained weght + 45%", "compound", 0.45, [(0.22, "kg_drained")], 0.0),
    ("3.1¢/liter + 22.1¢/pf. liter on ethyl alcohol content", "compound", 0.0,
     [(0.031, "liter"), (0.221, "pf.liter")], 0.0),
    ("13.5¢/kg + 6.3% + 1.9¢/article", "compound", 0.063, [(0.135, "kg"), (0.019, "No.")], 0.0),
    ("15¢ each + 2.3% + 0.8¢/jewel", "compound", 0.023, [(0.15, "No."), (0.008, "jewel")], 0.0),
    ("43¢ each + 2.8¢/jewel over 7 + 3.7% on the case", "compound", 0.0,
     [(0.43, "No."), (0.028, "jewel_over_7")], 0.037),
    ("0.7¢/kg on copper content + 0.7¢/kg on lead content", "compound", 0.0,
     [(0.007, "kg_copper"), (0.007, "kg_lead")], 0.0),
    ("12.8¢/kg on molybdenum content + 1.8%", "compound", 0.018, [(0.128, "kg_molybdenum")], 0.0),
    ("$1.53 each + 4.2% on the case + 9.8% on the strap, band or bracelet", "compound", 0.0,
     [(1.53, "No.")], 0.14),
    ("2.6% on the movement and case + 3.5% on the battery", "compound", 0.0, [], 0.061),
    ("2.5% on the value of the lead content", AV, 0.0, [], 0.025),
    ("6.5% on the entire set", AV, 0.065, [], 0.0),
    ("5% on the full value of the imported article", AV, 0.05, [], 0.0),
    ("1.5 percent of the fair retail value", AV, 0.0, [], 0.015),
    ("The duty provided in the applicable subheading + 25%", "base_plus", 0.25, [], 0.0),
    ("The duty provided in the applicable subheading plus 25%", "base_plus", 0.25, [], 0.0),
    ("The duty provided inthe applicable subheading+ 25%", "base_plus", 0.25, [], 0.0),
    ("The duty provided in the applicable subheading + 50%.", "base_plus", 0.5, [], 0.0),
    ("The duty provided in the applicable subheading", "base_plus", 0.0, [], 0.0),
    ("The duty provided for in the applicable subheading", "base_plus", 0.0, [], 0.0),
    ("The duty rate provided in such subheading minus 0.5%", "base_plus", -0.005, [], 0.0),
    ("The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content.",
     "base_plus", 0.0, [], 0.5),
    ("No change", "base_plus", 0.0, [], 0.0),
    ("No additional duty", "free", 0.0, [], 0.0),
    ("The rate applicable in the absence of this subheading", "base_plus", 0.0, [], 0.0),
    ("A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter)",
     "base_plus", 0.0, [], 0.0),
    ("1.4606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in "
     "proportion) but not less than 0.943854¢/kg", SP, 0.0, [(0.014606, "kg")], 0.0),
    ("4.3% + 1.7¢/jewel + 0.2¢ for each other piece or part, but if consisting in part of a plate or a "
     "set of plates the total duty shall not exceed the duty for the complete movement", "compound",
     0.043, [(0.017, "jewel"), (0.002, "piece")], 0.0),
]


@pytest.mark.parametrize("text,kind,adv,specifics,partial", CASES)
def test_parse_real_texts(text, kind, adv, specifics, partial):
    e = parse_rate(text)
    assert e.parse_error is None
    assert e.kind == kind
    assert e.adv == pytest.approx(adv)
    assert [(c.rate, c.unit) for c in e.specifics] == [(pytest.approx(r), u) for r, u in specifics]
    assert e.adv_partial == pytest.approx(partial)
    # approximate: parts on part of the value, polarity scales, caps, base rate on a partial value
    assert e.approx == (partial != 0 or any(w in text for w in ("less", "plate", "repairs")))


def test_enough_distinct_forms_in_the_table():
    assert len({t for t, *_ in CASES}) >= 40


@pytest.mark.parametrize("text,reference", [
    ("See 9921.01.01, 9921.01.02", "9921.01.01, 9921.01.02"),
    ("See 9822.09.22-9822.09.24", "9822.09.22-9822.09.24"),
    ("See additional U.S. note 1", "additional U.S. note 1"),
    ("The rate applicable to the natural juice in heading 2009", "the natural juice in heading 2009"),
    ("The duty rate provided for origin- ating goods of Colombia in such subheading",
     "originating goods of Colombia in such subheading"),
])
def test_references(text, reference):
    e = parse_rate(text)
    assert (e.kind, e.reference) == ("reference", reference)
    assert not e.computable


def test_conditions_and_base_details():
    e = parse_rate("Free, under bond, as prescribed in U.S. note 1 to this subchapter")
    assert (e.kind, e.condition) == ("free", "under bond, as prescribed in U.S. note 1 to this subchapter")
    e = parse_rate("The duty provided in subheadings 8716.39.00, 8716.90.30 or 8716.90.50 + 100%")
    assert (e.kind, e.reference, e.adv) == ("base_plus", "8716.39.00, 8716.90.30 or 8716.90.50", 1.0)
    e = parse_rate("A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter)")
    assert e.basis == "value of the repairs or alterations" and e.approx
    assert parse_rate("The duty provided in the applicable subheading + a duty of 25% upon the value of "
                      "the aluminum content").components == (Component("ad_valorem", 0.25, None, "aluminum content"),)


@pytest.mark.parametrize("text", ["", ":", "25", "kg", "Free + 5%", "5% (XX", "$/kg", "See later",
                                  "12¢/furlong", "3¢/kg on moon dust", "The duty provided in the applicable "
                                  "subheading times 2"])
def test_unreadable_text_is_text_with_a_reason(text):
    e = parse_rate(text)
    assert e.kind == "text" and e.parse_error
    assert e.adv is None and not e.computable


def test_single_program_group_and_multiple_groups():
    e = parse_rate("25% (KR)")
    assert (e.kind, e.adv, e.programs) == ("ad_valorem", 0.25, ("KR",))
    assert parse_rate("Free (A*,AU) 2.4% (JP)").parse_error.startswith("several rates")


def test_special_groups():
    sp = parse_special("Free (A*,AU,B,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)2.8% (JP)")
    assert sp.parsed
    assert [g.programs[-1] for g in sp.rates] == ["SG", "JP"]
    assert sp.rates[1].expr.adv == pytest.approx(0.028)
    sp = parse_special("Free (AU,BH, CL,CO,IL,JO,KR, MA,OM, P,PA,PE,S,SG)")
    assert sp.rates[0].programs == ("AU", "BH", "CL", "CO", "IL", "JO", "KR", "MA", "OM", "P", "PA", "PE", "S", "SG")
    sp = parse_special("No change (A) Free (CA,IL, MX) See U.S. note 3 to this sub- chapter (E) "
                       "See U.S. note 3(e) (CO,PE)")
    assert sp.parsed
    assert [(g.programs, g.expr.kind) for g in sp.rates] == [
        (("A",), "base_plus"), (("CA", "IL", "MX"), "free"), (("E",), "reference"), (("CO", "PE"), "reference")]
    sp = parse_special("Free (BH,CL,JO,MA,OM,P,PE,SG) 7.5¢/kg (KR) See 9919.04.50, 9919.04.57, 9919.04.67 (PA (PA)")
    assert sp.parsed and sp.rates[-1].programs == ("PA",)
    rows = special_rows("The duty provided in the applicable subheading + 25%")
    assert [(r["program"], r["kind"], r["adv"]) for r in rows] == [("*", "base_plus", 0.25)]
    assert not parse_special("Free (A,ZZ)").parsed
    assert not parse_special("Free (A,AU) and more").parsed
    assert not parse_special("").parsed


def test_ave_ad_valorem_specific_and_compound():
    assert ad_valorem_equivalent(parse_rate("Free"), 100.0) == (0.0, False)
    assert ad_valorem_equivalent(parse_rate("6.8%"), 100.0) == (0.068, False)
    rate, est = ad_valorem_equivalent(parse_rate("$1.035/kg + 2.4%"), 1000.0, 100.0, "kg")
    assert rate == pytest.approx(0.024 + 103.5 / 1000) and not est
    rate, est = ad_valorem_equivalent(parse_rate("$1.035/kg + 2.4%"), 1000.0, 100_000.0, "g")
    assert rate == pytest.approx(0.024 + 103.5 / 1000) and not est
    rate, est = ad_valorem_equivalent(parse_rate("12¢/doz. + 5.5%"), 120.0, 24.0, "No.")
    assert rate == pytest.approx(0.055 + 0.12 * 2 / 120) and not est


def test_ave_unit_value_gives_an_estimate():
    rate, est = ad_valorem_equivalent(parse_rate("2.2¢/kg"), 500.0, unit_value=2.0)
    assert rate == pytest.approx(0.022 * 250 / 500) and est


def test_ave_needs_the_right_quantity():
    with pytest.raises(InputError, match="needs a quantity in kg"):
        ad_valorem_equivalent(parse_rate("2.2¢/kg"), 500.0)
    with pytest.raises(InputError, match="cannot be converted"):
        ad_valorem_equivalent(parse_rate("2.2¢/kg"), 500.0, 10.0, "liter")
    with pytest.raises(InputError, match="positive"):
        ad_valorem_equivalent(parse_rate("6.8%"), 0.0)
    with pytest.raises(InputError, match="applicable subheading"):
        ad_valorem_equivalent(parse_rate("The duty provided in the applicable subheading + 25%"), 100.0)
    with pytest.raises(InputError, match="cannot be converted to an ad valorem"):
        ad_valorem_equivalent(parse_rate("See 9921.01.01"), 100.0)


def test_ave_base_plus_and_mixed_units():
    rate, est = ad_valorem_equivalent(parse_rate("The duty provided in the applicable subheading + 25%"),
                                      100.0, base_rate=0.025)
    assert rate == pytest.approx(0.275) and not est
    e = parse_rate("15¢ each + 2.3% + 0.8¢/jewel")
    rate, est = ad_valorem_equivalent(e, 100.0, {"No.": 10, "Jwls.": 170})
    assert rate == pytest.approx(0.023 + (1.5 + 1.36) / 100) and not est
    with pytest.raises(InputError, match="jewel"):
        ad_valorem_equivalent(e, 100.0, {"No.": 10})


def test_ave_upper_bounds_are_flagged():
    rate, est = ad_valorem_equivalent(parse_rate("10.1¢/kg on drained weight"), 101.0, 100.0, "kg")
    assert rate == pytest.approx(0.1) and est  # net weight used for drained weight
    rate, est = ad_valorem_equivalent(parse_rate("40¢ each + 6% on the case"), 100.0, 10.0, "No.")
    assert rate == pytest.approx(0.04 + 0.06) and est  # 6% taken on the whole value
