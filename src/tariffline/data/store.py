"""Where dataset bytes come from: a local mirror, the user cache, or the publisher.

Resolution order for a dataset:
1. ``TARIFFLINE_MIRROR=<dir>`` set: read ``<dir>/<mirror_path>`` (laid out like ``shared/data``);
   a dataset kept inside an archive there (``member``) is read out of the .tar.xz/.tar.gz/.zip.
   Nothing is downloaded.
2. Otherwise the user cache (``TARIFFLINE_CACHE`` or the platform cache dir); a missing file is
   downloaded from the official address with a progress bar and moved into place atomically (a
   failed download leaves nothing behind). ``TARIFFLINE_OFFLINE=1`` forbids the download and says
   what to do instead.

Every read is verified: against the catalogue's SHA-256 (the mirror copy's, or the publisher's),
or for a cached file whose publisher gives none, against the digest recorded beside it when it
was downloaded (or, for a file another reader put in the cache, when it was first read). A mismatch is a :class:`DataError` naming the file and both digests.
Gzip is undone transparently: readers always get the uncompressed bytes. Temporary files carry
unique names; ones left by a killed process (``*.part``, ``*.tmp``) are removed on the next run.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import os
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import platformdirs

from tariffline.data.catalog import Dataset, all_datasets, get
from tariffline.errors import DataError

_VERIFIED: set[tuple] = set()  # (name, path, size, mtime_ns) of files verified in this process
_CLEANED: set[Path] = set()
STALE_AFTER_S = 15 * 60  # a temp file this old belongs to no live writer
_TEMP_SUFFIXES = (".part", ".tmp")
_OFFLINE_HINT = ("set TARIFFLINE_MIRROR to a directory holding the data (laid out like shared/data), "
                 "or run `tariffline data fetch` on a machine with internet and copy the cache")


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
    if path not in _CLEANED:
        _CLEANED.add(path)
        clean_stale(path)
    return path


def clean_stale(root: Path, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove temp files and directories (``*.part``, ``*.tmp``) under ``root`` left by killed runs."""
    cutoff = time.time() - older_than_s
    removed = []
    for path in list(root.rglob("*")):
        if not path.name.endswith(_TEMP_SUFFIXES):
            continue
        try:
            if path.lstat().st_mtime > cutoff:
                continue  # may belong to a process still writing it
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        except OSError:
            continue
    return removed


def offline() -> bool:
    return os.environ.get("TARIFFLINE_OFFLINE", "").lower() in {"1", "true", "yes"}


def decompress(raw: bytes) -> bytes:
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _check(ds: Dataset, content: bytes, origin: str, expected: str | None) -> None:
    if expected is None:
        raise DataError(f"dataset {ds.name!r} ({origin}) cannot be verified: the catalogue holds no "
                        "SHA-256 for it")
    actual = sha256(content)
    if actual != expected:
        raise DataError(f"dataset {ds.name!r}: {origin} fails verification: SHA-256 is {actual}, "
                        f"expected {expected}")


def local_path(name: str) -> Path:
    """The file a dataset is read from (for an archive member: the archive), fetching it if needed."""
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


def _stamp(name: str, path: Path) -> tuple:
    st = path.stat()
    return (name, str(path), st.st_size, st.st_mtime_ns)


def read_bytes(name: str) -> bytes:
    """The dataset's uncompressed bytes, verified."""
    return dict(iter_bytes([name]))[name]


