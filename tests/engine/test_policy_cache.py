"""The compiled policy on disk (engine.policy_cache, engine.edition_pack) answers as the engine does.

A snapshot and the packs of five editions are built into a temporary directory once. Varied
questions (lines, 8-digit codes printed only as 10-digit lines, unknown statistical suffixes,
origins by ISO-2/ISO-3/name, programs, preferences declined, metal values none/0/part/all,
quantities, loaded dates, the law as known on past days, errors) are answered as the command
line answers them from the
snapshot (the full path where the snapshot has no answer) and by ``api.duty`` without it: the
answers (every field, every layer) and the error messages must be equal. Golden cases of the
Japan table (tests/engine/test_engine_golden_japan.py, each with its legal source) are checked
against the law's rates too. Then: a corrupt, truncated or stale file is ignored and rebuilt; the
cache key changes when a rule file changes.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_golden_japan import CASES

from tariffline import api
from tariffline.engine import edition_pack, policy_cache, scalar
from tariffline.errors import TariffLineError
from tariffline.policy.loader import load_policy

D = dt.date.fromisoformat
DAYS = ["2025-06-04", "2025-09-16", "2025-10-14", "2025-11-01", "2026-03-10"]  # five editions
GOLDEN = ["steel_50", "car_jp_rule", "truck_jp_rule", "part_jp_rule", "lumber_232", "cabinet_jp_15",
          "mhdv_232", "car_s122", "wine_s122"]
LINES = ["8703.23.01", "8704.31.01", "8708.40.11", "7208.51.00", "4407.11.00", "9403.40.90.60", "8418.21.00",
         "8471.30.01", "0402.10.10", "6109.10.00", "8703230199", "84181000", "7604.10.10"]
ORIGINS = ["JP", "CN", "CA", "MX", "GB", "DE", "KR", "JPN", "Japan", "BR"]


def _questions() -> list[dict]:
    qs = []
    for i, hts in enumerate(LINES):
        for j, day in enumerate(DAYS):
            origin = ORIGINS[(i + j) % len(ORIGINS)]
            metal = [None, 0.0, 4000.0, 10000.0][(i * 5 + j) % 4]
            qs.append({"hts": hts, "origin": origin, "date": day, "value": 10000.0, "metal_value": metal})
    qs += [
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "value": 30000.0, "claim_preferences": False},
        {"hts": "8458.11.00", "origin": "JP", "date": "2025-10-14", "program": "JP"},
        {"hts": "8458.11.00", "origin": "JP", "date": "2025-10-14", "program": "none"},
        {"hts": "8703.23.01", "origin": "CA", "date": "2025-06-04", "program": "S"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "loaded_date": "2025-08-01"},
        {"hts": "2204.21.50", "origin": "JP", "date": "2026-03-10", "value": 1000.0, "quantity": 100.0},
        {"hts": "2204.21.50", "origin": "JP", "date": "2026-03-10", "value": 1000.0, "unit_value": 4.0},
        # the law as known on a past day: the compiled view narrowed to what was published by then
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "as_known_on": "2025-07-01"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "as_known_on": "2025-09-20"},
        {"hts": "7208.51.00", "origin": "CN", "date": "2026-03-10", "as_known_on": "2026-02-19"},
        {"hts": "9403.40.90.60", "origin": "JP", "date": "2025-10-14", "as_known_on": "2025-10-01"},
        {"hts": "8418.21.00", "origin": "DE", "date": "2025-11-01", "value": 10000.0, "metal_value": 4000.0,
         "as_known_on": "2019-01-01"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "as_known_on": "someday"},
        # errors: the same message on both paths
        {"hts": "2204.21.50", "origin": "JP", "date": "2026-03-10"},  # specific duty, no quantity
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "program": "AU"},  # not eligible
        {"hts": "87.03", "origin": "JP", "date": "2025-09-16"},
        {"hts": "8703.23.01", "origin": "Narnia", "date": "2025-09-16"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2016-01-01"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-13-01"},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "value": float("nan")},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "value": 100.0, "metal_value": 200.0},
        {"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16", "loaded_date": "soon"},
    ]
    return qs


def _outcome(fn, q: dict):
    try:
        return "answer", fn(q)
    except TariffLineError as exc:
        return type(exc).__name__, str(exc)


def _uncached(q: dict) -> dict:
    q = dict(q)
    return api.duty(q.pop("hts"), **q)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("compiled")
    policy = load_policy()
    for day in DAYS:  # the engine reads each edition, then its pack is written from it
        api.duty("8703.23.01", origin="JP", date=day)
    policy_cache.build(policy, directory)
    names = tuple(scalar._editions().day(D(day)).name for day in DAYS)
    policy_cache.refresh(policy, names, directory)
    return directory, names


def test_cached_and_uncached_answers_are_equal(built):
    directory, _ = built
    snap = policy_cache.load(directory)
    assert snap is not None
    passed_on = []

    def cached(q: dict) -> dict:  # as the command line does: the snapshot, else the full path
        args = dict(q)
        try:
            return policy_cache.duty(snap, args.pop("hts"), **args)
        except scalar.Fallback:
            passed_on.append(q["hts"] + " " + q["origin"] + " " + q["date"])
            return _uncached(q)

    for q in _questions():
        assert _outcome(cached, q) == _outcome(_uncached, q), q
    # only the inputs the engine refuses (its messages) are passed on to the full path
    assert sorted(passed_on) == sorted(["87.03 JP 2025-09-16", "8703.23.01 Narnia 2025-09-16",
                                        "8703.23.01 JP 2016-01-01", "8703.23.01 JP 2025-09-16",
                                        "8703.23.01 JP 2025-09-16"])


@pytest.mark.parametrize("cid", GOLDEN)
def test_golden_cases_from_the_snapshot(built, cid):
    directory, _ = built
    _, hts, day, expected, headings, source, extra = next(c for c in CASES if c[0] == cid)
    res = policy_cache.duty(policy_cache.load(directory), hts, origin="JP", date=day,
                            value=extra.get("value", 10000.0), quantity=extra.get("quantity"))
    assert res["total_rate"] == pytest.approx(expected, abs=5e-5), source
    assert set(headings) <= {lay["heading"] for lay in res["layers"]}, source


def test_a_corrupt_snapshot_is_ignored_and_rebuilt(built):
    directory, _ = built
    snap = policy_cache.load(directory)
    path = snap.directory / "snapshot.pickle"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert policy_cache.load(directory) is None
    path.write_bytes(b"")
    assert policy_cache.load(directory) is None
    policy_cache.refresh(load_policy(), (), directory)
    again = policy_cache.load(directory)
    assert again is not None
    assert policy_cache.duty(again, "8703.23.01", origin="JP", date="2025-09-16",
                             value=30000.0)["total_duty"] == pytest.approx(4500.0)  # EO 14345: 15%


def test_a_snapshot_of_another_build_is_stale(built, monkeypatch):
    directory, _ = built
    snap = policy_cache.load(directory)
    other = directory / ("0" * 24)
    other.mkdir(exist_ok=True)
    shutil.copy(snap.directory / "snapshot.pickle", other / "snapshot.pickle")
    monkeypatch.setattr(policy_cache, "stamp", lambda root=None: "0" * 24)
    assert policy_cache.load(directory) is None  # its content names another stamp


def test_a_broken_pack_falls_back_and_is_rewritten(built):
    directory, names = built
    snap = policy_cache.load(directory)
    path = snap.directory / "editions" / f"{names[1]}.pack"
    path.write_bytes(path.read_bytes()[:-100])  # the last chunk fails its checksum
    with pytest.raises(edition_pack.PackError):
        edition_pack.PackedLines(path, names[1], snap.stamp).verify()
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])
    with pytest.raises(scalar.Fallback):
        policy_cache.duty(policy_cache.load(directory), "8703.23.01", origin="JP", date="2025-09-16")
    path.write_bytes(b"not a pack")
    with pytest.raises(scalar.Fallback):
        policy_cache.duty(policy_cache.load(directory), "8703.23.01", origin="JP", date="2025-09-16")
    policy_cache.refresh(load_policy(), (names[1],), directory)
    res = policy_cache.duty(policy_cache.load(directory), "8703.23.01", origin="JP", date="2025-09-16")
    assert res == _uncached({"hts": "8703.23.01", "origin": "JP", "date": "2025-09-16"})


def test_as_known_on_views_are_narrowed_once_per_day(built):
    directory, _ = built
    snap = policy_cache.load(directory)
    day = dt.date(2025, 8, 20)
    view = snap.view(snap.policy, day)
    assert snap.view(snap.policy, day) is view and snap.view(snap.policy, None) is not view
    assert {bm.id for bm in view.measures} == {bm.id for bm in snap.policy.view(day).measures
                                               if bm.measure.rate.type != "column2"}
    assert len(view.measures) < len(snap.view(snap.policy, None).measures)  # later instruments left out


def test_missing_codes_go_the_full_path(built):
    directory, _ = built
    snap = policy_cache.load(directory)
    with pytest.raises(scalar.Fallback):  # 1202.42.80: deleted by HS 2022, in earlier editions only
        policy_cache.duty(snap, "1202.42.80", origin="JP", date="2025-09-16")


def test_the_key_changes_with_a_rule_file(tmp_path):
    copy = tmp_path / "tariffline"
    shutil.copytree(policy_cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert policy_cache.stamp(copy) == policy_cache.stamp()
    rule = next((copy / "rules" / "us").glob("*.yaml"))
    rule.write_text(rule.read_text() + "\n# an edit\n")
    assert policy_cache.stamp(copy) != policy_cache.stamp()


def test_the_key_changes_with_the_data_settings(monkeypatch):
    before = policy_cache.stamp()
    monkeypatch.setenv("TARIFFLINE_ENGINE_PATH", "chain")
    assert policy_cache.stamp() != before


def test_the_key_changes_with_a_data_file_changed_in_place(monkeypatch, tmp_path):
    """A mirror file, or a download in the cache, rewritten under the same path changes the key
    (the full path then reads it again and checks it against its registered SHA-256); the
    compiled policy's own files do not."""
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    (mirror / "hts").mkdir(parents=True)
    cache.mkdir()
    edition, download = mirror / "hts" / "edition.json", cache / "download.json"
    edition.write_text("[1]")
    download.write_text("[1]")
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(mirror))
    monkeypatch.setenv("TARIFFLINE_CACHE", str(cache))
    before = policy_cache.stamp()
    (cache / "compiled" / before).mkdir(parents=True)
    (cache / "compiled" / before / "snapshot.pickle").write_bytes(b"x")
    assert policy_cache.stamp() == before
    edition.write_text("[2, 3]")
    after_mirror = policy_cache.stamp()
    assert after_mirror != before
    download.write_text("[2, 3]")
    assert policy_cache.stamp() != after_mirror


