"""HTS codes as users type them ("8703.23.01", "8703 23 01 10") -> digits, and back to dotted form."""

from __future__ import annotations

import re

from tariffline.errors import InputError

LENGTHS = (4, 6, 8, 10)


def normalize_hts(text: str, lengths: tuple[int, ...] = LENGTHS) -> str:
    """Digits of an HTS code; raises InputError naming the problem.

    Accepts dots and spaces anywhere between digit groups ("8703.23.01", "8703230110",
    "8703.23.01.10", " 8703 23 01 10 ").
    """
    if not isinstance(text, str):
        raise InputError(f"HTS code {text!r} is malformed: expected text such as 8703.23.01")
    compact = re.sub(r"\s+", "", text)
    if not compact:
        raise InputError("HTS code '' is malformed: it is empty")
    bad = re.sub(r"[\d.]", "", compact)
    if bad:
        raise InputError(f"HTS code {text!r} is malformed: unexpected character(s) {bad[:10]!r}; "
                         "use digits with optional dots, e.g. 8703.23.01")
    if compact.startswith(".") or compact.endswith(".") or ".." in compact:
        raise InputError(f"HTS code {text!r} is malformed: misplaced dots; e.g. 8703.23.01.10")
    digits = compact.replace(".", "")
    if len(digits) not in lengths:
        allowed = ", ".join(str(n) for n in lengths[:-1]) + f" or {lengths[-1]}" if len(lengths) > 1 else str(lengths[0])
        raise InputError(f"HTS code {text!r} is malformed: expected {allowed} digits "
                         f"(e.g. 8703.23.01 or 8703.23.01.10), got {len(digits)}")
    return digits


def dotted(digits: str) -> str:
    """'8703230110' -> '8703.23.01.10' (4 digits, then pairs)."""
    if len(digits) <= 4:
        return digits
    rest = digits[4:]
    return ".".join([digits[:4]] + [rest[i:i + 2] for i in range(0, len(rest), 2)])
