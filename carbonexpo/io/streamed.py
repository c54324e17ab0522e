"""Which tables are read as a stream (io.table_stream) and reduced while they are read
(io.reduction): decided from the file's size alone, in a module light enough for
io.prefetch to ask before anything is imported."""

from __future__ import annotations

import os
from pathlib import Path

STREAMED = ("energy", "travel", "logistics")  # read batch by batch, reduced, when large
BLOCK_BYTES = 16 << 20  # one batch of a streamed CSV (~200,000 energy rows)
STREAM_BYTES_ENV = "CARBONEXPO_STREAM_BYTES"  # the size from which a table streams


def stream_min_bytes() -> int:
    """A streamed table's file is at least this large (default: one batch; the environment's
    CARBONEXPO_STREAM_BYTES overrides it: 0 streams every size, a large value none)."""
    text = os.environ.get(STREAM_BYTES_ENV, "").strip().replace("_", "")
    return int(text) if text.isdigit() else BLOCK_BYTES


def streams(path: Path, name: str) -> bool:
    """Whether `name`'s table in `path` (CSV or Parquet) is read as a stream."""
    return name in STREAMED and large(path)


def large(path: Path) -> bool:
    """A CSV or Parquet file of stream_min_bytes or more (a BMS export is imported as a
    stream from that size too)."""
    if path.suffix.lower() not in (".csv", ".parquet"):
        return False
    try:
        return path.stat().st_size >= stream_min_bytes()
    except OSError:
        return False
