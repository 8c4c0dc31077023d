"""Shared pieces of the fuzz tests: hypothesis profiles, odd-input strategies, the checks.

Profiles (chosen with ``TARIFFLINE_FUZZ_PROFILE``): ``ci`` (default; a few thousand inputs in
all in about a minute) and ``deep`` (``make fuzz``: twenty times as many). Runs are
derandomized (the same cases each CI run) unless ``TARIFFLINE_FUZZ_RANDOM=1``. Each test asks for
``examples(n)``: n cases under ``ci``, 20 n under ``deep``. A tally of inputs tried and of
failures by kind is printed at the end of the run (see conftest.py).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import math
import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tariffline.errors import TariffLineError

PROFILE = os.environ.get("TARIFFLINE_FUZZ_PROFILE", "ci")
_SCALE = {"ci": 1, "deep": 20}
if PROFILE not in _SCALE:
    raise RuntimeError(f"TARIFFLINE_FUZZ_PROFILE={PROFILE!r}: use one of {', '.join(_SCALE)}")
_RANDOM = os.environ.get("TARIFFLINE_FUZZ_RANDOM") == "1"

TALLY: collections.Counter = collections.Counter()


def examples(n: int, *, slow: bool = False) -> settings:
    """Settings for a fuzz test worth ``n`` cases in CI. ``slow`` (a second or more a case):
    no shrinking, so a failure is reported as found instead of after minutes of shrinking."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([] if slow else [Phase.shrink])
    return settings(max_examples=n * _SCALE[PROFILE], deadline=None, derandomize=not _RANDOM,
                    phases=phases, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


def _refused(area: str, exc: Exception) -> None:
    TALLY[f"{area}: refused"] += 1
    message = str(exc)
    assert message.strip(), f"empty error message: {exc!r}"
    if "\n" in message.strip("\n"):
        # a message that echoes the user's text with its line breaks (not a traceback)
        TALLY[f"{area}: multi-line error messages"] += 1


# ------------------------------------------------------------------------------------------
# Odd inputs

ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=24)


def mostly(valid, odd):
    """Three cases in four from ``valid`` (so answers get checked), one from ``odd``
    (``st.one_of(valid, valid, valid, odd)`` would not do: it merges equal branches)."""
    return st.sampled_from([True, True, True, False]).flatmap(lambda v: valid if v else odd)


# U.S. HTS lines of the 2025/2026 editions (autos, beef, toys, refrigerators, steel, tools, apparel)
VALID_HTS = st.sampled_from(["8703.23.01", "8703.23.01.10", "0201.30.02", "9503.00.00", "8418.21.00",
                             "7208.10.15", "8207.13.00", "6109.10.00", "8471.30.01", "2204.21.50",
                             "9401.61.40", "7318.15.20", "8708.29.50", "3004.90.92", "8542.31.00"])
HTS = mostly(VALID_HTS, st.one_of(
    st.sampled_from(["9903.01.25", "0101", "87", "", " 8703.23.01 ", "8703.23.0", "8703-23-01",
                     "８７０３.２３.０１", "99999999", "8703.23.01.10.10", "0000.00.00", "\n"]),
    st.from_regex(r"\A[0-9]{1,14}\Z"),
    st.from_regex(r"\A[0-9]{4}\.[0-9]{2}(\.[0-9]{2}){0,2}\Z"),
    ODD_TEXT,
))
# Japan's 2-, 4-, 6- and 9-digit codes (beef, pork, sugar, wine, cheese, autos, machinery)
JP_HS = mostly(st.sampled_from(["0201.30", "0201.30.010", "0203.19", "1701.99", "2204.21", "0406.90",
                                "8703.23", "8471.30", "02", "0406", "1006.30"]), HTS)

VALID_ORIGINS = st.sampled_from(["JP", "CN", "CA", "MX", "EU", "DE", "GB", "RU", "CU", "KP", "KR",
                                 "AU", "VN", "IN", "BR", "CH", "JPN", "Japan", "5880", "US"])
ORIGINS = mostly(VALID_ORIGINS, st.one_of(
    st.sampled_from(["XK", "ALL", "jp", "japan", "", " ", "ZZ", "XX", "日本", "Côte d'Ivoire",
                     "EUR", "0000", "column2"]),
    ODD_TEXT,
))

