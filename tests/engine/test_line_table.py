"""The deduplicated line table (engine/line_table.py): every (edition, code) line it answers is
the edition's own line, field for field; first children and nearest editions follow the rules
column1 documents; the on-disk copy is checked, and a bad or unwritable one costs only speed.

Expected values come from the parsed editions themselves (read here one by one, without the
table) and from the HTS: 7408.11.60 is printed only as 7408.11.60.00 (2026 Rev 4).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tariffline.engine import column1
from tariffline.engine import line_table as lt
from tariffline.hts.editions import editions
from tariffline.hts.loader import parsed_dirs, scan_parsed

PAIR = ("hts_2025_rev19", "hts_2026_rev4")  # two neighbouring editions with many shared lines


@pytest.fixture(scope="module")
def small():
    """A table built (not loaded) over two editions, with each edition's own lines."""
    infos = [e for e in editions() if e.name in PAIR]
    place = {n: i for i, n in enumerate(column1.calendar()["edition"])}
    dirs = parsed_dirs(infos)
    entries = [(e.name, place[e.name], dirs[e.name]) for e in infos]
    tables = lt._build(entries, len(place))
    table = lt._from_tables(frozenset(PAIR), tables, len(place))
    own = {e.name: scan_parsed(dirs[e.name], "lines").select(*lt.LINE_SELECT).collect() for e in infos}
    return table, tables, own, place


def test_every_line_is_its_editions_own_line(small):
    table, _, own, place = small
    shared_cols = list(own[PAIR[0]].columns)
    for name, lines in own.items():
        lines = lines.filter(pl.col("hts").str.len_chars().is_in([8, 10]))
        places = table.code_places(lines.get_column("hts"))
        cids = table.cids(places, np.full(lines.height, place[name]))
        assert (cids >= 0).all()
        got = table.contents.select(shared_cols)[cids.tolist()]
        assert_frame_equal(got, lines.select(shared_cols))


def test_contents_are_fewer_than_lines(small):
    table, _, own, _ = small
    assert table.contents.height < sum(f.height for f in own.values()) * 0.7


def test_special_rates_are_the_editions_own(small):
    table, _, _, place = small
    directory = parsed_dirs([e for e in editions() if e.name == PAIR[1]])[PAIR[1]]
    special = scan_parsed(directory, "special").select("hts", "program", "adv").collect()
    sample = special.filter(pl.col("hts").str.len_chars() == 10).head(500)
    cids = table.cids(table.code_places(sample.get_column("hts")), np.full(sample.height, place[PAIR[1]]))
    got = (sample.with_columns(pl.Series("_cid", cids, dtype=pl.Int32))
           .join(table.special.select("_cid", "program", "pref_adv"), on=["_cid", "program"], how="left"))
    assert got.filter(pl.col("adv").ne_missing(pl.col("pref_adv"))).height == 0


def test_special_rows_find_each_lines_own_program_rate_and_nothing_else(small):
    """special_rows (the preference lookup column1 uses) gives, for each (line, program) the
    edition prints, that line's own rate for it; a program the line does not print, an unknown
    program, a null program and a missing line give -1."""
    table, _, _, place = small
    directory = parsed_dirs([e for e in editions() if e.name == PAIR[1]])[PAIR[1]]
    special = scan_parsed(directory, "special").select("hts", "program", "adv").collect()
    sample = special.filter(pl.col("hts").str.len_chars() == 10).head(2000)
    cids = table.cids(table.code_places(sample.get_column("hts")), np.full(sample.height, place[PAIR[1]]))
    rows = table.special_rows(pl.Series(cids, dtype=pl.Int32), sample.get_column("program"))
    assert (rows >= 0).all()
    got = table.special.get_column("pref_adv").gather(rows)
    assert (got.ne_missing(sample.get_column("adv"))).sum() == 0
    assert (table.special.get_column("program").gather(rows) == sample.get_column("program")).all()
    printed = set(special.filter(pl.col("hts") == sample["hts"][0]).get_column("program"))
    absent = next(p for p in sorted(set(table.special["program"])) if p not in printed)
    misses = table.special_rows(pl.Series([cids[0], cids[0], cids[0], None, -1], dtype=pl.Int32),
                                pl.Series([absent, "no such program", None, "A", "A"], dtype=pl.Utf8))
    assert misses.tolist() == [-1] * 5


def test_an_8_digit_code_printed_only_as_10_digit_lines_takes_its_first_child(small):
    table, _, _, place = small
    code = pl.Series(["74081160"])
    places = table.code_places(code)
    assert table.cids(places, np.array([place[PAIR[1]]]))[0] == -1  # not printed as an 8-digit line
    child = table.first_children(places, np.array([place[PAIR[1]]]))
    assert table.code_text[int(child[0])] == "7408116000"


