"""Load an edition of Japan's applied tariff schedule into a table of 9-digit lines.

Layout (qlitre/japan-tariff-mcp, see :mod:`tariffline.japan.datasets`): a tree of nodes per
chapter, each with ``stat_code`` (``"0201.30"``), ``hs_code`` (3-digit statistical suffix, empty
on grouping nodes), ``desc`` (Japanese), ``rate`` (column name -> rate text), ``unit``, ``law``,
``children``. Accepted inputs: the mirror's combined object ``{"source_version", "chapters":
{"01": [...], ...}}`` (``.json`` or ``.json.gz``), or a directory of the repository's chapter
files ``j_NN_tariff_data.json`` (with ``index.json``).

A *line* is a node with a statistical suffix. The national and WTO columns (基本 general,
暫定 temporary, WTO協定, 特恵 GSP, 特別特恵 LDC) are often printed once on a grouping row and
apply to every line below it; a line with an empty cell in one of those columns takes the
nearest ancestor's text. EPA columns are never inherited (the data has no EPA text on grouping
rows). Seasonal lines share a 9-digit code (oranges 0805.10-000 June-November and
December-May); their season is read from the description and becomes part of ``line_id``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from tariffline.data import catalog, store
from tariffline.errors import DataError, InputError
from tariffline.japan.datasets import EDITIONS

INHERITED_COLUMNS = ("基本", "暫定", "WTO協定", "特恵", "特別特恵")
_SEASON = re.compile(r"毎年(\d+)月(\d+)日から(?:同年|翌年)(\d+)月(\d+|末)日までに輸入されるもの")


def jfy(day: dt.date) -> int:
    """Japanese fiscal year of a day (JFY2025 = 2025-04-01 .. 2026-03-31)."""
    return day.year if day.month >= 4 else day.year - 1


def jfy_start(year: int) -> dt.date:
    return dt.date(year, 4, 1)


@dataclass(frozen=True)
class Edition:
    """One edition: its date, where it came from, and one row per line (``lines``)."""

    name: str
    edition: str
    edition_date: dt.date
    source: str
    lines: pl.DataFrame
    rate_columns: tuple[str, ...]

    @property
    def jfy(self) -> int:
        return jfy(self.edition_date)


def normalise_hs(code: str) -> str:
    """'0201.30', '0201.30.010', '020130010' -> digits; InputError unless 2, 4, 6 or 9 digits."""
    digits = re.sub(r"[.\s-]", "", str(code))
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 9):
        raise InputError(
            f"HS code {code!r} is not a Japanese tariff code: give 2, 4, 6 or 9 digits "
            "(e.g. 02, 0201, 0201.30, 0201.30.010)"
        )
    return digits


def _season(desc: str) -> tuple[str, str]:
    m = _SEASON.search(desc)
    if not m:
        return "", ""
    end_day = "29" if m.group(4) == "末" else f"{int(m.group(4)):02d}"
    return f"{int(m.group(1)):02d}-{int(m.group(2)):02d}", f"{int(m.group(3)):02d}-{end_day}"


def _walk(nodes: list, inherited: dict, out: list, chapter: str) -> None:
    for node in nodes:
        if not isinstance(node, dict) or "stat_code" not in node:
            raise DataError(f"chapter {chapter}: a node without 'stat_code' (not the expected layout)")
        rate = node.get("rate") or {}
        here = dict(inherited)
        for col in INHERITED_COLUMNS:
            if rate.get(col):
                here[col] = rate[col]
        if node.get("hs_code"):
            stat = node["stat_code"]
            if not re.fullmatch(r"\d{4}\.\d{2}", stat) or not re.fullmatch(r"\d{3}", node["hs_code"]):
                raise DataError(f"chapter {chapter}: malformed code {stat!r} {node['hs_code']!r}")
            unit = node.get("unit") or {}
            start, end = _season(node.get("desc", ""))
            row = {
                "code": stat.replace(".", "") + node["hs_code"],
                "stat_code": stat,
                "suffix": node["hs_code"],
                "desc": (node.get("desc") or "").strip(),
                "season_start": start,
                "season_end": end,
                "unit_1": (unit.get("I") or "").strip(),
                "unit_2": (unit.get("II") or "").replace("\n", " ").strip(),
                "law": ";".join(node.get("law") or []),
                "rates": {**{k: v for k, v in rate.items() if v}, **here},
            }
            out.append(row)
        _walk(node.get("children") or [], here, out, chapter)


def lines_from_chapters(chapters: dict[str, list]) -> tuple[pl.DataFrame, tuple[str, ...]]:
    rows: list[dict] = []
    for chapter in sorted(chapters):
        _walk(chapters[chapter], {}, rows, chapter)
    if not rows:
        raise DataError("the schedule has no tariff lines")
    columns = sorted({k for r in rows for k in r["rates"]}, key=_column_order)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["code"]] = counts.get(r["code"], 0) + 1
    records = []
    for r in rows:
        rec = {k: v for k, v in r.items() if k != "rates"}
        rec["line_id"] = r["code"] + (f"@{r['season_start']}" if counts[r["code"]] > 1 else "")
        rec["hs6"] = r["code"][:6]
        rec["chapter"] = r["code"][:2]
        for col in columns:
            rec["rate:" + col] = r["rates"].get(col, "")
        records.append(rec)
    df = pl.DataFrame(records)
    dupes = df.filter(pl.col("line_id").is_duplicated())
    if dupes.height:
        raise DataError(f"duplicate line ids in the schedule: {dupes['line_id'].unique().to_list()[:5]}")
    return df, tuple(columns)


def _column_order(col: str) -> tuple[int, str]:
    return (INHERITED_COLUMNS.index(col), col) if col in INHERITED_COLUMNS else (len(INHERITED_COLUMNS), col)


def _edition_date(version: str) -> dt.date | None:
    m = re.fullmatch(r"(\d{4})[_-](\d{1,2})[_-](\d{1,2})", str(version).strip())
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def edition_from_object(obj: dict, *, name: str, source: str,
                        edition_date: dt.date | None = None) -> Edition:
    if not isinstance(obj, dict) or not isinstance(obj.get("chapters"), dict):
        raise DataError(f"{source}: not a Japan tariff edition (expected an object with 'chapters')")
    version = str(obj.get("source_version", ""))
    day = edition_date or _edition_date(version)
    if day is None:
        raise DataError(
            f"{source}: cannot tell the edition date from source_version {version!r}; pass it "
            "explicitly (e.g. --edition-date 2027-04-01)"
        )
    lines, columns = lines_from_chapters(obj["chapters"])
    return Edition(name=name, edition=day.strftime("%Y_%m_%d"), edition_date=day, source=source,
                   lines=lines, rate_columns=columns)


def _read_json(path: Path):
    try:
        raw = path.read_bytes()
        return json.loads(store.decompress(raw).decode("utf-8"))
    except (OSError, ValueError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"cannot read {path}: {exc}") from None


def combine_chapter_dir(directory: Path) -> dict:
    """The repository's per-chapter files -> the combined object of the mirror."""
    files = sorted(directory.glob("j_*_tariff_data.json"))
    if not files:
        raise DataError(f"{directory}: no j_NN_tariff_data.json chapter files")
    chapters = {}
    for f in files:
        m = re.fullmatch(r"j_(\d{2})_tariff_data\.json", f.name)
        if m:
            data = _read_json(f)
            if not isinstance(data, list):
                raise DataError(f"{f}: expected a JSON list of nodes")
            chapters[m.group(1)] = data
    index = directory / "index.json"
    version = ""
    if index.is_file():
        meta = _read_json(index)
        version = meta.get("version") or meta.get("source_version") or meta.get("created_at", "")
    return {"source_version": version, "chapters": chapters}


