"""Product words kept on disk (engine/signatures.py): a new process reads the words an earlier one
computed, they equal the words computed afresh, and a corrupt, foreign or missing file is passed
over (the words are computed again). Expected values: the words computed from the rule files in
the same test, and the scope of Section 232 on passenger vehicles (Proclamation 10908, heading
9903.94.01: subheading 8703.23.01 is in scope, 0101.21.00 live horses is not)."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tariffline.engine import signatures as sg
from tariffline.hts.loader import load_edition
from tariffline.policy.loader import load_policy


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    policy = load_policy()
    measures = [bm for bm in policy.measures if bm.measure.rate.type != "column2"]
    codes = load_edition("hts_2026_rev4").lines.filter(pl.col("hts").str.len_chars() == 10)["hts"].head(800)
    codes = pl.concat([codes, pl.Series(["8703230130", "0101210010"])])
    return policy, measures, codes


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("_match_hts")


def test_words_read_back_equal_words_computed(setup):
    policy, measures, codes = setup
    first = sg._Compiled(policy, measures)
    computed = first.product_words(codes)
    assert first.disk is not None and first.disk.exists()
    second = sg._Compiled(policy, measures)
    read = second.product_words(codes)
    assert second.saved == read.height == computed.height  # nothing computed again
    assert_frame_equal(_sorted(read), _sorted(computed))
    autos = next(i for i, bm in enumerate(measures) if bm.measure.heading == "9903.94.01")
    word, bit = divmod(autos, 64)
    by_code = dict(zip(read["_match_hts"], read[f"_pw{word}"]))
    assert by_code["8703230130"] >> bit & 1 == 1
    assert by_code["0101210010"] >> bit & 1 == 0


def test_a_corrupt_file_is_passed_over(setup):
    policy, measures, codes = setup
    computed = sg._Compiled(policy, measures).product_words(codes)
    path = sg._products_file(policy, measures)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    nwords = (len(measures) + 63) // 64
    assert sg._read_products(path, nwords) is None
    again = sg._Compiled(policy, measures)
    assert_frame_equal(_sorted(again.product_words(codes)), _sorted(computed))
    assert sg._read_products(path, nwords) is not None  # computed again and written whole


def test_another_policy_version_or_scope_uses_another_file(setup):
    policy, measures, _ = setup
    other = dataclasses.replace(policy, version="something-else")
    assert sg._products_file(policy, measures) != sg._products_file(other, measures)
    assert sg._products_file(policy, measures) != sg._products_file(policy, measures[1:])


def test_a_big_callers_few_new_codes_are_kept(setup):
    """A caller asking for SAVE_EVERY codes or more (a batch's chunk) has its new codes written
    even when they are fewer than SAVE_EVERY, so the next process does not compute them again."""
    policy, measures, codes = setup
    first = sg._Compiled(policy, measures)
    first.product_words(codes.head(sg.SAVE_EVERY))
    more = pl.concat([codes.head(sg.SAVE_EVERY), codes.slice(sg.SAVE_EVERY, 3)])
    first.product_words(more)
    assert first.saved == sg.SAVE_EVERY + 3
    second = sg._Compiled(policy, measures)
    assert second.product_words(codes.slice(sg.SAVE_EVERY, 3)).height == sg.SAVE_EVERY + 3
    assert second.saved == sg.SAVE_EVERY + 3  # read, nothing computed again
    small = sg._Compiled(policy, measures)
    small.product_words(codes.slice(sg.SAVE_EVERY + 3, 2))  # a lookup's two new codes: not worth a rewrite
    assert small.saved == sg.SAVE_EVERY + 3
