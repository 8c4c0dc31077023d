"""SHA-256 of the datasets whose registering module gives none (computed from the mirror copies).

Every dataset the catalogue knows is verified when read. Where the registering module names no
checksum, this table supplies it: ``OFFICIAL`` when the mirror holds the publisher's bytes (so a
download is checked too), ``MIRROR`` when the mirror copy is in another form than the download
(a downloaded copy is then checked against the digest recorded when it was downloaded).
Values: SHA-256 of the uncompressed content of the files in shared/data, computed 2026-12-01.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tariffline.data.catalog import Dataset

# Budget Lab at Yale files mirrored byte for byte from the pinned commit (gzip undone).
OFFICIAL = {
    "yale:chapter99_2026_rev_6": "5495190b1c7d85eeed13c531a1a3512d03546e28fc82f45819175d588c320f68",
    "yale:fentanyl_carveout_products": "7b5ec64e8ef1a10de6c3be57f6159c26722a0dc8f2330d72946aa258851ad810",
    "yale:ieepa_exempt_products": "d3a63557b170f37abee9f22d489cc8663549fa359be1716bdd26c357940c031e",
    "yale:revision_dates": "430f6c60a836c4a1f68031553f0e9d0ab478aa1d88ae652b3a3cecdd17f0d632",
    "yale:s122_exempt_products": "7a797642c061cef86aa1d4d8a328ec5a0e0a2a2819ee13b611a21343ffc956c4",
    "yale:s232_annex_products": "69e3c1da5e087b0f77d95f3542d0cb8b2f61600b36a78504e3c2f08495a5cabc",
    "yale:s232_auto_parts": "8d2214ecb718bdd3db9e21a313665e4815972c0f7a099115c843e5254569411b",
    "yale:s232_copper_products": "bfb8ef9c3371e7b065da5eba5d6cb05a76189838e9a25dd1d2772d581930ce21",
    "yale:s232_derivative_products": "32863a937fcd82752bb27ba457c19a60c56e12f7cf463068e3326635d40781c8",
    "yale:s232_mhd_parts": "1411bac1b64b0510343a3d9b437b538357fceed13dffd480eee464f746a49cfb",
    "yale:s301_product_lists": "f6474ee043015559d19f8713dff9d25f76f42271e07f91097db4c0635349cffb",
}

# Mirror copies in another form than the publisher's download (CSV compilations, scrapes).
MIRROR = {
    "census_country_codes": "71aaa5ad1ddbbcf0a2eaf9ed6a9e7152b3e2a5735fac101e3ab145629724b0b2",
    "japan_tariff_2025_04_01": "093be21ebab13229f8d5b8c5e307a4efdefe739aaf9117eaeeb8578e5e92e291",
    "japan_tariff_2026_07_09": "ef04ab40cd7b92baae060b1b54ebea9ecb5a23eec452ae02c49a5e524becbec1",
    "us_imports_hs10_country_2024": "5964eb512e0bd815609b53f4c711df46643c73a418bdd347e01e5d40d2f68ad8",
}


def with_known_checksums(ds: Dataset) -> Dataset:
    """``ds`` with the checksums of this table filled in where its module gave none."""
    if ds.sha256 is None and ds.name in OFFICIAL:
        ds = dataclasses.replace(ds, sha256=OFFICIAL[ds.name])
    if ds.mirror_sha256 is None and ds.name in MIRROR:
        ds = dataclasses.replace(ds, mirror_sha256=MIRROR[ds.name])
    return ds
