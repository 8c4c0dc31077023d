"""The Dask batch (2 workers on a LocalCluster) equals the single-process batch on the same rows:
every column of every row, and the rows-out = rows-in rule (issue 10)."""

from __future__ import annotations

import polars as pl
import pytest

from tariffline import api
from tariffline.engine.dask_batch import ledger_files, run_dask
from tariffline.errors import InputError

distributed = pytest.importorskip("distributed")

ROWS = pl.DataFrame({
    "entry": [f"E{i}" for i in range(12)],
    "hts": ["8703.23.01", "7208.51.00", "8418.21.00", "9503.00.00", "0201.30.80", "8708.40.11",
            "7601.10.60", "8703.23.01", "6110.30.30", "not a code", "8458.11.00", "8704.31.01"],
    "origin": ["JP", "CN", "DE", "VN", "BR", "MX", "CA", "KR", "GB", "JP", "IN", "Atlantis"],
    "entry_date": ["2025-10-01", "2024-03-01", "2026-02-01", "2025-05-01", "2019-05-05", "2025-06-01",
                   "2018-07-01", "2026-03-15", "2023-01-01", "2025-01-01", "2021-12-31", "2025-01-01"],
    "value": ["30000", "1,000", "$2500", "99.5", "12000", "800", "5000", "42000", "10", "10", "77", "5"],
    "metal_value": [None, "400", None, None, None, "300", "5000", None, None, None, None, None],
})


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _both(rows: pl.DataFrame, split: int, tmp_path, client) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(single-process result, Dask result in line order, Dask counts) of ``rows`` written whole,
    and as two Parquet parts cut at ``split``."""
    src = tmp_path / "ledger"
    src.mkdir()
    rows.head(split).write_parquet(src / "a.parquet")
    rows.slice(split).write_parquet(src / "b.parquet")
    rows.write_parquet(tmp_path / "all.parquet")
    single = api.batch(tmp_path / "all.parquet")
    counts = run_dask(src, tmp_path / "out", client=client, as_known_on=None)
    got = pl.concat([pl.read_parquet(f) for f in ledger_files(tmp_path / "out")],
                    how="vertical_relaxed").sort("line")
    return single, got, counts


def test_dask_equals_single_process(tmp_path, client):
    single, got, counts = _both(ROWS, 5, tmp_path, client)
    assert counts["rows"] == ROWS.height == got.height
    assert counts["errors"] == single["error"].is_not_null().sum() == 2
    assert got.columns == single.columns
    assert got.equals(single.cast(got.schema))


def test_no_parquet_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="no Parquet files"):
        ledger_files(tmp_path / "nothing*.parquet")


def test_cli_unknown_engine_is_one_line(tmp_path, capsys):
    from tariffline.cli.app import main

    ROWS.write_parquet(tmp_path / "all.parquet")
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(tmp_path / "all.parquet"), "-o", str(tmp_path / "o.csv"), "--engine", "spark"])
    err = capsys.readouterr().err
    assert exc.value.code == 1
    assert "--engine must be local or dask" in err and "Traceback" not in err


def test_dask_keeps_the_ledgers_types_as_the_single_process_batch_does(tmp_path, client):
    """Dates and numbers stored as such come out as such, through pandas and back."""
    typed = ROWS.filter(pl.col("entry").is_in(["E0", "E1", "E3", "E7"])).with_columns(
        pl.col("entry_date").str.to_date(), pl.col("value").str.replace_all(r"[,$]", "").cast(pl.Float64),
        pl.col("metal_value").cast(pl.Float64))
    single, got, _ = _both(typed, 2, tmp_path, client)
    assert single.schema["entry_date"] == pl.Date and single.schema["value"] == pl.Float64
    assert got.equals(single)
