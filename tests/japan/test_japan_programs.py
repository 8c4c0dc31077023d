"""Who may claim which column: dated memberships (day before, first day) and unknown origins."""

import datetime as dt

import pytest

from tariffline.errors import InputError, PolicyError
from tariffline.japan import programs as p

D = dt.date


@pytest.mark.parametrize("origin,program,first_day", [
    ("US", "USJTA", D(2020, 1, 1)),
    ("AU", "CPTPP", D(2018, 12, 30)),
    ("VN", "CPTPP", D(2019, 1, 14)),
    ("PE", "CPTPP", D(2021, 9, 19)),
    ("MY", "CPTPP", D(2022, 11, 29)),
    ("CL", "CPTPP", D(2023, 2, 21)),
    ("BN", "CPTPP", D(2023, 7, 12)),
    ("GB", "CPTPP", D(2024, 12, 15)),
    ("GB", "UK_EPA", D(2021, 1, 1)),
    ("FR", "EU_EPA", D(2019, 2, 1)),
    ("CN", "RCEP_CN", D(2022, 1, 1)),
    ("KR", "RCEP_KR", D(2022, 2, 1)),
    ("ID", "RCEP_AANZ", D(2023, 1, 2)),
    ("PH", "RCEP_AANZ", D(2023, 6, 2)),
    ("AU", "JAEPA", D(2015, 1, 15)),
])
def test_membership_starts_on_entry_into_force(origin, program, first_day):
    assert program not in p.programs_for(origin, first_day - dt.timedelta(days=1))
    assert program in p.programs_for(origin, first_day)
    assert program in p.programs_for(origin, first_day + dt.timedelta(days=1))


def test_uk_leaves_the_eu_column_at_end_of_transition():
    assert "EU_EPA" in p.programs_for("GB", D(2020, 12, 31))
    assert "EU_EPA" not in p.programs_for("GB", D(2021, 1, 1))


def test_russia_loses_wto_rates():
    assert p.programs_for("RU", D(2022, 4, 20)) == ["MFN"]
    assert p.programs_for("RU", D(2022, 4, 21)) == ["NATIONAL"]


def test_ldc_graduation():
    assert "LDC" in p.programs_for("VU", D(2020, 12, 3))
    assert p.programs_for("VU", D(2020, 12, 4)) == ["MFN"]
    # Bhutan: not a WTO member, so after graduating from the LDC list no encoded program is left
    assert "LDC" in p.programs_for("BT", D(2023, 12, 12))
    with pytest.raises(PolicyError):
        p.programs_for("BT", D(2023, 12, 13))


def test_origin_with_no_known_program():
    with pytest.raises(PolicyError, match="no known program for origin KP"):
        p.programs_for("KP", D(2025, 6, 1))


def test_resolve_origin_groups_and_names():
    label, members = p.resolve_origin("eu")
    assert label == "EU" and len(members) == 27 and "DE" in members
    assert p.resolve_origin("USA") == ("US", ("US",))
    with pytest.raises(InputError):
        p.resolve_origin("Atlantis")


def test_rules_are_consistent():
    r = p.rules()
    wto = {m.code for m in r.groups["wto_members"].members}
    assert len(wto) == 165  # 166 WTO members incl. the EU as such (2025)
    assert set(r.japanese_names.values()) <= wto | {"GB"}
    assert all(c in wto or c in r.origin_groups for c in r.competitors)
