"""Broken rule files: every one a PolicyError naming the file and the line (issue 9, "Policy files").

Each bad file is written in tmp_path; the expected line is the line of the offending text in
that file (counted by hand, 1-based).
"""

from __future__ import annotations

import pytest

from tariffline.commitments.loader import load_rules
from tariffline.errors import PolicyError
from tariffline.japan.programs import Member
from tariffline.policy.loader import RULES_DIR, load_policy
from tariffline.policy.yamlfile import load_text

_GROUP = ("  - name: column2\n    title: t\n    citation: c\n    members:\n"
          "      - {code: CU}\n      - {code: KP}\n")
_RULE = ("id: r\ntitle: t\nauthority: IEEPA\ninstrument: EO\ncitation: c\npublished: 2025-02-01\n"
         "sources: [x]\nconfidence: confirmed\nmeasures:\n"
         "  - id: m\n    description: d\n    start: 2025-03-01\n    origins: [ALL]\n"
         "    rate: {type: additional, value: 0.1}\n    source: s\n")


def _root(tmp_path, groups: str | None = None, rule: str | None = _RULE, program: str | None = None):
    (tmp_path / "programs").mkdir()
    if groups is not None:
        (tmp_path / "groups.yaml").write_text(groups)
    if rule is not None:
        (tmp_path / "r.yaml").write_text(rule)
    if program is not None:
        (tmp_path / "programs" / "p.yaml").write_text(program)
    return tmp_path


@pytest.mark.parametrize("groups, line, what", [
    ("groups: 5\n", 1, "'groups:' must be a list, found int"),
    ("- name: column2\n  title: t\n", 1, "expected a mapping"),
    ("", 1, "expected a mapping"),
    # a key before groups: and a validation error in the second group (title missing, line 9)
    ("version: 1\ngroups:\n" + _GROUP + "  - name: eu\n    citation: c\n    members: []\n", 9, "title"),
])
def test_bad_groups_file_names_file_and_line(tmp_path, groups, line, what):
    root = _root(tmp_path, groups=groups)
    with pytest.raises(PolicyError, match=rf"groups.yaml:{line}: .*{what}"):
        load_policy(root)


def test_group_member_typo_is_refused(tmp_path):
    # 'CUX' for Cuba would silently drop Cuba from Column 2 (HTS General Note 3(b))
    root = _root(tmp_path, groups="groups:\n" + _GROUP.replace("{code: CU}", "{code: CUX}"))
    with pytest.raises(PolicyError, match=r"groups.yaml:6: origin 'CUX'"):
        load_policy(root)


def test_group_member_lower_case_is_refused(tmp_path):
    root = _root(tmp_path, groups="groups:\n" + _GROUP.replace("{code: KP}", "{code: kp}"))
    with pytest.raises(PolicyError, match=r"groups.yaml:7: origin 'kp'"):
        load_policy(root)


def test_group_defined_twice(tmp_path):
    root = _root(tmp_path, groups="groups:\n" + _GROUP + _GROUP)
    with pytest.raises(PolicyError, match=r"groups.yaml:8: group 'column2' defined twice"):
        load_policy(root)


def test_programs_not_a_list(tmp_path):
    root = _root(tmp_path, program="programs: 5\n")
    with pytest.raises(PolicyError, match=r"p.yaml:1: 'programs:' must be a list"):
        load_policy(root)


def test_program_origin_typo(tmp_path):
    root = _root(tmp_path, program=("id: p\nauthority: A\nindicator: X\ntitle: t\norigins: [JP, JPX]\n"
                                    "start: 2020-01-01\ncitation: c\npublished: 2019-10-07\n"
                                    "confidence: likely\n"))
    with pytest.raises(PolicyError, match=r"p.yaml:5: origin 'JPX'"):
        load_policy(root)


def test_measure_origin_typo(tmp_path):
    root = _root(tmp_path, rule=_RULE.replace("[ALL]", "[JP, XX]"))
    with pytest.raises(PolicyError, match=r"r.yaml:10: origin 'XX'"):
        load_policy(root)


def test_duplicate_key_in_measure_is_refused(tmp_path):
    # the second 'rate:' (line 16) used to win silently
    rule = _RULE + "    rate: {type: additional, value: 0.95}\n"
    root = _root(tmp_path, rule=rule)
    with pytest.raises(PolicyError, match=r"r.yaml:16: malformed YAML: duplicate key 'rate' \(first on line 14\)"):
        load_policy(root)


def test_duplicate_top_level_key_is_refused(tmp_path):
    root = _root(tmp_path, rule=_RULE.replace("title: t\n", "title: t\ntitle: u\n"))
    with pytest.raises(PolicyError, match=r"r.yaml:3: malformed YAML: duplicate key 'title'"):
        load_policy(root)


def test_empty_rule_file_reports_line_1(tmp_path):
    root = _root(tmp_path, rule="")
    with pytest.raises(PolicyError, match=r"r.yaml:1: "):
        load_policy(root)


def test_rule_file_that_is_a_list(tmp_path):
    root = _root(tmp_path, rule="- 1\n- 2\n")
    with pytest.raises(PolicyError, match=r"r.yaml:1: "):
        load_policy(root)


def test_binary_rule_file(tmp_path):
    root = _root(tmp_path, rule=None)
    (root / "r.yaml").write_bytes(b"\x00\xff\xfe binary")
    with pytest.raises(PolicyError, match=r"r.yaml"):
        load_policy(root)


def test_shipped_rules_have_no_duplicate_keys():
    # the shipped files pass the stricter loader (no rule silently overridden)
    assert load_policy(RULES_DIR).measures


def test_commitments_duplicate_key(tmp_path):
    from tariffline.commitments.loader import RULES_DIR as CRULES

    for name in ("agreements.yaml", "commitments.yaml", "events.yaml"):
        (tmp_path / name).write_text((CRULES / name).read_text(encoding="utf-8"))
    text = (tmp_path / "agreements.yaml").read_text(encoding="utf-8")
    i = text.index("  - id:")
    line = text[:i].count("\n") + 1
    # repeat the first agreement's id key on its next line
    (tmp_path / "agreements.yaml").write_text(text[:i] + "  - id: x\n    id: y\n" + text[i + len("  - id:"):]
                                              .split("\n", 1)[1])
    with pytest.raises(PolicyError, match=rf"agreements.yaml:{line + 1}: malformed YAML: duplicate key 'id'"):
        load_rules(tmp_path)


def test_japan_rule_text_duplicate_key():
    with pytest.raises(PolicyError, match=r"rules/japan/x.yaml:2: malformed YAML: duplicate key 'a'"):
        load_text("a: 1\na: 2\n", "rules/japan/x.yaml")


def test_japan_rule_text_keeps_dates():
    import datetime as dt

    assert load_text("d: 2020-01-01\n", "x") == {"d": dt.date(2020, 1, 1)}


@pytest.mark.parametrize("code", ["CUX", "jp", "XX", "", "J P"])
def test_japan_group_member_must_be_iso2(code):
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        Member(code=code)
