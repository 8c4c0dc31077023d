"""Error types: every failure a user can cause names the problem in plain words.

The CLI turns any :class:`TariffLineError` into a one-line message and a non-zero exit;
anything else is a bug.
"""


class TariffLineError(Exception):
    """Base class for errors caused by input, data or rule files (not bugs)."""


class InputError(TariffLineError, ValueError):
    """A user-supplied value is malformed or out of range (HTS code, origin, date...)."""


class DataError(TariffLineError):
    """An official data file is missing, unreadable, or fails verification."""


class PolicyError(TariffLineError):
    """A policy rule file is invalid; the message names the file and line."""
