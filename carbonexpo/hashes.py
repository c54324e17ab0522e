"""64-bit hashes computed column-wise with numpy: of rows of integers (io.reduction's records)
and of texts held by Arrow (attendee ids, calc.visitor_travel). Hashes group; they never decide
alone: callers compare the values, or a second hash of another seed, and take an exact path on
a collision (among a million values the chance of any is about n²/2^65 ≈ 3·10^-8 for one
64-bit hash, about 10^-27 for two)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SEEDS = (0x9E3779B97F4A7C15, 0xD1B54A32D192ED03)
ROWS_AT_ONCE = 1 << 16  # texts hashed this many at a time (their words stay in the cache)


def mix(words: np.ndarray, seed: int) -> np.ndarray:
    """A hash of each row of a (rows, columns) array of integers: splitmix64's finaliser
    after each column."""
    h = np.full(len(words), seed, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in np.asarray(words).T:
            h ^= column.astype(np.uint64)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
            h *= np.uint64(0x94D049BB133111EB)
            h ^= h >> np.uint64(29)
    return h


def texts_hashed(
    values: pa.Array | pa.ChunkedArray, seeds: tuple[int, ...] = SEEDS
) -> list[np.ndarray]:
    """A hash of each text's UTF-8 bytes (an empty cell as the empty text) for every seed,
    read from the Arrow buffers: no Python string per value. A chunked column is hashed chunk
    by chunk (5 M scanned ids combined first took ~250 MB more at the peak: the copy, its
    offsets as int64, their lengths). Texts of one length are hashed together, 8 bytes a word,
    65,536 texts at a time; the bytes are gathered once for all seeds."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    n = sum(len(c) for c in chunks)
    outs = [np.empty(n, dtype=np.uint64) for _ in seeds]
    at = 0
    for chunk in chunks:
        _hash_into(chunk, seeds, [out[at : at + len(chunk)] for out in outs])
        at += len(chunk)
    return outs


def _hash_into(arr: pa.Array, seeds: tuple[int, ...], outs: list[np.ndarray]) -> None:
    """texts_hashed of one array, written into `outs` (views of the whole column's)."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    n = len(arr)
    if n == 0:
        return
    wide = pa.types.is_large_string(arr.type)
    buffers = arr.buffers()
    given = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
    offsets: np.ndarray = given[arr.offset : arr.offset + n + 1].astype(np.int64)
    data = np.zeros(0, np.uint8)
    if buffers[2] is not None:
        data = np.frombuffer(buffers[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    for length in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        contiguous = len(rows) == n
        width = -(-length // 8) * 8 or 8
        for start in range(0, len(rows), ROWS_AT_ONCE):  # slices that stay in the cache
            part = rows[start : start + ROWS_AT_ONCE]
            block = np.zeros((len(part), width), dtype=np.uint8)
            if contiguous and length:
                first = int(offsets[part[0]])
                block[:, :length] = data[first : first + len(part) * length].reshape(-1, length)
            elif length:
                block[:, :length] = data[offsets[part][:, None] + np.arange(length)]
            # the length first, as a word of its own: xor-ing it into the seed let the first
            # word cancel it ('' and '\x01' hashed alike)
            words = np.column_stack(
                [np.full(len(part), length, dtype=np.uint64), block.view("<u8")]
            )
            for out, seed in zip(outs, seeds, strict=True):
                out[part] = mix(words, seed)
