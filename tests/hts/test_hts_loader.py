"""The loader on the real USITC exports in the mirror (counts from each PROVENANCE.md)."""

import datetime as dt

import polars as pl
import pytest

from tariffline.errors import InputError
from tariffline.hts.editions import edition_for
from tariffline.hts.loader import load_edition, normalize_hts

# PROVENANCE.md: numbered rows by digit length; rows whose Special text lists JP.
COUNTS = {
    "hts_2026_rev4": {4: 961, 6: 2093, 8: 6897, 10: 19856},
    "hts_2025_basic": {4: 961, 6: 2093, 8: 7057, 10: 19731},
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_numbered_rows_by_digit_length(name):
    lines = load_edition(name).lines
    got = dict(lines.group_by("level").len().iter_rows())
    assert got == COUNTS[name]
    assert lines.get_column("hts").is_unique().all()


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_jp_indicator_rows(name):
    lines = load_edition(name).lines
    own_jp = lines.filter(pl.col("special_text").str.contains(r"[(,\s]JP[,)\s]"))
    assert own_jp.height == 259
    special = load_edition(name).special
    jp = special.filter(pl.col("program") == "JP")
    # every line that lists JP itself has a JP row; 10-digit children inherit it
    assert set(own_jp.get_column("hts")) <= set(jp.get_column("hts"))
    assert special.select(["hts", "program"]).is_unique().all()


def test_japan_staged_lines_in_chapter_99():
    ed = load_edition("hts_2026_rev4")
    sp = ed.special.filter(pl.col("hts").is_in(["99210101", "99210102"])).sort("hts")
    assert sp.select("program", "kind", "adv").rows() == [("JP", "ad_valorem", 0.014), ("JP", "free", 0.0)]
    nine_nine_03 = ed.lines.filter(pl.col("hts").str.starts_with("990303"))
    assert nine_nine_03.height == 11
    assert ed.line("9903.03.01")["gen_kind"] == "base_plus" and ed.line("9903.03.01")["gen_adv"] == 0.1
    assert load_edition("hts_2025_basic").lines.filter(pl.col("hts").str.starts_with("990303")).height == 0


def test_ten_digit_lines_inherit_from_their_eight_digit_line():
    ed = load_edition("hts_2026_rev4")
    parent = ed.line("8703.23.01")
    child = ed.line("8703230110")
    assert parent["general_text"] == "2.5%" and child["general_text"] == ""
    assert child["eff_general_text"] == "2.5%" and child["general_from"] == "87032301"
    assert child["eff_special_text"] == parent["special_text"] and child["special_from"] == "87032301"
    assert child["eff_column2_text"] == "10%" and child["parent_hts"] == "87032301"
    assert (child["gen_kind"], child["gen_adv"], child["col2_adv"]) == ("ad_valorem", 0.025, 0.1)
    # an unnumbered superior row sits between 0102.21.00 and its statistical lines
    dairy_male = ed.line("0102.21.00.10")
    assert dairy_male["general_from"] == "01022100" and dairy_male["eff_general_text"] == "Free"
    assert "Dairy:" in dairy_male["path_description"]
    # every 10-digit line with a rate got it from its own 8-digit line or itself
    ten = ed.lines.filter((pl.col("level") == 10) & pl.col("general_from").is_not_null())
    assert ten.filter(~pl.col("hts").str.starts_with(pl.col("general_from"))).height == 0


def test_flat_columns_for_specific_and_compound_rates():
    ed = load_edition("hts_2025_basic")
    cows = ed.line("0102.29.40")  # "1¢/kg"
    assert (cows["gen_kind"], cows["gen_adv"], cows["gen_specific"], cows["gen_specific_unit"]) == \
        ("specific", 0.0, 0.01, "kg")
    assert cows["col2_specific"] == pytest.approx(0.055)
    comp = ed.lines.filter(pl.col("eff_general_text") == "$1.035/kg + 13.6%").row(0, named=True)
    assert (comp["gen_kind"], comp["gen_adv"], comp["gen_specific"]) == ("compound", 0.136, 1.035)
    assert ed.lines.get_column("gen_parse_error").drop_nulls().len() == 0


def test_line_lookup_accepts_spellings_and_explains_misses():
    ed = load_edition("hts_2026_rev4")
    for spelling in ("8703.23.01", "87032301", " 8703 23 01 ", "8703.23.01.10", "8703230110"):
        assert ed.line(spelling)["hts"] == normalize_hts(spelling)
    with pytest.raises(InputError, match=r"'8703\.23\.01\.99' is not in 2026 HTS Revision 4; nearest existing "
                                         r"codes: 8703\.23\.01, 8703\.23\.01\.10"):
        ed.line("8703.23.01.99")
    with pytest.raises(InputError, match="malformed"):
        ed.line("8703.2x")


@pytest.mark.parametrize("bad,why", [("8703.2", "got 5"), ("87a3.23", "unexpected character"),
                                     ("", "empty"), ("8703..23", "misplaced dots"), ("12345678901", "got 11")])
def test_normalize_hts_rejects_malformed(bad, why):
    with pytest.raises(InputError, match=why):
        normalize_hts(bad)


def test_cache_returns_the_same_object():
    assert load_edition("hts_2026_rev4") is load_edition("2026HTSRev4")


def test_load_by_edition_info_shares_the_cache():
    info = edition_for(dt.date(2020, 3, 1))  # 2020 Rev 4/5 in force; not on hand
    assert info.nearest and info.name == "hts_2020_rev18"
    assert load_edition(info) is load_edition("hts_2020_rev18")


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_eight_digit_lookup_and_subheadings(name):
    ed = load_edition(name)
    truck = ed.line("8704.21.01")  # printed only as 8704.21.01.00
    assert truck["hts"] == "8704210100" and truck["gen_adv"] == 0.25
    subs = ed.subheadings
    assert subs.get_column("hts8").is_unique().all()
    assert subs.filter(pl.col("hts8") == "87032301").get_column("hts").to_list() == ["87032301"]
    # rates are set per 8-digit subheading: all its lines share the effective General text
    per8 = ed.lines.filter(pl.col("hts8").is_not_null()).group_by("hts8").agg(pl.col("eff_general_text").n_unique())
    assert per8.filter(pl.col("eff_general_text") > 1).height == 0
    assert subs.height == per8.height
