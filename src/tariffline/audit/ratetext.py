"""Chapter 99 rate texts read as comparable rules.

The General column of a 9903 heading states the duty in words. :func:`parse_rate_text` turns
it into a :class:`RateText` whose ``kind`` is one of:

- ``additional``: "The duty provided in the applicable subheading + 25%" (``value`` 0.25);
  with "upon the value of the steel content" the ``base`` is ``metal_content``; "upon the value
  of the non-U.S. content" gives ``non_us_content``.
- ``total``: a bare ad valorem rate ("15%", "100%"): the total duty on the goods. In headings
  that set a total including column 1 it is an inclusive target; elsewhere a replacement rate.
- ``exempt``: "The duty provided in the applicable subheading" (no duty added) and "No change".
- ``free``: "Free" (no duty at all on the goods, e.g. under a quota).
- ``note``: a text whose rate is stated in a U.S. note ("...as provided in U.S. note 2...").
- ``blank``: no rate text (a quota-period or reporting heading, or a superior text line).
- ``unparseable``: anything else; ``text`` keeps the original.

The parser never raises for a string: every text gets one of these kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_APPLICABLE = r"the\s*duty\s*provided\s*(?:for\s*)?in\s*(?:the\s*applicable\s*subheading|subheadings?\s+[\d.,\s or]+?)"
_PCT = r"(\d+(?:\.\d+)?)\s*%"
_CONTENT = {"steel": "metal_content", "aluminum": "metal_content", "copper": "metal_content",
            "metal": "metal_content", "non-u.s.": "non_us_content"}

_RE_ADDITIONAL = re.compile(rf"^{_APPLICABLE}\s*(?:\+|plus)\s*(?:a\s+duty\s+of\s+)?{_PCT}"
                            r"(?:\s+upon\s+the\s+value\s+of\s+the\s+([\w.\-]+)\s+content)?$")
_RE_EXEMPT = re.compile(rf"^{_APPLICABLE}$")
_RE_TOTAL = re.compile(rf"^{_PCT}$")
_RE_NOTE = re.compile(r"\bnote\s+\d+")


@dataclass(frozen=True)
class RateText:
    """One parsed rate text; ``value`` is a fraction (25% = 0.25) for additional/total."""

    kind: str
    text: str
    value: float | None = None
    base: str = "full"  # full | metal_content | non_us_content

    def describe(self) -> str:
        if self.kind == "additional":
            base = "" if self.base == "full" else f" of {self.base.replace('_', ' ')}"
            return f"+{self.value:.4g}{base}"
        if self.kind == "total":
            return f"total {self.value:.4g}"
        return self.kind


def normalise(text: str) -> str:
    """Lower case, single spaces, no trailing full stop."""
    return " ".join(text.split()).lower().rstrip(". ").strip()


def parse_rate_text(text: str | None) -> RateText:
    """Read one Chapter 99 General-column text (see the module docstring); never raises."""
    raw = text if isinstance(text, str) else ""
    t = normalise(raw)
    if not t:
        return RateText("blank", raw)
    if t == "free":
        return RateText("free", raw, 0.0)
    if t == "no change":
        return RateText("exempt", raw)
    if _RE_EXEMPT.match(t):
        return RateText("exempt", raw)
    m = _RE_ADDITIONAL.match(t)
    if m:
        value = float(m.group(1)) / 100
        content = m.group(2)
        if content is None:
            return RateText("additional", raw, value)
        base = _CONTENT.get(content)
        if base is None:
            return RateText("unparseable", raw)
        return RateText("additional", raw, value, base)
    m = _RE_TOTAL.match(t)
    if m:
        return RateText("total", raw, float(m.group(1)) / 100)
    if _RE_NOTE.search(t):
        return RateText("note", raw)
    return RateText("unparseable", raw)
