"""Chart files shared by every chart: the format from the file name, matplotlib without a
display (imported only when a chart is drawn: it is slow to import), and an atomic write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tariffline.errors import DataError, InputError

FORMATS = {".png": "png", ".svg": "svg"}


def chart_format(out: Path, *, parent_must_exist: bool = True) -> str:
    """The format of the chart file ``out`` (png or svg); InputError for another name."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise InputError(f"chart file {out} must end in .png or .svg")
    if parent_must_exist and not out.parent.is_dir():
        raise InputError(f"chart directory {out.parent} does not exist")
    return fmt


def pyplot():
    """matplotlib.pyplot on the Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, out: Path, fmt: str, **savefig) -> Path:
    """Write ``fig`` to ``out`` through a temporary file in the same directory; close it."""
    plt = pyplot()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=fmt, **savefig)
        os.replace(tmp, out)
    except OSError as exc:
        raise DataError(f"cannot write chart {out}: {exc}") from None
    finally:
        plt.close(fig)
        Path(tmp).unlink(missing_ok=True)
    return out
