"""pyarrow's threaded CSV reader once lost a converted chunk and said only "a chunk failed
converting for an unknown reason" (io.csv_parse.LOST_CHUNK): the parse is run again on the same
bytes. pyarrow's read_csv is made to fail that way here (its own failure cannot be called up);
the tables, the streamed blocks and the result are ours, run as they are."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from carbonexpo import api
from carbonexpo.io.csv_parse import LOST_CHUNK, LOST_CHUNK_TRIES, parsed_again_if_lost
from tests.conftest import EXAMPLE
from tests.streaming import stream_setter


def failing(times: int, error: Exception):
    """A parse that raises `error` its first `times` calls, then gives a table."""
    calls = []

    def parse() -> pa.Table:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return pa.table({"a": [1]})

    return parse, calls


def test_a_lost_chunk_is_parsed_again_up_to_the_limit():
    lost = pa.ArrowException(f"Unknown error: {LOST_CHUNK}")
    parse, calls = failing(LOST_CHUNK_TRIES - 1, lost)
    assert parsed_again_if_lost(parse).num_rows == 1 and len(calls) == LOST_CHUNK_TRIES
    parse, calls = failing(LOST_CHUNK_TRIES, lost)
    with pytest.raises(pa.ArrowException, match=LOST_CHUNK):
        parsed_again_if_lost(parse)
    assert len(calls) == LOST_CHUNK_TRIES


def test_any_other_failure_is_not_parsed_again():
    parse, calls = failing(1, pa.ArrowInvalid("CSV parse error: Expected 3 columns, got 4"))
    with pytest.raises(pa.ArrowInvalid):
        parsed_again_if_lost(parse)
    assert len(calls) == 1


def result_of(folder) -> dict:
    tree = json.loads(api.result_json(api.calculate(folder).result))
    tree.pop("generated_at")
    return tree


@pytest.mark.parametrize("streamed", [False, True])
def test_a_folder_whose_parses_lose_chunks_gives_the_same_result(
    monkeypatch, tmp_path, streamed
) -> None:
    """Every other read_csv call loses a chunk (whole reads, and streamed blocks of 4 kB): the
    result is the one of a folder read without a loss."""
    stream = stream_setter(monkeypatch)
    stream(streamed)
    want = result_of(EXAMPLE)
    real = pacsv.read_csv
    calls = []

    def losing(*args, **kwargs):
        calls.append(1)
        if len(calls) % 2:
            raise pa.ArrowException(f"Unknown error: {LOST_CHUNK}")
        return real(*args, **kwargs)

    monkeypatch.setattr(pacsv, "read_csv", losing)
    assert result_of(EXAMPLE) == want
    assert len(calls) >= (40 if streamed else 6)  # the parses were the ones made to fail
