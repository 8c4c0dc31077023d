"""The catalogue of official datasets tariffline reads at run time.

Each :class:`Dataset` names its publisher, the official address it is downloaded from, the
path it has in a local mirror directory laid out like ``shared/data``, and (where known) the
SHA-256 of its uncompressed bytes. Modules that read a dataset register it here with
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
    sha256: str | None = None  # of the uncompressed content, where known
    filename: str | None = None  # cache file name (default: last part of mirror_path)
    note: str = ""
    meta: dict = field(default_factory=dict)  # edition metadata (edition, effective dates...)

    @property
    def cache_name(self) -> str:
        return self.filename or self.mirror_path.rsplit("/", 1)[-1]


_REGISTRY: dict[str, Dataset] = {}

# Modules that register datasets; imported on demand so `data status` sees them all.
_REGISTERING_MODULES = (
    "tariffline.data.core_datasets",
    "tariffline.hts.editions",
    "tariffline.japan.datasets",
    "tariffline.policy.note_datasets",
    "tariffline.trade.datasets",
    "tariffline.audit.sources",
)


def register(ds: Dataset) -> Dataset:
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
