"""HTS editions on hand, when each was in force, and which one to use for a date.

Two USITC CSV exports are registered as datasets (read from the mirror or downloaded):
the 2025 Basic Edition and 2026 Revision 4. Other editions (e.g. 2018-2024) can be added
from any file with :func:`add_edition` or listed in a YAML manifest named by the
``TARIFFLINE_HTS_EDITIONS`` environment variable::

    - path: /data/hts_2019_revision_3_csv.csv     # USITC CSV or JSON export (.gz allowed)
      edition: 2019 HTS Revision 3
      release: 2019HTSARev3
      effective_from: 2019-04-18
      effective_to: 2019-05-10                     # exclusive; omit if unknown
      source: USITC HTS archive, release list

:func:`edition_for` returns the edition in force on a date; when that edition is not on
hand it returns the nearest one and says so (``nearest=True`` with ``note``), never silently.
Effective dates and their sources are listed in ASSUMPTIONS.md (HTS-01..HTS-04).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from tariffline.data.catalog import Dataset, register
from tariffline.errors import DataError, InputError

_USITC_FILES = "https://www.usitc.gov/sites/default/files/tata/hts"
_URL_NOTE = (
    "Official address follows the USITC file pattern hts_<year>_<edition>_csv.csv under "
    f"{_USITC_FILES} (same pattern as the JSON files listed for USITC on catalog.data.gov); "
    "www.usitc.gov may refuse automated downloads (HTTP 403), in which case download the file "
    "from https://hts.usitc.gov/download/archive and point TARIFFLINE_MIRROR at it."
)
_YALE_DATES = ("Budget Lab at Yale tariff-rate-tracker config/revision_dates.csv "
               "(commit 8315fffd, mirrored as yale_tariff_tracker_policy_lists/revision_dates.csv)")

HTS_2025_BASIC = register(Dataset(
    name="hts_2025_basic",
    title="Harmonized Tariff Schedule of the United States, 2025 Basic Edition (CSV export)",
    publisher="U.S. International Trade Commission",
    url=f"{_USITC_FILES}/hts_2025_basic_edition_csv.csv",
    mirror_path="usitc_hts_2025_basic/hts_2025_basic_edition.csv.gz",
    sha256="4c2561c9ca7c94d2ee368f0bb7b32c714ba0f1bfeecc7a05f1fcdf2fae509a73",
    filename="hts_2025_basic_edition_csv.csv",
    note=_URL_NOTE,
    meta={
        "edition": "2025 HTS Basic Edition", "release": "2025HTSBasic",
        "effective_from": dt.date(2025, 1, 1), "effective_to": dt.date(2025, 1, 27),
        "dates_source": "Basic edition in force from 1 Jan 2025; superseded by 2025 Revision 1 on "
                  f"27 Jan 2025 per {_YALE_DATES}, row rev_1",
        "confidence": "likely",
    },
))

HTS_2026_REV4 = register(Dataset(
    name="hts_2026_rev4",
    title="Harmonized Tariff Schedule of the United States, 2026 Revision 4 (CSV export)",
    publisher="U.S. International Trade Commission",
    url=f"{_USITC_FILES}/hts_2026_revision_4_csv.csv",
    mirror_path="usitc_hts_2026_rev4/hts_2026_revision_4.csv.gz",
    sha256="911acd99dc3bed4ec32994b4fde0e547c6c7f8907bbf2df16232065e9917710b",
    filename="hts_2026_revision_4_csv.csv",
    note=_URL_NOTE,
    meta={
        "edition": "2026 HTS Revision 4", "release": "2026HTSRev4",
        "effective_from": dt.date(2026, 2, 24), "effective_to": dt.date(2026, 4, 6),
        "dates_source": f"{_YALE_DATES}, rows 2026_rev_4 (2026-02-24) and 2026_rev_5 (2026-04-06); "
                  "2026-02-24 is the start of the Section 122 surcharge (heading 9903.03.01, "
                  "Proclamation 11012) that Rev 4 carries. The USITC archive lists the Rev 4 "
                  "release as 02/25/2026 and Rev 5 as 04/08/2026 (publication dates).",
        "confidence": "likely",
    },
))

_BUILTIN = (HTS_2025_BASIC, HTS_2026_REV4)
ENV_MANIFEST = "TARIFFLINE_HTS_EDITIONS"


@dataclasses.dataclass(frozen=True)
class EditionInfo:
    """One HTS edition: where it is read from and the period it was in force (end exclusive)."""

    name: str  # dataset name ("hts_2026_rev4") or the file path of a user-supplied edition
    edition: str
    release: str | None
    effective_from: dt.date | None  # None only for a file loaded by path without dates
    effective_to: dt.date | None
    source: str
    confidence: str = "likely"
    dataset: str | None = None
    path: str | None = None
    nearest: bool = False  # True when returned for a date it was not in force on
    note: str = ""

    def in_force(self, day: dt.date) -> bool:
        if self.effective_from is None:
            return False
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


class _ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    edition: str
    release: str | None = None
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: str = "user-supplied edition file"
    confidence: str = "uncertain"


_ADDED: dict[str, EditionInfo] = {}


def _from_dataset(ds: Dataset) -> EditionInfo:
    m = ds.meta
    return EditionInfo(name=ds.name, edition=m["edition"], release=m.get("release"),
                       effective_from=m["effective_from"], effective_to=m.get("effective_to"),
                       source=m["dates_source"], confidence=m.get("confidence", "likely"), dataset=ds.name)


def add_edition(path: str | Path, *, edition: str, effective_from: dt.date,
                effective_to: dt.date | None = None, release: str | None = None,
                source: str = "user-supplied edition file", confidence: str = "uncertain") -> EditionInfo:
    """Make a USITC CSV/JSON export at ``path`` available to :func:`editions` / :func:`edition_for`."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"HTS edition file {str(p)!r} does not exist")
    if effective_to is not None and effective_to <= effective_from:
        raise InputError(f"edition {edition!r}: effective_to {effective_to} is not after "
                         f"effective_from {effective_from}")
    info = EditionInfo(name=str(p), edition=edition, release=release, effective_from=effective_from,
                       effective_to=effective_to, source=source, confidence=confidence, path=str(p))
    _ADDED[str(p)] = info
    return info


