"""Special-program indicators of the HTS Special column and how to find them in a rate text.

The Special subcolumn gives "a rate of duty ... identified in parentheses immediately following
the duty rate" by program symbols (HTS General Note 3(a)(iii) and 3(c)(i)), e.g.
``Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG) 2.4% (JP)``. A parenthesised group is
a program list when every item looks like a symbol (1-2 capitals, optional ``+`` or ``*``);
other parentheses ("(see U.S. note 3 of this subchapter)", "3(e)") belong to the rate text.
"""

from __future__ import annotations

import re

# HTS General Note 3(c)(i) symbols -> program (names as listed there; see ASSUMPTIONS.md).
INDICATORS: dict[str, str] = {
    "A": "Generalized System of Preferences", "A*": "GSP (certain countries excluded)",
    "A+": "GSP (least-developed beneficiary countries only)",
    "AU": "United States-Australia Free Trade Agreement",
    "B": "Automotive Products Trade Act", "BH": "United States-Bahrain Free Trade Agreement",
    "C": "Agreement on Trade in Civil Aircraft",
    "CA": "NAFTA (Canada) - superseded by USMCA", "MX": "NAFTA (Mexico) - superseded by USMCA",
    "CL": "United States-Chile Free Trade Agreement",
    "CO": "United States-Colombia Trade Promotion Agreement",
    "D": "African Growth and Opportunity Act",
    "E": "Caribbean Basin Economic Recovery Act", "E*": "CBERA (certain countries excluded)",
    "IL": "United States-Israel Free Trade Area",
    "J": "Andean Trade Preference Act", "J*": "ATPA (certain countries excluded)",
    "J+": "Andean Trade Promotion and Drug Eradication Act",
    "JO": "United States-Jordan Free Trade Area", "JP": "United States-Japan Trade Agreement",
    "K": "Agreement on Trade in Pharmaceutical Products",
    "KR": "United States-Korea Free Trade Agreement",
    "L": "Uruguay Round Concessions on Intermediate Chemicals for Dyes",
    "MA": "United States-Morocco Free Trade Agreement", "NP": "Nepal Preference Program",
    "OM": "United States-Oman Free Trade Agreement",
    "P": "Dominican Republic-Central America-United States Free Trade Agreement",
    "P+": "CAFTA-DR (certain goods)", "PA": "United States-Panama Trade Promotion Agreement",
    "PE": "United States-Peru Trade Promotion Agreement",
    "R": "United States-Caribbean Basin Trade Partnership Act",
    "S": "United States-Mexico-Canada Agreement", "S+": "USMCA (certain goods)",
    "SG": "United States-Singapore Free Trade Agreement",
}

ALL_PROGRAMS = "*"  # program value for a Special text without an indicator list (ch. 98/99 lines)

_GROUP = re.compile(r"\(([^()]*)\)")
_SYMBOL = re.compile(r"[A-Z]{1,2}[+*]?")


def _symbols(content: str) -> list[str] | None:
    items = [s.strip(" .") for s in re.split(r"[,\s]+", content)]
    items = [s for s in items if s]
    if items and all(_SYMBOL.fullmatch(s) for s in items):
        return items
    return None


def split_groups(text: str) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """Split a Special text into [(rate text, programs)], plus any text after the last group.

    A text without program lists comes back as one group with programs ``("*",)``.
    """
    groups: list[tuple[str, tuple[str, ...]]] = []
    start = 0
    for m in _GROUP.finditer(text):
        symbols = _symbols(m.group(1))
        if symbols is None:
            continue
        groups.append((text[start:m.start()].strip(), tuple(dict.fromkeys(symbols))))
        start = m.end()
    tail = text[start:].strip()
    if not groups:
        return ([(tail, (ALL_PROGRAMS,))] if tail else []), ""
    return groups, tail
