"""Work per distinct text: a ledger's HTS codes repeat (a 200,000-row chunk of random lines holds
about 20,000 codes), so what depends on the code alone (its digits, whether it is well formed, its
place among the line table's codes) is worked out once per code and spread to the rows by
position, as :mod:`tariffline.engine.days` does for entry days.

The rows' values are numbered by casting them to a Polars Categorical of new, private categories
(one hash of each cell; the categories are freed with the column), which numbers them 0, 1, ... in
the order met: the numbers are places in the distinct values.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def distinct_texts(texts: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """(each distinct value of ``texts`` once, as text, null last if any; each row's place
    among them). A Categorical column is numbered by its own numbers (not hashed again), those
    of a Categorical shared with other columns (Polars' global one) counted down to the few used."""
    coded = texts if isinstance(texts.dtype, pl.Categorical) else texts.cast(pl.Utf8).cast(private_categorical())
    numbers = coded.to_physical()
    count = int(numbers.max()) + 1 if numbers.len() > numbers.null_count() else 0
    which = numbers.fill_null(count).to_numpy().astype(np.int64)
    first = first_rows(which, count + 1)
    if (first[:count] < 0).any():  # (numbers shared with other columns: numbered again here, by counting)
        used = first >= 0
        which = (np.cumsum(used) - 1)[which]
        return texts.gather(first[used]).cast(pl.Utf8), which
    return texts.gather(first[:count + (first[count] >= 0)]).cast(pl.Utf8), which


def private_categorical() -> pl.Categorical:
    """A Categorical type of new categories of its own (freed with the last column using them)."""
    return pl.Categorical(pl.Categories.random())


def first_rows(which: np.ndarray, count: int) -> np.ndarray:
    """The first row holding each place ``0 .. count-1`` of ``which`` (-1: none)."""
    first = np.full(count, -1, dtype=np.int64)
    first[which[::-1]] = np.arange(len(which) - 1, -1, -1)
    return first
