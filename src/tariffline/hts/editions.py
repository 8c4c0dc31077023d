"""HTS editions on hand, when each was in force, and which one to use for a date.

Every full edition on hand is registered as a dataset (read from the mirror or downloaded):
USITC CSV exports 2019 Rev 20 .. 2024 Rev 10 and the official JSON exports (with footnotes) of
every revision from 2025 Basic to 2026 Rev 10, read out of one archive in the mirror. The 2025
Basic and 2026 Rev 4 CSV exports stay registered as datasets; for editions held twice the JSON
wins (ASSUMPTIONS HTS-20). Revisions after the last full edition are known only from change
records (:data:`CHANGE_RECORDS`): their dates are flagged, never silently answered from an
older edition. Other editions can be added from any file with :func:`add_edition` or listed in a
YAML manifest named by the ``TARIFFLINE_HTS_EDITIONS`` environment variable::

    - path: /data/hts_2019_revision_3_csv.csv     # USITC CSV or JSON export (.gz allowed)
      edition: 2019 HTS Revision 3
      release: 2019HTSARev3
      effective_from: 2019-04-18
      effective_to: 2019-05-10                     # exclusive; omit if unknown
      source: USITC HTS archive, release list

:func:`edition_for` returns the edition in force on a date; when that edition is not on
hand it returns the nearest one and says so (``nearest=True`` with ``note``), never silently.
Effective dates and their sources are listed in ASSUMPTIONS.md (HTS-01..HTS-04, HTS-20..HTS-24).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
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

# --- Every other edition on hand -------------------------------------------------------------
# Windows are [effective_from, effective_to): each edition is in force until the next release.

_RELEASE_LIST = ("USITC HTS release list (hts.usitc.gov/reststop/releaseList) as transcribed in the "
                 "Budget Lab at Yale inventory resources/pre2025_hts_inventory.csv (commit 5080ac99), "
                 "mirrored as usitc_hts_release_timeline/hts_releases_2016_2024_subset.csv")
_ARIF_DATES = ("revision_dates.csv of the Budget Lab at Yale tariff-rate-tracker (fork arifshehab, "
               "commit 9919812f), mirrored as usitc_hts_json_2025_2026_revisions/"
               "revision_dates_arifshehab.csv")
_CSV_DIR = "usitc_hts_csv_2019_2025"
_JSON_ARCHIVE = "usitc_hts_json_2025_2026_revisions/hts_json_2025_2026.tar.xz"

# (edition name, label, release id, USITC file stem, mirror file, SHA-256 of the CSV, from, to,
#  confidence, extra note). Dates: release_start / release_end of the release list; a release that
#  ends on 31 December is taken to stay in force through that day (ASSUMPTIONS HTS-21).
_CSV_EDITIONS = (
    ("hts_2019_rev20", "2019 HTS Revision 20", "2019HTSARev20", "hts_2019_revision_20_csv",
     "hts_2019_rev_20_data_csv.csv.gz", "f033ada46fd92c1685a996912b1af609b5ff3bea187a6093813520563b3f1c13",
     "2019-12-16", "2020-01-01", "likely", ""),
    ("hts_2020_rev18", "2020 HTS Revision 18", "2020HTSARev18", "hts_2020_revision_18_csv",
     "hts_2020_revision_18_csv.csv.gz", "5e3c405d5f41b8c3badf313437922ef42090d14104d02bf74fb522afacf6f7d5",
     "2020-07-30", "2020-08-14", "likely", ""),
    ("hts_2021_rev12", "2021 HTS Revision 12", "2021HTSABasicRev12", "hts_2021_revision_basic_12_csv",
     "hts_2021_revision_basic_12_csv.csv.gz", "33eb2d619cc6cfc4068bc807d95947385021e16818829d5f3c3f023187206acc",
     "2021-12-07", "2022-01-01", "likely", ""),
    ("hts_2022_rev12", "2022 HTS Revision 12", "2022HTSARev12", "hts_2022_revision_12_csv",
     "hts_2022_revision_12_csv.csv.gz", "5bc0ed40eff4bd5c3dc31be8f442478f2d67025b5d0b99a0a5b116e1e580e98d",
     "2022-11-30", "2022-12-30", "likely", ""),
    ("hts_2023_rev11", "2023 HTS Revision 11", "2023HTSRev11", "hts_2023_revision_11_csv",
     "hts_2023_revision_11_csv.csv.gz", "d2fbc7a4efdf11f0debd115890bae1c755041e5e4731c121586e5ba42e7670f0",
     "2023-09-21", "2023-12-29", "likely", ""),
    ("hts_2024_basic", "2024 HTS Basic Edition", "2024HTSBasic", "hts_2024_basic_edition_csv",
     "hts_2024_basic_edition_csv.csv.gz", "02587a792908f8335104286fb22363d770b9fc0909943c3bdb315f4cc4c7b497",
     "2023-12-29", "2024-01-25", "likely", ""),
    ("hts_2024_rev4", "2024 HTS Revision 4", "2024HTSRev4", "hts_2024_revision_4_csv",
     "htsdata_2024_rev_4_identified.csv.gz", "c04473f36fa4bf736df9c6a06aeaf0ee948b14cd328bf9941de044429075c71d",
     "2024-06-28", "2024-07-16", "uncertain",
     "; the file carries no edition label: identified as Rev 4 by its row count (35,790), see the "
     "mirror's PROVENANCE.md (ASSUMPTIONS HTS-22)"),
    ("hts_2024_rev9", "2024 HTS Revision 9", "2024HTSRev9", "hts_2024_revision_9_csv",
     "htsdata_2024_rev_9_identified.csv.gz", "40bd9f3d05f4903dee92ad2379a2a417cf9322d30ebf4eaf9c361353239c8f5f",
     "2024-09-26", "2024-11-22", "uncertain",
     "; the file carries no edition label: identified as Rev 9 by its row count (35,808), see the "
     "mirror's PROVENANCE.md (ASSUMPTIONS HTS-22)"),
    ("hts_2024_rev10", "2024 HTS Revision 10", "2024HTSRev10", "hts_2024_revision_10_csv",
     "hts_2024_revision_10_csv.csv.gz", "cb695a925c43659f2888cbb286074a49bf0ce4bbc74fda9ce3c613f2e744b3fd",
     "2024-11-22", "2025-01-01", "likely", ""),
)

# 2025 Basic .. 2026 Rev 10 as official JSON (with footnotes): (revision key, effective date,
# SHA-256 of the JSON from SHA256SUMS_uncompressed_json.txt). Effective date: the revision date of
# revision_dates.csv; 2026 Rev 8 has no row there and is dated by its publication (22 May 2026,
# named in the 2026_rev_9 row); the last window ends when 2026 Rev 11 was published (1 July 2026,
# USITC change record of 2026 Rev 12).
_JSON_EDITIONS = (
    ("2025_basic", "2025-01-01", "fe9de40662e7ab4d263f3dfb2d9090f8f78892bf881ce521628bbb5440829d01"),
    ("2025_rev_1", "2025-01-27", "c1fcdf003066f6e0471ae82068cee3289ff26bc74c75ee00c75fcf1ba06c159f"),
    ("2025_rev_2", "2025-02-01", "a25ac13d6442f3c4bf075440cb26f4cfdeaa6be655e9e923a2ac7a01064a12fc"),
    ("2025_rev_3", "2025-02-04", "6177777ed76cf40b2c00b2835f74e8f9486ecae4851e50ca98128848c959c108"),
    ("2025_rev_4", "2025-03-04", "e164aeccdc9cb948b6f351f3d05997024e45b26a834ad53d72ec8bf880c3a772"),
    ("2025_rev_5", "2025-03-05", "ca15d92fddaeb48e32547f983c8376ac7e40d238e275964f73eca73d0a67bf05"),
    ("2025_rev_6", "2025-03-12", "1d078537a8ab86bc22ce9221e838511b5246151a66a04d23e95d9b4149fd485e"),
    ("2025_rev_7", "2025-04-02", "99caf1e37916595d19f385ba02cefc205964216e253adb73c30756877a2ced13"),
    ("2025_rev_8", "2025-04-03", "84d998126e8bb0aafe9f287a511fd25742474874720033db342ca9cf083ab41b"),
    ("2025_rev_9", "2025-04-05", "a36d2079ac19f9d5a051aee175d379fa2eb57353ee56c8cf158ec9b9a77a644e"),
    ("2025_rev_10", "2025-04-09", "90d50a0433456141452826469638303a3e928601e20e6f1554172b53f60bfadc"),
    ("2025_rev_11", "2025-04-11", "4ea6932ffbb8106dd2c7a2199d85475d07a3f486c68ff40068c9a0ce81a793a9"),
    ("2025_rev_12", "2025-04-14", "5e8ed076fdde81f65b17b1df38e905dd5a79c22f7619d7784a8153eacae523ad"),
    ("2025_rev_13", "2025-04-22", "5e8ed076fdde81f65b17b1df38e905dd5a79c22f7619d7784a8153eacae523ad"),
    ("2025_rev_14", "2025-05-02", "0eb0ebeeff04d260ba6b05a16b23350eff4b93d38863ca8387d3b9555eaea43f"),
    ("2025_rev_15", "2025-05-14", "83e5fc468a032b72c7f3759add0290b6bd2ba53fca40f73a5da0c59f9511a444"),
    ("2025_rev_16", "2025-06-06", "69a3ddee24ff58342dbfcc74cc9eb2be8c405cf6fff72eb5407bdea66c2c503e"),
    ("2025_rev_17", "2025-07-01", "7940afb35ab29c4c09903d9fbe4f5ef0f99ee0a4fa7983976bc2c5ce5e6acba2"),
    ("2025_rev_18", "2025-08-07", "f03008f78466bdbe4130790b9341a03ff14248f54c82e682d4287901a7307d12"),
    ("2025_rev_19", "2025-08-12", "f03008f78466bdbe4130790b9341a03ff14248f54c82e682d4287901a7307d12"),
    ("2025_rev_20", "2025-08-20", "cf8694ac954664df3eaf978cf27243e684520301ebc42ec39cebade38596f4ef"),
    ("2025_rev_21", "2025-08-28", "dd2ecdfc045eedfcd7080bf9ddbd3741c08ccee412e0c109f5edccbd772a13dc"),
    ("2025_rev_22", "2025-09-03", "dd2ecdfc045eedfcd7080bf9ddbd3741c08ccee412e0c109f5edccbd772a13dc"),
    ("2025_rev_23", "2025-09-12", "2520132cb2eeb5efd3ecbafab739f04be1875482991d1128098ec0bd047e2e07"),
    ("2025_rev_24", "2025-09-19", "284be76a38366f798012b99e351d226213d77098c2dd97349e3f1a16951f2034"),
    ("2025_rev_25", "2025-09-26", "c86beb392418c2db581fae8bb1b6243db90c3c25e2bfda01214b8aef8fbd10f8"),
    ("2025_rev_26", "2025-10-06", "b0721d6da3ba653e30ea11832c0ea8ddb34d7f3a92e32a4004f3d574ad45a6fe"),
    ("2025_rev_27", "2025-10-15", "29b8eba1b5a1bfeeb421e2b99cf880f6c0748abf6265986ac299c524579488c9"),
    ("2025_rev_28", "2025-10-22", "98973df36de2f2cc02cef868a2e9fc943eff08f0177dbbe3e2a3b3d02f5d1872"),
    ("2025_rev_29", "2025-10-31", "3e02879465307fe177c8f1e5e6f94f1e9c4a4b7e7a1b47dfa43019f132a70749"),
    ("2025_rev_30", "2025-11-05", "5a72090f3e975c04af388bb9e27601738308393db595aa5ce731d042be5224f7"),
    ("2025_rev_31", "2025-11-12", "c3d74cae8cb2a5993963ac6699d65444722544f6e2043aedcc2199f52b6b5d12"),
    ("2025_rev_32", "2025-11-15", "aa2056b68dc18a815fb8f467453dbdf457d73f2b495d3cb2499b3028527743d3"),
    ("2026_basic", "2026-01-01", "a718007c8455c93a88ddc68f15f036cee10e9a820065a4c356da1481f4131858"),
    ("2026_rev_1", "2026-01-16", "8d258c60f75c09f2f61c8e184aa8f38b5a3f7ba0e0edcfc608282ca51cbc8ef2"),
    ("2026_rev_2", "2026-01-30", "b56567588ca6165772d409d7ad097e7b96327fa7f19d18b6a95f70317ad864a1"),
    ("2026_rev_3", "2026-02-12", "fae12fab3c47b54cfb5db7325478d222409adbcfa8a10812fa2af0d213dff07e"),
    ("2026_rev_4", "2026-02-24", "0273ec6e6251479a3fc5056e2ed1d4f737fa7ee0675bc37c122364cc7a5732a3"),
    ("2026_rev_5", "2026-04-06", "0a8789f5a540f69117b74855c348ce2aaa62b6e57efe80ef46b45248053e9c37"),
    ("2026_rev_6", "2026-04-23", "8258abee12b65e04a1c5b04519377040c711b8c31653d2b069fbf5e87a00e4d8"),
    ("2026_rev_7", "2026-04-29", "0a8789f5a540f69117b74855c348ce2aaa62b6e57efe80ef46b45248053e9c37"),
    ("2026_rev_8", "2026-05-22", "04f4ddda584823a954097b65cd8ca3a5aa1982317c344c582aa4cc3d5021433a"),
    ("2026_rev_9", "2026-05-28", "1135180124deac6707b127c4c54b5e80c583be233bc4a683e0d76a14f7247ef8"),
    ("2026_rev_10", "2026-06-08", "66375d1cc8e56cae00bbf8327c400e62586eefe128cad7c8e4d936dc3d4eda2f"),
)
_JSON_END = dt.date(2026, 7, 1)

# Revisions after the last full edition on hand, known only from their USITC change records and
# the USITC archive list: (label, release id, publication date, source). Column 1 for their dates
# comes from the last full edition, flagged (ASSUMPTIONS HTS-24).
_CR = "usitc_hts_2026_changes_rev12_21/hts_hero_revision_diffs_2026"
CHANGE_RECORDS = (
    ("2026 HTS Revision 11", "2026HTSRev11", dt.date(2026, 7, 1), f"{_CR}/2026HTSRev12_change-record.md ('following 2026 Revision 11, published July 1, 2026')"),
    ("2026 HTS Revision 12", "2026HTSRev12", dt.date(2026, 7, 21), f"{_CR}/2026HTSRev13_change-record.md"),
    ("2026 HTS Revision 13", "2026HTSRev13", dt.date(2026, 7, 28), f"{_CR}/2026HTSRev14_change-record.md"),
    ("2026 HTS Revision 14", "2026HTSRev14", dt.date(2026, 7, 31), f"{_CR}/2026HTSRev15_change-record.md"),
    ("2026 HTS Revision 15", "2026HTSRev15", dt.date(2026, 8, 3), f"{_CR}/2026HTSRev16_change-record.md"),
    ("2026 HTS Revision 16", "2026HTSRev16", dt.date(2026, 8, 14), f"{_CR}/2026HTSRev17_change-record.md"),
    ("2026 HTS Revision 17", "2026HTSRev17", dt.date(2026, 8, 24), f"{_CR}/2026HTSRev18_change-record.md"),
    ("2026 HTS Revision 18", "2026HTSRev18", dt.date(2026, 9, 2), f"{_CR}/2026HTSRev19_change-record.md"),
    ("2026 HTS Revision 19", "2026HTSRev19", dt.date(2026, 9, 15), f"{_CR}/2026HTSRev20_change-record.md; USITC archive list"),
    ("2026 HTS Revision 20", "2026HTSRev20", dt.date(2026, 9, 28), "USITC archive list (usitc_archive_list_rev19_21); Rev 20 change record"),
    ("2026 HTS Revision 21", "2026HTSRev21", dt.date(2026, 10, 9), "USITC archive list (usitc_archive_list_rev19_21): '2026 HTS Revision 21 (October 9, 2026)', release date 10/07/2026"),
)


def _register_csv_editions() -> list[Dataset]:
    out = []
    for name, label, release, stem, file, sha, start, end, conf, extra in _CSV_EDITIONS:
        out.append(register(Dataset(
            name=name, title=f"Harmonized Tariff Schedule of the United States, {label} (CSV export)",
            publisher="U.S. International Trade Commission", url=f"{_USITC_FILES}/{stem}.csv",
            mirror_path=f"{_CSV_DIR}/{file}", sha256=sha, filename=f"{stem}.csv", note=_URL_NOTE,
            meta={"edition": label, "release": release, "effective_from": dt.date.fromisoformat(start),
                  "effective_to": dt.date.fromisoformat(end),
                  "dates_source": f"{_RELEASE_LIST}, row {release}{extra}", "confidence": conf},
        )))
    return out


def _json_label(key: str) -> tuple[str, str, str, str]:
    """(edition name, label, release id, USITC JSON file stem) of a revision key '2026_rev_4'."""
    year, _, rest = key.partition("_")
    if rest == "basic":
        return f"hts_{year}_basic", f"{year} HTS Basic Edition", f"{year}HTSBasic", f"hts_{year}_basic_edition_json"
    n = rest.removeprefix("rev_")
    return f"hts_{year}_rev{n}", f"{year} HTS Revision {n}", f"{year}HTSRev{n}", f"hts_{year}_revision_{n}_json"


def _register_json_editions() -> list[Dataset]:
    out = []
    for i, (key, start, sha) in enumerate(_JSON_EDITIONS):
        name, label, release, stem = _json_label(key)
        end = (dt.date.fromisoformat(_JSON_EDITIONS[i + 1][1]) if i + 1 < len(_JSON_EDITIONS) else _JSON_END)
        if key == "2026_rev_8":
            source = ("no row in " + _ARIF_DATES + "; dated by its publication on 22 May 2026 as stated "
                      "in that file's 2026_rev_9 row")
            conf = "uncertain"
        elif key == "2026_rev_10":
            source = (f"{_ARIF_DATES}, row 2026_rev_10; ends when 2026 Revision 11 was published, "
                      "1 July 2026 (USITC change record of 2026 Revision 12)")
            conf = "likely"
        else:
            source = f"{_ARIF_DATES}, row {key.removeprefix('2025_')} (start) and the next row (end)"
            conf = "likely"
        out.append(register(Dataset(
            name=f"{name}_json", title=f"Harmonized Tariff Schedule of the United States, {label} (JSON export)",
            publisher="U.S. International Trade Commission", url=f"{_USITC_FILES}/{stem}.json",
            mirror_path=_JSON_ARCHIVE, member=f"hts_{key}.json", sha256=sha, filename=f"{stem}.json",
            note=_URL_NOTE.replace("_csv.csv", "_json.json"),
            meta={"edition": label, "release": release, "effective_from": dt.date.fromisoformat(start),
                  "effective_to": end, "dates_source": source, "confidence": conf, "edition_name": name},
        )))
    return out


# The 2025 Rev 26 CSV duplicates the JSON of the same edition (identical rates; the JSON has
# footnotes and wins, ASSUMPTIONS HTS-20): registered so that it is verified and listed.
HTS_2025_REV26_CSV = register(Dataset(
    name="hts_2025_rev26_csv",
    title="Harmonized Tariff Schedule of the United States, 2025 Revision 26 (CSV export)",
    publisher="U.S. International Trade Commission", url=f"{_USITC_FILES}/hts_2025_revision_26_csv.csv",
    mirror_path=f"{_CSV_DIR}/hts_2025_revision_26_csv.csv.gz",
    sha256="67972e774615b3194b55caff5744e5431ed4a38145b42049e6b8e9fd70dbceb1",
    filename="hts_2025_revision_26_csv.csv", note=_URL_NOTE,
    meta={"edition": "2025 HTS Revision 26", "release": "2025HTSRev26",
          "superseded_by": "hts_2025_rev26_json (same edition as JSON with footnotes)"},
))

_CSV_DATASETS = _register_csv_editions()
_JSON_DATASETS = _register_json_editions()
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
    return EditionInfo(name=m.get("edition_name", ds.name), edition=m["edition"], release=m.get("release"),
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
    found = list(_builtin_editions()) + list(_ADDED.values())
    return sorted(found, key=lambda e: (e.effective_from, e.name))


@functools.lru_cache(maxsize=1)
def _builtin_editions() -> tuple[EditionInfo, ...]:
    """The registered editions, oldest first (the JSON of an edition wins over its CSV)."""
    found = [_from_dataset(ds) for ds in _CSV_DATASETS + _JSON_DATASETS]
    return tuple(sorted(found, key=lambda e: (e.effective_from, e.name)))


def edition_named(name: str) -> EditionInfo:
    """The edition with this dataset name, release id or file path."""
    for e in editions():
        if name in (e.name, e.release, e.dataset):
            return e
    known = ", ".join(e.name for e in editions())
    raise InputError(f"unknown HTS edition {name!r}; editions on hand: {known} (or give a file path)")


def edition_for(day: dt.date, candidates: list[EditionInfo] | None = None) -> EditionInfo:
    """The edition in force on ``day``; if it is not on hand, the nearest one with ``nearest=True``.

    Nearest (ASSUMPTIONS EN-15): the latest edition on hand that took effect on or before ``day``
    in the same HTS year (the year of the edition's label: every edition of a year carries that
    year's staged rates), else the earliest edition of that year on hand, else the latest earlier
    edition on hand, else the earliest on hand. ``note`` says which and why.
    """
    return editions_for([day], candidates)[0]


def editions_for(days: list[dt.date], candidates: list[EditionInfo] | None = None) -> list[EditionInfo]:
    """:func:`edition_for` of each day, the editions on hand sorted and grouped by HTS year once
    (a ledger asks thousands of days)."""
    pool = sorted(candidates if candidates is not None else editions(), key=lambda e: e.effective_from)
    if not pool:
        raise DataError("no HTS edition is on hand")
    starts = [e.effective_from for e in pool]
    by_year: dict[int | None, list[EditionInfo]] = {}
    for e in pool:
        by_year.setdefault(hts_year(e), []).append(e)
    return [_edition_on(day, pool, starts, by_year) for day in days]


def _edition_on(day: dt.date, pool: list[EditionInfo], starts: list[dt.date],
                by_year: dict[int | None, list[EditionInfo]]) -> EditionInfo:
    """edition_for(day) over ``pool`` (sorted by start; ``starts`` its start dates)."""
    last = bisect.bisect_right(starts, day)  # (no later edition can be in force)
    if last and pool[last - 1].in_force(day):  # (the latest edition begun is in force: no list copied)
        return pool[last - 1]
    earlier = pool[:last]
    for e in reversed(earlier):
        if e.in_force(day):
            return e
    same_year = by_year.get(day.year, [])
    record = change_record_for(day)
    if earlier and record is not None and earlier[-1].effective_to is not None \
            and record[2] >= earlier[-1].effective_to:
        chosen = earlier[-1]
        why = (f"edition in force on {day} ({record[0]}) not on hand (only its change record); "
               f"column 1 from {chosen.edition}")
    elif same_year:
        before = [e for e in same_year if e.effective_from <= day]
        chosen = before[-1] if before else same_year[0]
        why = (f"the HTS edition in force on {day} is not on hand; {chosen.edition} "
               f"(in force {chosen.effective_from} to {chosen.effective_to}) is the "
               + ("latest earlier" if before else "earliest") + " edition of that year on hand")
    elif earlier:
        chosen = earlier[-1]
        why = (f"the HTS edition in force on {day} is not on hand; {chosen.edition} "
               f"(in force {chosen.effective_from} to {chosen.effective_to}) is the latest earlier one")
    else:
        chosen = pool[0]
        why = (f"{day} is before the earliest HTS edition on hand; {chosen.edition} "
               f"(in force from {chosen.effective_from}) is used")
    return dataclasses.replace(chosen, nearest=True, note=why)


def hts_year(e: EditionInfo) -> int | None:
    """The HTS year of an edition: the year its label starts with ("2024 HTS Basic Edition"
    took effect on 29 Dec 2023), else the year it took effect."""
    head = e.edition[:4]
    if head.isdigit():
        return int(head)
    return e.effective_from.year if e.effective_from else None


def change_record_for(day: dt.date) -> tuple[str, str, dt.date, str] | None:
    """The revision known only from its change record that was in force on ``day``, if any:
    (label, release id, publication date, source)."""
    found = [r for r in CHANGE_RECORDS if r[2] <= day]
    return found[-1] if found else None


def newest_change_record() -> tuple[str, str, dt.date, str]:
    """The newest revision known from a change record (label, release id, date, source)."""
    return CHANGE_RECORDS[-1]
