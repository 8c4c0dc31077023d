"""GE with gegravity on its 2006 sample: welfare changes for the U.S. and Japan; loader errors."""

from __future__ import annotations

import pytest

from tariffline.errors import InputError
from tariffline.scenarios import ge


def test_ge_on_the_sample_gives_welfare_for_us_and_japan():
    r = ge.simulate({"JP": (0.15, 0.275)})
    w = r["welfare_change"]
    assert set(w) == {"USA", "JPN"} and all(isinstance(v, float) for v in w.values())
    # a higher U.S. tariff on Japan lowers Japan's exports and real GDP (terms of trade)
    assert r["countries"]["JPN"]["exports_change_pct"] < 0 and w["JPN"] < 0
    assert "old and illustrative" in r["note"]
    same = ge.simulate({"JP": (0.15, 0.15)})
    assert all(abs(v) < 1e-6 for v in same["welfare_change"].values())


def test_user_gravity_data_in_cepii_layout(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("iso3_o,iso3_d,year,tradeflow_baci\nUSA,JPN,2020,1\n")
    with pytest.raises(InputError, match="lacks columns"):
        ge.load_gravity(p)
    with pytest.raises(InputError, match="cannot read"):
        ge.load_gravity(tmp_path / "missing.csv")
    p.write_text("exporter,importer,year,trade,lndist,contiguity,common_language,pta\nUSA,JPN,2020,nan,1,0,0,0\n")
    with pytest.raises(InputError, match="finite"):
        ge.load_gravity(p)
