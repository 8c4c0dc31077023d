"""The vectorised U.S. duty engine: rows of entries in, cited duty layers and totals out.

One lookup is a batch of one: :func:`compute_duties` is the only code path.
"""

from tariffline.engine.compute import DutyResult, compute_duties
from tariffline.engine.timeline import change_points, timeline

__all__ = ["DutyResult", "compute_duties", "change_points", "timeline"]
