"""The vectorised U.S. duty engine: rows of entries in, cited duty layers and totals out.

One lookup is a batch of one: :func:`compute_duties` is the only code path.

The names below are imported on first use (PEP 562), so that a submodule such as
``engine.scalar`` can be imported without Polars (the cold ``tariffline duty``).
"""

import importlib

_LAZY = {"DutyResult": "tariffline.engine.compute", "compute_duties": "tariffline.engine.compute",
         "change_points": "tariffline.engine.timeline", "timeline": "tariffline.engine.timeline"}

__all__ = ["DutyResult", "compute_duties", "change_points", "timeline"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # ``timeline`` is the function, as before, not its submodule
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
