"""A batch computing several chunks at once (``run_batch(workers=...)``) writes the same rows, in
the ledger's order, as one computing a chunk at a time; a bad ``workers`` is refused by name.

Duty figures (as in test_batch_streaming): 8703.23.01 from Japan entered 1 Oct 2025 owes 15%
all-in (EO 14345, HTS 9903.94.41), 4,500 on 30,000; 9503.00.00 from Japan entered 1 Jun 2024 owes 0
(MFN free, no Chapter 99 measure then); '87' is not an HTS code."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tariffline.engine.ledger import open_ledger, run_batch
from tariffline.errors import InputError

ROWS = [("8703.23.01", "2025-10-01", 30000.0, 4500.0), ("9503.00.00", "2024-06-01", 1000.0, 0.0),
        ("87", "2025-10-01", 1000.0, None)]


@pytest.fixture()
def ledger(tmp_path):
    n = 97  # 13 chunks of 8 rows, the last short
    path = tmp_path / "ledger.parquet"
    pl.DataFrame({"hts": [ROWS[i % 3][0] for i in range(n)], "origin": ["JP"] * n,
                  "entry_date": [ROWS[i % 3][1] for i in range(n)], "value": [ROWS[i % 3][2] for i in range(n)],
                  "ref": [f"r{i}" for i in range(n)]}).write_parquet(path)
    return path


@pytest.mark.parametrize("workers", [2, 3, 16])
def test_workers_write_what_one_worker_writes_in_order(ledger, tmp_path, workers):
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    s1, _ = run_batch(open_ledger(ledger, {}, 8), one, tmp_path / "l1.parquet", workers=1)
    sn, _ = run_batch(open_ledger(ledger, {}, 8), many, tmp_path / "ln.parquet", workers=workers)
    assert s1 == sn
    got = pl.read_parquet(many)
    assert_frame_equal(got, pl.read_parquet(one))
    assert_frame_equal(pl.read_parquet(tmp_path / "ln.parquet"), pl.read_parquet(tmp_path / "l1.parquet"))
    assert got["ref"].to_list() == [f"r{i}" for i in range(97)]
    assert got["total_duty"].to_list() == [ROWS[i % 3][3] for i in range(97)]
    assert got["error"].is_not_null().to_list() == [i % 3 == 2 for i in range(97)]


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_a_bad_worker_count_is_refused_and_nothing_is_written(ledger, tmp_path, workers):
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError, match="workers must be a whole number"):
        run_batch(open_ledger(ledger, {}, 8), out, workers=workers)
    assert not out.exists()


def test_threads_meeting_new_days_at_once_give_each_row_its_own_editions_note(tmp_path):
    """Chunks computed at once meet new entry days at the same time; each day's edition and
    note (numbered as they are first met, engine/column1) must still be the day's own:
    hts.editions.edition_for gives them (EN-15)."""
    import datetime as dt

    from tariffline.engine import column1
    from tariffline.hts.editions import edition_for

    n = 600
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=(i * 37) % 3200) for i in range(n)]
    path = tmp_path / "days.parquet"
    pl.DataFrame({"hts": ["9503.00.00"] * n, "origin": ["JP"] * n, "entry_date": days,
                  "value": [1000.0] * n}).write_parquet(path)
    outs = []
    for workers in (1, 4):
        column1._day_places.cache_clear()
        column1._days_memo.cache_clear()
        _, rows = run_batch(open_ledger(path, {}, 25), keep=True, workers=workers)
        outs.append(rows)
    assert_frame_equal(outs[0], outs[1])
    fallbacks = 0
    for day, edition, notes, flags in outs[1].select("entry_date", "edition", "notes", "flags").iter_rows():
        want = edition_for(day)
        assert edition == want.name
        if want.note:
            fallbacks += 1
            assert want.note in notes and "edition_fallback" in flags
        else:
            assert "edition_fallback" not in flags
    assert 0 < fallbacks < n  # both kinds of day are met


def test_api_and_cli_take_a_worker_count(ledger, tmp_path):
    from tariffline import api
    from tariffline.cli.app import main
    from tariffline.cli.duty_cmd import BATCH_WORKERS
    from tariffline.engine.ledger import WORKERS

    assert BATCH_WORKERS == WORKERS  # the CLI's default is the engine's (kept apart for a light start)
    one, many = tmp_path / "one.csv", tmp_path / "many.csv"
    assert api.batch(ledger, one, chunk_rows=8, workers=1) == api.batch(ledger, many, chunk_rows=8, workers=3)
    assert one.read_bytes() == many.read_bytes()
    with pytest.raises(InputError, match="workers must be a whole number"):
        api.batch(ledger, tmp_path / "none.csv", workers=0)
    for count, code in (("3", 3), ("0", 2)):  # 3: some rows carry an error ('87'); 2: refused by the CLI
        with pytest.raises(SystemExit) as exc:
            main(["batch", str(ledger), "-o", str(tmp_path / f"cli{count}.csv"), "--chunk-rows", "8",
                  "--workers", count])
        assert exc.value.code == code
    assert (tmp_path / "cli3.csv").read_bytes() == one.read_bytes()
    assert not (tmp_path / "cli0.csv").exists() and not (tmp_path / "none.csv").exists()
