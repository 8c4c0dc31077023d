"""Parsed editions kept as Parquet in the cache are read back identical to a fresh parse."""

from __future__ import annotations

from tariffline.data import store
from tariffline.hts import loader


def test_parsed_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    loader._load_cached.cache_clear()
    first = loader.load_edition("hts_2025_basic")  # parses and keeps the result
    kept = list((tmp_path / "parsed").glob("hts-*/lines.parquet"))
    assert len(kept) == 1
    loader._load_cached.cache_clear()
    second = loader.load_edition("hts_2025_basic")  # read back from Parquet
    fresh = loader.parse_edition_bytes(store.read_bytes(first.info.dataset), first.info)
    assert second.lines.equals(fresh.lines) and second.special.equals(fresh.special)
    loader._load_cached.cache_clear()


def test_unreadable_parsed_cache_is_reparsed(tmp_path, monkeypatch):
    monkeypatch.setenv("TARIFFLINE_CACHE", str(tmp_path))
    loader._load_cached.cache_clear()
    loader.load_edition("hts_2025_basic")
    for f in (tmp_path / "parsed").glob("hts-*/*.parquet"):
        f.write_bytes(b"not parquet")
    loader._load_cached.cache_clear()
    assert loader.load_edition("hts_2025_basic").lines.height > 29_000
    loader._load_cached.cache_clear()
