"""Any text as a scenario file is either a valid scenario or one PolicyError naming the file."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffline.errors import PolicyError
from tariffline.scenarios.schema import load_scenario

_PIECES = ["id: x\n", "title: t\n", "description: d\n", "changes:\n", "  - type: end\n", "  - type: set_rate\n",
           "    from: 2026-13-01\n", "    from: 2026-01-01\n", "    measures: [a]\n", "    rate: {type: additional, value: .nan}\n",
           "    rate: {type: additional, value: .inf}\n", "    rate: {type: additional, value: 1e308}\n",
           "    to: null\n", "author_assumptions: 3\n", "- [\n", "\t", ": :\n", "id: x\n"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(_PIECES), max_size=10), noise=st.text(max_size=20))
def test_any_text_is_valid_or_one_policy_error(tmp_path, parts, noise):
    p = tmp_path / "fuzz.yaml"
    p.write_text("".join(parts) + noise, encoding="utf-8")
    try:
        load_scenario(p)
    except PolicyError as exc:
        assert str(p) in str(exc) and "\n" not in str(exc).strip()