def test_unknown_and_null_codes_have_no_place(small):
    table, *_ = small
    assert table.code_places(pl.Series(["0101999999", None, "9999999999"], dtype=pl.Utf8)).tolist() == [-1, -1, -1]


@pytest.mark.parametrize("odd", [None, "12AB"])  # every code 8 or 10 digits, or one malformed
def test_parent_places_are_the_places_of_the_first_8_digits(small, odd):
    table, _, own, _ = small
    codes = own[PAIR[1]].filter(pl.col("hts").str.len_chars() == 10).get_column("hts").head(400)
    codes = pl.concat([codes, pl.Series(["74081160", "0101999999", None, *([odd] if odd else [])], dtype=pl.Utf8)])
    places, parents = table.code_places_keyed(codes)
    assert places.tolist() == table.code_places(codes).tolist()
    assert (parents is None) == (odd is not None)
    rows = np.arange(codes.len()) % 3 != 0
    want = np.where(rows, table.code_places(codes.str.slice(0, 8)), -1)
    assert table.parent_places(codes, parents, rows).tolist() == want.tolist()
    assert (want[rows] >= 0).sum() > 200  # (the 8-digit lines are found)


def test_nearest_edition_prefers_the_later_on_a_tie():
    grid_table = lt.LineTable(editions=frozenset(), contents=pl.DataFrame(), special=pl.DataFrame(),
                              codes=np.array([1], dtype=np.uint64), code_text=pl.Series(["x"]),
                              grid=np.array([[0, -1, 0]], dtype=np.int32), child_grid=np.full((1, 3), -1, np.int32))
    starts, ends = np.array([0, 10, 20]), np.array([10, 20, 30])
    # day 15 is 6 days after edition 0 ends (10 -> 15 inclusive) and 5 days before edition 2 starts
    assert grid_table.nearest(np.array([0]), np.array([15]), starts, ends).tolist() == [2]
    # day 14: 5 days after edition 0, 6 before edition 2
    assert grid_table.nearest(np.array([0]), np.array([14]), starts, ends).tolist() == [0]
    # a tie (day 14.5 cannot happen; make one): edition 0 ends at 10, edition 2 starts at 19
    assert grid_table.nearest(np.array([0]), np.array([14]), np.array([0, 10, 19]), ends).tolist() == [2]
    assert grid_table.nearest(np.array([-1]), np.array([14]), starts, ends).tolist() == [-1]


def test_a_corrupt_copy_is_not_read_and_an_unwritable_cache_is_not_an_error(small, tmp_path):
    _, tables, _, _ = small
    where = tmp_path / "linetable" / "k"
    lt._write(where, tables)
    assert lt._read(where) is not None
    path = where / "contents.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert lt._read(where) is None
    lt._write(where, tables)  # a bad copy is replaced
    assert lt._read(where) is not None
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    lt._write(blocked / "k", tables)  # no exception: the cache is only a speed-up
    assert lt._read(blocked / "k") is None


def test_older_tables_are_pruned(small, tmp_path):
    _, tables, _, _ = small
    small_tables = {k: v.head(5) for k, v in tables.items()}
    for i in range(5):
        lt._write(tmp_path / "linetable" / f"k{i}", small_tables)
    kept = sorted(p.name for p in (tmp_path / "linetable").iterdir())
    assert len(kept) == lt.KEEP and "k4" in kept


def test_a_bad_parsed_edition_is_parsed_again_when_the_table_is_built(tmp_path, monkeypatch):
    from tariffline.hts.loader import MANIFEST

    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    monkeypatch.setattr(lt, "_CURRENT", {})
    first = lt.line_table(["hts_2026_rev4"])
    assert "hts_2026_rev4" in first.editions
    directory = lt.parsed_dir_if_parsed(next(e for e in editions() if e.name == "hts_2026_rev4"))
    assert (directory / MANIFEST).is_file()
    lines = directory / "lines.parquet"
    lines.write_bytes(lines.read_bytes()[:-100])  # truncated: fails its manifest's SHA-256
    for table in (tmp_path / "linetable").iterdir():  # no table on disk: one must be built
        for f in table.iterdir():
            f.unlink()
        table.rmdir()
    monkeypatch.setattr(lt, "_CURRENT", {})
    again = lt.line_table(["hts_2026_rev4"])  # parsed again, not an error
    assert again.contents.height == first.contents.height
