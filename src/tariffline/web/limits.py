"""Limits on what one HTTP request may ask for (see ASSUMPTIONS.md WB-03, WB-04)."""

MAX_UPLOAD_BYTES = 5 * 1024 * 1024   # a ledger upload; larger gets 413
MAX_UPLOAD_ROWS = 20_000             # rows of an uploaded ledger; more gets 413
MAX_SERIES_DAYS = 366 * 15           # span of a timeline or ETR series
MAX_DEADLINE_DAYS = 3660             # window of /api/commitments/deadlines
