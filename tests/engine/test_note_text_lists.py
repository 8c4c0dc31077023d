"""Reading product lists at the law's digits: the note-text readers (property tests) and their
errors. Expected behaviour from docs/policy-format.md ("Product lists and the law's digits")."""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffline.errors import PolicyError
from tariffline.policy import products
from tariffline.policy.schema import ListRef, Measure, NoteText, ProductSet

code8 = st.text(alphabet="0123456789", min_size=8, max_size=8)
code10 = st.text(alphabet="0123456789", min_size=10, max_size=10)


def dotted(code: str) -> str:
    """'8701210080' -> '8701.21.0080', '87012100' -> '8701.21.00' (as the notes print them)."""
    return f"{code[:4]}.{code[4:6]}.{code[6:]}" if len(code) > 6 else f"{code[:4]}.{code[4:]}"


@given(st.sets(code8, min_size=1, max_size=20), st.sets(st.one_of(code8, code10), max_size=40))
def test_narrowing_never_widens_and_keeps_what_the_note_names(codes, named):
    out = products.narrow_to_note(frozenset(codes), frozenset(named))
    for c in out:  # every result lies within an input code
        assert any(c.startswith(i) for i in codes)
    for c in codes:
        lines = {n for n in named if len(n) > len(c) and n.startswith(c)}
        if c in named or not lines:
            assert c in out  # named at its own digits, or not at all: kept as listed
        else:
            assert c not in out and lines <= out  # named only by statistical lines: those lines


@given(st.lists(st.one_of(code8, code10), min_size=1, max_size=6), st.sampled_from(["  ", "; ", ";"]))
def test_printed_list_lines_parse_back_to_their_codes(codes, sep):
    line = "                   " + sep.join(dotted(c) for c in codes)
    assert products._line_codes([line]) == codes


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,()", min_size=1, max_size=40), code8)
def test_a_line_with_words_is_not_a_list_line(words, code):
    assert products._line_codes([f"{words.strip() or 'x'} {dotted(code)}"]) == []


def _fake_text(monkeypatch, text: str) -> NoteText:
    monkeypatch.setattr(products, "_note_lines", lambda dataset: tuple(text.splitlines()))
    return NoteText(dataset="yale:chapter99_2026_rev_6", begins="(k) The rates of duty", ends="(l) Any",
                    cite="test note")


def test_note_codes_read_running_text_and_columns(monkeypatch):
    note = _fake_text(monkeypatch, "(j) other\n(k) The rates of duty in heading 9903.85.08 apply to: "
                      "3004.90.9244; 8807.30.0060\n   7601   7616.99.51\n(l) Any importer\n3004.90.9210")
    assert products.note_codes(note) == {"99038508", "3004909244", "8807300060", "7601", "76169951"}
    assert products.printed_list(note) == {"7601", "76169951"}


def test_missing_anchor_is_a_one_line_policy_error(monkeypatch):
    note = _fake_text(monkeypatch, "nothing here\n")
    with pytest.raises(PolicyError, match="no line starting '\\(k\\) The rates of duty'.*test note"):
        products.note_codes(note)
    note = _fake_text(monkeypatch, "(k) The rates of duty\n9903.85.08\n")
    with pytest.raises(PolicyError, match="no line starting '\\(l\\) Any' after"):
        products.printed_list(note)


def test_bad_within_prefix_and_stack_group_are_rejected():
    with pytest.raises(pydantic.ValidationError, match="2, 4, 6, 8 or 10 digits"):
        ProductSet(lists=[ListRef(dataset="yale:ieepa_exempt_products", column="hts10")], within=["4"])
    with pytest.raises(pydantic.ValidationError, match="lower-case"):
        Measure(id="m", description="d", start="2025-01-01", origins=["ALL"], source="s",
                rate={"type": "exempt"}, stack_group="Section 301")
