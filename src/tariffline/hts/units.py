"""Units of HTS specific duties and of quantity: one spelling each, and safe conversions.

Rate texts and the "Unit of Quantity" column spell units many ways ("¢/pf. liter",
"pf.liters", "$/No.", "each", "Cu kg"). Every unit gets one canonical name:

- plain units: ``kg g t liter pf.liter No. doz. gross thousand hundred pr. doz.pr. m m2 cm2 m3
  bbl pack jewel piece line_gross`` ...
- qualified units ``<base>_<what>`` for a quantity measured on part of the goods:
  ``kg_drained`` (drained weight), ``kg_entire_contents`` (entire contents of the container),
  ``kg_gross``/``t_gross`` (including the container), ``kg_clean`` (clean yield), ``kg_total_sugars``,
  ``kg_<element>`` (metal content, e.g. ``kg_lead``), ``kg_morphine`` (anhydrous morphine
  content), ``m2_recording_surface``, ``jewel_over_7``, ``gross_immediate_containers``.

:func:`convert` changes a quantity between units of one dimension exactly (doz. -> No., g -> kg);
a plain quantity used for a qualified unit (kg for kg_drained) is accepted as an upper-bound
estimate and flagged, anything else raises :class:`~tariffline.errors.InputError`.
"""

from __future__ import annotations

import re

from tariffline.errors import InputError

# canonical unit -> (dimension, size in the dimension's base unit)
_SIZES: dict[str, tuple[str, float]] = {
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "t": ("mass", 1000.0),
    "liter": ("volume", 1.0), "m3": ("volume", 1000.0), "thousand m3": ("volume", 1.0e6),
    "bbl": ("volume", 158.987294928),  # 42 U.S. gallons of 3.785411784 liters
    "pf.liter": ("proof volume", 1.0),
    "No.": ("count", 1.0), "doz.": ("count", 12.0), "gross": ("count", 144.0),
    "hundred": ("count", 100.0), "thousand": ("count", 1000.0),
    "pr.": ("pairs", 1.0), "doz.pr.": ("pairs", 12.0),
    "m": ("length", 1.0), "thousand m": ("length", 1000.0),
    "m2": ("area", 1.0), "cm2": ("area", 1.0e-4),
    "jewel": ("jewels", 1.0), "piece": ("pieces", 1.0), "pack": ("packs", 1.0),
    "line_gross": ("line-gross", 1.0), "carat": ("carats", 1.0),
}

# Spellings in rate texts (after the "/" or as a word) -> canonical unit.
_RATE_UNITS = {
    "kg": "kg", "clean kg": "kg_clean", "g": "g", "t": "t",
    "liter": "liter", "pf. liter": "pf.liter", "pf.liter": "pf.liter", "proof liter": "pf.liter",
    "no.": "No.", "no": "No.", "each": "No.", "article": "No.", "head": "No.",
    "doz.": "doz.", "doz": "doz.", "pr.": "pr.", "pr": "pr.", "gross": "gross", "line/gross": "line_gross",
    "1000": "thousand", "1,000": "thousand", "thousand": "thousand", "1,000 pins": "thousand",
    "m": "m", "lin. m": "m", "m2": "m2", "m²": "m2", "m3": "m3", "bbl": "bbl", "pack": "pack",
    "jewel": "jewel", "piece": "piece",
}

RATE_UNIT_SPELLINGS = tuple(_RATE_UNITS)

_ELEMENTS = {
    "Pb": "lead", "Cu": "copper", "Zn": "zinc", "Mo": "molybdenum", "W": "tungsten",
    "Mg": "magnesium", "Mn": "manganese", "Si": "silicon", "Ni": "nickel", "Co": "cobalt",
    "Cr": "chromium", "Sb": "antimony", "V": "vanadium", "Sn": "tin", "Au": "gold", "Ag": "silver",
    "Pt": "platinum", "Pd": "palladium", "Rh": "rhodium", "Ir": "iridium", "Os": "osmium",
    "Ru": "ruthenium",
}

