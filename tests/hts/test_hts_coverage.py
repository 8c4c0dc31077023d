"""Parse coverage of the distinct rate texts of both editions on hand (target: >= 99.5%)."""

import pytest

from tariffline.hts.coverage import coverage


@pytest.mark.parametrize("name", ["hts_2025_basic", "hts_2026_rev4"])
def test_coverage_of_both_editions(name):
    report = coverage(name)
    cols = {c["column"]: c for c in report["columns"]}
    assert cols["general"]["distinct"] > 750
    for col in ("general", "special", "column2"):
        c = cols[col]
        assert c["coverage"] >= 0.995, (col, c["unparsed"])
        assert c["parsed"] + len(c["unparsed"]) == c["distinct"]
        for u in c["unparsed"]:
            assert u["reason"] and u["lines"] >= 1
    assert cols["general"]["computable"] / cols["general"]["distinct"] >= 0.98


def test_known_unparsed_text_is_listed_with_reason():
    cols = {c["column"]: c for c in coverage("hts_2025_basic")["columns"]}
    assert [(u["text"], u["reason"]) for u in cols["column2"]["unparsed"]] == [(":", "empty rate text")]
