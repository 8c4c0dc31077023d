"""Issue 9, data faults: every dataset verified, the parsed-edition cache verified and rebuilt,
concurrent cache filling, leftovers of killed runs, offline messages, `data fetch` past failures."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from tariffline.cli.app import main
from tariffline.data import catalog, store
from tariffline.errors import DataError
from tariffline.hts import loader

SHARED = Path(os.environ.get("TARIFFLINE_MIRROR", ""))
CENSUS = "us_imports_hs10_country_2024/census_country_codes.csv"


def test_every_catalogued_dataset_has_a_checksum():
    missing = [d.name for d in catalog.all_datasets() if not d.mirror_checksum]
    assert missing == []


def test_every_dataset_in_the_mirror_verifies(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["data", "fetch", "--json"])
    assert exc.value.code in (None, 0), capsys.readouterr().err


def test_tampered_census_country_file_is_refused(tmp_path, monkeypatch):
    # Census code 5880 is Japan; a mirror copy edited to say otherwise must not be read
    target = tmp_path / CENSUS
    target.parent.mkdir(parents=True)
    shutil.copyfile(SHARED / CENSUS, target)
    raw = bytearray(target.read_bytes())
    at = raw.index(b"5880")
    raw[at + 3] = ord("1")  # one byte: 5880 -> 5881
    target.write_bytes(bytes(raw))
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(tmp_path))
    store._VERIFIED.clear()
    expected = catalog.get("census_country_codes").mirror_checksum
    actual = hashlib.sha256(bytes(raw)).hexdigest()
    with pytest.raises(DataError) as err:
        store.read_bytes("census_country_codes")
    message = str(err.value)
    assert str(target) in message and expected in message and actual in message


def test_tampered_archive_member_is_refused(tmp_path, monkeypatch):
    import io
    import tarfile

    archive = tmp_path / "usitc_hts_json_2025_2026_revisions" / "hts_json_2025_2026.tar.xz"
    archive.parent.mkdir(parents=True)
    with tarfile.open(archive, "w:xz") as tf:
        data = b'[{"htsno": "0101", "indent": "0"}]'
        info = tarfile.TarInfo("hts_2025_basic.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    monkeypatch.setenv("TARIFFLINE_MIRROR", str(tmp_path))
    with pytest.raises(DataError, match=r"member hts_2025_basic\.json fails verification: SHA-256 is"):
        store.read_bytes("hts_2025_basic_json")


def _fresh_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("TARIFFLINE_CACHE", str(cache))
    loader._load_cached.cache_clear()
    return cache


def test_edited_parsed_parquet_is_detected_and_rebuilt(tmp_path, monkeypatch):
    cache = _fresh_cache(tmp_path, monkeypatch)
    first = loader.load_edition("hts_2019_rev20")
    truth = first.line("8703.23.01")["gen_adv"]  # 2.5% in 2019 Rev 20
    assert truth == pytest.approx(0.025)
    (kept,) = list((cache / "parsed").glob("hts-*/lines.parquet"))
    edited = pl.read_parquet(kept).with_columns(
        pl.when(pl.col("hts8") == "87032301").then(0.275).otherwise(pl.col("gen_adv")).alias("gen_adv"))
    edited.write_parquet(kept)  # a valid Parquet file with another duty
    loader._load_cached.cache_clear()
    again = loader.load_edition("hts_2019_rev20")
    assert again.line("8703.23.01")["gen_adv"] == pytest.approx(0.025)
    assert pl.read_parquet(kept).equals(first.lines)  # rebuilt in place
    loader._load_cached.cache_clear()


_WORKER = """
import sys
from pathlib import Path
from tariffline.data import store
from tariffline.hts.loader import load_edition
ed = load_edition("hts_2019_rev20")
dest = Path(sys.argv[1])
store._write_meta(dest, {"worker": sys.argv[2]})
print(ed.lines.height)
"""


def test_eight_processes_fill_a_fresh_cache(tmp_path, monkeypatch):
    cache = _fresh_cache(tmp_path, monkeypatch)
    cache.mkdir()
    env = {**os.environ, "TARIFFLINE_CACHE": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(cache / "x.csv"), str(i)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(8)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for _, e in outs]
    assert len({o.strip() for o, _ in outs}) == 1
    left = [p.name for p in cache.rglob("*") if p.name.endswith((".tmp", ".part"))]
    assert left == []
    assert len(list((cache / "parsed").glob("hts-*"))) == 1
    assert (cache / "x.csv.meta.json").is_file()


def test_stale_temp_files_and_dirs_are_cleaned(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    (cache / "parsed" / "hts-abc.x1y2.tmp").mkdir(parents=True)
    (cache / "parsed" / "hts-abc.x1y2.tmp" / "lines.parquet").write_bytes(b"half")
    (cache / "f.csv.k3j.part").write_bytes(b"half a download")
    (cache / "f.csv.meta.json.q9.tmp").write_bytes(b"{")
    fresh = cache / "g.csv.live.part"  # being written right now by another process
    fresh.write_bytes(b"...")
    old = time.time() - 2 * store.STALE_AFTER_S
    for p in (cache / "parsed" / "hts-abc.x1y2.tmp", cache / "f.csv.k3j.part", cache / "f.csv.meta.json.q9.tmp"):
        os.utime(p, (old, old))
    monkeypatch.setenv("TARIFFLINE_CACHE", str(cache))
    store._CLEANED.discard(cache)
    store.cache_dir()
    assert sorted(p.name for p in cache.rglob("*")) == ["g.csv.live.part", "parsed"]


@pytest.fixture()
def offline_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.setenv("TARIFFLINE_OFFLINE", "1")
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_offline_message_names_the_publisher_and_what_to_do(offline_cache):
    with pytest.raises(DataError) as err:
        store.read_bytes("census_country_codes")
    message = str(err.value)
    assert "U.S. Census Bureau (www.census.gov)" in message
    assert "TARIFFLINE_MIRROR" in message and "tariffline data fetch" in message


def test_unreachable_publisher_says_the_machine_seems_offline(offline_cache, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_OFFLINE")
    ds = catalog.Dataset(name="t_unreachable", title="t", publisher="Example Agency",
                         url="http://127.0.0.1:9/file.csv", mirror_path="t/file.csv", sha256="0" * 64)
    monkeypatch.setitem(catalog._REGISTRY, ds.name, ds)
    with pytest.raises(DataError, match=r"cannot reach Example Agency \(127\.0\.0\.1\).*seems offline"):
        store.read_bytes("t_unreachable")


def test_cli_error_is_printed_once(offline_cache, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["hts", "show", "8703.23.01"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.count("TARIFFLINE_OFFLINE is set") == 1 and err.count("error:") == 1


def test_data_fetch_goes_on_past_failures_and_lists_them(offline_cache, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["data", "fetch", "census_country_codes", "hts_2019_rev20"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "2 of 2 dataset(s) failed" in err
    assert "census_country_codes: cannot download" in err and "hts_2019_rev20: cannot download" in err


def test_file_put_in_the_cache_by_another_reader_is_checked_after_first_read(tmp_path, monkeypatch):
    monkeypatch.delenv("TARIFFLINE_MIRROR", raising=False)
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    ds = catalog.Dataset(name="t_tofu", title="t", publisher="p", url="http://127.0.0.1:9/t.csv",
                         mirror_path="t/t.csv")
    monkeypatch.setitem(catalog._REGISTRY, ds.name, ds)
    (tmp_path / "t.csv").write_bytes(b"5880,JAPAN\n")
    assert store.read_bytes("t_tofu") == b"5880,JAPAN\n"
    (tmp_path / "t.csv").write_bytes(b"5880,CHINA\n")
    with pytest.raises(DataError, match="fails verification"):
        store.read_bytes("t_tofu")
