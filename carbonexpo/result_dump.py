"""A result as the JSON `calc --json` writes: UTF-8, two-space indent, every float cleaned
(numbers.clean_tree: tCO2e to the gram, other floats at 12 significant digits), a line end at
the end; a NaN or infinity refused, named by its path.

A result's long lists (ColumnRows: the credit rows, the rows missing evidence) are dumped
CHUNK_ROWS records at a time and set into the text of the rest, never dumped as one tree:
100,000 credit blocks dumped at once held ~90 MiB of dicts at the JSON's peak, and their text
is given out piece by piece (`result_json_pieces`) for a file to take in turn. The bytes are
those of one dump of the whole tree (a test holds the two equal)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import orjson
from pydantic import BaseModel

from carbonexpo.numbers import clean_tree
from carbonexpo.result import ColumnRows, Result

CHUNK_ROWS = 5_000
OPTIONS = orjson.OPT_INDENT_2
INDENT = b"  "


def result_json_bytes(result: Result | Any) -> bytes:
    """The JSON of `result` (a Result, another of our models, or a JSON-like tree, which is
    cleaned as a copy: the caller's is left as it is) as UTF-8 bytes."""
    return b"".join(result_json_pieces(result))


def result_json_pieces(result: Result | Any) -> Iterator[bytes]:
    """result_json_bytes in pieces, in order (each long list's chunks one by one)."""
    if not isinstance(result, BaseModel):
        yield orjson.dumps(clean_tree(result), option=OPTIONS | orjson.OPT_APPEND_NEWLINE)
        return
    # each long list's place in the rest is marked by a text of this call's own: nothing
    # written in an input can be it (and the marks never reach the output)
    token = secrets.token_hex(16)
    lists: dict[str, ColumnRows[Any]] = {}
    tree = clean_tree(_tree_apart(result, lists, token), in_place=True)
    text = orjson.dumps(tree, option=OPTIONS | orjson.OPT_APPEND_NEWLINE)
    at = 0
    for mark, rows in lists.items():
        quoted = orjson.dumps(mark)
        where = text.index(quoted, at)
        if text.count(quoted) != 1:
            raise AssertionError("a long list's mark is not once in the result's text")
        yield text[at:where]
        yield from _list_pieces(rows, _depth(text, where), mark.split(":", 1)[1])
        at = where + len(quoted)
    yield text[at:]


def _depth(text: bytes, where: int) -> int:
    """The nesting of the line `where` is on: its leading spaces over the indent."""
    line = text.rindex(b"\n", 0, where) + 1
    return (len(text[line:where]) - len(text[line:where].lstrip(b" "))) // len(INDENT)


def _tree_apart(
    model: BaseModel, lists: dict[str, ColumnRows[Any]], token: str, path: str = "result"
) -> Any:
    """`model` dumped as JSON values, each ColumnRows field (in it, or in a model it holds)
    replaced by a mark (a key of `lists`, which is given the rows; the mark ends with the
    field's path): fields in their order."""
    apart = {
        name: value
        for name, value in model
        if isinstance(value, ColumnRows) or (isinstance(value, BaseModel) and _holds_rows(value))
    }
    rest = model.model_dump(mode="json", exclude=set(apart))
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = apart.get(name)
        if value is None:
            out[name] = rest[name]
        elif isinstance(value, ColumnRows):
            mark = f"\x00{token} {len(lists)}:{path}.{name}"
            lists[mark] = value
            out[name] = mark
        else:
            out[name] = _tree_apart(value, lists, token, f"{path}.{name}")
    return out


def _holds_rows(model: BaseModel) -> bool:
    return any(isinstance(value, ColumnRows) for _, value in model)


def _list_pieces(rows: ColumnRows[Any], depth: int, path: str) -> Iterator[bytes]:
    """The rows as the list they are in the result's text at `depth` (its items one level
    deeper), a chunk of records at a time."""
    if not len(rows):
        yield b"[]"
        return
    inner = b"\n" + INDENT * (depth + 1)
    yield b"["
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows.json_values(start, start + CHUNK_ROWS)  # no record made
        try:
            clean_tree(chunk, path, in_place=True)
        except ValueError:  # named by its place in the chunk: walked again, named in the list
            for i, row in enumerate(chunk):
                clean_tree(row, f"{path}[{start + i}]")
            raise
        body = orjson.dumps(chunk, option=OPTIONS)  # b"[\n  {\n    ...\n  },\n  {...}\n]"
        # the items without their brackets' lines, each line one indent deeper than in body
        items = body[4:-2].replace(b"\n" + INDENT, inner)
        yield (b"," if start else b"") + inner + items
    yield b"\n" + INDENT * depth + b"]"
