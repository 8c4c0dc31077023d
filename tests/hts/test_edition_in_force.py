"""Column 1 from the HTS edition in force on each row's entry date (golden dated tables).

Expected rates are read from the editions themselves (USITC exports in the mirror):
- the lines below are the ones whose General rate differs between consecutive editions on hand
  (found by comparing the files; between 2021 Rev 12 .. 2024 Rev 10 and between the 2025-2026
  revisions no General rate of chapters 1-97 changes);
- windows: USITC release list (usitc_hts_release_timeline) for 2019-2024, revision_dates.csv
  (usitc_hts_json_2025_2026_revisions) for 2025-2026 (ASSUMPTIONS HTS-21, HTS-23).
Origin GB (no preference programme, no additional measure on these goods on these dates);
preferences are not claimed so the layer is the General (MFN) rate.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
import re
from pathlib import Path

import polars as pl
import pytest

from tariffline.engine import compute_duties

D = dt.date
MIRROR = Path(os.environ.get("TARIFFLINE_MIRROR", "")) / "usitc_hts_csv_2019_2025"


def _mfn(rows: list[tuple[str, dt.date]], origin: str = "GB") -> list[dict]:
    df = pl.DataFrame({"hts": [h for h, _ in rows], "origin": [origin] * len(rows),
                       "entry_date": [d for _, d in rows], "value": [10000.0] * len(rows)})
    res = compute_duties(df, claim_preferences=False)
    out = []
    for i in range(len(rows)):
        tot = res.totals.row(i, named=True)
        layer = res.layers.filter((pl.col("row_id") == i) & (pl.col("authority") == "MFN")).to_dicts()
        out.append({"error": tot["error"], "edition": tot["edition"], "notes": tot["notes"] or [],
                    "flags": tot["flags"] or [], "rate": layer[0]["rate"] if layer else None,
                    "citation": layer[0]["citation"] if layer else ""})
    return out


# (hts, day, expected General rate, edition that answers, flagged edition fallback?, source)
CASES = [
    # 1604.20.05 (fish pastes, lobster): 10% in 2020 Rev 18, 5% in 2021 Rev 12
    # days in force of no edition on hand use the nearest edition of the same HTS year (EN-15)
    ("1604.20.05", D(2020, 7, 29), 0.10, "hts_2020_rev18", True, "2020 Rev 18 General '10%' (earliest of 2020 on hand)"),
    ("1604.20.05", D(2020, 7, 30), 0.10, "hts_2020_rev18", False, "2020 Rev 18 General '10%', first day"),
    ("1604.20.05", D(2020, 8, 13), 0.10, "hts_2020_rev18", False, "2020 Rev 18, last day"),
    ("1604.20.05", D(2020, 8, 14), 0.10, "hts_2020_rev18", True, "2020 Rev 19 not on hand: 2020 Rev 18, flagged"),
    ("1604.20.05", D(2020, 12, 31), 0.10, "hts_2020_rev18", True, "2020 Rev 18: latest earlier edition of 2020"),
    ("1604.20.05", D(2021, 12, 6), 0.05, "hts_2021_rev12", True, "day before 2021 Rev 12: the 2021 edition on hand"),
    ("1604.20.05", D(2021, 12, 7), 0.05, "hts_2021_rev12", False, "2021 Rev 12 General '5%', first day"),
    ("1604.20.05", D(2022, 11, 30), 0.05, "hts_2022_rev12", False, "2022 Rev 12 General '5%'"),
    # 3214.90.50.00 (mastics): 6.5% -> 3.25%, same editions
    ("3214.90.50.00", D(2020, 7, 30), 0.065, "hts_2020_rev18", False, "2020 Rev 18 General '6.5%'"),
    ("3214.90.50.00", D(2020, 8, 14), 0.065, "hts_2020_rev18", True, "day after 2020 Rev 18 ends"),
    ("3214.90.50.00", D(2021, 12, 6), 0.0325, "hts_2021_rev12", True, "day before 2021 Rev 12 (2021 edition)"),
    ("3214.90.50.00", D(2021, 12, 7), 0.0325, "hts_2021_rev12", False, "2021 Rev 12 General '3.25%'"),
    # 9613.10.00.00 (pocket lighters): 8% -> 4%
    ("9613.10.00.00", D(2020, 8, 13), 0.08, "hts_2020_rev18", False, "2020 Rev 18 General '8%'"),
    ("9613.10.00.00", D(2021, 12, 6), 0.04, "hts_2021_rev12", True, "2021 Rev 12 General '4%' (2021 edition)"),
    ("9613.10.00.00", D(2021, 12, 7), 0.04, "hts_2021_rev12", False, "2021 Rev 12 General '4%'"),
    # 6505.00.01.00 (hair-nets): 6.4% in 2024 Rev 10, 9.4% from the 2025 Basic Edition
    ("6505.00.01.00", D(2024, 11, 21), 0.064, "hts_2024_rev9", False, "2024 Rev 9 General '6.4%', last day"),
    ("6505.00.01.00", D(2024, 11, 22), 0.064, "hts_2024_rev10", False, "2024 Rev 10 General '6.4%', first day"),
    ("6505.00.01.00", D(2024, 12, 31), 0.064, "hts_2024_rev10", False, "2024 Rev 10, last day"),
    ("6505.00.01.00", D(2025, 1, 1), 0.094, "hts_2025_basic", False, "2025 Basic JSON General '9.4%', first day"),
    ("6505.00.01.00", D(2026, 6, 7), 0.094, "hts_2026_rev9", False, "2026 Rev 9, last day"),
    ("6505.00.01.00", D(2026, 6, 8), 0.094, "hts_2026_rev10", False, "2026 Rev 10, first day"),
    ("6505.00.01.00", D(2026, 6, 30), 0.094, "hts_2026_rev10", False, "2026 Rev 10, last day before Rev 11"),
    ("6505.00.01.00", D(2026, 7, 1), 0.094, "hts_2026_rev10", True, "2026 Rev 11 (change record only): flagged"),
]


@pytest.fixture(scope="module")
def results():
    return _mfn([(h, d) for h, d, *_ in CASES])


@pytest.mark.parametrize("i", range(len(CASES)), ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_rate_from_the_edition_in_force(results, i):
    hts, day, rate, edition, flagged, source = CASES[i]
    got = results[i]
    assert got["error"] is None, got["error"]
    assert got["rate"] == pytest.approx(rate), source
    assert got["edition"] == edition, source
    assert ("edition_fallback" in got["flags"]) == flagged, (source, got["notes"])


def test_after_rev10_the_revision_in_force_is_named():
    # 2026 Rev 14 published 31 July 2026 (change record of 2026 Rev 15); no full edition on hand
    got = _mfn([("6505.00.01.00", D(2026, 8, 1))])[0]
    assert ("edition in force on 2026-08-01 (2026 HTS Revision 14) not on hand (only its change record); "
            "column 1 from 2026 HTS Revision 10") in got["notes"]
    assert "edition_fallback" in got["flags"]


def _general_2019(code: str) -> str:
    """The General rate text of ``code`` in the 2019 Rev 20 CSV, read plainly (no tariffline code)."""
    with gzip.open(MIRROR / "hts_2019_rev_20_data_csv.csv.gz", "rt", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["HTS Number"].strip() == code:
                return re.sub(r"<[^>]*>", "", row["General Rate of Duty"]).strip()
    raise AssertionError(f"{code} not in the 2019 file")


def _codes(file: str) -> set[str]:
    with gzip.open(MIRROR / file, "rt", encoding="utf-8-sig") as fh:
        return {row["HTS Number"].strip() for row in csv.DictReader(fh)}


def test_2019_row_with_a_code_deleted_in_hs2022_uses_the_2019_edition():
    # 1202.42.80 (peanuts, shelled, over quota): in 2019 Rev 20 and 2021 Rev 12, absent from
    # 2022 Rev 12 on (HS 2022). 2019 Rev 20 prints General "131.8%".
    assert "1202.42.80" in _codes("hts_2021_revision_basic_12_csv.csv.gz")
    assert "1202.42.80" not in _codes("hts_2022_revision_12_csv.csv.gz")
    text = _general_2019("1202.42.80")
    assert text == "131.8%"
    expected = float(text.rstrip("%")) / 100
    in_force, before = _mfn([("1202.42.80", D(2019, 12, 20)), ("1202.42.80", D(2019, 6, 1))])
    assert in_force["rate"] == pytest.approx(expected) and in_force["edition"] == "hts_2019_rev20"
    assert "2019 HTS Revision 20" in in_force["citation"]
    assert not in_force["flags"]
    # mid-2019: 2019 Rev 5..19 are not on hand; the earliest edition answers, flagged
    assert before["rate"] == pytest.approx(expected) and "edition_fallback" in before["flags"]


def test_deleted_code_after_its_deletion_is_answered_from_another_edition_flagged():
    got = _mfn([("1202.42.80", D(2023, 10, 1))])[0]
    assert got["error"] is None and got["edition"] == "hts_2021_rev12"  # nearest edition holding it
    assert "line_fallback" in got["flags"]
    assert "code not in the edition in force; rates from edition hts_2021_rev12" in got["notes"]


def test_2018_row_uses_the_earliest_edition_flagged():
    got = _mfn([("1604.20.05", D(2018, 3, 1))])[0]
    assert got["rate"] == pytest.approx(0.10) and got["edition"] == "hts_2019_rev20"
    assert "2018-03-01 is before the earliest HTS edition on hand; 2019 HTS Revision 20" in got["notes"][0]


def test_code_in_no_edition_is_an_error_naming_the_edition_in_force():
    got = _mfn([("0101.99.99", D(2025, 3, 1))])[0]
    assert got["error"] and "2025 HTS Revision 3" in got["error"] and "nor in any edition" in got["error"]


def test_a_lookup_parses_only_the_edition_it_needs(tmp_path, monkeypatch):
    from tariffline import api
    from tariffline.engine import column1
    from tariffline.hts import loader

    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    column1._edition_full.cache_clear()
    loader._load_cached.cache_clear()
    res = api.duty("8703.23.01", origin="GB", date="2026-03-01", value=1000)
    assert res["edition"] == "hts_2026_rev4"
    assert len(list((tmp_path / "parsed").glob("hts-*/manifest.json"))) == 1
    column1._edition_full.cache_clear()


def test_law_currency_reports_change_records_beside_the_newest_full_edition():
    from tariffline.law import law_currency

    law = law_currency()
    assert (law.newest_edition, law.newest_edition_from) == ("2026 HTS Revision 10", D(2026, 6, 8))
    # USITC archive list: "2026 HTS Revision 21 (October 9, 2026)"
    assert (law.change_records_through, law.change_records_through_date) == ("2026 HTS Revision 21", D(2026, 10, 9))
    assert law.as_dict()["change_records_through"] == "2026 HTS Revision 21"
