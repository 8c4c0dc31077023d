"""Loading editions: the mirror's combined JSON, a later edition from a path (file or the
repository's chapter directory), inheritance of national columns, seasons, errors."""

import datetime as dt
import gzip
import json

import pytest

from tariffline.errors import DataError, InputError
from tariffline.japan.schedule import (
    find_lines,
    jfy,
    load_edition,
    normalise_hs,
    read_edition_path,
    registered_editions,
)


def node(stat, hs, desc, rate=None, children=()):
    return {"level": 0, "stat_code": stat, "hs_code": hs, "desc": desc, "rate": rate or {},
            "unit": {"I": "", "II": "KG"}, "law": [], "children": list(children)}


CHAPTER_02 = [node("02.01", "", "牛の肉", children=[
    node("0201.30", "", "骨付きでない肉", {"基本": "(50%)", "暫定": "38.5%", "WTO協定": "(50%)"}, [
        node("0201.30", "010", "− ロインのもの", {"EPA_日米貿易協定": "19.9%", "EPA_CPTPP": "19.9%"}),
        node("0201.30", "090", "− その他のもの", {"暫定": "30%", "EPA_日米貿易協定": "19.9%"}),
    ])])]
CHAPTER_08 = [node("0805.10", "", "オレンジ", children=[
    node("0805.10", "000", "1 毎年6月1日から同年11月30日までに輸入されるもの", {"基本": "20%", "WTO協定": "16%"}),
    node("0805.10", "000", "2 毎年12月1日から翌年5月31日までに輸入されるもの", {"基本": "40%", "WTO協定": "32%"}),
])]


def write_combined(path, version="2027_04_01", gz=True):
    obj = {"source_version": version, "chapters": {"02": CHAPTER_02, "08": CHAPTER_08}}
    data = json.dumps(obj, ensure_ascii=False).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_combined_file_inherits_national_columns(tmp_path):
    ed = read_edition_path(write_combined(tmp_path / "e.json.gz"))
    assert ed.edition_date == dt.date(2027, 4, 1) and ed.jfy == 2027
    rows = {r["line_id"]: r for r in ed.lines.iter_rows(named=True)}
    loin = rows["020130010"]
    assert loin["rate:暫定"] == "38.5%" and loin["rate:基本"] == "(50%)"
    assert loin["rate:EPA_日米貿易協定"] == "19.9%"
    assert rows["020130090"]["rate:暫定"] == "30%"  # own cell wins over the inherited one
    assert rows["020130090"]["rate:EPA_CPTPP"] == ""  # EPA columns are never inherited


def test_seasonal_lines_get_distinct_ids(tmp_path):
    ed = read_edition_path(write_combined(tmp_path / "e.json", gz=False))
    oranges = ed.lines.filter(ed.lines["code"] == "080510000")
    assert sorted(oranges["line_id"].to_list()) == ["080510000@06-01", "080510000@12-01"]
    assert oranges.filter(oranges["season_start"] == "12-01")["season_end"].item() == "05-31"


def test_chapter_directory_layout(tmp_path):
    (tmp_path / "j_02_tariff_data.json").write_text(json.dumps(CHAPTER_02, ensure_ascii=False))
    (tmp_path / "index.json").write_text(json.dumps({"version": "2027_07_01", "chapters": []}))
    ed = read_edition_path(tmp_path)
    assert ed.edition == "2027_07_01" and ed.lines.height == 2


def test_edition_date_needed_when_version_is_not_a_date(tmp_path):
    path = write_combined(tmp_path / "e.json.gz", version="latest")
    with pytest.raises(DataError, match="edition date"):
        read_edition_path(path)
    assert read_edition_path(path, dt.date(2027, 4, 1)).edition == "2027_04_01"


@pytest.mark.parametrize("content", [b"not json", json.dumps({"chapters": []}).encode(),
                                     json.dumps({"source_version": "2027_04_01", "chapters": {"02": [{"x": 1}]}}).encode()])
def test_broken_files_raise_data_error(tmp_path, content):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    with pytest.raises(DataError):
        read_edition_path(p)


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_edition_path(tmp_path / "nope.json")


@pytest.mark.parametrize("code,digits", [("0201.30", "020130"), ("0201.30.010", "020130010"), ("02", "02")])
def test_normalise_hs(code, digits):
    assert normalise_hs(code) == digits


@pytest.mark.parametrize("code", ["020", "0201.3", "abc", "02013001", ""])
def test_normalise_hs_rejects(code):
    with pytest.raises(InputError):
        normalise_hs(code)


def test_jfy_boundaries():
    assert jfy(dt.date(2021, 3, 31)) == 2020 and jfy(dt.date(2021, 4, 1)) == 2021


def test_registered_editions_load_from_mirror():
    assert registered_editions() == ["japan_tariff_2025_04_01", "japan_tariff_2026_07_09"]
    e26 = load_edition("japan_tariff_2026_07_09")
    e25 = load_edition("japan_tariff_2025_04_01")
    assert e26.lines.height == 9654 and e25.lines.height == 9663
    for ed in (e25, e26):
        assert (ed.lines["rate:EPA_日米貿易協定"] != "").sum() == 606  # PROVENANCE.md counts
    beef = find_lines(e26, "0201.30")
    assert beef.height == 4 and set(beef["rate:暫定"]) == {"38.5%"}
    with pytest.raises(InputError, match="not in Japan's tariff schedule"):
        find_lines(e26, "9999")


@pytest.fixture
def no_mirror(tmp_path, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.delenv("TARIFFLINE_OFFLINE", raising=False)
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path / "cache"))
    load_edition.cache_clear()
    yield tmp_path
    load_edition.cache_clear()


def test_download_assembles_chapter_files(no_mirror, monkeypatch):
    from tariffline.data import store
    calls = []

    def fake_download(url, dest, **kw):
        calls.append(url)
        if url.endswith("index.json"):
            dest.write_text(json.dumps({"chapters": [{"chapter": "02", "file_name": "j_02_tariff_data.json"}]}))
        else:
            dest.write_text(json.dumps(CHAPTER_02, ensure_ascii=False))
        return dest

    monkeypatch.setattr(store, "download", fake_download)
    ed = load_edition("japan_tariff_2026_07_09")
    assert ed.edition_date == dt.date(2026, 7, 9) and ed.lines.height == 2
    assert calls[0].startswith("https://raw.githubusercontent.com/qlitre/japan-tariff-mcp/715eff9")
    assert calls[1].endswith("/src/tariffdata/j_02_tariff_data.json")
    cached = list((no_mirror / "cache").glob("japan_tariff_2026_07_09*"))
    assert [p.name for p in cached] == ["japan_tariff_2026_07_09.json.gz"]


def test_offline_without_mirror_says_what_to_do(no_mirror, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    with pytest.raises(DataError, match="TARIFFLINE_MIRROR"):
        load_edition("japan_tariff_2025_04_01")
