"""Atomic file output: write beside the target, then rename over it, so that a reader never sees
a half-written file and a failure leaves the old file (or none) in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    path = Path(path)
    if path.exists() and not path.is_file():
        # a device or a pipe (/dev/null, /dev/stdout, a FIFO): write through, never replace it
        writer(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda p: p.write_bytes(data))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe
    (OWASP CSV injection); numbers, including negative ones, are left alone."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(
            out[col].dtype, pd.CategoricalDtype | pd.StringDtype
        ):
            values = out[col].astype(object)
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            if risky.any():
                out[col] = values.where(~risky, "'" + values.astype(str))
    return out
