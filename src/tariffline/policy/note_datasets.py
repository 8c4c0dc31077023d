"""Chapter 99 U.S. note texts read at run time for the product lists they print (e.g. note 52(b)).

Each text is the Markdown parse of the official USITC Chapter 99 PDF of one HTS revision; rule
files name a list in it by subdivision (``{dataset: ..., subdivision: "52(b)"}``) and
:mod:`tariffline.policy.note_lists` extracts the provisions. Nothing of the text is committed.
"""

from tariffline.data.catalog import Dataset, register

NOTE52_REV20 = register(
    Dataset(
        name="usitc:ch99_note52_rev20",
        title="HTSUS Chapter 99, subchapter III, U.S. note 52 (Section 301 forced-labor action), 2026 Revision 20",
        publisher="U.S. International Trade Commission (HTS Chapter 99 PDF; Markdown parse by brendanxmac/hts-hero)",
        url="https://hts.usitc.gov/reststop/file?release=2026HTSRev20&filename=Chapter%2099",
        mirror_path="usitc_hts_2026_changes_rev12_21/ch99_notes_rev20/note52_subchIII_2026HTSRev20.md",
        sha256="329204866e55c386e10d1fd16e0811324badd91975af94e17183fac473ca4d86",
        filename="note52_subchIII_2026HTSRev20.md",
        note=("The official address serves the whole Chapter 99 as PDF; the reader needs the Markdown parse of "
              "note 52 (hts-hero commit 9ac404aece59d1fb5b71f9c4e494d45b459af10d, "
              "tariffs/revision-diffs/2026HTSRev20/reference/ch99-notes-2026HTSRev20.md, from offset 1,487,170), "
              "so use a mirror holding that file; a download fails the checksum."),
        meta={"revision": "2026HTSRev20", "note": "52"},
    )
)


def _note40(release: str, sha256: str) -> Dataset:
    rev = release.removeprefix("2026HTS").lower()
    return register(Dataset(
        name=f"usitc:ch99_note40_{rev}",
        title=f"HTSUS Chapter 99, subchapter III, U.S. note 40 (Section 232 pharmaceuticals), 2026 {rev.title()}",
        publisher="U.S. International Trade Commission (HTS Chapter 99 PDF; Markdown parse by brendanxmac/hts-hero)",
        url=f"https://hts.usitc.gov/reststop/file?release={release}&filename=Chapter%2099",
        mirror_path=f"usitc_hts_2026_changes_rev12_21/ch99_notes_rev20/note40_subchIII_{release}.md",
        sha256=sha256,
        filename=f"note40_subchIII_{release}.md",
        note="The official address serves the whole Chapter 99 as PDF; use a mirror holding the Markdown "
             "parse of note 40 (a download fails the checksum).",
        meta={"revision": release, "note": "40"},
    ))


NOTE40_REV19 = _note40("2026HTSRev19", "d6c4edc62f40d7795c9dbc9ab9dbc2fc99b88157978c40a8e8e53317a1c93859")
NOTE40_REV20 = _note40("2026HTSRev20", "ca5d5a9db555b01be216c50f3517b8801d93119c5029fb479451baefa3da4847")