def test_the_cache_directory_is_the_data_stores(monkeypatch, tmp_path):
    from tariffline.data import store

    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    assert policy_cache.compiled_dir() == store.cache_dir() / "compiled"
    monkeypatch.delenv("TARIFFLINE_CACHE")
    assert policy_cache.compiled_dir() == store.cache_dir() / "compiled"


@pytest.fixture(scope="module")
def editions(built):
    directory, names = built
    snap = policy_cache.load(directory)
    out = {}
    for name in names:
        live = scalar._editions().edition(name)
        out[name] = (live, snap.edition(name), live.lines.get_column("hts").drop_nulls().to_list())
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_pack_reads_every_line_as_the_engine(editions, data):
    """Lines, 8-digit parents, first 10-digit children and special-program rows of a pack are those
    of the edition it was written from, for listed codes and any 8- or 10-digit string."""
    live, packed, codes = editions[data.draw(st.sampled_from(sorted(editions)))]
    code = data.draw(st.one_of(st.sampled_from(codes), st.from_regex(r"[0-9]{8}([0-9]{2})?", fullmatch=True),
                               st.sampled_from(codes).map(lambda c: c[:8])))
    if len(code) not in (8, 10):
        return
    assert repr(packed.line(code)) == repr(live.line(code))
    found = live.line(code)
    if found is not None:
        assert repr(packed.specials(found[3])) == repr(live.specials(found[3]))


def test_a_pack_of_another_edition_is_refused(built):
    directory, names = built
    with pytest.raises(edition_pack.PackError):
        edition_pack.PackedLines(policy_cache.load(directory).directory / "editions" / f"{names[0]}.pack",
                                 names[1], policy_cache.stamp())


def test_concurrent_writers_leave_a_whole_file(tmp_path):
    """Two processes replacing one file over and over: a reader always finds one whole version."""
    path = tmp_path / "snapshot.pickle"
    ours, theirs = b"A" * 300_000, b"B" * 200_000
    edition_pack.write_atomic(path, [ours])
    writer = subprocess.Popen([sys.executable, "-c", f"""
from pathlib import Path
from tariffline.engine.edition_pack import write_atomic
for _ in range(300):
    write_atomic(Path({str(path)!r}), [b"B" * 200_000])
"""])
    try:
        while writer.poll() is None:
            edition_pack.write_atomic(path, [ours])
            assert path.read_bytes() in (ours, theirs)
    finally:
        writer.wait()
    assert writer.returncode == 0
    assert not list(tmp_path.glob("*.tmp"))
