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


@pytest.mark.parametrize("day,name,nearest", [
    (D(2018, 1, 1), "hts_2025_basic", True),      # before the earliest edition on hand
    (D(2024, 12, 31), "hts_2025_basic", True),    # day before the 2025 Basic edition
    (D(2025, 1, 1), "hts_2025_basic", False),     # first day
    (D(2025, 1, 26), "hts_2025_basic", False),    # last day before Rev 1
    (D(2025, 1, 27), "hts_2025_basic", True),     # Rev 1 .. 2026 Rev 3 are not on hand
    (D(2025, 10, 1), "hts_2025_basic", True),
    (D(2026, 2, 23), "hts_2025_basic", True),     # day before 2026 Rev 4
    (D(2026, 2, 24), "hts_2026_rev4", False),     # first day of 2026 Rev 4
    (D(2026, 4, 5), "hts_2026_rev4", False),      # last day
    (D(2026, 4, 6), "hts_2026_rev4", True),       # Rev 5 not on hand
    (D(2027, 6, 1), "hts_2026_rev4", True),
])
def test_edition_for(day, name, nearest):
    e = ed.edition_for(day)
    assert (e.name, e.nearest) == (name, nearest)
    assert bool(e.note) == nearest
    if nearest:
        assert str(day) in e.note


def test_editions_sorted_and_registered_as_datasets():
    names = [e.name for e in ed.editions()]
    assert names == ["hts_2025_basic", "hts_2026_rev4"]
    for name in names:
        ds = catalog.get(name)
        assert ds.publisher == "U.S. International Trade Commission"
        assert ds.url.startswith("https://www.usitc.gov/sites/default/files/tata/hts/")
        assert {"edition", "release", "effective_from", "effective_to", "dates_source"} <= set(ds.meta)
        assert len(ds.sha256) == 64


def test_edition_named():
    assert ed.edition_named("2026HTSRev4").name == "hts_2026_rev4"
    with pytest.raises(InputError, match="unknown HTS edition"):
        ed.edition_named("2019HTSBasic")


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
