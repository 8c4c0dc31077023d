"""Which HTS edition is in force on a date; datasets registered; user manifests."""

import datetime as dt

import pytest

from tariffline.data import catalog
from tariffline.errors import DataError, InputError
from tariffline.hts import editions as ed

D = dt.date


@pytest.fixture(autouse=True)
def _no_user_editions(monkeypatch):
    monkeypatch.setattr(ed, "_ADDED", {})
    monkeypatch.delenv(ed.ENV_MANIFEST, raising=False)


# Windows: USITC release list (usitc_hts_release_timeline, release_start/release_end) for 2019-2024,
# revision_dates.csv (usitc_hts_json_2025_2026_revisions) for 2025-2026; 2026 Rev 11 published
# 1 July 2026 (change record of 2026 Rev 12). End dates exclusive.
@pytest.mark.parametrize("day,name,nearest", [
    (D(2018, 1, 1), "hts_2019_rev20", True),      # before the earliest edition on hand
    (D(2019, 12, 15), "hts_2019_rev20", True),    # day before 2019 Rev 20 (release_start 2019-12-16)
    (D(2019, 12, 16), "hts_2019_rev20", False),   # first day
    (D(2019, 12, 31), "hts_2019_rev20", False),   # last day of the year (release_end 2019-12-31)
    (D(2020, 1, 1), "hts_2020_rev18", True),      # 2020 Basic not on hand: the 2020 edition on hand (EN-15)
    (D(2020, 8, 14), "hts_2020_rev18", True),     # 2020 Rev 19 not on hand: latest earlier of 2020
    (D(2022, 6, 1), "hts_2022_rev12", True),
    (D(2023, 12, 28), "hts_2023_rev11", False),   # last day of 2023 Rev 11
    (D(2023, 12, 29), "hts_2024_basic", False),   # 2024 Basic in force from 2023-12-29
    (D(2024, 11, 21), "hts_2024_rev9", False),    # last day of 2024 Rev 9
    (D(2024, 11, 22), "hts_2024_rev10", False),   # first day of 2024 Rev 10
    (D(2024, 12, 31), "hts_2024_rev10", False),
    (D(2025, 1, 1), "hts_2025_basic", False),     # first day
    (D(2025, 1, 26), "hts_2025_basic", False),    # last day before Rev 1
    (D(2025, 1, 27), "hts_2025_rev1", False),     # 2025 Rev 1: revision_dates rev_1 2025-01-27
    (D(2025, 10, 1), "hts_2025_rev25", False),    # rev_25 2025-09-26 .. rev_26 2025-10-06
    (D(2026, 2, 23), "hts_2026_rev3", False),     # day before 2026 Rev 4
    (D(2026, 2, 24), "hts_2026_rev4", False),     # first day of 2026 Rev 4
    (D(2026, 4, 5), "hts_2026_rev4", False),      # last day
    (D(2026, 4, 6), "hts_2026_rev5", False),
    (D(2026, 5, 22), "hts_2026_rev8", False),     # published 22 May 2026 (no revision_dates row)
    (D(2026, 6, 30), "hts_2026_rev10", False),    # last day before 2026 Rev 11
    (D(2026, 7, 1), "hts_2026_rev10", True),      # 2026 Rev 11: change record only
    (D(2027, 6, 1), "hts_2026_rev10", True),
])
def test_edition_for(day, name, nearest):
    e = ed.edition_for(day)
    assert (e.name, e.nearest) == (name, nearest)
    assert bool(e.note) == nearest
    if nearest:
        assert str(day) in e.note


@pytest.mark.parametrize("day,record", [
    (D(2026, 7, 1), "2026 HTS Revision 11"), (D(2026, 7, 20), "2026 HTS Revision 11"),
    (D(2026, 7, 21), "2026 HTS Revision 12"), (D(2026, 10, 8), "2026 HTS Revision 20"),
    (D(2026, 10, 9), "2026 HTS Revision 21"),  # USITC archive list: Revision 21 (October 9, 2026)
])
def test_dates_after_the_last_full_edition_name_the_revision_in_force(day, record):
    e = ed.edition_for(day)
    assert e.nearest and e.note == (f"edition in force on {day} ({record}) not on hand (only its change "
                                    "record); column 1 from 2026 HTS Revision 10")


