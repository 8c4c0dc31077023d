"""The catalogue of official datasets tariffline reads at run time.

Each :class:`Dataset` names its publisher, the official address it is downloaded from, the
path it has in a local mirror directory laid out like ``shared/data`` (for a file kept inside an
archive there, the archive's path plus ``member``), and the SHA-256 of its uncompressed bytes:
``sha256`` for the publisher's file, ``mirror_sha256`` where the mirror copy is in another form
(see :mod:`tariffline.data.checksums`). Modules that read a dataset register it here with
:func:`register`; nothing in the repository holds the data itself.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from tariffline.errors import DataError


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    publisher: str
    url: str  # official download address
    mirror_path: str  # path relative to a TARIFFLINE_MIRROR directory
    sha256: str | None = None  # of the publisher's file, uncompressed, where known
    filename: str | None = None  # cache file name (default: last part of mirror_path)
    note: str = ""
    meta: dict = field(default_factory=dict)  # edition metadata (edition, effective dates...)
    member: str | None = None  # file inside the archive at mirror_path (.tar.xz/.tar.gz/.zip)
    mirror_sha256: str | None = None  # of the mirror copy, uncompressed, when its form differs

    @property
    def cache_name(self) -> str:
        return self.filename or self.member or self.mirror_path.rsplit("/", 1)[-1]

    @property
    def mirror_checksum(self) -> str | None:
        """The SHA-256 the mirror copy must have (uncompressed)."""
        return self.mirror_sha256 or self.sha256


_REGISTRY: dict[str, Dataset] = {}

# Modules that register datasets; imported on demand so `data status` sees them all.
_REGISTERING_MODULES = (
    "tariffline.data.core_datasets",
    "tariffline.hts.editions",
    "tariffline.japan.datasets",
    "tariffline.policy.note_datasets",
    "tariffline.trade.datasets",
    "tariffline.audit.sources",
    "tariffline.scenarios.datasets",
)


def register(ds: Dataset) -> Dataset:
    from tariffline.data.checksums import with_known_checksums

    ds = with_known_checksums(ds)
    existing = _REGISTRY.get(ds.name)
    if existing is not None and existing != ds:
        raise DataError(f"dataset {ds.name!r} registered twice with different definitions")
    _REGISTRY[ds.name] = ds
    return ds


def _load_all() -> None:
    for mod in _REGISTERING_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if not (exc.name and mod.startswith(exc.name)):
                raise


def get(name: str) -> Dataset:
    if name not in _REGISTRY:
        _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise DataError(f"unknown dataset {name!r}; known datasets: {known}") from None


def all_datasets() -> list[Dataset]:
    _load_all()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def parse_day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
