"""Charts (PNG/SVG, atomic) and the CRS figure computations on small synthetic tables."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tariffline.errors import InputError
from tariffline.etr import chart, crs
from tariffline.etr.compute import EtrResult
from tariffline.etr.series import EtrSeries
from tariffline.trade.imports import ImportBasket


def point(day, by):
    imports = 100.0
    return EtrResult("JP", day, 2024, imports, sum(by.values()) * imports, by,
                     {k: v * imports for k, v in by.items()}, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, [])


def small_series():
    pts = [point(dt.date(2025, 1, 1), {"MFN": 0.015}),
           point(dt.date(2025, 4, 5), {"MFN": 0.015, "IEEPA": 0.10}),
           point(dt.date(2025, 9, 16), {"MFN": 0.015, "IEEPA": 0.08, "Section 232": 0.05,
                                        "Program X": 0.001})]  # no fixed colour: palette
    prov = {"policy_version": "abc", "hts_editions": ["2025_basic"], "basket": {"source": "test"}}
    return EtrSeries("JP", dt.date(2025, 1, 1), dt.date(2025, 12, 31), pts,
                     ["IEEPA", "Section 232", "MFN", "Program X"], prov)


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_chart_written_in_the_format_of_its_suffix(tmp_path, suffix, magic):
    out = chart.render(small_series(), tmp_path / f"jp{suffix}")
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [f"jp{suffix}"]  # no temp file left


def test_chart_rejects_other_formats_and_missing_directories(tmp_path):
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        chart.render(small_series(), tmp_path / "jp.pdf")
    with pytest.raises(InputError, match="does not exist"):
        chart.render(small_series(), tmp_path / "nope" / "jp.png")


def test_series_daily_table_steps_at_points():
    daily = small_series().daily
    assert daily.height == 365
    row = lambda d: daily.filter(pl.col("date") == d).row(0, named=True)  # noqa: E731
    assert row(dt.date(2025, 4, 4))["etr"] == pytest.approx(0.015)
    assert row(dt.date(2025, 4, 5))["IEEPA"] == pytest.approx(0.10)
    assert row(dt.date(2025, 9, 15))["Section 232"] == 0.0
    assert row(dt.date(2025, 12, 31))["etr"] == pytest.approx(0.146)


def special_table():
    return pl.DataFrame({
        "hts": ["8458.11.00", "8458.11.00", "8207.30.30", "0603.13.00", "9921.01.01",
                "8703.23.01", "8205.40.00.00"],
        "program": ["JP", "KR", "JP", "JP", "JP", "KR", "JP"],
    })


def japan_frame():
    return pl.DataFrame({
        "hs10": ["8458110010", "8458110090", "8207303000", "8703230190", "8205400000", "0603130000"],
        "iso2": ["JP"] * 6,
        "value": [30.0, 10.0, 10.0, 900.0, 50.0, 0.0],
    })


def test_usjta_lines_counts_8_digit_lines_outside_chapter_99():
    lines = crs.usjta_lines(special_table())
    assert lines["line8"].to_list() == ["06031300", "82054000", "82073030", "84581100"]
    assert lines.filter(pl.col("line8") == "82054000")["codes"][0].to_list() == ["8205400000"]


def test_usjta_coverage_share_of_imports_from_japan():
    res = crs.usjta_coverage(special_table(), japan_frame(), edition="test", basket_year=2024)
    assert res["lines"] == 4 and res["rows_with_indicator"] == 5 and res["ch99_rows_with_indicator"] == 1
    assert res["imports_on_lines"] == 100.0 and res["imports_from_japan"] == 1000.0
    assert res["import_share"] == pytest.approx(0.10)
    assert res["crs"]["lines"]["value"] == 241
    ch84 = next(r for r in res["by_chapter"] if r["chapter"] == "84")
    assert ch84 == {"chapter": "84", "lines": 1, "imports": 40.0}
    # Only rows printing the indicator themselves count when the text source is known.
    src = pl.DataFrame({"hts": ["8458.11.00", "8207.30.30", "0603.13.00", "9921.01.01", "8205.40.00.00"],
                        "special_from": ["8458.11.00", "8207.30.30", None, "9921.01.01", "8205.40.00.00"]})
    res2 = crs.usjta_coverage(special_table(), japan_frame(), edition="test", basket_year=2024,
                              text_source=src)
    assert res2["rows_with_indicator"] == 4 and res2["lines"] == 4


def test_japan_imports_totals_chapters_and_rank():
    frame = pl.DataFrame({
        "hs10": ["8703230190", "8708990000", "9018900000", "8703230190", "2709000000"],
        "iso2": ["JP", "JP", "JP", "MX", "CA"],
        "value": [50.0, 10.0, 40.0, 200.0, 80.0],
    })
    res = crs.japan_imports(ImportBasket(2024, frame, "test", {}))
    assert res["total"] == 100.0 and res["share_of_us_imports"] == pytest.approx(100 / 380)
    assert res["by_chapter"][0] == {"chapter": "87", "imports": 60.0, "share": 0.6}
    assert res["autos"]["8703_passenger_vehicles"] == 50.0 and res["autos"]["8708_parts"] == 10.0
    assert res["rank"] == 2
    assert [r["iso2"] for r in res["top_sources"]] == ["MX", "JP", "CA"]
    assert crs.edition_for_basket(2024) == dt.date(2025, 1, 1)
