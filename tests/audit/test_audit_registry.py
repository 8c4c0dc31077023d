"""The not-encoded registry: validation of entries and the package's own file."""

import pytest

from tariffline.audit.registry import load_registry
from tariffline.errors import PolicyError


def _write(tmp_path, text):
    p = tmp_path / "reg.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_package_registry_loads_and_covers_ranges():
    reg = load_registry()
    # sugar quota periods, HTS ch. 99 subch. III U.S. note 15: 9903.17.01-9903.17.33
    assert reg.entry_for("9903.17.05").reason == "quota_administration"
    # U.S. note 5: suspended retaliation 9903.04.05-9903.04.55
    assert reg.entry_for("9903.04.30").reason == "not_in_force_in_scope"
    # the day-one Japan reciprocal heading 9903.01.53 is encoded, not registered
    assert reg.entry_for("9903.01.53") is None


def test_every_documented_gap_names_its_assumption():
    for entry in load_registry().not_encoded:
        if entry.reason == "documented_gap":
            assert entry.assumption


@pytest.mark.parametrize("body, fragment", [
    ("not_encoded:\n- headings: ['9903.1']\n  reason: quota_administration\n  detail: x\n  citation: y\n",
     "not of the form"),
    ("not_encoded:\n- headings: ['9903.17.33-9903.17.01']\n  reason: quota_administration\n  detail: x\n"
     "  citation: y\n", "runs backwards"),
    ("not_encoded:\n- headings: ['9903.17.01']\n  reason: forgotten\n  detail: x\n  citation: y\n", "reason"),
    ("not_encoded:\n- headings: ['9903.02.02']\n  reason: origin_not_encoded\n  detail: x\n  citation: y\n",
     "origins and the authority"),
    ("not_encoded:\n- headings: ['9903.02.74']\n  reason: documented_gap\n  detail: x\n  citation: y\n",
     "ASSUMPTIONS"),
    ("not_encoded:\n- headings: ['9903.17.01']\n  reason: quota_administration\n  detail: x\n", "citation"),
    ("not_encoded: [\n", "malformed YAML"),
])
def test_bad_registry_entries_fail_with_the_line(tmp_path, body, fragment):
    with pytest.raises(PolicyError, match=fragment) as info:
        load_registry(_write(tmp_path, body))
    assert str(tmp_path / "reg.yaml") in str(info.value)


def test_missing_registry_file(tmp_path):
    with pytest.raises(PolicyError, match="does not exist"):
        load_registry(tmp_path / "absent.yaml")