def load_manifest(path: str | Path) -> list[EditionInfo]:
    """Add every edition listed in a YAML manifest (see the module docstring)."""
    p = Path(path).expanduser()
    try:
        entries = yaml.safe_load(p.read_text(encoding="utf-8")) or []
    except OSError as exc:
        raise DataError(f"HTS edition manifest {str(p)!r} cannot be read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise DataError(f"HTS edition manifest {str(p)!r} is not valid YAML: {exc}") from None
    if not isinstance(entries, list):
        raise DataError(f"HTS edition manifest {str(p)!r} must be a list of editions")
    added = []
    for i, raw in enumerate(entries, 1):
        try:
            entry = _ManifestEntry.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise DataError(f"HTS edition manifest {str(p)!r}, entry {i}: {where}: {first['msg']}") from None
        file = Path(entry.path).expanduser()
        if not file.is_absolute():
            file = p.parent / file
        added.append(add_edition(file, **entry.model_dump(exclude={"path"})))
    return added


def editions() -> list[EditionInfo]:
    """All editions on hand (built-in datasets, manifest and added files), oldest first."""
    manifest = os.environ.get(ENV_MANIFEST)
    if manifest:
        load_manifest(manifest)
    found = [_from_dataset(ds) for ds in _BUILTIN] + list(_ADDED.values())
    return sorted(found, key=lambda e: (e.effective_from, e.name))


def edition_named(name: str) -> EditionInfo:
    """The edition with this dataset name, release id or file path."""
    for e in editions():
        if name in (e.name, e.release, e.dataset):
            return e
    known = ", ".join(e.name for e in editions())
    raise InputError(f"unknown HTS edition {name!r}; editions on hand: {known} (or give a file path)")


def edition_for(day: dt.date, candidates: list[EditionInfo] | None = None) -> EditionInfo:
    """The edition in force on ``day``; if it is not on hand, the nearest one with ``nearest=True``.

    Nearest means: the latest edition on hand that took effect on or before ``day``, or the
    earliest on hand for a day before all of them. ``note`` says which and why.
    """
    pool = sorted(candidates if candidates is not None else editions(), key=lambda e: e.effective_from)
    if not pool:
        raise DataError("no HTS edition is on hand")
    for e in reversed(pool):
        if e.in_force(day):
            return e
    earlier = [e for e in pool if e.effective_from <= day]
    if earlier:
        chosen = earlier[-1]
        why = (f"the edition in force on {day} is not on hand; {chosen.edition} "
               f"(in force {chosen.effective_from} to {chosen.effective_to}) is the latest earlier one")
    else:
        chosen = pool[0]
        why = (f"{day} is before the earliest edition on hand; {chosen.edition} "
               f"(in force from {chosen.effective_from}) is used")
    return dataclasses.replace(chosen, nearest=True, note=why)
