"""The command line starts without loading what it does not need (issue 10, item 3): `--help`
imports no engine, Polars, pydantic, FastAPI or matplotlib; one `duty` imports none of the other
areas. The constants the options show are those of the modules they stand for; the law's
currency is computed once per state of the rules."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from tariffline.cli.lazy import lazy_module

HEAVY = ("polars", "pyarrow", "pydantic", "fastapi", "matplotlib", "tariffline.policy.loader")
OTHER_AREAS = ("tariffline.japan.api", "tariffline.etr.api", "tariffline.commitments.api",
               "tariffline.scenarios.api", "tariffline.audit.chapter99", "fastapi", "matplotlib")


def _loaded_after(argv: list[str], names: tuple[str, ...]) -> tuple[int, list[str], str]:
    """Run the CLI in a fresh interpreter; exit code, which of ``names`` were really loaded (a
    module waiting for its first use does not count), and stdout."""
    code = f"""
import io, json, sys, contextlib
from tariffline.cli.app import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    try:
        main({argv!r})
        rc = 0
    except SystemExit as exc:
        rc = exc.code or 0
loaded = [n for n in {names!r} if n in sys.modules
          and type(sys.modules[n]).__name__ != "_LazyModule"]
print(json.dumps([rc, loaded, buf.getvalue()]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rc, loaded, stdout = json.loads(out.stdout.strip().splitlines()[-1])
    return rc, loaded, stdout


def test_help_loads_nothing_heavy_and_lists_every_area():
    rc, loaded, stdout = _loaded_after(["--help"], HEAVY)
    assert rc == 0 and loaded == []
    for command in ("duty", "timeline", "batch", "hts", "japan", "etr", "commitments", "audit", "serve",
                    "brief", "scenario", "data"):
        assert command in stdout, command


def test_duty_loads_no_other_area():
    rc, loaded, stdout = _loaded_after(["duty", "8703.23.01", "--origin", "JP", "--date", "2025-10-01",
                                        "--value", "30000", "--json"], OTHER_AREAS)
    assert rc == 0 and loaded == []
    # EO 14345 (HTS 9903.94.41): 15% all-in on Japanese passenger cars entered 1 Oct 2025
    assert json.loads(stdout)["total_duty"] == pytest.approx(4500.0)


def test_option_defaults_are_those_of_the_modules():
    from tariffline.cli import etr_cmd, hts_cmd, scenario_cmd
    from tariffline.etr import api as etr_api
    from tariffline.hts import search
    from tariffline.scenarios import api as scenario_api

    assert hts_cmd.SEARCH_MAX_LIMIT == search.MAX_LIMIT
    assert etr_cmd.DEFAULT_BASKET_YEAR == etr_api.DEFAULT_BASKET_YEAR
    assert etr_cmd.DEFAULT_METAL_SHARE == etr_api.DEFAULT_METAL_SHARE
    assert scenario_cmd.DEFAULT_BASKET_YEAR == scenario_api.DEFAULT_BASKET_YEAR


def test_api_namespaces_still_there():
    from tariffline import api

    for name, module in (("japan", "japan"), ("etr", "etr"), ("commitments", "commitments"),
                         ("scenario", "scenarios")):
        assert getattr(api, name).__name__ == f"tariffline.{module}.api"
    with pytest.raises(AttributeError):
        api.no_such_namespace  # noqa: B018


def test_lazy_module_loads_on_first_use():
    mod = lazy_module("json")  # already loaded: returned as is
    assert mod is json
    with pytest.raises(ModuleNotFoundError):
        lazy_module("tariffline.no_such_module")


def test_law_currency_once_per_state_of_the_rules():
    from tariffline.law import law_currency
    from tariffline.policy.loader import load_policy

    policy = load_policy()
    assert law_currency() is law_currency() is law_currency(policy)
    day = dt.date(2025, 4, 1)
    early = law_currency(policy.view(day))
    assert early is law_currency(policy.view(day))
    # the law as known on a day counts only instruments published by then
    assert early.newest_instrument_published <= day < law_currency().newest_instrument_published
