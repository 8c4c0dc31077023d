"""The applicable rate: golden table for chilled boneless beef (issue 3 'Done when'), the 2021
safeguard days, MFN/temporary/WTO precedence, branches (country, season, quota), errors."""

import datetime as dt
import gzip
import json

import pytest

from tariffline.errors import InputError, PolicyError
from tariffline.japan import api
from tariffline.japan.duty import valuation
from tariffline.japan.lookup import EditionSet, _mfn_from_row, rates

D = dt.date
VAL = valuation()
ES = EditionSet()


def best(hs, origin, day, quota="in"):
    r = rates(hs, origin, day, valuation(quota=quota), ES)[0]
    return r


# Chilled boneless beef 0201.30: (date, origin) -> (program, rate). Sources in the rule files.
GOLDEN = {
    ("2020-01-01", "US"): ("USJTA", 0.266), ("2020-01-01", "AU"): ("CPTPP", 0.266),
    ("2020-01-01", "EU"): ("EU_EPA", 0.267), ("2020-01-01", "CN"): ("MFN", 0.385),
    ("2021-03-20", "US"): ("MFN", 0.385), ("2021-03-20", "AU"): ("CPTPP", 0.258),
    ("2021-03-20", "EU"): ("EU_EPA", 0.258), ("2021-03-20", "CN"): ("MFN", 0.385),
    ("2025-06-01", "US"): ("USJTA", 0.216), ("2025-06-01", "AU"): ("CPTPP", 0.216),
    ("2025-06-01", "EU"): ("EU_EPA", 0.217), ("2025-06-01", "CN"): ("MFN", 0.385),
    ("2026-06-01", "US"): ("USJTA", 0.208), ("2026-06-01", "AU"): ("CPTPP", 0.208),
    ("2026-06-01", "EU"): ("EU_EPA", 0.208), ("2026-06-01", "CN"): ("MFN", 0.385),
}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_chilled_boneless_beef_golden(key):
    day, origin = key
    for r in rates("0201.30", origin, D.fromisoformat(day), VAL, ES):
        assert r.best.program == GOLDEN[key][0]
        assert r.best.ave == pytest.approx(GOLDEN[key][1])


def test_china_has_no_rcep_beef_preference():
    r = best("0201.30.010", "CN", D(2025, 6, 1))
    assert "RCEP_CN" in r.no_preference


def test_jfy2033_is_a_staged_unpublished_rate():
    r = best("0201.30.010", "US", D(2033, 6, 1))
    assert r.best.program == "USJTA" and r.best.ave == pytest.approx(0.09)
    assert r.best.staged and r.basis == "staging"
    assert any("not yet published" in f for f in r.flags)


@pytest.mark.parametrize("day,program,rate", [
    ("2021-03-17", "USJTA", 0.258),  # day before the safeguard
    ("2021-03-18", "MFN", 0.385),    # first day: USJTA raised to 38.5% (= MFN)
    ("2021-04-16", "MFN", 0.385),    # last day
    ("2021-04-17", "USJTA", 0.250),  # JFY2021 cut, delayed to the day after
])
def test_2021_safeguard_days(day, program, rate):
    r = best("0202.30.090", "US", D.fromisoformat(day))
    assert (r.best.program, r.best.ave) == (program, pytest.approx(rate))
    usjta = next(c for c in r.candidates if c.program == "USJTA")
    assert (usjta.basis == "safeguard") == (program == "MFN")


def test_derived_years_are_flagged_uncertain():
    r = best("0201.30.010", "US", D(2023, 6, 1))
    assert r.best.ave == pytest.approx(0.233) and r.best.derived and r.confidence == "uncertain"


def row(general="", temporary="", wto=""):
    return {"rate:基本": general, "rate:暫定": temporary, "rate:WTO協定": wto}


