"""Reading one folder twice, whole and streamed in small blocks, for the tests of streamed
tables (io.table_stream, io.reduction): every size streams, in blocks of a few kB, so that a
file of a few thousand rows is dozens of batches and every rule meets a batch edge."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from carbonexpo import api
from carbonexpo.errors import InputError
from carbonexpo.io import table_stream
from carbonexpo.io.streamed import STREAM_BYTES_ENV, STREAMED

BLOCK = 4096  # bytes: the example's energy.csv (~400 kB) is ~100 blocks


def stream_setter(monkeypatch: pytest.MonkeyPatch):
    """A function setting whether tables stream (True: every size, in BLOCK-byte blocks)."""

    def set_stream(on: bool) -> None:
        monkeypatch.setenv(STREAM_BYTES_ENV, "0" if on else str(1 << 40))
        monkeypatch.setattr(table_stream, "BLOCK_BYTES", BLOCK if on else 16 << 20)

    return set_stream


def apart(a: object, b: object, path: str = "result") -> list[str]:
    """Where two result trees differ: anything but a number is the same; a number may differ
    by one unit in its last written digit (tCO2e to the gram, the rest at 12 significant
    digits: numbers.clean_tree) when the two sums took their terms in another order and a
    written figure sat on a rounding edge. Raises on any other difference."""
    if isinstance(a, float) and isinstance(b, float):
        if a == b:
            return []
        biggest = max(abs(a), abs(b))
        unit = max(1e-6, 10.0 ** (math.floor(math.log10(biggest)) - 11)) if biggest else 1e-6
        assert abs(a - b) <= 1.5 * unit, (path, a, b)
        return [path]
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        return [d for k in a for d in apart(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in apart(x, y, f"{path}[{i}]")]
    assert a == b, (path, a, b)
    return []


def result_both_ways(folder: Path, stream, tmp_path: Path, **kwargs) -> tuple[dict, bytes]:
    """The result JSON (without generated_at) and the --lines CSV both ways: the lines the same
    bytes, the results the same but for figures one unit apart in their last written digit
    (`apart`; none at all on most folders)."""
    out = []
    for on in (False, True):
        stream(on)
        run = api.calculate(folder, **kwargs)
        for t in run.calculation.data.tables.values():
            assert t.reduced is (on and t.name in STREAMED)
        lines = tmp_path / f"lines-{on}.csv"
        api.write_lines_of(run, lines)
        result = json.loads(api.result_json(run.result))
        result.pop("generated_at", None)
        out.append((result, lines.read_bytes()))
    (whole, whole_lines), (streamed, streamed_lines) = out
    apart(whole, streamed)
    assert streamed_lines == whole_lines
    return whole, whole_lines


def problems_both_ways(folder: Path, stream) -> list[tuple[str, int, str, str]]:
    found = []
    for on in (False, True):
        stream(on)
        with pytest.raises(InputError) as exc:
            api.calculate(folder)
        found.append([(p.file, p.row, p.column, p.message) for p in exc.value.problems])
    assert found[1] == found[0]
    return found[0]
