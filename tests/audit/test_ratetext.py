"""The Chapter 99 rate-text parser: texts as printed in the HTS, and any text at all."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffline.audit.ratetext import parse_rate_text

KINDS = {"additional", "total", "exempt", "free", "note", "blank", "unparseable"}


@pytest.mark.parametrize("text, kind, value, base", [
    # HTS 2026 Rev 4, heading 9903.01.25 (General column)
    ("The duty provided in the applicable subheading + 10%", "additional", 0.10, "full"),
    # HTS 2026 Rev 4, 9903.81.87: trailing full stop
    ("The duty provided in the applicable subheading + 50%.", "additional", 0.50, "full"),
    # HTS 2026 Rev 4, 9903.89.55: missing spaces as printed
    ("The duty provided inthe applicable subheading+ 25%", "additional", 0.25, "full"),
    # HTS 2026 Rev 4: "plus" and "+25%" spellings
    ("The duty provided in the applicable subheading plus 25%", "additional", 0.25, "full"),
    ("The duty provided in the applicable subheading +25%", "additional", 0.25, "full"),
    # HTS 2026 Rev 13 (change record), 9903.05.20: fractional percent
    ("The duty provided in the applicable subheading + 12.5%", "additional", 0.125, "full"),
    # HTS 2026 Rev 4, 9903.81.91 and 9903.85.08: metal content
    ("The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content.",
     "additional", 0.50, "metal_content"),
    ("The duty provided in the applicable subheading + a duty of 25% upon the value of the aluminum content",
     "additional", 0.25, "metal_content"),
    # HTS 2026 Rev 4, 9903.94.03: non-U.S. content (USMCA autos)
    ("The duty provided in the applicable subheading + a duty of 25% upon the value of the non-U.S. content",
     "additional", 0.25, "non_us_content"),
    # HTS 2026 Rev 4, 9903.91.12: rate of other subheadings named
    ("The duty provided in subheadings 8716.39.00, 8716.90.30 or 8716.90.50 + 100%", "additional", 1.0, "full"),
    # HTS 2026 Rev 4, 9903.02.73 (inclusive target) and 9903.04.05 (200%)
    ("15%", "total", 0.15, "full"),
    ("200%", "total", 2.0, "full"),
    # exemption headings: 9903.02.72, 9903.85.06 ("provided for in"), 9903.81.92 (full stop), 9903.45.05
    ("The duty provided in the applicable subheading", "exempt", None, "full"),
    ("The duty provided for in the applicable subheading", "exempt", None, "full"),
    ("The duty provided in the applicable subheading.", "exempt", None, "full"),
    ("No change", "exempt", None, "full"),
    # quota headings 9903.80.05 ("Free") and 9903.17.01 (no rate)
    ("Free", "free", 0.0, "full"),
    ("", "blank", None, "full"),
    ("See U.S. note 2(v) to this subchapter", "note", None, "full"),
    ("2.5 cents/kg + 10%", "unparseable", None, "full"),
])
def test_hts_texts(text, kind, value, base):
    got = parse_rate_text(text)
    assert got.kind == kind
    assert got.value == (pytest.approx(value) if value is not None else None)
    assert got.base == base
    assert got.text == text


def test_zero_percent_is_an_additional_zero():
    # HTS 2026 Rev 4, 9903.89.01 (Nicaragua, note 29(b): 0% in 2026)
    got = parse_rate_text("The duty provided in the applicable subheading + 0%")
    assert (got.kind, got.value) == ("additional", 0.0)


@settings(deadline=None)  # a shared 2-core machine; the parser is fast but timing is not
@given(st.one_of(st.text(), st.none(), st.text(alphabet="The duty provided in applicable subheading+%.0123456789 "
                                                            "Freeno changeupon value of steel content")))
def test_any_text_gives_a_documented_kind(text):
    got = parse_rate_text(text)
    assert got.kind in KINDS
    if got.kind in ("additional", "total"):
        assert got.value is not None and got.value >= 0
    assert isinstance(got.describe(), str)