def test_editions_sorted_and_registered_as_datasets():
    eds = ed.editions()
    assert len(eds) == 53 and eds[0].name == "hts_2019_rev20" and eds[-1].name == "hts_2026_rev10"
    assert [e.effective_from for e in eds] == sorted(e.effective_from for e in eds)
    for prev, nxt in zip(eds, eds[1:]):  # windows never overlap
        assert prev.effective_to <= nxt.effective_from
    for e in eds:
        ds = catalog.get(e.dataset)
        assert ds.publisher == "U.S. International Trade Commission"
        assert ds.url.startswith("https://www.usitc.gov/sites/default/files/tata/hts/")
        assert {"edition", "release", "effective_from", "effective_to", "dates_source"} <= set(ds.meta)
        assert len(ds.sha256) == 64
    # the JSON export (with footnotes) wins over the CSV of the same edition
    assert ed.edition_named("hts_2026_rev4").dataset == "hts_2026_rev4_json"
    assert ed.edition_named("hts_2025_basic").dataset == "hts_2025_basic_json"
    assert catalog.get("hts_2026_rev4_json").member == "hts_2026_rev_4.json"


def test_edition_named():
    assert ed.edition_named("2026HTSRev4").name == "hts_2026_rev4"
    with pytest.raises(InputError, match="unknown HTS edition"):
        ed.edition_named("2019HTSBasic")
    assert ed.edition_named("2019HTSARev20").name == "hts_2019_rev20"


def test_manifest_adds_editions(tmp_path, monkeypatch):
    (tmp_path / "hts_2019.csv").write_text("x")
    manifest = tmp_path / "editions.yaml"
    manifest.write_text("- path: hts_2019.csv\n  edition: 2019 HTS Basic Edition\n"
                        "  release: 2019HTSABASIC\n  effective_from: 2019-01-01\n  effective_to: 2019-02-01\n")
    monkeypatch.setenv(ed.ENV_MANIFEST, str(manifest))
    first = ed.editions()[0]
    assert (first.edition, first.effective_from, first.confidence) == ("2019 HTS Basic Edition", D(2019, 1, 1), "uncertain")
    assert ed.edition_for(D(2019, 1, 31)).edition == "2019 HTS Basic Edition"
    assert ed.edition_for(D(2019, 2, 1)).nearest


@pytest.mark.parametrize("text,message", [
    ("- path: missing.csv\n  edition: x\n  effective_from: 2019-01-01\n", "does not exist"),
    ("- path: f.csv\n  edition: x\n", "effective_from"),
    ("- path: f.csv\n  edition: x\n  effective_from: 2019-01-01\n  colour: red\n", "colour"),
    ("{a: [", "not valid YAML"),
    ("path: f.csv\n", "must be a list"),
])
def test_bad_manifests(tmp_path, text, message):
    (tmp_path / "f.csv").write_text("x")
    manifest = tmp_path / "m.yaml"
    manifest.write_text(text)
    with pytest.raises((DataError, InputError), match=message):
        ed.load_manifest(manifest)


def test_add_edition_checks_dates(tmp_path):
    (tmp_path / "f.csv").write_text("x")
    with pytest.raises(InputError, match="not after"):
        ed.add_edition(tmp_path / "f.csv", edition="x", effective_from=D(2020, 2, 1), effective_to=D(2020, 1, 1))


# 9903 lines per edition: usitc_hts_json_2025_2026_revisions/PROVENANCE.md, per-edition counts table
@pytest.mark.parametrize("name,n9903", [("hts_2025_basic", 447), ("hts_2025_rev18", 619),
                                        ("hts_2026_rev4", 712), ("hts_2026_rev5", 489), ("hts_2026_rev10", 502)])
def test_chapter_99_lines_with_general_text_and_footnotes(name, n9903):
    import polars as pl

    from tariffline.hts.loader import load_edition

    lines = load_edition(name).lines.filter(pl.col("hts").str.starts_with("9903"))
    assert lines.height == n9903
    assert lines.filter(pl.col("footnotes").list.len() > 0).height > 0  # the JSON export keeps footnotes
    if name != "hts_2025_basic":  # PROVENANCE spot check: 9903.01.53 (Japan, "+ 24%") from April 2025
        jp = lines.filter(pl.col("hts") == "99030153").row(0, named=True)
        assert jp["general_text"].endswith("+ 24%")
