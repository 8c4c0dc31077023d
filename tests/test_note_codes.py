"""The reader of HTS codes printed in a U.S. note's subdivision (policy/note_codes.py)."""

from hypothesis import given
from hypothesis import strategies as st

from tariffline.policy import note_codes

_ten = st.integers(0, 10**10 - 1).map(lambda n: f"{n:010d}")
_code = st.one_of(_ten.map(lambda d: f"{d[:4]}.{d[4:6]}.{d[6:]}"),  # statistical number
                  _ten.map(lambda d: f"{d[:4]}.{d[4:6]}.{d[6:8]}"))  # 8-digit subheading


def _note(before: list[str], target: list[str], after: list[str], width: int) -> str:
    def table(codes):
        rows = [codes[i:i + width] for i in range(0, len(codes), width)]
        return "\n\n".join("| " + " | ".join(r) + " |" for r in rows)
    return ("40. \n  (a) Headings 9903.04.60–9903.04.70 provide ... note.\n"
            f"  (b) First list:\n{table(before)}\n"
            f"  (c) The provisions of the HTSUS: [Compiler's note: 2918.99.3000 in text]\n{table(target)}\n"
            "For the purposes of this note:\n    (i) “Pharmaceutical articles” ...\n"
            f"  (d) Heading 9903.04.60 applies.\n{table(after)}\n")


@given(st.lists(_code, min_size=1, max_size=12), st.lists(_code, min_size=1, max_size=12),
       st.lists(_code, min_size=1, max_size=12), st.integers(1, 6))
def test_codes_of_one_subdivision_in_order(before, target, after, width):
    text = _note(before, target, after, width)
    assert note_codes.codes_in(text, "c") == [c.replace(".", "") for c in target]
    assert note_codes.codes_in(text, "b") == [c.replace(".", "") for c in before]
    assert note_codes.codes_in(text, "d") == [c.replace(".", "") for c in after]


def test_codes_in_prose_are_not_read():
    # only table rows count: the heading numbers and the compiler's note are prose
    text = _note(["0101.21.0010"], ["3004.90.9201"], ["0101.21.0010"], 4)
    assert note_codes.codes_in(text, "c") == ["3004909201"]
