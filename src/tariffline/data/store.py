"""Where dataset bytes come from: a local mirror, the user cache, or the publisher.

Resolution order for a dataset:
1. ``TARIFFLINE_MIRROR=<dir>`` set: read ``<dir>/<mirror_path>`` (laid out like ``shared/data``);
   nothing is downloaded.
2. Otherwise the user cache (``TARIFFLINE_CACHE`` or the platform cache dir); a missing file is
   downloaded from the official address with a progress bar, verified against its SHA-256 where
   one is known, and moved into place atomically (a failed download leaves nothing behind).
   ``TARIFFLINE_OFFLINE=1`` forbids the download and says what to do instead.

Gzip is undone transparently: readers always get the publisher's uncompressed bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import httpx
import platformdirs

from tariffline.data.catalog import Dataset, all_datasets, get
from tariffline.errors import DataError

_VERIFIED: set[str] = set()


def mirror_dir() -> Path | None:
    value = os.environ.get("TARIFFLINE_MIRROR")
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise DataError(f"TARIFFLINE_MIRROR={value!r} is not a directory")
    return path


def cache_dir() -> Path:
    value = os.environ.get("TARIFFLINE_CACHE")
    path = Path(value).expanduser() if value else Path(platformdirs.user_cache_dir("tariffline"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline() -> bool:
    return os.environ.get("TARIFFLINE_OFFLINE", "").lower() in {"1", "true", "yes"}


def decompress(raw: bytes) -> bytes:
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _verify(ds: Dataset, content: bytes, origin: str) -> None:
    if ds.sha256 and ds.name not in _VERIFIED:
        digest = hashlib.sha256(content).hexdigest()
        if digest != ds.sha256:
            raise DataError(
                f"dataset {ds.name!r} from {origin} fails verification: SHA-256 {digest} "
                f"!= expected {ds.sha256}"
            )
    _VERIFIED.add(ds.name)


def local_path(name: str) -> Path:
    """The file a dataset is read from, fetching it into the cache if needed."""
    ds = get(name)
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / ds.mirror_path
        if not path.is_file():
            raise DataError(
                f"dataset {ds.name!r} is not in the mirror: {path} does not exist "
                f"(unset TARIFFLINE_MIRROR to download it from {ds.url})"
            )
        return path
    path = cache_dir() / ds.cache_name
    if not path.is_file():
        fetch(name)
    return path


def read_bytes(name: str) -> bytes:
    """The dataset's uncompressed bytes, verified."""
    path = local_path(name)
    try:
        content = decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"dataset {name!r}: cannot read {path}: {exc}") from None
    _verify(get(name), content, str(path))
    return content


def open_text(name: str) -> str:
    content = read_bytes(name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def download(url: str, dest: Path, *, sha256: str | None = None, label: str | None = None,
             progress: bool = True) -> Path:
    """Download ``url`` to ``dest`` atomically, with a progress bar and optional checksum."""
    if offline():
        raise DataError(
            f"cannot download {url}: TARIFFLINE_OFFLINE is set; point TARIFFLINE_MIRROR at a "
            "directory holding the data"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, httpx.stream(
            "GET", url, follow_redirects=True, timeout=60.0,
            headers={"User-Agent": "tariffline (+https://pypi.org/project/tariffline)"},
        ) as resp:
            if resp.status_code != 200:
                raise DataError(f"download of {url} failed: HTTP {resp.status_code}")
            total = int(resp.headers.get("content-length") or 0) or None
            with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), disable=not progress, transient=True) as bar:
                task = bar.add_task(label or dest.name, total=total)
                for chunk in resp.iter_bytes(1 << 16):
                    out.write(chunk)
                    bar.update(task, advance=len(chunk))
        if sha256:
            digest = hashlib.sha256(decompress(tmp.read_bytes())).hexdigest()
            if digest != sha256:
                raise DataError(f"download of {url} fails verification: SHA-256 {digest} != {sha256}")
        os.replace(tmp, dest)
    except httpx.HTTPError as exc:
        raise DataError(f"download of {url} failed: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    _write_meta(dest, {"url": url, "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return dest


def _write_meta(dest: Path, meta: dict) -> None:
    side = dest.with_name(dest.name + ".meta.json")
    tmp = side.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=1))
    os.replace(tmp, side)


def fetch(name: str, *, progress: bool = True) -> Path:
    """Download a dataset into the cache (or confirm it is in the mirror); return its path."""
    ds = get(name)
    mirror = mirror_dir()
    if mirror is not None:
        return local_path(name)
    dest = cache_dir() / ds.cache_name
    download(ds.url, dest, sha256=ds.sha256, label=ds.name, progress=progress)
    _VERIFIED.discard(ds.name)
    return dest


def status() -> list[dict]:
    """One row per known dataset: where it would be read from and whether it is there."""
    mirror = mirror_dir()
    rows = []
    for ds in all_datasets():
        path = (mirror / ds.mirror_path) if mirror else (cache_dir() / ds.cache_name)
        present = path.is_file()
        rows.append({
            "name": ds.name,
            "title": ds.title,
            "publisher": ds.publisher,
            "source": "mirror" if mirror else "cache",
            "path": str(path),
            "present": present,
            "bytes": path.stat().st_size if present else None,
            "url": ds.url,
            **{k: str(v) for k, v in ds.meta.items()},
        })
    return rows
