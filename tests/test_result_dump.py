"""A result's long lists held as columns (result.ColumnRows) and written a chunk at a time
(result_dump): the same records, the same JSON bytes as one dump of the whole tree."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo import api, result_dump
from carbonexpo.numbers import clean_tree
from carbonexpo.result import CreditOut, CreditRows, EvidenceRow, EvidenceRows, Result
from tests.conftest import EXAMPLE, ROOT

GOLDEN = ROOT / "tests" / "golden" / "cisce-2024.result.json"


@pytest.fixture(scope="module")
def example() -> Result:
    return Result.model_validate_json(GOLDEN.read_bytes())


def one_dump(result: Result) -> bytes:
    """The JSON as it was written before the long lists were set apart: one tree, one dump."""
    tree = clean_tree(result.model_dump(mode="json"), in_place=True)
    return orjson.dumps(tree, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def longer(result: Result, credits: int, missing: int) -> Result:
    """`result` with `credits` credit rows and `missing` rows without evidence (its own,
    repeated, the serial blocks and rows moved on so that no two are alike)."""
    mine = list(result.credits)
    rows = [
        mine[i % len(mine)].model_copy(update={"first": i * 10 + 1, "last": i * 10 + 10,
                                               "tco2e": 10.0 + i / 4})
        for i in range(credits)
    ]  # fmt: skip
    own = list(result.evidence.missing)
    gaps = [own[i % len(own)].model_copy(update={"row": i + 2}) for i in range(missing)]
    evidence = result.evidence.model_copy(update={"missing": EvidenceRows(gaps)})
    return result.model_copy(update={"credits": CreditRows(rows), "evidence": evidence})


def test_the_golden_result_is_written_as_it_was(example) -> None:
    assert result_dump.result_json_bytes(example) == GOLDEN.read_bytes()
    assert result_dump.result_json_bytes(example) == one_dump(example)


@settings(max_examples=25, deadline=None)
@given(
    credits=st.integers(0, 23),
    missing=st.integers(0, 23),
    chunk=st.integers(1, 9),
)
def test_chunks_of_any_size_give_the_bytes_of_one_dump(example, credits, missing, chunk) -> None:
    """Empty lists, one chunk, a chunk's exact multiple, a part chunk: each the same bytes,
    and the pieces joined are the bytes."""
    result = longer(example, credits, missing)
    saved = result_dump.CHUNK_ROWS
    result_dump.CHUNK_ROWS = chunk
    try:
        pieces = list(result_dump.result_json_pieces(result))
    finally:
        result_dump.CHUNK_ROWS = saved
    assert b"".join(pieces) == one_dump(result)
    if credits > chunk:
        assert len(pieces) > 3  # written a chunk at a time, not at once


def test_column_rows_read_as_the_list_of_records_they_hold(example) -> None:
    records = [
        CreditOut.model_validate({**c.model_dump(), "first": i, "last": i}) for i, c in
        enumerate(list(example.credits) * 2)
    ]  # fmt: skip
    rows = CreditRows(records)
    assert len(rows) == len(records) == 12 and bool(rows) and not CreditRows()
    assert rows[0] == records[0] and rows[-1] == records[-1] and rows[3:7] == records[3:7]
    assert list(rows) == records and rows == records and rows == CreditRows(records)
    assert rows != CreditRows(records[:-1]) and rows != records[::-1]
    with pytest.raises(IndexError):
        rows[12]
    assert repr(rows) == "CreditRows(12 rows)"
    # dicts are validated as records are: a wrong value is refused when added
    with pytest.raises(ValueError, match="status"):
        CreditRows([{**records[0].model_dump(), "status": "maybe"}])
    assert EvidenceRows([{"file": "credits.csv", "row": 2, "item": "x"}])[0] == EvidenceRow(
        file="credits.csv", row=2, item="x"
    )


def test_a_result_read_back_holds_its_rows_as_columns(example) -> None:
    result = longer(example, 40, 30)
    back = Result.model_validate_json(result_dump.result_json_bytes(result))
    assert isinstance(back.credits, CreditRows) and isinstance(back.evidence.missing, EvidenceRows)
    assert back.credits == result.credits and back.evidence.missing == result.evidence.missing
    again = Result.model_validate(result.model_dump())  # records as dicts, validated
    assert isinstance(again.credits, CreditRows) and again.credits == result.credits
    assert json.loads(result.model_dump_json())["credits"][5]["first"] == 51


def test_a_number_that_is_not_finite_is_named_by_its_row(example) -> None:
    result = longer(example, 12, 0)
    rows = list(result.credits)
    rows[9] = rows[9].model_copy(update={"tco2e": float("nan")})
    bad = result.model_copy(update={"credits": CreditRows(rows)})
    saved = result_dump.CHUNK_ROWS
    result_dump.CHUNK_ROWS = 4
    try:
        with pytest.raises(ValueError, match=r"^result\.credits\[9\]\.tco2e is nan"):
            result_dump.result_json_bytes(bad)
    finally:
        result_dump.CHUNK_ROWS = saved


def test_calc_writes_the_json_a_chunk_at_a_time_as_the_api_gives_it(tmp_path) -> None:
    run = api.calculate(EXAMPLE)
    out = tmp_path / "result.json"
    api.write_outputs(run, json_path=str(out))
    assert out.read_bytes() == api.result_json_bytes(run.result) == one_dump(run.result)


def test_an_exhibitor_is_found_by_its_column(example) -> None:
    """Result.exhibitor searches the name column and makes one record (a search record by
    record made every record before the hit: a million exhibitors' statements)."""
    from carbonexpo.result import ExhibitorRows

    assert example.exhibitors is not None and len(example.exhibitors) > 3
    for statement in (example.exhibitors[0], example.exhibitors[-1]):
        assert example.exhibitor(statement.exhibitor) == statement
    assert example.exhibitor("nobody at all") is None
    assert isinstance(example.exhibitors, ExhibitorRows)
    assert example.exhibitors.first("area_m2", example.exhibitors[2].area_m2) is not None
    assert example.model_copy(update={"exhibitors": None}).exhibitor("x") is None


def test_float_and_dict_fields_are_held_compactly_and_read_as_given(example) -> None:
    """ExhibitorRows holds its float fields as doubles and its dict fields as keys and values
    (one tuple per set of keys): each record reads back equal to the one added, an empty dict
    included, and a dict field is not searched."""
    from array import array

    from carbonexpo.result import ExhibitorRows, ExhibitorStatement

    given = [
        ExhibitorStatement(exhibitor=f"E{i}", area_m2=9.0 + i, own_tco2e=0.5 * i,
                           allocated_tco2e=1.25, total_tco2e=0.5 * i + 1.25,
                           own_by_category={} if i % 2 else {"materials": 0.5 * i},
                           allocated_by_category={"electricity": 1.0, "waste": 0.25})
        for i in range(6)
    ]  # fmt: skip
    rows = ExhibitorRows(given)
    assert list(rows) == given and rows[-1] == given[-1]
    assert isinstance(rows._columns["area_m2"], array)
    allocated, own = rows._columns["allocated_by_category"], rows._columns["own_by_category"]
    assert allocated._key_sets == [("electricity", "waste")]  # one tuple for one set of keys
    assert own._key_sets == [("materials",), ()] and list(own._set) == [0, 1] * 3
    assert isinstance(allocated._values, array) and len(allocated._values) == 12
    assert len(own._values) == 3  # an empty dict holds no value
    assert rows.first("area_m2", 12.0) == given[3]
    with pytest.raises(ValueError, match="dict field"):
        rows.first("own_by_category", {})
    assert ExhibitorRows(given) == rows
    changed = [given[0].model_copy(update={"own_by_category": {"materials": 0.5}}), *given[1:]]
    assert ExhibitorRows(changed) != rows  # an empty dict and one entry differ


def test_a_dict_field_of_other_values_is_refused() -> None:
    from carbonexpo.result import ColumnRows, Frozen

    class Tagged(Frozen):
        tags: dict[str, str]

    with pytest.raises(TypeError, match="dict\\[str, float\\]"):

        class TaggedRows(ColumnRows[Tagged]):
            RECORD = Tagged


def test_json_values_are_what_pydantic_dumps(example) -> None:
    """Rows dumped from their columns (no record made) are pydantic's mode="json" dump of the
    records: texts, numbers, literals and None as held, a dict of numbers, the notes of a
    rejected credit through their adapter; slices past the end included."""
    from pydantic import TypeAdapter

    from carbonexpo.notes import note

    credits = list(example.credits)
    too_old = note("credit_too_old", vintage=2015, oldest=2019, year=2024, age=5)
    rejected = credits[0].model_copy(
        update={"status": "rejected", "reasons": [too_old], "beneficiary": None,
                "retired_on": None}
    )  # fmt: skip
    lists = [
        CreditRows([*credits, rejected]),
        example.evidence.missing,
        example.exhibitors,
    ]
    for rows in lists:
        adapter = TypeAdapter(list[rows.RECORD])
        n = len(rows)
        assert n
        for start, stop in [(0, n), (0, 1), (1, 3), (n - 1, n + 4), (n, n + 2)]:
            assert rows.json_values(start, stop) == adapter.dump_python(
                rows[start:stop], mode="json"
            )
    assert CreditRows.ADAPTED.keys() == {"reasons"}
    assert not EvidenceRows.ADAPTED


def test_plain_types_are_told_apart() -> None:
    from typing import Literal

    from carbonexpo.notes import Note
    from carbonexpo.result import _plain

    assert all(_plain(t) for t in (str, int, float, bool, str | None, Literal["a", "b"]))
    assert not any(_plain(t) for t in (list[str], Note, list[Note], str | list[str]))
