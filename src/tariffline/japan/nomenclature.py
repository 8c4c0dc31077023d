"""English descriptions of HS 2022 codes (2, 4 and 6 digits) for Japan's 9-digit lines."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from tariffline.data import store
from tariffline.errors import DataError


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    """HS code (2/4/6 digits) -> English description, from the HS 2022 nomenclature dataset."""
    text = store.open_text("hs2022_nomenclature")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"hscode", "description"} <= set(reader.fieldnames):
        raise DataError("hs2022_nomenclature: expected columns 'hscode' and 'description'")
    return {row["hscode"]: row["description"] for row in reader if row["hscode"].isdigit()}


def describe(code: str) -> str:
    """The most specific English description for a code (6, then 4, then 2 digits)."""
    table = descriptions()
    for n in (6, 4, 2):
        if code[:n] in table:
            return table[code[:n]]
    return ""
