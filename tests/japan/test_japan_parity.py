"""Parity for both editions on selected chapters, checked line by line by hand, with and
without trade weights; and the Census export-statistics loader the weights come from."""

import json

import pytest

from tariffline.errors import InputError
from tariffline.japan import api
from tariffline.japan.exports import read_exports

COMPS = ["AU", "CA", "EU", "CN"]


@pytest.fixture(scope="module")
def p2025():
    return api.parity("2025-06-01", chapters=["02", "04", "10", "22"], competitors=COMPS, as_frames=True)


@pytest.fixture(scope="module")
def p2026():
    return api.parity("2026-07-10", chapters=["02", "04"], competitors=COMPS, as_frames=True)


def pair(res, line, comp):
    df = res["rows"]
    hit = df.filter((df["line"] == line) & (df["competitor"] == comp))
    return hit.row(0, named=True) if hit.height else None


def test_whey_eu_slightly_ahead_2025(p2025):
    # US 13.3% + 21.33 yen/kg vs EU 12.8% + 20.40 yen/kg at 1,000 yen/kg: 15.433% vs 14.84%
    r = pair(p2025, "040410126", "EU")
    assert r["margin_pp"] == pytest.approx(0.593) and r["estimate"]
    assert r["us_preference"] == "USJTA"
    assert pair(p2025, "040410126", "AU") is None  # CPTPP = USJTA on this line


def test_beef_is_at_parity(p2025, p2026):
    for res in (p2025, p2026):
        for comp in COMPS:
            assert pair(res, "020130010", comp) is None
    assert pair(p2026, "020621000", "EU") is None  # EU tongue 1.3% > U.S. 1.2%


def test_other_bovine_offal_us_has_no_preference(p2026):
    r = pair(p2026, "020610090", "AU")
    assert r["us_program"] == "MFN" and r["us_preference"] == "none"
    assert r["margin_pp"] == pytest.approx(21.3 - 9.3)


def test_quota_dairy_and_rice_listed_without_us_preference(p2025):
    nop = p2025["us_without_preference"]
    butter = nop.filter(nop["hs6"] == "040510")
    assert butter.height > 0 and all("AU" in c for c in butter["competitors_with_access"])
    rice = nop.filter(nop["line"] == "100630010").row(0, named=True)
    assert "AU" in rice["competitors_with_access"] and rice["competitors_lower"] == ""


def test_wine_parity(p2025):
    # U.S., CPTPP and EU still wine all free in JFY2025; China pays RCEP 10.3% or 85.94 yen/l
    for comp in ("AU", "EU", "CN"):
        assert pair(p2025, "220421020", comp) is None


def test_summaries(p2025):
    by_comp = {r["competitor"]: r for r in p2025["by_competitor"].iter_rows(named=True)}
    assert by_comp["EU"]["lines_behind"] >= by_comp["CN"]["lines_behind"] > 0
    by_ch = {r["chapter"]: r for r in p2025["by_chapter"].iter_rows(named=True)}
    assert set(by_ch) <= {"02", "04", "10", "22"} and by_ch["04"]["lines_behind"] > 0
    assert p2025["edition"] == "2025_04_01"


def test_trade_weights_join_once_per_hs6(tmp_path):
    rows = [["E_COMMODITY", "COMM_LVL", "ALL_VAL_MO", "ALL_VAL_YR", "CTY_CODE", "time"],
            ["0404100000", "HS10", "10", "1000", "5880", "2024-12"],
            ["0404109000", "HS10", "10", "500", "5880", "2024-12"],
            ["0404100000", "HS10", "10", "999", "5700", "2024-12"]]
    f = tmp_path / "exports.json"
    f.write_text(json.dumps(rows))
    res = api.parity("2025-06-01", chapters=["04"], competitors=["EU"], exports_file=f, as_frames=True)
    whey = res["rows"].filter(res["rows"]["line"] == "040410126")
    assert whey["exports_usd"].item() == pytest.approx(1500.0)
    eu = res["by_competitor"].row(0, named=True)
    assert eu["us_exports_usd"] == pytest.approx(1500.0)


def test_parity_needs_an_edition():
    with pytest.raises(InputError, match="parity needs a schedule edition"):
        api.parity("2028-06-01", chapters=["02"])
    with pytest.raises(InputError, match="chapter"):
        api.parity("2025-06-01", chapters=["2a"])


def test_exports_csv_and_monthly_values():
    text = "E_COMMODITY,ALL_VAL_MO,time\n020130,100,2024-01\n020130,50,2024-02\n020230,7,2024-02\n"
    df = read_exports(text)
    assert dict(zip(df["hs6"], df["exports_usd"])) == {"020130": 150.0, "020230": 7.0}


@pytest.mark.parametrize("text,msg", [
    ("", "no data rows"),
    ("[1, 2]", "list of rows"),
    ("HS,VAL\n020130,1", "E_COMMODITY"),
    ("E_COMMODITY,CTY_CODE,ALL_VAL_MO\n020130,5700,1", "no rows for Japan"),
    ("E_COMMODITY,ALL_VAL_MO\n0201,1", "HS-6"),
    ("E_COMMODITY,ALL_VAL_MO\n02013X,1", "not an HS code"),
    ("E_COMMODITY,ALL_VAL_MO\n020130,x", "not a number"),
    ("E_COMMODITY,QTY\n020130,1", "ALL_VAL"),
])
def test_exports_errors(text, msg):
    with pytest.raises(InputError, match=msg):
        read_exports(text)
