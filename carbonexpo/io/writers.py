"""Atomic file output: write beside the target, then rename over it, so that a reader never sees
a half-written file and a failure leaves the old file (or none) in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: Path, writer: Callable[[Path], object], *, mode: int | None = None) -> None:
    """`mode` (e.g. 0o600 for a file of secrets) is set before the file takes its name."""
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
        # mkstemp makes the file 0600: give it the mode a plain open() would have
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        Path(tmp).chmod(mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_frame_csv(path: Path, frame: pd.DataFrame) -> None:
    """A DataFrame as CSV (no index), written atomically."""
    write_atomic(path, lambda p: frame.to_csv(p, index=False))


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda p: p.write_bytes(data))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe
    (OWASP CSV injection); numbers, including negative ones, are left alone. Categorical
    columns are fixed on their categories, so a million lines cost a few distinct values."""
    out = frame.copy(deep=False)
    for col in out.columns:
        dtype = out[col].dtype
        if isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
            dtype.categories.dtype
        ):
            cats = [str(c) for c in dtype.categories]
            fixed = [("'" + c) if c.startswith(FORMULA_START) else c for c in cats]
            if fixed == cats:
                continue
            if len(set(fixed)) == len(fixed):
                out[col] = out[col].cat.rename_categories(fixed)
                continue
        text_like = isinstance(dtype, pd.CategoricalDtype | pd.StringDtype)
        if pd.api.types.is_object_dtype(dtype) or text_like:
            values = out[col].astype(object)
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            if risky.any():
                out[col] = values.where(~risky, "'" + values.astype(str))
    return out


def write_csv_fast(frame: pd.DataFrame, path: Path) -> None:
    """A large frame as CSV through pyarrow's writer (about ten times pandas' to_csv), written
    atomically. Text is defused against spreadsheet formulas; empty cells stay empty."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # categorical columns stay dictionary-encoded: the writer expands them batch by batch
    table = pa.Table.from_pandas(defuse_formulas(frame), preserve_index=False)
    options = pacsv.WriteOptions(quoting_style="needed")
    write_atomic(path, lambda p: pacsv.write_csv(table, p, options))
