"""Parquet tables of an event folder (energy.parquet …): the same columns and checks as the CSV.
A Parquet file arrives typed; its columns are cast to the types the CSV's fast path parses
into, so that the checks that follow are the CSV's. A column that does not cast (text in a
number column, a time with its zone) sends the table down the text path, where every cell is
read as written and a problem names its row. Rows are numbered as a CSV export of the file
would number them: the header is row 1, the first record row 2."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.compute as pc

SUFFIX = ".parquet"


def parquet() -> ModuleType:
    """pyarrow.parquet, imported on the first Parquet file: 9 MiB of every run otherwise,
    and most event folders hold none."""
    import pyarrow.parquet as pq

    return pq


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() == SUFFIX


def header(path: Path) -> list[str]:
    return [str(n).strip() for n in parquet().read_schema(path).names]


def typed(path: Path, types: dict[str, pa.DataType]) -> pa.Table | None:
    """The columns named in `types`, each cast to its type; None when one does not cast as it
    is (the text path then reads it)."""
    return cast(parquet().read_table(path, columns=list(types)), types)


def cast(table: pa.Table, types: dict[str, pa.DataType]) -> pa.Table | None:
    """`table`'s columns named in `types` (the whole file's or one batch of it), each cast to
    its type; None when one does not cast as it is."""
    out = {}
    for name, want in types.items():
        column = table.column(name)
        have = column.type
        if pa.types.is_null(have):  # a column of empty cells
            out[name] = pa.chunked_array([pa.nulls(len(column), want)])
            continue
        if pa.types.is_timestamp(have) and have.tz is not None:
            return None  # an instant with its zone: read as text ('…Z'), never as local time
        if pa.types.is_dictionary(want) and not pa.types.is_dictionary(have):
            if not (pa.types.is_string(have) or pa.types.is_large_string(have)):
                return None  # a number or a date where text is expected: read as written
            column = pc.dictionary_encode(column.cast(pa.string()))
        elif have != want:
            if pa.types.is_string(have) or pa.types.is_large_string(have):
                return None  # text where a number or a date is expected: read as written
            try:
                column = column.cast(want)  # safe casts only: 1.5 never becomes 1
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
        out[name] = column
    return pa.table(out)


def text(path: Path) -> pa.Table:
    """Every column as text (empty text as an empty cell), as the CSV's text path reads it."""
    table = parquet().read_table(path)
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(column.type) and column.type.unit != "s":
            # whole seconds written without a fraction ('… 08:00:00', not '….000'); a
            # fraction of a second stays, and the text path says so
            with contextlib.suppress(pa.ArrowInvalid):
                column = column.cast(pa.timestamp("s", tz=column.type.tz))
        as_text = column.cast(pa.string())
        blank = pc.equal(pc.utf8_trim_whitespace(as_text), "")
        columns[str(name).strip()] = pc.if_else(blank, pa.scalar(None, pa.string()), as_text)
    return pa.table(columns)
