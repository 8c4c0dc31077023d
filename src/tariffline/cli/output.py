"""Shared output helpers for CLI commands: JSON to stdout, Rich tables to the terminal."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from rich.console import Console

console = Console()


def _default(obj: Any) -> Any:
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if hasattr(obj, "model_dump"):
        return _clean(obj.model_dump(mode="json"))  # a model's NaN/inf as null too
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def print_json(data: Any) -> None:
    """Write ``data`` as JSON on stdout (no Rich markup, NaN as null)."""
    print(json.dumps(_clean(data), default=_default, indent=2, ensure_ascii=False))


def pct(rate: float | None, digits: int = 2) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "—"
    return f"{rate * 100:.{digits}f}%"