@pytest.mark.parametrize("cells,expected", [
    (row("(50%)", "38.5%", "(50%)"), 0.385),   # temporary replaces general; WTO higher
    (row("10%", "", "8.5%"), 0.085),           # WTO lower than general
    (row("5%", "3%", "4%"), 0.03),             # temporary lower than WTO
    (row("12%", "", ""), 0.12),                # general only
    (row("無税", "", "(一部2%〜3.5%)"), 0.0),   # partial WTO binding does not raise a free rate
])
def test_mfn_precedence(cells, expected):
    pr, _ = _mfn_from_row(cells, "MFN", frozenset(), D(2025, 6, 1), VAL, "test")
    assert pr.ave == pytest.approx(expected)


def test_national_only_for_origins_without_wto_rates():
    pr, _ = _mfn_from_row(row("10%", "", "8.5%"), "NATIONAL", frozenset(), D(2025, 6, 1), VAL, "t")
    assert pr.ave == pytest.approx(0.10)


def test_country_specific_cptpp_treatment():
    my = best("4412.31.111", "MY", D(2026, 7, 10))
    ca = best("4412.31.111", "CA", D(2026, 7, 10))
    cands = {c.program: c.ave for c in my.candidates}
    assert cands["CPTPP"] == pytest.approx(0.05)
    assert {c.program: c.ave for c in ca.candidates}["CPTPP"] == pytest.approx(0.018)


def test_seasonal_lines_follow_the_date():
    summer = best("0805.10", "CN", D(2025, 7, 1))
    winter = best("0805.10", "CN", D(2026, 1, 15))
    assert summer.best.ave == pytest.approx(0.16) and winter.best.ave == pytest.approx(0.32)
    assert summer.season == "06-01..11-30"


def test_quota_assumption_for_processed_cheese():
    inq = best("0406.30", "US", D(2026, 7, 10), quota="in")
    outq = best("0406.30", "US", D(2026, 7, 10), quota="out")
    assert inq.best.ave == pytest.approx(0.072) and "in-quota" in inq.best.notes[0]
    assert outq.best.ave == pytest.approx(0.40)


def test_specific_duties_are_estimates_at_stated_unit_values():
    r = rates("0210.20", "US", D(2026, 7, 10), valuation({"kg": 1615.0}), ES)[0]
    assert r.best.program == "MFN" and r.best.estimate
    assert r.best.ave == pytest.approx(161.5 / 1615.0)


def test_api_json_shape():
    out = api.rate("0201.30.010", "US", "2025-06-01")
    assert out[0]["rate"] == pytest.approx(0.216) and out[0]["program"] == "USJTA"
    assert out[0]["specific"] == [] and "2025_04_01" in out[0]["source"]
    spec = api.rate("0210.20", "EU", "2026-07-10")[0]
    assert spec["specific"] == [{"amount": 95.43, "currency": "JPY", "per": "kg"}]


@pytest.mark.parametrize("hs,origin,day,error", [
    ("9999", "US", "2025-06-01", InputError),
    ("0201.3", "US", "2025-06-01", InputError),
    ("0201.30", "KP", "2025-06-01", PolicyError),
    ("0201.30", "Narnia", "2025-06-01", InputError),
    ("0201.30", "US", "2019-12-31", InputError),
    ("8703.23", "US", "2028-06-01", PolicyError),
    ("0201.30", "US", "2025-13-01", InputError),
])
def test_bad_input(hs, origin, day, error):
    with pytest.raises(error):
        api.rate(hs, origin, day)


def test_later_edition_from_a_file(tmp_path):
    chapter = [{"level": 0, "stat_code": "0201.30", "hs_code": "010", "desc": "ロイン",
                "rate": {"暫定": "38.5%", "WTO協定": "(50%)", "EPA_日米貿易協定": "20%", "EPA_CPTPP": "20%"},
                "unit": {}, "law": [], "children": []}]
    path = tmp_path / "japan_tariff_2027_04_01.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"source_version": "2027_04_01", "chapters": {"02": chapter}}).encode()))
    out = api.rate("0201.30.010", "US", "2027-06-01", edition_file=path)
    assert out[0]["basis"] == "edition" and out[0]["edition"] == "2027_04_01"
    assert out[0]["rate"] == pytest.approx(0.20)
    with pytest.raises(InputError):
        api.rate("0201.30.010", "US", "2027-06-01", edition_date="2027-04-01")