def open_text(name: str) -> str:
    content = read_bytes(name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def iter_bytes(names: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(name, verified uncompressed bytes) for each dataset; members of one archive are read in
    one pass over it (in archive order), so a batch of editions costs one decompression."""
    names = list(dict.fromkeys(names))
    mirror = mirror_dir()
    by_archive: dict[Path, list[Dataset]] = {}
    for name in names:
        ds = get(name)
        if mirror is not None and ds.member:
            by_archive.setdefault(local_path(name), []).append(ds)
            continue
        path = local_path(name)
        try:
            content = decompress(path.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"dataset {name!r}: cannot read {path}: {exc}") from None
        stamp = _stamp(name, path)
        if stamp not in _VERIFIED:
            expected = ds.mirror_checksum if mirror is not None else (ds.sha256 or _recorded_sha(path))
            if expected is None and mirror is None:
                # a cached file written by another reader (e.g. a Census API response) with no
                # published checksum: record its digest now, so later edits are caught
                expected = sha256(content)
                _write_meta(path, {"sha256": expected, "recorded_at": _now(), "note": "first read"})
            _check(ds, content, str(path), expected)
            _VERIFIED.add(stamp)
        yield name, content
    for archive, members in by_archive.items():
        wanted = {ds.member: ds for ds in members}
        for member, content in _read_members(archive, set(wanted)):
            ds = wanted[member]
            _check(ds, content, f"{archive} member {member}", ds.mirror_checksum)
            yield ds.name, content


def _read_members(archive: Path, members: set[str]) -> Iterator[tuple[str, bytes]]:
    """The named members of a .tar.xz/.tar.gz/.tar/.zip archive, in archive order."""
    left = set(members)
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    if info.filename in left:
                        left.discard(info.filename)
                        yield info.filename, decompress(zf.read(info))
        else:
            # seekable mode (not 'r|xz'): tarfile skips unwanted members without buffering them
            with tarfile.open(archive, "r:*") as tf:
                for info in tf:
                    if info.name in left and info.isfile():
                        left.discard(info.name)
                        handle = tf.extractfile(info)
                        yield info.name, decompress(handle.read() if handle else b"")
                    if not left:
                        break
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise DataError(f"archive {archive} cannot be read: {exc}") from None
    if left:
        raise DataError(f"archive {archive} lacks member(s) {', '.join(sorted(left))}")


def _recorded_sha(path: Path) -> str | None:
    try:
        return json.loads(_meta_path(path).read_text()).get("sha256")
    except (OSError, ValueError, AttributeError):
        return None


def _publisher_of(url: str, publisher: str | None) -> str:
    host = urlsplit(url).hostname or url
    return f"{publisher} ({host})" if publisher else host


def download(url: str, dest: Path, *, sha256: str | None = None, label: str | None = None,
             progress: bool = True, publisher: str | None = None) -> Path:
    """Download ``url`` to ``dest`` atomically, with a progress bar and optional checksum.

    The digest of the uncompressed content is recorded beside the file (``.meta.json``) so
    later reads of the cached copy are verified even when the publisher gives no checksum.
    """
    who = _publisher_of(url, publisher)
    if offline():
        raise DataError(f"cannot download {label or url} from {who}: TARIFFLINE_OFFLINE is set; "
                        f"{_OFFLINE_HINT}")
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
                raise DataError(f"download of {url} from {who} failed: HTTP {resp.status_code}")
            total = int(resp.headers.get("content-length") or 0) or None
            with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), disable=not progress, transient=True) as bar:
                task = bar.add_task(label or dest.name, total=total)
                for chunk in resp.iter_bytes(1 << 16):
                    out.write(chunk)
                    bar.update(task, advance=len(chunk))
        digest = hashlib.sha256(decompress(tmp.read_bytes())).hexdigest()
        if sha256 and digest != sha256:
            raise DataError(f"download of {url} fails verification: SHA-256 is {digest}, expected {sha256}")
        os.replace(tmp, dest)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise DataError(f"cannot reach {who} to download {label or url}: this machine seems offline "
                        f"({_short(exc)}); {_OFFLINE_HINT}") from None
    except httpx.HTTPError as exc:
        raise DataError(f"download of {url} from {who} failed: {_short(exc)}") from None
    finally:
        tmp.unlink(missing_ok=True)
    _write_meta(dest, {"url": url, "sha256": digest, "fetched_at": _now()})
    return dest


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".meta.json")


def _write_meta(dest: Path, meta: dict) -> None:
    write_atomic(_meta_path(dest), json.dumps(meta, indent=1).encode())


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a uniquely named temp file and an atomic rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def fetch(name: str, *, progress: bool = True) -> Path:
    """Download a dataset into the cache (or confirm it is in the mirror); return its path."""
    ds = get(name)
    mirror = mirror_dir()
    if mirror is not None:
        return local_path(name)
    dest = cache_dir() / ds.cache_name
    download(ds.url, dest, sha256=ds.sha256, label=ds.name, progress=progress, publisher=ds.publisher)
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
            "member": ds.member if mirror else None,
            "present": present,
            "bytes": path.stat().st_size if present else None,
            "url": ds.url,
            "sha256": ds.mirror_checksum if mirror else ds.sha256,
            **{k: str(v) for k, v in ds.meta.items()},
        })
    return rows
