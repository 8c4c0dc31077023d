"""`hts search` and the children list of `hts show` (issue 9, ledgers section).

Expected lines come from the HTS text of the 2026 Revision 4 edition (in force 2026-02-24 to
2026-04-06): heading 0101 "Live horses, asses, mules and hinnies"; heading 8703 "Motor cars and
other motor vehicles principally designed for the transport of persons", whose statistical lines
8703.23.01.20/.30 read "Station wagons and passenger vans"; 0902.10 / 0902.20 green tea;
subheading 8703.80.00 "Other vehicles, with only electric motors for propulsion", General 2.5%.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffline.cli.app import app
from tariffline.errors import InputError
from tariffline.hts import show as show_mod
from tariffline.hts.search import MAX_LIMIT, search

DAY = dt.date(2026, 3, 1)  # Rev 4 in force


def _codes(res):
    return [r["hts"] for r in res["results"]]


def test_passenger_motor_vehicles_finds_8703_lines():
    res = search("passenger motor vehicles", DAY, limit=50)
    assert res["edition"] == "2026 HTS Revision 4" and res["match"] == "all"
    codes = _codes(res)
    assert "8703.23.01.20" in codes and "8703.23.01.30" in codes
    for r in res["results"]:  # every hit has every word (stemmed) in its line or superior path
        text = (r["description"] + " " + (r["path"] or "")).lower()
        assert "passenger" in text and "motor" in text and "vehicle" in text


def test_own_description_outranks_path_only():
    codes = _codes(search("live horses", DAY, limit=5))
    assert codes[0] == "0101"


def test_green_tea_ranked_first():
    assert set(_codes(search("green tea", DAY, limit=2))) == {"0902.10", "0902.20"}


def test_stemming_singular_finds_plural():
    assert "0101" in _codes(search("horse", DAY, limit=10))


def test_any_word_fallback():
    res = search("horses xyzzyq", DAY, limit=5)
    assert res["match"] == "any" and "0101" in _codes(res)


def test_no_hit_is_empty_not_error():
    assert search("xyzzyq", DAY)["results"] == []


@pytest.mark.parametrize("query", ["", "   ", '"', "*", "()", "-+"])
def test_query_without_words_is_input_error(query):
    with pytest.raises(InputError, match="no letter or digit"):
        search(query, DAY)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1, True])
def test_bad_limit(limit):
    with pytest.raises(InputError, match="limit"):
        search("horses", DAY, limit=limit)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_results_or_input_error(text):
    # FTS5 query syntax (quotes, NEAR, column:, ^, *) in the user's words is plain text
    try:
        res = search(text, DAY, limit=5)
    except InputError:
        return
    assert isinstance(res["results"], list)


def test_show_lists_children_of_8703():
    info = show_mod.show("8703")
    kids = {c["hts"]: c for c in info["children"]}
    assert {"8703.10", "8703.21.01", "8703.80.00", "8703.90.01.00"} <= set(kids)
    assert kids["8703.80.00"]["general"] == "2.5%"
    assert "only electric motors" in kids["8703.80.00"]["description"]


def test_show_leaf_has_no_children():
    # 0101.21.00.10 "Males" is a statistical (10-digit) line: nothing below it
    assert show_mod.show("0101.21.00.10")["children"] == []


def test_cli_search_json_and_table_fit_80_columns():
    runner = CliRunner()
    res = runner.invoke(app, ["hts", "search", "passenger", "motor", "vehicles", "--date", "2026-03-01",
                              "--json"])
    assert res.exit_code == 0, res.output
    assert "8703.23.01.30" in [r["hts"] for r in json.loads(res.output)["results"]]
    res = runner.invoke(app, ["hts", "search", "live", "horses", "--date", "2026-03-01"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "0101" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80


def test_cli_show_children_fit_80_columns():
    res = CliRunner().invoke(app, ["hts", "show", "8703"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "8703.80.00" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