# Unit of Quantity spellings -> canonical unit (those not listed keep their own spelling).
_QUANTITY_UNITS = {
    "no": "No.", "no.": "No.", "pcs": "No.", "number": "No.", "each": "No.",
    "dz pcs": "doz.", "doz.": "doz.", "doz": "doz.", "dozen": "doz.", "gross": "gross",
    "hundreds": "hundred", "thousands": "thousand", "thousand": "thousand",
    "prs.": "pr.", "pr.": "pr.", "pairs": "pr.", "doz. prs.": "doz.pr.",
    "kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg", "g": "g", "t": "t", "ton": "t",
    "tonne": "t", "tons": "t",
    "liters": "liter", "liter": "liter", "l": "liter", "litre": "liter", "litres": "liter",
    "pf.liters": "pf.liter", "pf.liter": "pf.liter", "pf. liter": "pf.liter", "proof liters": "pf.liter",
    "m": "m", "lin. m": "m", "thousand m": "thousand m", "m2": "m2", "m²": "m2", "cm2": "cm2",
    "m3": "m3", "thousand m3": "thousand m3", "bbl": "bbl", "pack": "pack", "jwls.": "jewel",
    "gr.lines": "line_gross", "cy kg": "kg_clean", "kg ttl sug": "kg_total_sugars",
    "kg amc": "kg_morphine", "carat": "carat",
}


def rate_unit(spelling: str) -> str | None:
    """Canonical unit for a unit as written in a rate text ('pf. liter' -> 'pf.liter'), or None."""
    key = re.sub(r"\s+", " ", spelling.strip().lower()).replace("/ ", "/")
    return _RATE_UNITS.get(key)


def element_unit(element: str, base: str = "kg") -> str:
    """'lead' or 'Pb' -> 'kg_lead': the unit for a quantity of metal content."""
    name = _ELEMENTS.get(element, element).lower()
    return f"{base}_{name.replace(' ', '_')}"


def quantity_unit(spelling: str | None) -> str | None:
    """Canonical unit for a Unit-of-Quantity spelling ('liters' -> 'liter', 'Cu kg' -> 'kg_copper')."""
    if spelling is None:
        return None
    text = re.sub(r"\s+", " ", spelling.strip())
    if not text:
        return None
    found = _QUANTITY_UNITS.get(text.lower())
    if found:
        return found
    m = re.fullmatch(r"([A-Z][a-z]?) (kg|g|t)", text)
    if m and m.group(1) in _ELEMENTS:
        return element_unit(m.group(1), m.group(2))
    return text


def base_of(unit: str) -> str:
    """The plain unit a (possibly qualified) unit is measured in: 'kg_drained' -> 'kg'."""
    if unit in _SIZES:
        return unit
    head = unit.split("_", 1)[0]
    return head if head in _SIZES else unit


def convert(quantity: float, from_unit: str, to_unit: str) -> tuple[float, bool]:
    """``quantity`` in ``from_unit`` expressed in ``to_unit``; (amount, estimated).

    Same unit or same dimension: exact. A plain unit given for a qualified one (kg for
    kg_drained) is used as is and flagged as an estimate (an upper bound: drained weight,
    metal content etc. are at most the whole quantity). Anything else raises InputError.
    """
    src = quantity_unit(from_unit) or from_unit
    if src == to_unit:
        return quantity, False
    estimated = False
    target = to_unit
    if to_unit not in _SIZES and base_of(to_unit) in _SIZES and src in _SIZES:
        target = base_of(to_unit)
        estimated = True
    if src in _SIZES and target in _SIZES and _SIZES[src][0] == _SIZES[target][0]:
        return quantity * _SIZES[src][1] / _SIZES[target][1], estimated
    raise InputError(f"a quantity in {from_unit!r} cannot be converted to {to_unit!r}")
