"""Context words and compiled signatures kept on disk (engine/signatures.py), as the product words
are: a new process reads what an earlier one computed, equal to what it would compute afresh, and
a corrupt or missing file is passed over (computed again). Expected values: the words and
signatures computed from the rule files in the same test, and the dates of Section 232 on
passenger vehicles (Proclamation 10908, heading 9903.94.01, in force for entries from 3 April 2025)."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt

import polars as pl
import pytest

from tariffline.engine import signatures as sg
from tariffline.engine.stacking import compile_signature
from tariffline.policy.loader import load_policy

ORIGINS = ["JP", "CN", "DE", "MX", "CA", "KR", "GB", "VN"]


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    policy = load_policy()
    measures = [bm for bm in policy.measures if bm.measure.rate.type != "column2"]
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=d) for d in range(0, 3200, 5)]
    contexts = pl.DataFrame({
        "origin_iso": [o for o in ORIGINS for _ in days], "entry_date": days * len(ORIGINS),
        "program": pl.Series([None] * (len(days) * len(ORIGINS)), dtype=pl.Utf8),
        "loaded_date": pl.Series([None] * (len(days) * len(ORIGINS)), dtype=pl.Date),
        "_claim_default": [True] * (len(days) * len(ORIGINS))})
    return policy, measures, contexts


def _in_two_processes(policy, measures, ask):
    """(what a view computes, then writes; what a second view, as a new process would, reads;
    the second view)."""
    views = [sg._Compiled(policy, measures), sg._Compiled(policy, measures)]
    computed = ask(views[0])
    assert views[0].ctx_disk is not None and views[0].ctx_disk.exists()
    return computed, ask(views[1]), views[1]


def test_context_words_read_back_equal_words_computed(setup):
    policy, measures, contexts = setup
    computed, read, second = _in_two_processes(policy, measures, lambda view: view.context_words(contexts))
    assert second.ctx_saved == contexts.height == len(read)  # every context read, none computed again
    assert (read == computed).all()
    autos = next(i for i, bm in enumerate(measures) if bm.measure.heading == "9903.94.01")
    word, bit = divmod(autos, 64)
    japan = contexts.with_row_index("_i").filter(pl.col("origin_iso") == "JP")
    by_day = dict(zip(japan["entry_date"], read[japan["_i"].to_numpy(), word]))
    assert int(by_day[dt.date(2025, 4, 4)]) >> bit & 1 == 1
    assert int(by_day[dt.date(2025, 3, 30)]) >> bit & 1 == 0


def test_known_contexts_are_found_whatever_their_order(setup):
    """Asked again in another order, with a new one among them: the same words per context, and
    only the new one computed (its words equal those of a view that never saw the others)."""
    policy, measures, contexts = setup
    view = sg._Compiled(policy, measures)
    words = view.context_words(contexts)
    new = contexts.head(1).with_columns(pl.lit("NO").alias("origin_iso"))
    shuffled = pl.concat([contexts.reverse(), new])
    again = view.context_words(shuffled)
    assert view.ctx.height == contexts.height + 1
    assert (again[:-1] == words[::-1]).all()
    assert (again[-1] == sg._Compiled(dataclasses.replace(policy, version="fresh"), measures).context_words(new)[0]).all()


def test_a_corrupt_contexts_file_is_passed_over(setup):
    policy, measures, contexts = setup
    computed = sg._Compiled(policy, measures).context_words(contexts)
    path = sg._kept_file(policy, measures, "contexts")
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    again = sg._Compiled(policy, measures)
    assert (again.context_words(contexts) == computed).all()
    assert again.ctx_saved == len(computed)  # computed again and written whole


def test_a_lookups_few_new_contexts_are_not_written(setup):
    policy, measures, contexts = setup
    view = sg._Compiled(policy, measures)
    view.context_words(contexts.head(3))
    assert not view.ctx_disk.exists()


def test_signatures_read_back_equal_signatures_compiled(setup):
    policy, measures, _ = setup
    nwords = (len(measures) + 63) // 64
    keys = [(tuple((i * 7919 + w * 104729) % (1 << 40) for w in range(nwords)), mc)
            for i in range(150) for mc in range(4)]
    first = sg._Compiled(policy, measures)
    with first.lock:
        computed = {k: first.signature(*k) for k in keys}
        first.keep_signatures()
    assert first.sigs_saved == len(keys)
    second = sg._Compiled(policy, measures)
    with second.lock:
        second.signature(*keys[0])
    assert second.sigs == computed  # every one read back, none compiled
    assert all(second.sigs[k] == compile_signature(k[0], k[1], measures) for k in keys[:40])


def test_a_corrupt_or_foreign_signatures_file_is_passed_over(setup):
    policy, measures, _ = setup
    nwords = (len(measures) + 63) // 64
    keys = [(tuple(i + w for w in range(nwords)), 0) for i in range(120)]
    first = sg._Compiled(policy, measures)
    with first.lock:
        [first.signature(*k) for k in keys]
        first.keep_signatures()
    path = sg._kept_file(policy, measures, "signatures")
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    assert sg._read_signatures(path, nwords, len(measures)) == {}
    fewer = sg._Compiled(policy, measures[:10])  # another view: another file
    assert sg._kept_file(policy, measures[:10], "signatures") != path
    assert sg._kept_file(dataclasses.replace(policy, version="other"), measures, "signatures") != path
    with fewer.lock:
        assert fewer.signature((0,) * ((10 + 63) // 64), 0) == compile_signature((0,), 0, measures[:10])


@pytest.mark.parametrize("spans", [(1 << 24, 2.0 ** 62), (0, 2.0 ** 62), (0, 0.0)], ids=["count", "sort", "parts"])
def test_context_numbers_tell_apart_every_key(setup, monkeypatch, spans):
    """Rows with the same (origin, interval, program, loaded date, claim) share a number; any
    other rows do not, whichever way the rows are numbered (by counting, by sorting keys, or
    row by row when the keys would not fit in 64 bits). Expected: the keys compared as tuples."""
    monkeypatch.setattr(sg, "COUNT_SPAN", spans[0])
    monkeypatch.setattr(sg, "KEY_SPAN", spans[1])
    policy, measures, _ = setup
    view = sg._Compiled(policy, measures)
    rng = __import__("numpy").random.default_rng(4)
    n = 3000
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 3200, n)]
    loaded = [None if k % 3 else d - dt.timedelta(days=int(b)) for k, (d, b) in enumerate(zip(days, rng.integers(0, 90, n)))]
    frame = pl.DataFrame({
        "origin_iso": [["JP", "CN", None][i] for i in rng.integers(0, 3, n)],
        "entry_date": pl.Series([None if k % 97 == 0 else d for k, d in enumerate(days)], dtype=pl.Date),
        "program": pl.Series([[None, "JP", "S"][i] for i in rng.integers(0, 3, n)], dtype=pl.Utf8),
        "loaded_date": pl.Series(loaded, dtype=pl.Date), "_claim_default": rng.random(n) < 0.5})
    frame = frame.with_columns(_origin_id=pl.col("origin_iso").rank("dense").fill_null(0).cast(pl.Int64))
    breaks = view.breaks.to_list()  # (each day's interval's first day by a binary search over the change dates)
    interval = [None if d is None else breaks[i - 1] if (i := bisect.bisect_right(breaks, d)) else
                breaks[0] - dt.timedelta(days=1) for d in frame["entry_date"]]
    keys = list(zip(frame["origin_iso"], interval, frame["program"], frame["loaded_date"], frame["_claim_default"]))
    number, distinct = view.context_numbers(frame)
    by_key = {}
    for k, num in zip(keys, number.tolist()):
        assert by_key.setdefault(k, num) == num
    assert len(set(by_key.values())) == len(by_key) == distinct.height
    assert [tuple(r) for r in distinct.rows()] == sorted(by_key, key=by_key.get)
