"""tariffline: U.S.-Japan trade agreements and tariffs as computable, cited, time-aware policy.

The Python API lives in :mod:`tariffline.api`; the command line in :mod:`tariffline.cli`.
"""

__version__ = "0.1.0"
