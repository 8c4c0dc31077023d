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
