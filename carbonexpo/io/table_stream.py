"""A large table read batch by batch: the fast path's parse and checks (io.tables) on one block
of the file at a time, so that no step holds the whole table.

A CSV is cut into blocks of about BLOCK_BYTES at line ends; the next block is parsed (by
pyarrow, on both cores) while the current one is checked. Parquet is read in record batches.
Each batch comes back as a Table of validated rows numbered as in the file. The stream checks
what the fast path checks and explains nothing: a batch with any problem, a line that is not
one row (a quoted line break), text that is not UTF-8 — anything the whole read would name or
read differently — raises NotStreamable, and the caller reads the file whole, which names every
problem as before. The stream is therefore never the only reading of a bad file."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from carbonexpo.io import parquet_file
from carbonexpo.io.csv_parse import fast_type, parsed_again_if_lost
from carbonexpo.io.normalise import Reading
from carbonexpo.io.schema import TableSchema
from carbonexpo.io.streamed import BLOCK_BYTES
from carbonexpo.io.tables import (
    MAX_COLUMNS,
    Table,
    _Collector,
    check_typed_columns,
    header_columns,
    header_names,
)

PARQUET_BATCH_ROWS = 1 << 20
# rows of a block (narrow rows make smaller blocks, never over BLOCK_BYTES): a block's checks and
# reduction hold ~5x its data frame at once, and the allocators keep about as much again, so
# the stream's memory is set by this. Scale 1's energy stream: 200,000 rows +135 MiB over the
# imports, 100,000 rows +85 MiB for 0.35 s more of 3.1 s (the evidence pack's 300 MB ceiling)
BLOCK_ROWS = 100_000


class NotStreamable(Exception):
    """The stream met what only the whole read explains (a problem, an odd line): read the
    file whole."""


def batches(
    path: Path,
    schema: TableSchema,
    display: str,
    timezone: str,
    readings: list[Reading],
    lean: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
) -> Iterator[Table]:
    """The file's rows, validated, one batch at a time (Tables of the schema's columns and
    `_row`, without sha256). Readings of natural input (a synonym read as a value) are merged
    into `readings`, counted over every batch. `lean` text columns are parsed as plain text,
    checked and left out (ids nothing reads). Raises NotStreamable (see the module)."""
    out = _Collector(display)
    try:
        names = header_names(path)
    except Exception as exc:  # the whole read names it
        raise NotStreamable(str(exc)) from None
    if len(names) > MAX_COLUMNS:
        raise NotStreamable("header")
    actual_of = header_columns(names, schema, rename, out)
    if out.problems:
        raise NotStreamable("header")
    merge_readings(readings, out.readings)
    columns = [c for c in schema.columns if c.name in actual_of]
    types = {actual_of[c.name]: pa.string() if c.name in lean else fast_type(c) for c in columns}
    parsed = (
        _parquet_batches(path, types)
        if parquet_file.is_parquet(path)
        else (_csv_blocks(path, names, types))
    )
    for typed, first_row in parsed:
        out = _Collector(display)
        data = check_typed_columns(typed, columns, actual_of, out, timezone, lean)
        del typed
        if out.problems:
            raise NotStreamable("problem")
        rows = (
            np.arange(first_row, first_row + out.count, dtype=np.int64)
            if out.row_numbers is None
            else out.row_numbers + (first_row - 2)
        )
        merge_readings(readings, out.readings)
        yield Table(schema.name, display, pd.DataFrame({"_row": rows, **data}, copy=False), "")


def merge_readings(into: list[Reading], more: list[Reading]) -> None:
    """Add `more` to `into`, a reading said in both counted once with the rows of both."""
    at = {(r.column, r.what, r.how, r.code, r.params): i for i, r in enumerate(into)}
    for r in more:
        key = (r.column, r.what, r.how, r.code, r.params)
        if key in at:
            old = into[at[key]]
            into[at[key]] = Reading(old.column, old.what, old.how, old.rows + r.rows, old.code,
                                    old.params)  # fmt: skip
        else:
            at[key] = len(into)
            into.append(r)


def _csv_blocks(
    path: Path, names: list[str], types: dict[str, pa.DataType]
) -> Iterator[tuple[pa.Table, int]]:
    """(parsed block, row number of its first line): the next block parses while the caller
    checks this one. A block ends at the last line end it holds; the file is read again from
    there (no copy to join the cut line)."""
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="block") as pool,
        path.open("rb") as f,
    ):
        f.readline()  # the header
        size = _block_size(f)
        row = 2
        ahead: Future[tuple[pa.Table, int]] | None = None
        while True:
            data = f.read(size)
            block: bytes | memoryview = data
            if len(data) == size:
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # a line longer than a block
                    block = data = data + f.readline()
                else:
                    f.seek(cut - len(data), 1)
                    block = memoryview(data)[:cut]
            job = pool.submit(_parse_block, block, names, types, size) if data else None
            if ahead is not None:
                table, lines = ahead.result()
                yield table, row
                row += lines
            if job is None:
                return
            ahead = job


def _block_size(f: BinaryIO) -> int:
    """Bytes of about BLOCK_ROWS rows, from the width of the first lines (1 MiB at least,
    BLOCK_BYTES at most): what a batch holds in memory grows with its rows, not its bytes
    (travel's 31-byte rows in 16 MiB blocks took 227 MiB beside the imports; in 6 MiB, 120)."""
    at = f.tell()
    sample = f.read(1 << 16)
    f.seek(at)
    lines = sample.count(b"\n")
    width = len(sample) / lines if lines else BLOCK_BYTES
    return int(min(BLOCK_BYTES, max(1 << 20, BLOCK_ROWS * width)))


def _rows_of(block: bytes | memoryview, table: pa.Table) -> int:
    """The lines of a block, which must be its rows: a quoted line break or a lone \r would
    make them differ (counted only when the block holds a quote or a \r at all)."""
    raw = block.obj if isinstance(block, memoryview) else block
    if isinstance(raw, bytes) and (b'"' in raw or b"\r" in raw):
        text = bytes(block)
        lines = text.count(b"\n") + (0 if text.endswith(b"\n") else 1)
        if lines != table.num_rows:
            raise NotStreamable("lines")
    return int(table.num_rows)


def _parse_block(
    block: bytes | memoryview, names: list[str], types: dict[str, pa.DataType], size: int
) -> tuple[pa.Table, int]:
    """The block parsed (in four chunks, on every core), and the rows (lines) it holds."""

    def parse() -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(block)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=max(size // 4, 1 << 16)),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        table = parsed_again_if_lost(parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        raise NotStreamable(str(exc)) from None
    return table, _rows_of(block, table)


def _parquet_batches(path: Path, types: dict[str, pa.DataType]) -> Iterator[tuple[pa.Table, int]]:
    row = 2
    try:
        for batch in (
            parquet_file.parquet()
            .ParquetFile(path)
            .iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=list(types))
        ):
            table = parquet_file.cast(pa.Table.from_batches([batch]), types)
            if table is None:
                raise NotStreamable("types")
            yield table, row
            row += table.num_rows
    except (pa.ArrowInvalid, OSError) as exc:
        raise NotStreamable(str(exc)) from None
