"""Atomic file output: write beside the target, then rename over it, so that a reader never sees
a half-written file and a failure leaves the old file (or none) in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa


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


def write_pieces_atomic(path: Path, pieces: Iterable[bytes]) -> None:
    """Bytes given piece by piece (a result JSON's long lists a chunk at a time), written as
    they come: the whole is never held."""

    def write(p: Path) -> None:
        with p.open("wb") as f:
            for piece in pieces:
                f.write(piece)

    write_atomic(path, write)


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


def write_csv_fast(frame: pd.DataFrame, path: Path, rows: int = 100_000) -> None:
    """A large frame as CSV through pyarrow's writer (about ten times pandas' to_csv), written
    atomically, `rows` at a time (write_csv_batches: text columns expanded one slice at a
    time). Text is defused against spreadsheet formulas; empty cells stay empty."""
    write_csv_batches((frame.iloc[i : i + rows] for i in range(0, max(len(frame), 1), rows)), path)


def write_csv_batches(batches: Iterable[pd.DataFrame], path: Path) -> None:
    """Frames of one shape as one CSV, batch by batch, written atomically; text is defused
    against spreadsheet formulas."""
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(quoting_style="needed")
    _write_batches(
        (defuse_formulas(frame) for frame in batches),
        path,
        lambda p, schema: pacsv.CSVWriter(p, schema, write_options=options),
    )


def write_parquet_batches(batches: Iterable[pd.DataFrame], path: Path) -> None:
    """Frames of one shape as one Parquet file, a row group or more per batch, atomically."""
    import pyarrow.parquet as pq

    _write_batches(batches, path, pq.ParquetWriter)


def _write_batches(
    batches: Iterable[pd.DataFrame], path: Path, open_writer: Callable[[Path, pa.Schema], Any]
) -> None:
    """Each frame as a table of the first one's schema (text columns as plain text, so batches
    whose categories differ share it), appended to one writer; the file written atomically."""
    import pyarrow as pa

    def write(p: Path) -> None:
        writer, schema = None, None
        try:
            for frame in batches:
                table = _as_text_table(pa.Table.from_pandas(frame, preserve_index=False))
                if writer is None:
                    schema = table.schema
                    writer = open_writer(p, schema)
                writer.write_table(table.cast(schema))
        finally:
            if writer is not None:
                writer.close()

    write_atomic(path, write)


def _as_text_table(table: pa.Table) -> pa.Table:
    """Dictionary-encoded and all-empty columns as plain text, so every batch has one schema."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        t = column.type
        if pa.types.is_dictionary(t) or pa.types.is_null(t):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)
