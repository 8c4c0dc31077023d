"""Japan's side of a scenario (grant_program): Japan's tariffs on U.S. goods, baseline vs scenario.

Expected values come from the Japan Customs schedule (edition 2025-04-01, JFY2025: rates read in
the data file), from the DataWeb file's own figures (PROVENANCE.md of
shared/data/usitc_dataweb_hs2_by_country_2020_2024) and from closed-form weighted means.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from tariffline.errors import PolicyError
from tariffline.scenarios import api, japan_side
from tariffline.scenarios.schema import GrantProgram, load_scenario

CPTPP_2026 = GrantProgram.model_validate({"type": "grant_program", "program": "CPTPP", "origin": "US",
                                          "from": "2026-01-01"})


@pytest.fixture(scope="module")
def jan_2026():
    lines, edition = japan_side.line_table((CPTPP_2026,), dt.date(2026, 1, 1))
    return lines, edition


def _line(lines: pl.DataFrame, line_id: str) -> dict:
    return lines.filter(pl.col("line") == line_id).row(0, named=True)


def test_a_line_the_us_pays_mfn_on_gets_the_cptpp_column(jan_2026):
    lines, edition = jan_2026
    assert edition == "2025_04_01"  # JFY2025 runs 1 Apr 2025 - 31 Mar 2026
    # 2710.19.196 (petroleum preparations): general 9.6%, WTO 7.9% (MFN = the lower, JP-01); no USJTA
    # rate; CPTPP column 無税 (free)
    row = _line(lines, "271019196")
    assert row["program_baseline"] == "MFN" and row["ave_baseline"] == pytest.approx(0.079)
    assert row["program_scenario"] == "CPTPP" and row["ave_scenario"] == 0.0


def test_a_line_where_usjta_already_matches_cptpp_does_not_move(jan_2026):
    # 0201.30.010 (beef loins), JFY2025: USJTA 21.6% and CPTPP 21.6% in the edition
    row = _line(jan_2026[0], "020130010")
    assert row["program_baseline"] == "USJTA" and row["ave_baseline"] == pytest.approx(0.216)
    assert row["ave_scenario"] == pytest.approx(0.216)


def test_the_grant_date_is_respected():
    # the day before the grant: the scenario is the law, line by line
    lines, _ = japan_side.line_table((CPTPP_2026,), dt.date(2025, 12, 31))
    assert lines["ave_scenario"].equals(lines["ave_baseline"])
    row = _line(lines, "271019196")
    assert row["program_scenario"] == "MFN"


def test_us_exports_to_japan_match_the_data_files_figures():
    ex = japan_side.us_exports_by_chapter(2024)
    by = dict(ex.iter_rows())
    # PROVENANCE.md: U.S. exports to Japan 2024 $78.98bn; ch27 11.91, ch84 7.95, ch88 6.10 ($bn)
    assert ex["exports_usd"].sum() / 1e9 == pytest.approx(78.98, abs=0.01)
    assert by["27"] / 1e9 == pytest.approx(11.91, abs=0.01)
    assert by["84"] / 1e9 == pytest.approx(7.95, abs=0.01)
    assert by["88"] / 1e9 == pytest.approx(6.10, abs=0.01)


def _frame(rows: list[tuple[str, str, float | None, float | None]]) -> pl.DataFrame:
    return pl.DataFrame({"line": [r[0] for r in rows], "chapter": [r[1] for r in rows],
                         "ave_baseline": [r[2] for r in rows], "ave_scenario": [r[3] for r in rows]},
                        schema={"line": pl.Utf8, "chapter": pl.Utf8, "ave_baseline": pl.Float64,
                                "ave_scenario": pl.Float64})


def test_aggregate_closed_form():
    # chapter 01: lines 10% and 20% -> 15% (scenario 0% and 20% -> 10%); chapter 02: one line 4% -> 4%
    # exports 3:1 -> baseline 0.75*0.15 + 0.25*0.04 = 0.1225; scenario 0.75*0.10 + 0.25*0.04 = 0.085.
    # A line without an AVE is left out; exports of a chapter with no rated line are reported apart.
    lines = _frame([("010100000", "01", 0.10, 0.0), ("010200000", "01", 0.20, 0.20),
                    ("020100000", "02", 0.04, 0.04), ("020200000", "02", None, None)])
    exports = pl.DataFrame({"chapter": ["01", "02", "98"], "exports_usd": [300.0, 100.0, 50.0]})
    out = japan_side.aggregate(lines, exports)
    assert out["etr_baseline"] == pytest.approx(0.1225) and out["etr_scenario"] == pytest.approx(0.085)
    assert out["lines_rated"] == 3 and out["lines_without_ave"] == 1 and out["lines_changed"] == 1
    assert out["exports_weighted_usd"] == 400.0 and out["exports_without_lines_usd"] == 50.0
    assert [c["chapter"] for c in out["by_chapter"]] == ["01"]
    top = out["top_lines"][0]
    # its share: chapter exports 300 over 2 lines, of 400 in all -> -0.10 * 150 / 400
    assert top["line"] == "010100000" and top["etr_contribution"] == pytest.approx(-0.10 * 150 / 400)


finite = st.floats(min_value=0, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["01", "02", "03"]), finite), min_size=0, max_size=12),
       st.lists(st.floats(min_value=0, max_value=1e15, allow_nan=False), min_size=3, max_size=3))
def test_aggregate_properties(rows, weights):
    """Unchanged lines give exactly zero change; the average lies within the lines' range; empty
    input or zero exports give zeros, never NaN."""
    lines = _frame([(f"{c}{i:07d}", c, a, a) for i, (c, a) in enumerate(rows)])
    exports = pl.DataFrame({"chapter": ["01", "02", "03"], "exports_usd": weights})
    out = japan_side.aggregate(lines, exports)
    assert out["etr_change"] == 0.0 and out["by_chapter"] == [] and out["top_lines"] == []
    assert not math.isnan(out["etr_baseline"])
    if out["exports_weighted_usd"] > 0:
        aves = [a for _, a in rows]
        assert min(aves) - 1e-9 <= out["etr_baseline"] <= max(aves) + 1e-9
    else:
        assert out["etr_baseline"] == 0.0


def test_us_joins_cptpp_run_reports_japans_side_and_no_us_change():
    r = api.run("us-joins-cptpp", origin="JP", date="2026-01-01", chapters=["8703"])
    s, j = r["static"], r["japan_side"]
    assert s["revenue_change_usd"] == 0.0 and s["etr_baseline"] == s["etr_scenario"]
    assert j["computed"] and j["etr_scenario"] < j["etr_baseline"] and j["edition"] == "2025_04_01"
    assert j["exports_year"] == 2024 and "coarse" in j["method"]
    assert {"SC-31", "SC-32"} <= set(r["assumptions"])
    # an extra column to claim can only lower a line's rate (the importer claims the lowest)
    assert j["top_lines"] and all(x["change"] < 0 for x in j["top_lines"])


def test_a_day_without_a_schedule_edition_is_reported_not_computed():
    # editions on hand: 2025-04-01 (JFY2025) and 2026-07-09 (JFY2026); 2025-01-01 is in JFY2024
    out = japan_side.compute((CPTPP_2026,), dt.date(2025, 1, 1), 2024)
    assert out["computed"] is False and "JFY2024" in out["reason"] and "etr_baseline" not in out


def test_japan_side_errors_are_one_line(tmp_path):
    bad = tmp_path / "uk.yaml"
    bad.write_text("id: uk\ntitle: t\ndescription: d\nchanges:\n  - type: grant_program\n    program: CPTPP\n"
                   "    origin: GB\n    from: 2026-01-01\n")
    with pytest.raises(PolicyError, match=r"uk.yaml:7: changes.0.grant_program.origin"):
        load_scenario(bad)
    nope = GrantProgram.model_validate({"type": "grant_program", "program": "NAFTA", "origin": "US",
                                        "from": "2026-01-01"})
    with pytest.raises(PolicyError, match="'NAFTA' is not a program of Japan's schedule"):
        japan_side.line_table((nope,), dt.date(2026, 1, 1))


def test_cli_text_and_chart_show_japans_side(tmp_path):
    from typer.testing import CliRunner

    from tariffline.cli.app import app

    out = tmp_path / "cptpp.svg"
    res = CliRunner().invoke(app, ["scenario", "run", "us-joins-cptpp", "--origin", "JP", "--date", "2026-01-01",
                                   "--chapters", "8703", "--chart", str(out)])
    assert res.exit_code == 0, res.output
    assert "Japan's side" in res.output and "coarse" in res.output
    assert "Japan&apos;s tariff on U.S. goods" in out.read_text() or "Japan's tariff on U.S. goods" in out.read_text()
