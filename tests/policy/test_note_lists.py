"""The reader of lists printed in Chapter 99 U.S. notes (policy/note_lists.py), on note 52.

Expected counts come from the note text itself, as recorded in the mirror's PROVENANCE.md
(usitc_hts_2026_changes_rev12_21/ch99_notes_rev20: "(b) 863 codes, (d) civil aircraft 541,
(e) pharmaceutical-use 700, (j)(1) UK 49, ... Total 8,709 code cells"), and from the
numbered articles of 52(c)(1)-(16) and 52(j)(n)(ii)(A)-(D).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tariffline.data import catalog, store
from tariffline.errors import TariffLineError
from tariffline.policy import note_lists
from tariffline.policy.note_lists import NoteListError
from tariffline.policy.products import resolve
from tariffline.policy.schema import ListRef, ProductSet

DATASET = "usitc:ch99_note52_rev20"

# subdivision -> number of provisions printed (PROVENANCE.md table counts; named articles counted
# in the note: (c)(1)-(16); (j)(4)(ii)(A)-(C) ...)
COUNTS = {
    "52(b)": 863, "52(c)": 16, "52(d)": 541, "52(e)": 700,
    "52(j)(1)": 49, "52(j)(2)": 43, "52(j)(3)": 134,
    "52(j)(4)(i)": 101, "52(j)(4)(ii)": 3, "52(j)(5)(i)": 154, "52(j)(5)(ii)": 3,
    "52(j)(6)(i)": 109, "52(j)(6)(ii)": 3, "52(j)(6)(iii)": 1737,
    "52(j)(7)(i)": 98, "52(j)(7)(ii)": 1, "52(j)(7)(iii)": 1707,
    "52(j)(8)(i)": 90, "52(j)(8)(ii)": 3, "52(j)(9)(i)": 85, "52(j)(9)(ii)": 2,
    "52(j)(10)(i)": 114, "52(j)(10)(ii)": 4, "52(j)(11)(i)": 147, "52(j)(11)(ii)": 1,
    "52(j)(12)(i)": 150, "52(j)(12)(ii)": 1, "52(j)(13)(i)": 1887, "52(j)(13)(ii)": 2,
}
TABLE_LISTS = [s for s in COUNTS if s != "52(c)" and not s.endswith("(ii)")]


@pytest.fixture(scope="module")
def text() -> str:
    return store.open_text(DATASET)


@pytest.mark.parametrize("sub", sorted(COUNTS))
def test_counts_per_subdivision(text, sub):
    assert len(note_lists.provisions(text, sub)) == COUNTS[sub]


def test_all_table_cells(text):
    # PROVENANCE.md: "Total 8,709 code cells"
    assert sum(len(note_lists.provisions(text, s)) for s in TABLE_LISTS) == 8709


def test_codes_kept_at_printed_digits(text):
    b = note_lists.provisions(text, "52(b)")
    assert "1204.00.0010" in b and "8505.11.0070" in b  # 10-digit statistical numbers in 52(b)
    assert "1801.00.00" in b                           # 8-digit subheading
    codes = note_lists.codes(text, "52(b)")
    assert "12040000100" not in codes and "1204000010" in codes and "12040000" not in codes
    assert sum(len(c) == 10 for c in codes) == 7


def test_named_articles(text):
    # 52(c)(1) etrogs 0805.90.01 ... (16) eucalyptus plywood 4412.33.57
    c = note_lists.provisions(text, "52(c)")
    assert c[0] == "0805.90.01" and c[-1] == "4412.33.57"
    # 52(j)(4)(ii): (A) psyllium 1211.90.89, (B) boswellia 1301.90.91, (C) argan oil 1515.90.81
    assert note_lists.provisions(text, "52(j)(4)(ii)") == ["1211.90.89", "1301.90.91", "1515.90.81"]


def test_parent_holds_children(text):
    whole = note_lists.provisions(text, "52(j)(4)")
    assert whole == note_lists.provisions(text, "52(j)(4)(i)") + note_lists.provisions(text, "52(j)(4)(ii)")


def test_subdivisions_listed(text):
    subs = note_lists.subdivisions(text)
    assert subs[0] == "52(a)" and subs[-1] == "52(k)"
    assert {"52(f)(8)", "52(j)(13)(ii)(B)"} <= set(subs)


@pytest.mark.parametrize("sub, message", [
    ("52(z)", "no subdivision"),
    ("52(j)(14)", "no subdivision"),
    ("52(a)", "lists no HTS provisions"),   # prose only
    ("52(k)", "lists no HTS provisions"),
    ("40(c)", "note 52"),                   # another note's address
    ("52b", "is not of the form"),
    ("", "is not of the form"),
])
def test_bad_address(text, sub, message):
    with pytest.raises(NoteListError, match=re.escape(message)):
        note_lists.provisions(text, sub)


def test_bad_cell_and_missing_opening():
    bad = "52.\n  (b) List:\n| 0201.10.05 | beef |\n"
    with pytest.raises(NoteListError, match="table cell 'beef' is not an HTS code"):
        note_lists.provisions(bad, "52(b)")
    with pytest.raises(NoteListError, match="no line opening the note"):
        note_lists.provisions("  (b) List:\n| 0201.10.05 |\n", "52(b)")
    assert issubclass(NoteListError, TariffLineError)


_CODE = re.compile(r"^\d{4}(\.\d{2}(\.\d{2}(\d{2})?)?)?$")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("52.()abjk1234iA |-:\n 0123456789")), max_size=300),
       st.sampled_from(["52(b)", "52(j)(1)", "52(a)(1)", "5(a)", "52(x)"]))
def test_any_text_gives_codes_or_the_documented_error(text, sub):
    try:
        out = note_lists.provisions(text, sub)
    except NoteListError:
        return
    assert out and all(_CODE.match(c) for c in out)


_codes = st.lists(st.from_regex(r"\A\d{4}\.\d{2}\.\d{2}(\d{2})?\Z"), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_codes, min_size=1, max_size=4), st.integers(1, 5))
def test_generated_note_round_trip(lists, width):
    """A note built with one table per subdivision (a), (b)... gives back each table's codes."""
    labels = "abcd"
    parts = ["<!-- marker -->", "52. "]
    for label, codes in zip(labels, lists):
        parts.append(f"  ({label}) As provided in heading 9903.05.86, the following provisions:")
        for i in range(0, len(codes), width):
            parts.append("| " + " | ".join(codes[i:i + width]) + " |")
            parts.append("")
    text = "\n".join(parts)
    for label, codes in zip(labels, lists):
        assert note_lists.provisions(text, f"52({label})") == codes


def test_listref_subdivision_validated():
    assert ListRef(dataset=DATASET, subdivision="52(j)(4)(i)").subdivision == "52(j)(4)(i)"
    with pytest.raises(ValidationError, match="not of the form"):
        ListRef(dataset=DATASET, subdivision="52-b")
    with pytest.raises(ValidationError, match="no 'column' or 'where'"):
        ListRef(dataset=DATASET, subdivision="52(b)", column="hts8")


def test_resolve_reads_the_note_at_run_time():
    prefixes = resolve(ProductSet(lists=[ListRef(dataset=DATASET, subdivision="52(b)")]))
    assert len(prefixes[8]) == 856 and len(prefixes[10]) == 7
    assert "8505110070" in prefixes[10] and "85051100" not in prefixes[8]


def test_dataset_registered():
    ds = catalog.get(DATASET)
    assert ds.mirror_path == ("usitc_hts_2026_changes_rev12_21/ch99_notes_rev20/"
                              "note52_subchIII_2026HTSRev20.md")
    assert ds.url.startswith("https://hts.usitc.gov/") and ds.sha256
    assert store.read_bytes(DATASET)  # the checksum is verified on read
