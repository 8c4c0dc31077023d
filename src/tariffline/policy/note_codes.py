"""HTS codes printed in the text of a Chapter 99 U.S. note, read at run time.

Some notes enumerate their products as a table of statistical numbers inside one subdivision
(e.g. U.S. note 40(c), the pharmaceutical provisions of Section 232). The note text is
registered here as a dataset (never committed) and a rule file refers to it as a list:
``{dataset: "usnote:40_rev20", where: {subdivision: "c"}}``. The codes are the dotted HTS
numbers found in the table rows (lines starting with ``|``) of that top-level subdivision.
"""

from __future__ import annotations

import re

from tariffline.data.catalog import Dataset, register
from tariffline.errors import PolicyError

PREFIX = "usnote:"
_SUBDIVISION = re.compile(r"^ {2}\(([a-z]{1,2})\)", re.MULTILINE)  # "  (c) The headings ..."
_CODE = re.compile(r"\b(\d{4}\.\d{2}(?:\.\d{2,4})?)\b")

_NOTES_DIR = "usitc_hts_2026_changes_rev12_21/ch99_notes_rev20"
_USITC_RELEASE = "https://hts.usitc.gov/reststop/file?release={release}&filename=Chapter%2099"
_NOTES = {
    # name: (edition, mirror file, SHA-256 of the mirror file)
    "40_rev19": ("2026HTSRev19", "note40_subchIII_2026HTSRev19.md",
                 "d6c4edc62f40d7795c9dbc9ab9dbc2fc99b88157978c40a8e8e53317a1c93859"),
    "40_rev20": ("2026HTSRev20", "note40_subchIII_2026HTSRev20.md",
                 "ca5d5a9db555b01be216c50f3517b8801d93119c5029fb479451baefa3da4847"),
}
for _name, (_release, _file, _sha) in _NOTES.items():
    register(Dataset(
        name=PREFIX + _name,
        title=f"HTS ch. 99 subch. III U.S. note {_name.split('_')[0]} ({_release})",
        publisher="USITC (HTS Chapter 99 PDF; mirror: hts-hero transcription, commit 9ac404ae)",
        url=_USITC_RELEASE.format(release=_release),
        mirror_path=f"{_NOTES_DIR}/{_file}",
        sha256=_sha,
        note="The mirror holds the note's text as parsed from the official PDF; the official "
             "download is the whole Chapter 99 PDF of that release.",
    ))


def is_note(dataset: str) -> bool:
    return dataset.startswith(PREFIX)


def subdivision_text(text: str, subdivision: str, dataset: str = "") -> str:
    """The text of top-level subdivision ``(subdivision)`` up to the next one."""
    marks = list(_SUBDIVISION.finditer(text))
    for i, m in enumerate(marks):
        if m.group(1) == subdivision:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            return text[m.start():end]
    raise PolicyError(f"note {dataset!r} has no subdivision ({subdivision})")


def codes_in(text: str, subdivision: str, dataset: str = "") -> list[str]:
    """Digits of every HTS number in the table rows of ``subdivision`` (in order, no dots)."""
    part = subdivision_text(text, subdivision, dataset)
    rows = [ln for ln in part.splitlines() if ln.lstrip().startswith("|")]
    codes = [c.replace(".", "") for ln in rows for c in _CODE.findall(ln)]
    if not codes:
        raise PolicyError(f"note {dataset!r} subdivision ({subdivision}) lists no HTS codes")
    return codes
