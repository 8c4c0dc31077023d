"""Work per distinct entry day: a ledger's rows fall on a few thousand days at most, so what
depends on the day alone (the edition in force, the interval between the policy's change dates)
is worked out once per day and spread to the rows by position."""

from __future__ import annotations

import numpy as np
import polars as pl


def distinct_days(dates: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct days of ``dates``, sorted, as day numbers since 1970; each row's place among
    them, -1 where the date is null)."""
    number = dates.cast(pl.Int32)
    known = number.is_not_null().to_numpy()
    day = number.fill_null(0).to_numpy().astype(np.int64)
    if not known.any():
        return np.empty(0, dtype=np.int64), np.full(len(day), -1, dtype=np.int64)
    first = int(day[known].min())
    span = int(day[known].max()) - first + 1
    if span <= 1 << 20:  # dates within ~2,900 years (any real ledger): distinct days by counting
        present = np.zeros(span + 1, dtype=bool)
        present[np.where(known, day - first, span)] = True
        present[span] = False
        seen = np.flatnonzero(present) + first
        which = np.where(known, np.cumsum(present)[np.where(known, day - first, 0)] - 1, -1)
    else:
        seen = np.unique(day[known])
        which = np.where(known, np.searchsorted(seen, day), -1)
    return seen, which
