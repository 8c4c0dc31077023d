"""Origin normalisation: ISO-2, ISO-3, Census Schedule C code or English name -> ISO-2.

ISO codes and names come from pycountry (ISO 3166). Census codes come from the Census
Bureau's Schedule C list, loaded at run time through the data store; a Census name is
matched to ISO 3166 by name, by the part outside or inside its parentheses, or by the
small table of names below that ISO 3166 spells differently.
"""

from __future__ import annotations

import csv
import functools
import io
import re

import pycountry

from tariffline.errors import DataError, InputError

# Census Schedule C names that ISO 3166 spells differently (matched by hand, not fuzzily).
_CENSUS_NAME_TO_ISO2 = {
    "Sint Maarten": "SX",
    "Curacao": "CW",
    "Falkland Islands (Islas Malvinas)": "FK",
    "Denmark, except Greenland": "DK",
    "Russia": "RU",
    "Kosovo": "XK",
    "Turkey": "TR",
    "Gaza Strip administered by Israel": "PS",
    "West Bank administered by Israel": "PS",
    "Brunei": "BN",
    "Cote d'Ivoire": "CI",
    "Saint Helena": "SH",
    "Congo, Republic of the Congo": "CG",
    "Congo, Democratic Republic of the Congo (formerly Za": "CD",
    "Reunion": "RE",
    "French Southern and Antarctic Lands": "TF",
    "Pitcairn Islands": "PN",
    "Holy See (Vatican City)": "VA",
    "Christmas Island (in the Indian Ocean)": "CX",
}
# Common English names and abbreviations users type that ISO 3166 does not carry.
_ALIASES = {
    "KOSOVO": "XK",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "NORTH KOREA": "KP",
    "RUSSIA": "RU",
    "UK": "GB",
    "BRITAIN": "GB",
    "GREAT BRITAIN": "GB",
    "USA": "US",
    "UNITED STATES": "US",
    "TAIWAN": "TW",
    "VIETNAM": "VN",
    "TURKEY": "TR",
    "LAOS": "LA",
    "BURMA": "MM",
    "IVORY COAST": "CI",
    "CZECH REPUBLIC": "CZ",
}


def _iso_from_name(name: str) -> str | None:
    if name in _CENSUS_NAME_TO_ISO2:
        return _CENSUS_NAME_TO_ISO2[name]
    candidates = [name, re.sub(r"\s*\(.*?\)\s*", " ", name).strip()]
    candidates += re.findall(r"\((.*?)\)", name)
    for cand in candidates:
        try:
            return pycountry.countries.lookup(cand).alpha_2
        except LookupError:
            continue
    return None


def parse_census_country_list(text: str, what: str = "Census country list") -> dict[str, str]:
    """Map Census Schedule C code -> ISO-2 from the list's CSV text (``Code,Name``).

    Also accepts Census's fixed-layout ``country.txt`` (``code|name|iso``) form. A text that is
    not such a list (binary, not CSV, or mapping no code) raises DataError naming ``what``.
    """
    if "\x00" in text:
        raise DataError(f"{what}: not a text file (it holds NUL bytes)")
    try:
        mapping = _parse_country_list(text)
    except csv.Error as exc:
        raise DataError(f"{what}: not readable as CSV: {exc}") from None
    if not mapping:
        raise DataError(f"{what}: no Census code could be mapped to an ISO-2 code "
                        "(expected columns Code,Name or code|name|iso lines)")
    return mapping


def _parse_country_list(text: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if "|" in text.splitlines()[0] if text else False:
        for line in text.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) >= 3 and parts[0].isdigit() and len(parts[2]) == 2:
                mapping[parts[0]] = parts[2]
        return mapping
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        code, name = (row.get("Code") or "").strip(), (row.get("Name") or "").strip()
        iso = _iso_from_name(name)
        if code and iso:
            mapping[code] = iso
    return mapping


@functools.lru_cache(maxsize=1)
def census_to_iso2() -> dict[str, str]:
    """The Census code -> ISO-2 table, read once from the data store."""
    from tariffline.data.store import open_text

    return parse_census_country_list(open_text("census_country_codes"), "dataset census_country_codes")


@functools.lru_cache(maxsize=1)
def iso2_to_census() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, iso in sorted(census_to_iso2().items()):
        out.setdefault(iso, code)
    return out


@functools.lru_cache(maxsize=4096)
def to_iso2(origin: str) -> str:
    """Normalise an origin given as ISO-2, ISO-3, Census code or English name to ISO-2."""
    raw = str(origin).strip()
    if not raw:
        raise InputError("origin is empty; give an ISO-2/ISO-3 code, a Census code or a country name")
    up = raw.upper()
    if up.isdigit():
        iso = census_to_iso2().get(raw.zfill(4))
        if iso is None:
            raise InputError(f"origin {raw!r} is not a Census Schedule C country code")
        return iso
    if up in _ALIASES:
        return _ALIASES[up]
    if len(up) == 2:
        if up == "XK" or pycountry.countries.get(alpha_2=up):
            return up
    elif len(up) == 3:
        c = pycountry.countries.get(alpha_3=up)
        if c:
            return c.alpha_2
    try:
        return pycountry.countries.lookup(raw).alpha_2
    except LookupError:
        raise InputError(
            f"unknown origin {raw!r}: not an ISO-2/ISO-3 code, Census code or country name"
        ) from None


def country_name(iso2: str) -> str:
    c = pycountry.countries.get(alpha_2=iso2)
    return c.name if c else iso2
