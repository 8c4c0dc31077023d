"""Modules loaded when first used, so that starting the command line (``tariffline --help``, one
``duty``) does not import every area's engine, Polars, pydantic rule loading or FastAPI.

``api = lazy_module("tariffline.japan.api")`` binds a module whose code runs on the first
attribute access (the standard library's ``importlib.util.LazyLoader``)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded on first use (at once if it is already loaded)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