def read_edition_path(path: str | Path, edition_date: dt.date | None = None) -> Edition:
    """An edition from a file (combined JSON, optionally gzip) or a directory of chapter files."""
    p = Path(path).expanduser()
    if p.is_dir():
        obj = combine_chapter_dir(p)
    elif p.is_file():
        obj = _read_json(p)
    else:
        raise InputError(f"edition file {str(p)!r} does not exist")
    return edition_from_object(obj, name=p.name, source=str(p), edition_date=edition_date)


def _assemble_download(ds: catalog.Dataset) -> Path:
    """Fetch index.json and every chapter file at the pinned commit; write the combined gzip."""
    dest = store.cache_dir() / ds.cache_name
    with tempfile.TemporaryDirectory(dir=store.cache_dir()) as tmp:
        tmpdir = Path(tmp)
        store.download(ds.url, tmpdir / "index.json", label=f"{ds.name} index")
        index = _read_json(tmpdir / "index.json")
        for chap in index.get("chapters", []):
            fname = chap.get("file_name") or f"j_{chap['chapter']}_tariff_data.json"
            url = ds.meta["chapter_url"].format(chapter=fname[2:4])
            store.download(url, tmpdir / fname, label=fname, progress=False)
        obj = combine_chapter_dir(tmpdir)
        obj["source_version"] = ds.meta["edition"]
        fd, part = tempfile.mkstemp(dir=dest.parent, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(gzip.compress(json.dumps(obj, ensure_ascii=False).encode("utf-8")))
        os.replace(part, dest)
    return dest


def _edition_bytes(ds: catalog.Dataset) -> bytes:
    if store.mirror_dir() is None and not (store.cache_dir() / ds.cache_name).is_file():
        if store.offline():
            raise DataError(
                f"dataset {ds.name!r} is not cached and TARIFFLINE_OFFLINE is set; point "
                "TARIFFLINE_MIRROR at a directory holding japan_customs_tariff/"
            )
        _assemble_download(ds)
        return store.decompress((store.cache_dir() / ds.cache_name).read_bytes())
    return store.read_bytes(ds.name)


@lru_cache(maxsize=8)
def load_edition(name: str) -> Edition:
    """A registered edition (see :data:`tariffline.japan.datasets.EDITIONS`)."""
    ds = catalog.get(name)
    if "edition_date" not in ds.meta:
        raise InputError(f"dataset {name!r} is not a Japan tariff edition")
    try:
        obj = json.loads(_edition_bytes(ds).decode("utf-8"))
    except ValueError as exc:
        raise DataError(f"dataset {name!r} is not valid JSON: {exc}") from None
    return edition_from_object(obj, name=name, source=ds.mirror_path, edition_date=ds.meta["edition_date"])


def registered_editions() -> list[str]:
    """Names of the registered editions, oldest first."""
    return [ds.name for ds in sorted(EDITIONS, key=lambda d: d.meta["edition_date"])]


def find_lines(edition: Edition, hs: str) -> pl.DataFrame:
    """Lines whose 9-digit code starts with the given 2/4/6/9-digit code; InputError if none."""
    digits = normalise_hs(hs)
    rows = edition.lines.filter(pl.col("code").str.starts_with(digits))
    if rows.is_empty():
        raise InputError(f"HS code {hs!r} is not in Japan's tariff schedule (edition {edition.edition})")
    return rows
