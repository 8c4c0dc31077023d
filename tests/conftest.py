"""Test setup: point the data mirror at ../shared/data (as CI does) unless one is set."""

import os
from pathlib import Path

_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
if not os.environ.get("TARIFFLINE_MIRROR") and _SHARED.is_dir():
    os.environ["TARIFFLINE_MIRROR"] = str(_SHARED)
os.environ.setdefault("TARIFFLINE_OFFLINE", "1")