VALID_DATES = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 12, 31)).map(dt.date.isoformat)
DATES = mostly(VALID_DATES, st.one_of(
    st.dates().map(dt.date.isoformat),  # 0001-01-01 .. 9999-12-31
    st.sampled_from(["0001-01-01", "9999-12-31", "today", "TODAY", "2025-02-29", "2024-02-29",
                     "2025-13-01", "2025-00-10", "", " 2025-10-01 ", "20251001", "2025-10-01T00:00",
                     "１２３"]),
    ODD_TEXT,
))

# Japan's schedule editions on hand cover JFY2025-JFY2026 (2025-04-01 to 2027-03-31)
JP_DATES = mostly(st.dates(min_value=dt.date(2025, 4, 1), max_value=dt.date(2027, 3, 31)).map(dt.date.isoformat),
                  DATES)

VALID_NUMBERS = st.one_of(st.floats(min_value=0.01, max_value=1e9), st.integers(1, 10**7))
NUMBERS = mostly(VALID_NUMBERS, st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, -1.0, 1e308, -1e308, 5e-324, 2.2250738585072014e-308,
                     float("nan"), float("inf"), float("-inf"), 1e15]),
    st.integers(min_value=-10**30, max_value=10**30),
))

NUMBER_TEXT = st.one_of(NUMBERS.map(repr), st.sampled_from(["nan", "inf", "-inf", "1e999", "0x10",
                                                            "1_000", "", "abc", "١٢٣"]))


# ------------------------------------------------------------------------------------------
# Checks


def non_finite(obj, path="$"):
    """The JSON paths of NaN or infinite numbers in ``obj`` (an answer as plain data)."""
    if isinstance(obj, float):
        return [] if math.isfinite(obj) else [path]
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(obj, (list, tuple)):
        return [p for i, v in enumerate(obj) for p in non_finite(v, f"{path}[{i}]")]
    return []


def call_api(area: str, fn, *args, known: str | None = None, **kwargs):
    """Call an API function: a TariffLineError is a clean refusal; any other exception or a
    NaN/inf in the answer fails the test, unless ``known`` names the known defect the input
    triggers (tallied, reproduced in test_fuzz_findings.py). Returns the answer or None."""
    TALLY[f"{area}: inputs"] += 1
    try:
        answer = fn(*args, **kwargs)
    except TariffLineError as exc:
        _refused(area, exc)
        return None
    except Exception:
        TALLY[f"{area}: crashes"] += 1
        raise
    bad = non_finite(answer)
    if bad and known:
        TALLY[f"{area}: wrong answers (NaN/inf), known: {known}"] += 1
        return answer
    if bad:
        TALLY[f"{area}: wrong answers (NaN/inf)"] += 1
    assert not bad, f"NaN/inf at {bad[:5]}"
    return answer


def is_non_finite(x) -> bool:
    """A number (or number text) that is NaN or infinite."""
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


def check_cli(area: str, result, json_out: bool = False):
    """A CliRunner result: exit 0, or a clean error (TariffLineError -> one line and exit 1 in
    main(); a usage error -> exit 2 from Click); never another exception; JSON parses with no
    NaN/inf."""
    TALLY[f"{area}: inputs"] += 1
    exc = result.exception
    if exc is not None and not isinstance(exc, (SystemExit, TariffLineError)):
        TALLY[f"{area}: crashes"] += 1
        raise AssertionError(f"traceback: {type(exc).__name__}: {exc}") from exc
    if isinstance(exc, TariffLineError):
        _refused(area, exc)
        return None
    if result.exit_code != 0:
        TALLY[f"{area}: refused"] += 1
        assert result.exit_code == 2, (result.exit_code, result.output)  # Click usage error
        assert "Traceback" not in result.output
        return None
    if json_out:
        data = json.loads(result.stdout)  # Python's json would write NaN as a bare NaN token
        bad = non_finite(data)
        if bad:
            TALLY[f"{area}: wrong answers (NaN/inf)"] += 1
        assert not bad
        return data
    return result.output
