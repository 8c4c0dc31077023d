"""Japan datasets read at run time: Japan Customs' schedule editions and HS 2022 descriptions.

The schedule is published by Japan Customs as HTML, one page per chapter
(``https://www.customs.go.jp/tariff/<edition>/data/j_NN.htm``). Its machine-readable form is
the scrape of those pages in the ``qlitre/japan-tariff-mcp`` repository (one JSON file per
chapter, ``src/tariffdata/j_NN_tariff_data.json``, listed in ``index.json``), pinned to the
commit holding each edition. The mirror (``shared/data/japan_customs_tariff``) keeps each
edition's 96 chapter files combined into one gzip JSON; a download assembles the same object
from the chapter files (see :mod:`tariffline.japan.schedule`).
"""

from __future__ import annotations

import datetime as dt

from tariffline.data.catalog import Dataset, register

QLITRE_REPO = "qlitre/japan-tariff-mcp"
_RAW = "https://raw.githubusercontent.com/" + QLITRE_REPO + "/{commit}/src/tariffdata/{file}"
CUSTOMS_PAGE = "https://www.customs.go.jp/tariff/{edition}/data/j_{chapter}.htm"


def _edition(name: str, edition: str, edition_date: dt.date, commit: str, mirror_file: str,
             note: str) -> Dataset:
    return register(
        Dataset(
            name=name,
            title=f"Japan Customs applied tariff schedule (実行関税率表), edition {edition}",
            publisher="Japan Customs, Ministry of Finance of Japan (scraped by qlitre/japan-tariff-mcp)",
            url=_RAW.format(commit=commit, file="index.json"),
            mirror_path=f"japan_customs_tariff/{mirror_file}",
            filename=f"{name}.json.gz",
            note=note,
            meta={
                "edition": edition,
                "edition_date": edition_date,
                "commit": commit,
                "chapter_url": _RAW.format(commit=commit, file="j_{chapter}_tariff_data.json"),
                "original": CUSTOMS_PAGE.format(edition=edition, chapter="{chapter}"),
            },
        )
    )


EDITIONS = (
    _edition(
        "japan_tariff_2025_04_01", "2025_04_01", dt.date(2025, 4, 1),
        "4630b3bc5dd20a540f3a97e855f0ad629e5acf39", "japan_tariff_2025_06_scrape.json.gz",
        "Edition in force from 2025-04-01 (JFY2025), scraped 2025-06-17; the file's "
        "source_version is the scrape date.",
    ),
    _edition(
        "japan_tariff_2026_07_09", "2026_07_09", dt.date(2026, 7, 9),
        "715eff92066635603d701c7d410c6bb6c8260a0c", "japan_tariff_2026_07_09.json.gz",
        "Edition of 2026-07-09 (JFY2026 rates); the repository's HEAD on 2026-07-12.",
    ),
)

HS2022 = register(
    Dataset(
        name="hs2022_nomenclature",
        title="Harmonized System 2022: chapters, headings and subheadings with English descriptions",
        publisher="World Customs Organization nomenclature, text from UN Comtrade (datasets/harmonized-system)",
        url=("https://raw.githubusercontent.com/datasets/harmonized-system/"
             "905e5a0fa29f5700d62cb3cc1265f21bc8a92329/data/harmonized-system.csv"),
        mirror_path="hs2022_nomenclature/harmonized-system.csv",
        sha256="e77ee9e1cfd15a42d1fadeb2c0618d10f6b9ed9aec0e5d66826dc7ef9d3126a5",
        note="Comtrade's condensed wording, not the WCO legal text. Licence: ODC PDDL 1.0.",
        meta={"edition": "HS 2022"},
    )
)
