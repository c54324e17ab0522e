"""pyarrow's CSV parser with the options every table read uses, and the column types of the fast
path. Light on purpose (pyarrow only, no pandas): io.prefetch starts parsing with it before the
rest of the program is imported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from carbonexpo.io.schema import Column

DICT = pa.dictionary(pa.int32(), pa.string())


def csv_header(path: Path) -> list[str]:
    """The header's cell texts as a CSV reader splits them (quotes, doubled quotes and commas
    inside quotes included), stripped of spaces (empty file: [])."""
    import csv
    import io

    with path.open("rb") as f:
        head = f.readline(1 << 20).decode("utf-8-sig", errors="replace")
    if not head:
        return []
    try:
        cells = next(csv.reader(io.StringIO(head, newline=None)), [])  # \r alone ends a line too
    except csv.Error:  # a quote opened in the header and closed on a later line
        cells = head.rstrip("\r\n").split(",")
    return [c.strip() for c in cells]


def fast_type(col: Column) -> pa.DataType:
    """The type pyarrow parses a column into on the fast path (dictionary-encoded text; an
    identifier as plain text)."""
    if col.identifier:
        return pa.string()
    return {
        "str": DICT,
        "enum": DICT,
        "unit": DICT,
        "float": pa.float64(),
        "int": pa.float64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("s"),
    }[col.kind]


# pyarrow's threaded CSV reader (26.0.1) was seen to finish a parse with one converted chunk
# unset, once in some thirty runs of a scale-1 folder, and to say only this: the same bytes
# parse again (the source is read anew), at most LOST_CHUNK_TRIES times in all
LOST_CHUNK = "a chunk failed converting for an unknown reason"
LOST_CHUNK_TRIES = 3


def parsed_again_if_lost(parse: Callable[[], pa.Table]) -> pa.Table:
    """`parse()`, run again when pyarrow lost a chunk of it (LOST_CHUNK); any other failure,
    or the last try's, is raised as it came."""
    for _ in range(LOST_CHUNK_TRIES - 1):
        try:
            return parse()
        except pa.ArrowException as exc:
            if LOST_CHUNK not in str(exc):
                raise
    return parse()


def parse_csv(
    path: Path, types: dict[str, pa.DataType], invalid_row: Callable[[Any], str] | None = None
) -> pa.Table:
    """`invalid_row`: called with each row of another shape than the header (pyarrow's
    InvalidRow) instead of failing; the parse then runs on one thread, so rows are numbered."""
    return parsed_again_if_lost(lambda: _parse_csv(path, types, invalid_row))


def _parse_csv(
    path: Path, types: dict[str, pa.DataType], invalid_row: Callable[[Any], str] | None
) -> pa.Table:
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 24, use_threads=invalid_row is None),
        # keep empty lines as rows so that row numbers stay those of the file; all-empty
        # rows are dropped afterwards by tables._drop_blank
        parse_options=pacsv.ParseOptions(ignore_empty_lines=False, invalid_row_handler=invalid_row),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
