"""Ledgers beyond one machine: the batch on a Dask ``distributed`` cluster.

``run_dask`` reads a partitioned Parquet ledger (a directory, a glob or a list of files) with
``dask.dataframe``, applies the engine to each partition with ``map_partitions`` and writes one
Parquet file per partition (``part-00000.parquet``...) to the output directory. The policy view
is loaded once, on the client, and scattered to every worker once (``broadcast=True``); the
workers never read the rule files. Each partition is computed exactly as the single-process
batch computes a chunk (``ledger.run_ledger`` then ``ledger.summarise``), so the rows out equal
the single-process rows; ``line`` is the row's 1-based position in the whole ledger.

Without a scheduler address a ``LocalCluster`` on this machine is started. See docs/scaling.md.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
from pathlib import Path

import polars as pl

from tariffline.errors import InputError


def ledger_files(source: str | Path) -> list[str]:
    """The Parquet files of a ledger given as a directory, a glob or one file, sorted."""
    text = str(source)
    if os.path.isdir(text):
        files = sorted(glob.glob(os.path.join(text, "**", "*.parquet"), recursive=True))
    else:
        files = sorted(glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        raise InputError(f"ledger {text}: no Parquet files found (give a directory, a glob or a .parquet file)")
    return files


def _partition(pdf, policy, offsets, schema, out_dir, options, partition_info=None):
    """Engine on one partition; writes ``part-<n>.parquet``; returns counts as one pandas row.
    ``schema``: the ledger's column types, given back to the partition after pandas."""
    import pandas as pd

    from tariffline.engine.ledger import run_ledger, summarise
    from tariffline.engine.ledger_read import Ledger, ledger_frame, match_columns
    from tariffline.engine.ledger_write import write_atomic

    number = partition_info["number"] if partition_info else 0
    raw = pl.from_pandas(pdf.reset_index(drop=True))
    raw = raw.cast({c: t for c, t in schema.items() if c in raw.columns})
    first = offsets[number] + 1 if number < len(offsets) else 1
    frame = ledger_frame(raw, first, keep_types=True)  # as the single-process batch reads Parquet
    ledger = Ledger(frame=frame, columns=match_columns(raw.columns, options["mapping"], "ledger"),
                    user_columns=raw.columns, path=Path(out_dir))
    totals, layers = run_ledger(ledger, as_known_on=options["as_known_on"], policy=policy,
                                claim_preferences=options["claim_preferences"],
                                missing_quantity=options["missing_quantity"], fees=options["fees"],
                                mode=options["mode"], texts=False)
    result = summarise(ledger, totals, layers, fees=options["fees"])
    if result.height:
        write_atomic(result, Path(out_dir) / f"part-{number:05d}.parquet")
    return pd.DataFrame({"rows": [result.height], "errors": [int(result["error"].is_not_null().sum())],
                         "total_duty": [float(result["total_duty"].sum() or 0.0)]})


def run_dask(source: str | Path, out_dir: str | Path, *, scheduler: str | None = None,
             as_known_on: dt.date | None = None, claim_preferences: bool = True,
             missing_quantity: str = "error", fees: bool = False, mode: str | None = None,
             mapping: dict[str, str] | None = None, client=None) -> dict:
    """Run the batch over a partitioned Parquet ledger on a Dask cluster; returns the counts
    (rows, errors, total_duty). ``client``: an existing ``distributed.Client`` (else one is
    made for ``scheduler``, or for a new LocalCluster)."""
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client

    from tariffline.policy.loader import load_policy

    files = ledger_files(source)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"output {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or (Client(scheduler) if scheduler else Client(n_workers=2, threads_per_worker=1))
    try:
        ddf = dd.read_parquet(files)
        schema = dict(pl.read_parquet_schema(files[0]))
        lengths = ddf.map_partitions(len).compute().tolist()
        offsets = [sum(lengths[:i]) for i in range(len(lengths))]
        policy = client.scatter(load_policy(), broadcast=True)  # once per worker; viewed there
        options = {"as_known_on": as_known_on, "claim_preferences": claim_preferences,
                   "missing_quantity": missing_quantity, "fees": fees, "mode": mode, "mapping": mapping or {}}
        meta = pd.DataFrame({"rows": pd.Series([], dtype="int64"), "errors": pd.Series([], dtype="int64"),
                             "total_duty": pd.Series([], dtype="float64")})
        counts = ddf.map_partitions(_partition, policy, offsets, schema, str(out), options, meta=meta).compute()
    finally:
        if own:
            client.close()
    return {"rows": int(counts["rows"].sum()), "errors": int(counts["errors"].sum()),
            "total_duty": float(counts["total_duty"].sum()), "partitions": len(lengths)}
