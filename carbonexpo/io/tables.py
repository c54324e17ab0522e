"""Read one table file (CSV or the first sheet of an XLSX) and validate it column by column.

Fast path: pyarrow parses the CSV straight into the column types of the schema (dictionary-
encoded strings, float64, timestamps, dates), using both cores, and the checks run on whole
columns (dictionaries for text, numpy for numbers). Only when pyarrow refuses a value does the
file get read again as text, so that every bad cell can be named with its row and column.
String columns come out as pandas Categoricals; nothing is ever looped over row by row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonexpo.codes import categorical
from carbonexpo.errors import Problem, said_problem
from carbonexpo.io import normalise, parquet_file, prefetch
from carbonexpo.io.csv_parse import csv_header, fast_type, parse_csv
from carbonexpo.io.normalise import Reading
from carbonexpo.io.schema import Column, TableSchema
from carbonexpo.io.writers import FORMULA_START
from carbonexpo.units import UnitProblem, check_unit
from carbonexpo.words import Said, said

MAX_LISTED = 200  # rows listed per file, column and kind of problem; the rest are counted
MAX_COLUMNS = 200  # a table's columns: every schema has fewer than 20
MAX_CELL_CHARS = 10_000  # a text cell: far more than any name, place or note
MAX_XLSX_BYTES = 256 * 2**20  # an .xlsx unpacked (its XML): larger tables go as CSV
MAX_XLSX_RATIO = 200  # unpacked / packed: spreadsheets pack 5-20 times; a bomb thousands
NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^(?i:[-+]?(nan|inf|infinity))$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
# the dates any record of an event can hold: older or later is a typo of the year (0024, 2204)
# and would overflow the calendar arithmetic downstream
DATE_MIN, DATE_MAX = dt.date(1970, 1, 1), dt.date(2100, 12, 31)
SECONDS_MIN = int(dt.datetime(1970, 1, 1, tzinfo=dt.UTC).timestamp()) - 14 * 3600
SECONDS_MAX = int(dt.datetime(2101, 1, 1, tzinfo=dt.UTC).timestamp()) + 14 * 3600
OUT_OF_RANGE = f"date outside {DATE_MIN.isoformat()} … {DATE_MAX.isoformat()}: check the year"
DECIMAL_COMMA = r"^[-+]?\d+,\d+$"  # 1,5 or 12,25: a decimal comma (1,200 was read before)
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")


@dataclass
class Table:
    """A validated table: typed columns plus `_row`, the spreadsheet row of each record."""

    name: str
    file: str
    df: pd.DataFrame
    sha256: str
    readings: list[Reading] = field(default_factory=list)  # how natural input was read
    # a reduced table (io.table_stream): each record stands for `counts` rows of the file,
    # which held `source_rows`; `batches()` reads the file's validated rows again, batch by
    # batch, for what needs them one by one (inventory lines)
    counts: np.ndarray | None = None
    source_rows: int | None = None
    batches: Callable[[], Iterator[pd.DataFrame]] | None = None

    @property
    def rows(self) -> int:
        return len(self.df) if self.source_rows is None else self.source_rows

    @property
    def reduced(self) -> bool:
        return self.counts is not None


def xlsx_problem(path: Path, display: str) -> Problem | None:
    """An .xlsx that would unpack to more than MAX_XLSX_BYTES, or pack suspiciously well (a
    1 MB file holding a 1 GB cell), refused before anything unpacks it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return said_problem(display, 1, "", said("detail.not_xlsx"), "unreadable")
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if xlsx_refused(unpacked, packed):
        return said_problem(
            display,
            1,
            "",
            said(
                "detail.xlsx_too_big",
                mb=unpacked / 2**20,
                ratio=unpacked / packed,
                max_mb=MAX_XLSX_BYTES // 2**20,
            ),
            "unreadable",
        )
    return None


def xlsx_refused(unpacked: int, packed: int) -> bool:
    """The rule of xlsx_problem: too large unpacked, or packed suspiciously well (beyond 16 MB,
    where a real table's XML never packs MAX_XLSX_RATIO times)."""
    return unpacked > MAX_XLSX_BYTES or (
        unpacked > 16 * 2**20 and unpacked / max(1, packed) > MAX_XLSX_RATIO
    )


def hash_later(path: Path) -> Future[str]:
    """The file's sha256, computed on the hashing thread."""
    return _HASHER.submit(file_sha256, path)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def header_names(path: Path) -> list[str]:
    if parquet_file.is_parquet(path):
        return parquet_file.header(path)
    if path.suffix.lower() == ".xlsx":
        return [str(c).strip() for c in pd.read_excel(path, nrows=0, engine="calamine").columns]
    return csv_header(path)


def read_text_rows(path: Path, names: list[str]) -> tuple[pa.Table, list[tuple[int, int]]]:
    """Every column as nullable text (empty cell = null), and the (row, cells) of each CSV
    row that has another number of cells than the header: such rows are left out and named,
    and the rest of the file is still read (the error path: one thread, to know the rows)."""
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="calamine")
        columns = {}
        for name in frame.columns:
            values = [None if _is_blank(v) else _cell_text(v) for v in frame[name].tolist()]
            columns[str(name).strip()] = pa.array(values, type=pa.string())
        return pa.table(columns), []
    if parquet_file.is_parquet(path):
        return parquet_file.text(path), []
    if _header_only(path):
        return pa.table({n: pa.array([], pa.string()) for n in names}), []
    skipped: list[tuple[int, int]] = []

    def skip(row: object) -> str:
        number = getattr(row, "number", None)
        skipped.append((int(number) if number is not None else 0, int(row.actual_columns)))  # type: ignore[attr-defined]
        return "skip"

    table = parse_csv(path, {n: pa.string() for n in names}, invalid_row=skip)
    return table.rename_columns([n.strip() for n in table.column_names]), skipped


def _header_only(path: Path) -> bool:
    """A CSV with a header and no data (pyarrow refuses one without a final newline)."""
    with path.open("rb") as f:
        f.readline()
        return not f.read(1 << 16).strip()


def _drop_blank(table: pa.Table) -> tuple[pa.Table, np.ndarray | None]:
    """Drop rows where every cell is empty; return the spreadsheet row numbers of the rest (None:
    nothing dropped, the rows are the positions + 2)."""
    n = table.num_rows
    if n == 0 or any(_never_empty(column) for column in table.columns):
        # the usual case, decided without a pass over the rows: one column has every cell
        return table, None
    blank = None
    for column in table.columns:
        empty = pc.is_null(column)
        if pa.types.is_string(column.type):
            empty = pc.or_kleene(empty, pc.equal(pc.utf8_trim_whitespace(column), ""))
        blank = empty if blank is None else pc.and_kleene(blank, empty)
    if blank is None or not pc.any(blank).as_py():
        return table, None
    keep = pc.invert(pc.fill_null(blank, False))
    rows = np.flatnonzero(_mask(keep)) + 2
    return table.filter(keep), rows.astype(np.int64)


def _never_empty(column: pa.ChunkedArray) -> bool:
    """True when the loop below would find no empty cell in `column`: no null, and not plain
    text (whose whitespace-only cells count as empty; dictionaries count nulls only, as
    there)."""
    if column.null_count:
        return False
    return not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type))


def _is_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def cell_text(value: object) -> str:
    """A spreadsheet cell's value as the text a CSV would hold ('' for an empty cell)."""
    return _cell(value) or ""


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        # an Excel date cell is a datetime at midnight: write it as the date it shows
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        # spreadsheet row of each position; None: no row was dropped, row = position + 2
        self.row_numbers: np.ndarray | None = None
        self.count = 0  # rows read (after blank ones are dropped)
        self.readings: list[Reading] = []
        self.bad: np.ndarray | None = None  # positions with a problem of their own
        self.whole_file = False  # a problem of the file or a column: no row can be trusted

    def clear(self) -> None:
        self.problems.clear()
        self.bad = None
        self.whole_file = False

    def row(self, pos: int) -> int:
        rows = self.row_numbers
        return int(rows[pos]) if rows is not None and pos < len(rows) else pos + 2

    def rows(
        self,
        mask: np.ndarray,
        column: str,
        message: str | Said,
        values: pa.Array | None,
        code: str,
    ) -> None:
        """Report every row where mask is True (up to MAX_LISTED, then a count). A message
        from the catalog (Said) can be shown in the reader's language."""
        detail = message if isinstance(message, Said) else None
        message = message.text() if isinstance(message, Said) else message
        mask = np.asarray(mask, dtype=bool)
        self.bad = mask.copy() if self.bad is None else self.bad | mask
        positions = np.flatnonzero(mask)[: MAX_LISTED + 1]
        messages = [message] * len(positions)
        if values is not None:
            shown = (values[int(p)].as_py() for p in positions[:MAX_LISTED])
            messages = [
                m + (f": {v!r}" if v is not None else "")
                for m, v in zip(messages, shown, strict=False)
            ] + messages[MAX_LISTED:]
        self.problems += listed_problems(
            self.file,
            [self.row(int(p)) for p in positions],
            column,
            messages,
            code,
            int(np.count_nonzero(mask)),
            said("detail.more_same_problem_of", problem=detail if detail else message),
            detail,
        )

    def whole(self, column: str, message: Said, code: str) -> None:
        self.whole_file = True
        self.problems.append(said_problem(self.file, 1, column, message, code))


def listed_problems(
    file: str,
    rows: Sequence[int] | np.ndarray,
    column: str,
    messages: Sequence[str | Said],
    code: str,
    total: int,
    more: Said,
    detail: Said | None = None,
) -> list[Problem]:
    """One problem per row for the first MAX_LISTED rows, then one line counting the rest
    ("... and N more <more>") at the next row. `rows`/`messages` need hold only that many. A
    message may be a catalog text of its own (Said), or share `detail`."""
    out = [
        said_problem(file, int(r), column, m, code)
        if isinstance(m, Said)
        else Problem(file, int(r), column, m, code, detail=detail)
        for r, m in zip(rows[:MAX_LISTED], messages[:MAX_LISTED], strict=False)
    ]
    if total > MAX_LISTED:
        out.append(
            said_problem(
                file,
                int(rows[MAX_LISTED]),
                column,
                said("detail.and_more", count=total - MAX_LISTED, what=more),
                code,
            )
        )
    return out


def _mask(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _encoding_head(path: Path, display: str) -> Problem | None:
    """The cheap check every CSV gets: a UTF-16 byte-order mark or NUL bytes at the start. The
    whole-file scan (encoding_problem) runs only when parsing failed."""
    with path.open("rb") as f:
        head = f.read(4)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        return said_problem(display, 1, "", said("detail.utf16"), "encoding")
    return None


def encoding_problem(path: Path, display: str) -> Problem | None:
    """A CSV that is not UTF-8 text, located at the line of its first undecodable byte."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as f:
        head = f.read(4)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
            return said_problem(display, 1, "", said("detail.utf16"), "encoding")
        f.seek(0)
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                return said_problem(display, line, "", said("detail.not_utf8"), "encoding")
            line += chunk.count(b"\n")
            if b"\x00" in chunk:
                return said_problem(display, line, "", said("detail.nul_byte"), "encoding")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a character
        return said_problem(display, line, "", said("detail.not_utf8"), "encoding")
    return None


def shape_problem(path: Path, display: str, names: list[str], exc: Exception) -> Problem:
    """A CSV pyarrow could not split into the header's columns: the first row with another
    number of cells, found with the csv module (an error path only)."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        start = 1
        try:
            for cells in reader:
                if reader.line_num > 1 and cells and len(cells) != len(names):
                    return said_problem(
                        display,
                        start,
                        "",
                        said("detail.row_cells", cells=len(cells), columns=len(names)),
                        "row_shape",
                    )
                start = reader.line_num + 1
        except csv.Error as err:
            return said_problem(
                display, start, "", said("detail.unclosed_quote", error=str(err)), "row_shape"
            )
    return said_problem(display, 1, "", said("detail.cannot_read", error=str(exc)), "unreadable")


SKIP = "-"  # `rename` value of a header whose column is not read (--map 姓名=-)


def read_table(
    path: Path,
    schema: TableSchema,
    display: str,
    timezone: str | None = None,
    rename: dict[str, str] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Read and validate one table file. Returns (table or None, problems). Headers match in
    any case; `rename` maps other headers to columns ('Zeitstempel' -> 'timestamp')."""
    table, problems = read_table_rows(path, schema, display, timezone, rename)
    return (None, problems) if problems else (table, [])


def read_table_rows(
    path: Path,
    schema: TableSchema,
    display: str,
    timezone: str | None = None,
    rename: dict[str, str] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Like read_table, but a table whose problems are all in rows of their own comes back
    with the rows that passed (their spreadsheet row numbers kept), so that the checks across
    rows and tables can run on them in the same pass: a folder is fixed in one round, not in
    as many as there are stages. None only when the file or a column cannot be read."""
    out = _Collector(display)
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file"
        return None, [
            said_problem(display, 1, "", said("detail.not_a_table_file", what=what), "unreadable")
        ]
    if path.suffix.lower() == ".csv" and (bad := _encoding_head(path, display)):
        return None, [bad]
    if path.suffix.lower() == ".xlsx" and (bad := xlsx_problem(path, display)):
        return None, [bad]
    try:
        names = header_names(path)
    except Exception as exc:  # not a CSV/XLSX at all
        return None, [
            said_problem(display, 1, "", said("detail.cannot_read", error=str(exc)), "unreadable")
        ]
    if len(names) > MAX_COLUMNS:  # refused before any per-column work: linear in the header
        return None, [
            said_problem(
                display,
                1,
                "",
                said(
                    "detail.too_many_columns",
                    count=len(names),
                    maximum=MAX_COLUMNS,
                    expected=", ".join(c.name for c in schema.columns),
                ),
                "bad_header",
            )
        ]
    actual_of = header_columns(names, schema, rename, out)
    if out.problems:
        return None, out.problems
    columns = [c for c in schema.columns if c.name in actual_of]
    tz = timezone or "UTC"
    typed = None
    if path.suffix.lower() == ".csv":
        try:
            types = {actual_of[c.name]: fast_type(c) for c in columns}
            typed = prefetch.take(path, types)
            if typed is None:
                typed = parse_csv(path, types)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
            typed = None
        except OSError as exc:
            return None, [
                said_problem(
                    display, 1, "", said("detail.cannot_read", error=str(exc)), "unreadable"
                )
            ]
    elif parquet_file.is_parquet(path):
        try:
            typed = parquet_file.typed(path, {actual_of[c.name]: fast_type(c) for c in columns})
        except (pa.ArrowInvalid, OSError) as exc:
            return None, [
                said_problem(
                    display, 1, "", said("detail.cannot_read", error=str(exc)), "unreadable"
                )
            ]
    # hashed on the other core while the columns are checked: after the parse, not beside it
    # (the parse of a large table uses both cores; the checks one)
    digest = hash_later(path)
    data: dict[str, object] = {}
    if typed is not None:
        data = check_typed_columns(typed, columns, actual_of, out, tz)
        typed = None  # its columns are freed as they are checked
        if out.problems:  # read again as text, so that messages quote the cells as written
            out.clear()
            data.clear()
    if not data:
        if path.suffix.lower() == ".csv" and (bad := encoding_problem(path, display)):
            return None, [bad]
        try:
            raw, skipped = read_text_rows(path, names)
        except Exception as exc:
            if path.suffix.lower() == ".csv":  # error path: find out why, at which row
                bad = encoding_problem(path, display)
                return None, [bad or shape_problem(path, display, names, exc)]
            return None, [
                said_problem(
                    display, 1, "", said("detail.cannot_read", error=str(exc)), "unreadable"
                )
            ]
        if skipped and any(number <= 0 for number, _ in skipped):  # rows not numbered
            return None, [shape_problem(path, display, names, ValueError("row shape"))]
        read_rows = None
        if skipped:
            out.problems += [
                said_problem(
                    display,
                    number,
                    "",
                    said("detail.row_cells_left_out", cells=cells, columns=len(names)),
                    "row_shape",
                )
                for number, cells in skipped[:MAX_LISTED]
            ]
            if len(skipped) > MAX_LISTED:
                out.problems.append(
                    said_problem(
                        display,
                        skipped[MAX_LISTED][0],
                        "",
                        said(
                            "detail.and_more",
                            count=len(skipped) - MAX_LISTED,
                            what=said("detail.more_other_shape"),
                        ),
                        "row_shape",
                    )
                )
            every = np.arange(2, 2 + raw.num_rows + len(skipped), dtype=np.int64)
            read_rows = np.setdiff1d(every, [n for n, _ in skipped], assume_unique=True)
        _read_text_columns(raw, columns, actual_of, out, tz, data, read_rows)
    return _finish(schema, display, out, data, digest)


def check_typed_columns(
    typed: pa.Table,
    columns: list[Column],
    actual_of: dict[str, str],
    out: _Collector,
    tz: str,
    lean: Collection[str] = (),
) -> dict[str, object]:
    """The fast path's checks of a parsed table (or one batch of it), column by column; the
    rows numbered in `out` (blank rows dropped first), problems there too. `lean` columns
    (text parsed as plain strings) are checked and not kept: a streamed table's ids."""
    data: dict[str, object] = {}
    typed = typed.rename_columns([n.strip() for n in typed.column_names])
    typed, out.row_numbers = _drop_blank(typed)
    out.count = typed.num_rows
    for col in columns:
        name = actual_of[col.name]
        if col.name in lean:
            _check_lean(typed.column(name), col, out)
        else:
            data[col.name] = _check_typed(typed.column(name), col, out, tz)
        # the parsed column is freed now unless the result is a view of it (numbers)
        typed = typed.drop_columns([name])
    return data


def header_columns(
    names: list[str], schema: TableSchema, rename: dict[str, str] | None, out: _Collector
) -> dict[str, str]:
    """Each schema column the header holds -> the header cell that holds it (any case; `rename`
    maps other headers). Unknown, duplicate and missing columns go to `out` as problems of the
    whole file; a header read as another column's name is said in `out.readings`."""
    known = {c.name for c in schema.columns}
    by_lower = {c.name.lower(): c.name for c in schema.columns}
    wanted = {k.strip().lower(): v for k, v in (rename or {}).items()}
    actual_of: dict[str, str] = {}  # column -> the header that holds it
    seen_names: set[str] = set()
    for n in names:
        if wanted.get(n.strip().lower()) == SKIP:  # a column the caller leaves out
            continue
        canonical = n if n in known else wanted.get(n.lower()) or by_lower.get(n.lower())
        duplicate = n in seen_names
        seen_names.add(n)
        if duplicate or (canonical in actual_of):
            out.whole(n, said("detail.duplicate_column"), "duplicate_column")
        elif canonical not in known:
            close = normalise.closest(n, sorted(known))
            hint = said("detail.hint_close", close=" or ".join(close)) if close else ""
            expected = ", ".join(c.name for c in schema.columns)
            out.whole(
                n, said("detail.unknown_column", name=n, expected=expected, hint=hint),
                "unknown_column",
            )  # fmt: skip
        else:
            actual_of[canonical] = n
            if canonical != n:
                out.readings.append(
                    Reading(
                        canonical,
                        f"header {n!r}",
                        "read as this column",
                        0,
                        "read_header",
                        (("header", n),),
                    )
                )
    for col in schema.columns:
        if col.required and col.name not in actual_of:
            out.whole(col.name, said("detail.missing_column", column=col.name), "missing_column")
    return actual_of


def _read_text_columns(
    raw: pa.Table,
    columns: list[Column],
    actual_of: dict[str, str],
    out: _Collector,
    tz: str,
    data: dict[str, object],
    read_rows: np.ndarray | None = None,
) -> None:
    """The text path: every cell as written, read as people write it (normalise), each bad
    cell located. `read_rows`: the row numbers of the rows `raw` holds, when some were left
    out before (rows of another shape)."""
    raw, kept = _drop_blank(raw)
    if read_rows is not None:
        kept = read_rows if kept is None else read_rows[kept - 2]
    out.row_numbers = kept
    out.count = raw.num_rows
    for col in columns:
        values = _cell_values(raw.column(actual_of[col.name]).combine_chunks())
        data[col.name] = _convert_text(values, col, out, tz)


def _cell_values(texts: pa.Array) -> pa.Array:
    """Cell texts as the text path reads them: trimmed, an empty cell null."""
    values = pc.utf8_trim_whitespace(texts)
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def read_rows(
    rows: Sequence[Mapping[str, object]],
    schema: TableSchema,
    display: str,
    timezone: str | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Rows of cell texts (a web form, an exhibitor form, command-line options) read exactly as
    a table file holding those texts is read (read_table_rows): the same readings of natural
    input, the same checks and messages, row numbers as a file would have them (first row 2).
    A column no row fills is absent, as in a file without it; None or '' is an empty cell."""
    out = _Collector(display)
    present = [
        c.name
        for c in schema.columns
        if c.required or any(_cell(r.get(c.name)) is not None for r in rows)
    ]
    raw = pa.table(
        {n: pa.array([_cell(r.get(n)) for r in rows], type=pa.string()) for n in present}
    )
    columns = [c for c in schema.columns if c.name in present]
    data: dict[str, object] = {}
    _read_text_columns(raw, columns, {n: n for n in present}, out, timezone or "UTC", data)
    digest: Future[str] = Future()
    text = "\n".join("\x1f".join(str(_cell(r.get(n)) or "") for n in present) for r in rows)
    digest.set_result(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return _finish(schema, display, out, data, digest)


def _cell(value: object) -> str | None:
    """A value given for a cell as the text a table file would hold (None: empty)."""
    if value is None or _is_blank(value):
        return None
    return _cell_text(value)


def read_values(values: Sequence[object], col: Column, timezone: str | None = None) -> list[object]:
    """What each cell text reads as in column `col` (None: empty or refused): so that two
    spellings of one value ('1,200' and 1200.0) can be told to be the same reading."""
    out = _Collector("")
    texts = _cell_values(pa.array([_cell(v) for v in values], pa.string()))
    series = _convert_text(texts, col, out, timezone or "UTC")
    read: list[object] = (
        series.tolist() if isinstance(series, np.ndarray) else list(series)  # type: ignore[call-overload]
    )
    if out.bad is not None:
        read = [None if b else v for v, b in zip(read, out.bad, strict=True)]
    return [None if (isinstance(v, float) and np.isnan(v)) or v is pd.NaT else v for v in read]


def _finish(
    schema: TableSchema,
    display: str,
    out: _Collector,
    data: dict[str, object],
    digest: Future[str],
) -> tuple[Table | None, list[Problem]]:
    if out.whole_file:
        return None, out.problems
    # the parse is freed: hand its pages back now, before the calculation allocates its own
    # from the other allocator (pyarrow's mimalloc keeps them otherwise; scale 3: 2.1-2.4 GB
    # peak -> 2.0 GB, 7.7-9.0 s -> 6.2-6.5 s)
    pa.default_memory_pool().release_unused()
    rows = out.row_numbers
    if rows is None:  # made last, in memory the checks have freed
        rows = np.arange(2, 2 + out.count, dtype=np.int64)
    df = pd.DataFrame({"_row": rows, **data}, copy=False)
    if out.bad is not None:
        df = without_rows(df, out.bad)
    return Table(schema.name, display, df, digest.result(), out.readings), out.problems


def without_rows(df: pd.DataFrame, bad: np.ndarray) -> pd.DataFrame:
    """The rows without a problem; categories no kept row uses are dropped (an unknown value
    must not reach a per-category step)."""
    kept = df[~bad].reset_index(drop=True)
    for name in kept.columns:
        if isinstance(kept[name].dtype, pd.CategoricalDtype):
            kept[name] = kept[name].cat.remove_unused_categories()
    return kept


# ------------------------------------------------------------------------------------------
# Fast path: typed columns


def _check_typed(chunked: pa.ChunkedArray, col: Column, out: _Collector, tz: str) -> object:
    if chunked.null_count and col.required:
        out.rows(_mask(pc.is_null(chunked)), col.name, said("detail.empty"), None, "empty")
    if col.identifier:
        return _check_identifier(chunked, col, out)
    if col.kind in ("str", "enum", "unit"):
        return _check_dictionary(chunked, col, out)
    if col.kind in ("float", "int"):
        arr = chunked.to_numpy()  # nulls as NaN: no fill_null copy first
        present = (
            ~_mask(pc.is_null(chunked)) if chunked.null_count else np.ones(len(arr), dtype=bool)
        )
        return _check_numbers(arr, present, col, out, lambda: chunked.combine_chunks())
    if col.kind == "date":
        lowest, highest = pc.min_max(chunked).values()  # nulls skipped; None when all null
        if lowest.is_valid and (lowest.as_py() < DATE_MIN or highest.as_py() > DATE_MAX):
            days = chunked.cast(pa.int32()).to_numpy(zero_copy_only=False)
            far = _days_out_of_range(days, _mask(pc.is_null(chunked)))
            out.rows(far, col.name, OUT_OF_RANGE, None, "bad_date")
            return pd.Series(dtype="datetime64[s]")  # read again as text, every row named
        return _dates_to_series(chunked)
    if col.kind == "datetime":
        seconds = chunked.cast(pa.int64())
        lowest, highest = pc.min_max(seconds).values()  # nulls skipped: one pass, no mask
        far_off = lowest.is_valid and (
            lowest.as_py() < SECONDS_MIN or highest.as_py() > SECONDS_MAX
        )
        if chunked.null_count:
            null = _mask(pc.is_null(chunked))
            seconds = pc.fill_null(seconds, np.iinfo(np.int64).min)
        else:  # fill_null would copy 8 bytes a row to change nothing
            null = np.zeros(len(chunked), dtype=bool)
        array = seconds.to_numpy()
        if far_off:
            far = ~null & ((array < SECONDS_MIN) | (array > SECONDS_MAX))
            out.rows(far, col.name, OUT_OF_RANGE, None, "bad_datetime")
            return pd.Series(dtype="datetime64[s, UTC]")  # read again as text
        return _localised(array, null, tz)
    raise AssertionError(col.kind)


def _check_identifier(chunked: pa.ChunkedArray, col: Column, out: _Collector) -> pd.Series:
    """An identifier column as Arrow text, trimmed. A cell any text column's check would say
    something of sends the column through that check instead, which names or reads it."""
    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        return _check_dictionary(chunked, col, out)
    trimmed = _plain_text(chunked, empty_ok=False)
    if trimmed is None:
        return _check_dictionary(chunked, col, out)
    return pd.Series(pd.arrays.ArrowExtensionArray(trimmed), copy=False)


def _check_lean(column: pa.ChunkedArray, col: Column, out: _Collector) -> None:
    """A text column not kept (a shipment's id in a streamed table): a cell its full check
    would say something of is one problem of the whole column here; the caller then reads the
    file whole, where each cell is named."""
    if _plain_text(column, empty_ok=not col.required) is None:
        out.whole(col.name, said("detail.empty"), "empty")  # a signal: the whole read names it


def _plain_text(column: pa.ChunkedArray, *, empty_ok: bool) -> pa.ChunkedArray | None:
    """The column's texts trimmed, or None when a cell needs what the dictionary check says of
    it: an empty or whitespace-only cell (unless `empty_ok`), a cell over MAX_CELL_CHARS, a
    text guarded against spreadsheet formulas (read as a reading)."""
    trimmed = pc.utf8_trim_whitespace(column)
    lengths = pc.min_max(pc.utf8_length(trimmed))
    shortest, longest = lengths["min"].as_py(), lengths["max"].as_py()
    empty = bool(column.null_count) or shortest == 0
    if (empty and not empty_ok) or (longest or 0) > MAX_CELL_CHARS:
        return None
    if len(column) and pc.any(pc.starts_with(trimmed, "'")).as_py():
        return None
    return trimmed


def _dictionary_codes(chunked: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The dictionary of a text column and each row's code into it (-1: empty cell), written
    once into one array of the width pandas keeps (unify_dictionaries, combine_chunks and
    fill_null made three copies of the indices: 60 MB at 5 M rows). The dictionary is the one
    unify_dictionaries gives: each chunk's new values in the order they come."""
    chunks = [
        c if isinstance(c.type, pa.DictionaryType) else c.dictionary_encode()
        for c in chunked.chunks
    ]
    if not chunks:
        return pa.array([], pa.string()), np.zeros(0, dtype=np.int8)
    if len(chunks) == 1:
        dictionary = chunks[0].dictionary
    else:
        dictionary = pc.unique(pa.chunked_array([c.dictionary for c in chunks]))
    width = next(
        t for t in (np.int8, np.int16, np.int32, np.int64) if len(dictionary) < np.iinfo(t).max
    )
    codes = np.empty(len(chunked), dtype=width)
    if len(chunks) > 1:  # every chunk's dictionary looked up at once: one hash table, not one
        # per chunk (a million ids in 200 chunks built it 200 times)
        every = pc.index_in(
            pa.chunked_array([c.dictionary for c in chunks]).combine_chunks(),
            value_set=dictionary,
        ).to_numpy()
        ends = np.cumsum([len(c.dictionary) for c in chunks])
        maps = np.split(every.astype(width), ends[:-1])
    at = 0
    for n, c in enumerate(chunks):
        to = maps[n] if len(chunks) > 1 else np.arange(len(dictionary), dtype=width)
        if c.indices.null_count:
            table = np.append(to, np.array([-1], dtype=width))
            index = pc.fill_null(c.indices, len(to)).to_numpy()
        else:
            table, index = to, c.indices.to_numpy()
        np.take(table, index, out=codes[at : at + len(c)])
        at += len(c)
    return dictionary, codes


def _check_dictionary(chunked: pa.ChunkedArray, col: Column, out: _Collector) -> pd.Series:
    dictionary, codes = _dictionary_codes(chunked)
    values = pc.utf8_trim_whitespace(dictionary)
    labels = [str(x) for x in values.to_pylist()]
    long = [i for i, label in enumerate(labels) if len(label) > MAX_CELL_CHARS]
    if long:
        for i in long[:MAX_LISTED]:
            out.rows(
                codes == i,
                col.name,
                f"a cell of {len(labels[i]):,} characters: a cell holds at most {MAX_CELL_CHARS:,}",
                None,
                "range",
            )
            labels[i] = labels[i][:MAX_CELL_CHARS]
    if col.kind == "enum":  # case does not matter ('gec', 'Metro'); documented synonyms neither
        read = [normalise.choice(col.name, label, col.choices) for label in labels]
        for label, (value, synonym) in zip(labels, read, strict=True):
            if synonym:
                out.readings.append(
                    normalise.Reading(
                        col.name,
                        repr(label),
                        f"read as {value!r}",
                        0,
                        "read_synonym",
                        (("text", label), ("value", str(value))),
                    )
                )
        labels = [value or label for label, (value, _) in zip(labels, read, strict=True)]
    elif col.kind == "str":  # '=SUM(…) as written safely for spreadsheets: the text after '
        for i, label in enumerate(labels):
            if label[:1] == "'" and label[1:2] and label[1] in FORMULA_START:
                labels[i] = label[1:]
                out.readings.append(
                    normalise.Reading(
                        col.name,
                        repr(label),
                        f"read as {label[1:]!r}",
                        0,
                        "read_guarded_text",
                        (("text", label), ("value", label[1:])),
                    )
                )
    if len(set(labels)) == len(labels) and "" not in labels:
        # the usual case: the dictionary is already the categories, the indices the codes
        _check_categories(labels, codes, col, out)
        return pd.Series(categorical(codes, labels), copy=False)
    # trimming or lowering made entries equal, or some are empty: re-encode the dictionary
    null = codes < 0 if chunked.null_count else None
    uniq, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    codes = np.append(inverse.astype(np.int64), -1)[codes]  # an empty cell (-1) stays -1
    empty = np.flatnonzero(uniq == "")
    if len(empty):  # whitespace-only cells are empty cells
        codes = np.where(codes == empty[0], -1, codes)
        if col.required:
            out.rows(
                codes == -1 if null is None else (codes == -1) & ~null,
                col.name,
                said("detail.empty"),
                None,
                "empty",
            )
    categories = [str(x) for x in uniq]
    _check_categories(categories, codes, col, out)
    return _categorical(codes, categories)


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Series:
    """Codes into a Categorical, dropping unused or empty categories."""
    used = np.zeros(len(categories) + 1, dtype=bool)
    used[codes + 1] = True
    keep = [i for i, c in enumerate(categories) if used[i + 1] and c != ""]
    remap = np.full(len(categories) + 1, -1, dtype=np.int64)
    remap[np.array(keep, dtype=np.int64) + 1] = np.arange(len(keep))
    new_codes = remap[codes + 1]
    return pd.Series(categorical(new_codes, [categories[i] for i in keep]), copy=False)


def _check_categories(
    categories: list[str], codes: np.ndarray, col: Column, out: _Collector
) -> None:
    if col.kind == "enum":
        for i, value in enumerate(categories):
            if value and value not in col.choices:
                close = normalise.closest(value, list(col.choices), column=col.name)
                out.rows(
                    codes == i,
                    col.name,
                    said(
                        "detail.unknown_value_close" if close else "detail.unknown_value",
                        value=value,
                        allowed=", ".join(col.choices),
                        close=" / ".join(close),
                    ),
                    None,
                    "unknown_value",
                )
    elif col.kind == "unit":
        for i, value in enumerate(categories):
            if not value:
                continue
            try:
                check_unit(value)
            except UnitProblem as exc:
                out.rows(codes == i, col.name, exc.detail, None, "unknown_unit")


def _check_numbers(
    arr: np.ndarray, present: np.ndarray, col: Column, out: _Collector, values: object
) -> np.ndarray:
    def shown() -> pa.Array | None:
        return values() if callable(values) else values

    nonfinite = present & ~np.isfinite(arr)
    if nonfinite.any():
        out.rows(nonfinite, col.name, said("detail.not_finite"), shown(), "not_finite")
    finite = present & np.isfinite(arr)
    if col.minimum is not None:
        low = finite & (arr < col.minimum)
        if low.any():
            what = (
                said("detail.negative")
                if col.minimum == 0
                else said("detail.below", minimum=col.minimum)
            )
            out.rows(low, col.name, what, shown(), "negative" if col.minimum == 0 else "range")
    if col.maximum is not None:
        high = finite & (arr > col.maximum)
        if high.any():
            out.rows(
                high,
                col.name,
                said("detail.above", maximum=col.maximum),
                shown(),
                "range",
            )
    if col.positive:
        zero = finite & (arr <= 0)
        if zero.any():
            out.rows(zero, col.name, said("detail.not_positive"), shown(), "not_positive")
    if col.integer:
        huge = finite & (np.abs(arr) > 2.0**53)  # beyond what a float counts one by one
        if huge.any() and col.maximum is None:
            out.rows(huge, col.name, said("detail.too_large"), shown(), "range")
        frac = finite & (np.floor(arr) != arr)
        if frac.any():
            out.rows(frac, col.name, said("detail.not_integer"), shown(), "not_integer")
        if present.all():
            # a value beyond int64 was reported above (range) and its row is dropped: clipped
            # here only so that the cast is defined
            return np.clip(np.nan_to_num(arr), -(2.0**62), 2.0**62).astype(np.int64)
    return arr


def _dates_to_series(chunked: pa.ChunkedArray | pa.Array) -> pd.Series:
    missing = _mask(pc.is_null(chunked))
    days = pc.fill_null(chunked.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
    dates = days.astype("datetime64[D]").astype("datetime64[s]")
    dates[missing] = np.datetime64("NaT")
    return pd.Series(dates, copy=False)


@cache
def _fixed_offset(tz: str, year: int) -> int | None:
    """The zone's UTC offset in seconds if it is the same all year, else None."""
    zone = ZoneInfo(tz)
    offsets = {
        dt.datetime(year, m, d, tzinfo=zone).utcoffset() for m in range(1, 13) for d in (1, 15)
    }
    offsets |= {dt.datetime(year + 1, 1, 1, tzinfo=zone).utcoffset()}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds()) if offset is not None else None


def _localised(local_seconds: np.ndarray, null: np.ndarray, tz: str) -> pd.Series:
    """Naive local seconds -> UTC timestamps (vectorised; DST-aware where the zone has DST).
    A writable `local_seconds` is converted in place (callers pass arrays of their own: the
    chunks of a parse, concatenated): at 5 M rows each copy avoided is 40 MB of fresh memory."""
    any_null = bool(null.any())
    valid = local_seconds[~null] if any_null else local_seconds
    if len(valid) == 0:
        return utc_series(np.full(len(local_seconds), np.iinfo(np.int64).min, dtype=np.int64))
    years = {int(str(np.datetime64(int(v), "s"))[:4]) for v in (valid.min(), valid.max())}
    offsets = {_fixed_offset(tz, y) for y in range(min(years), max(years) + 1)}
    if len(offsets) == 1 and None not in offsets:
        (offset,) = offsets
        if any_null or valid.flags.writeable:  # a copy already (valid) or ours to change
            utc = valid
            utc -= offset
        else:
            utc = valid - offset
    else:
        local = pa.array(valid.astype("datetime64[s]"))
        aware = pc.assume_timezone(local, timezone=tz, ambiguous="earliest", nonexistent="earliest")
        utc = aware.cast(pa.int64()).to_numpy(zero_copy_only=False)
    if any_null:
        full = np.full(len(local_seconds), np.iinfo(np.int64).min, dtype=np.int64)
        full[~null] = utc
        utc = full
    return utc_series(utc)


UTC = pd.DatetimeTZDtype(unit="s", tz="UTC")


def utc_series(seconds: np.ndarray) -> pd.Series:
    """int64 epoch seconds (int64 min = missing) as a UTC timestamp Series on the same memory.
    pandas' public constructors copy the values twice (pd.array, then pd.Series): 80 MB of
    fresh pages at 5 M rows, which is what a copy costs on a VM (0.1-0.3 s)."""
    values = seconds.view("datetime64[s]")
    try:  # the constructor pandas itself uses for arrays it has already checked
        array = pd.arrays.DatetimeArray._simple_new(values, dtype=UTC)  # type: ignore[attr-defined]
    except (AttributeError, TypeError):  # pragma: no cover - a pandas without it
        array = pd.array(values, dtype=UTC)
    return pd.Series(array, copy=False)


# ------------------------------------------------------------------------------------------
# Slow path: text columns, every bad cell located


def _convert_text(values: pa.Array, col: Column, out: _Collector, tz: str) -> object:
    null = _mask(pc.is_null(values))
    if col.required and null.any():
        out.rows(null, col.name, said("detail.empty"), None, "empty")
    if col.kind in ("str", "enum", "unit"):
        return _check_dictionary(pa.chunked_array([values.dictionary_encode()]), col, out)
    if col.kind in ("float", "int"):
        return _convert_number(values, col, out)
    if col.kind == "date":
        return _convert_date(values, col, out, null)
    if col.kind == "datetime":
        return _convert_datetime(values, col, out, null, tz)
    raise AssertionError(col.kind)


def _convert_number(values: pa.Array, col: Column, out: _Collector) -> np.ndarray:
    values, readings = normalise.numbers(values, col.name)
    out.readings += readings
    try:
        numbers = pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        ok = _mask(pc.fill_null(pc.match_substring_regex(values, NUMBER), True))
        comma = ~ok & _mask(pc.fill_null(pc.match_substring_regex(values, DECIMAL_COMMA), False))
        for text in sorted(set(pc.filter(values, pa.array(comma)).to_pylist()))[:MAX_LISTED]:
            out.rows(
                comma & _mask(pc.fill_null(pc.equal(values, text), False)),
                col.name,
                said("detail.decimal_comma", text=text, fixed=text.replace(",", ".")),
                None,
                "not_numeric",
            )
        unit_of = normalise.UNIT_OF_COLUMN.get(col.name)
        with_unit = np.zeros(len(values), dtype=bool)
        if unit_of is not None:
            parts = pc.extract_regex(values, normalise.QUANTITY_UNIT)
            units = pc.struct_field(parts, [1]).to_numpy(zero_copy_only=False)
            with_unit = ~ok & ~comma & ~_mask(pc.is_null(parts))
            for u in sorted({str(x) for x in units[with_unit]})[:MAX_LISTED]:
                try:
                    check_unit(u)
                    why = f"{u!r} is not a unit of {normalise.DIMENSION_OF_UNIT[unit_of]}"
                except UnitProblem:
                    why = f"unknown unit {u!r}"
                out.rows(
                    with_unit & (units == u),
                    col.name,
                    f"{why} — write the number in {unit_of} (or with a unit such as "
                    f"{normalise.EXAMPLE_OF_UNIT[unit_of]})",
                    values,
                    "not_numeric",
                )
        out.rows(
            ~ok & ~comma & ~with_unit, col.name, said("detail.not_numeric"), values, "not_numeric"
        )
        numbers = pc.cast(
            pc.if_else(pa.array(ok), values, pa.scalar(None, pa.string())), pa.float64()
        )
    present = ~_mask(pc.is_null(numbers))
    arr = pc.fill_null(numbers, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
    arr[~present] = np.nan
    return _check_numbers(arr, present, col, out, values)


def _natural_dates(
    values: pa.Array, col: Column, out: _Collector, null: np.ndarray
) -> tuple[pa.Array, np.ndarray]:
    """Dates as people write them, to ISO; day/month first refused (which is which?)."""
    values, dmy, readings = normalise.dates(values, col.name)
    out.readings += readings
    if dmy.any():
        out.rows(
            dmy,
            col.name,
            said("detail.ambiguous_date"),
            values,
            "ambiguous_date",
        )
        values = pc.if_else(pa.array(dmy), pa.scalar(None, pa.string()), values)
    return values, null | dmy


def _convert_date(values: pa.Array, col: Column, out: _Collector, null: np.ndarray) -> pd.Series:
    values, null = _natural_dates(values, col, out, null)
    ok = _mask(pc.fill_null(pc.match_substring_regex(values, DATE), True))
    parsed = None
    if ok.all():
        try:
            parsed = pc.cast(values, pa.date32())
        except pa.ArrowInvalid:
            parsed = None
    if parsed is None:
        good = np.zeros(len(values), dtype=bool)
        texts = values.to_pylist()
        for i in np.flatnonzero(~null & ok):  # only reached when the fast cast failed
            try:
                dt.date.fromisoformat(texts[i])
                good[i] = True
            except ValueError:
                pass
        out.rows(~good & ~null, col.name, "not a date (YYYY-MM-DD)", values, "bad_date")
        parsed = pc.cast(
            pc.if_else(pa.array(good), values, pa.scalar(None, pa.string())), pa.date32()
        )
    far = _days_out_of_range(
        parsed.cast(pa.int32()).to_numpy(zero_copy_only=False), _mask(pc.is_null(parsed))
    )
    if far.any():
        out.rows(far, col.name, OUT_OF_RANGE, values, "bad_date")
        parsed = pc.if_else(pa.array(far), pa.scalar(None, pa.date32()), parsed)
    return _dates_to_series(parsed)


def _days_out_of_range(days: np.ndarray, null: np.ndarray) -> np.ndarray:
    low = (DATE_MIN - dt.date(1970, 1, 1)).days
    high = (DATE_MAX - dt.date(1970, 1, 1)).days
    return ~null & ((days < low) | (days > high))


def _convert_datetime(
    values: pa.Array, col: Column, out: _Collector, null: np.ndarray, tz: str
) -> pd.Series:
    """ISO date-times; local to `tz` unless an offset is given. Returned in UTC, to the second:
    a fraction of a second (a badge scanner's milliseconds) is dropped, and said (floored, so
    that every comparison with a whole second, a period's first or last, is the exact one)."""
    values, null = _natural_dates(values, col, out, null)
    ok = _mask(pc.fill_null(pc.match_substring_regex(values, DATETIME), True))
    has_offset = _mask(pc.fill_null(pc.match_substring_regex(values, OFFSET), False))
    result = pd.Series(np.full(len(values), np.datetime64("NaT"), "datetime64[s]")).dt.tz_localize(
        "UTC"
    )
    bad = ~ok & ~null
    fractions = 0  # rows whose fraction of a second was dropped
    for offset in (False, True):
        sel = ok & ~null & (has_offset == offset)
        if not sel.any():
            continue
        part = pc.filter(values, pa.array(sel))
        part = pc.replace_substring_regex(part, r"^(\d{4}-\d{2}-\d{2})$", r"\1T00:00:00")
        part = pc.replace_substring_regex(part, r"([+-]\d{2})(\d{2})$", r"\1:\2")
        target = pa.timestamp("us", tz="UTC") if offset else pa.timestamp("us")
        try:
            stamps = pc.cast(part, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            good = np.zeros(len(part), dtype=bool)
            texts = part.to_pylist()
            for i, text in enumerate(texts):  # slow path only for a column with bad cells
                try:
                    dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                    good[i] = True
                except ValueError:
                    pass
            idx = np.flatnonzero(sel)
            bad[idx[~good]] = True
            sel = np.zeros(len(values), dtype=bool)
            sel[idx[good]] = True
            part = pc.filter(part, pa.array(good))
            stamps = pc.cast(part, target)
        seconds, fraction = np.divmod(stamps.cast(pa.int64()).to_numpy(zero_copy_only=False), 10**6)
        fractions += int(np.count_nonzero(fraction))
        far = (seconds < SECONDS_MIN) | (seconds > SECONDS_MAX)
        if far.any():
            idx = np.flatnonzero(sel)
            far_rows = np.zeros(len(values), dtype=bool)
            far_rows[idx[far]] = True
            out.rows(far_rows, col.name, OUT_OF_RANGE, values, "bad_datetime")
            sel = sel & ~far_rows
            seconds = seconds[~far]
        if offset:
            result[sel] = pd.to_datetime(seconds, unit="s", utc=True)
        else:
            result[sel] = _localised(seconds, np.zeros(len(seconds), bool), tz).to_numpy()
    if bad.any():
        out.rows(bad, col.name, "not an ISO date-time", values, "bad_datetime")
    if fractions:
        out.readings.append(
            normalise.Reading(
                col.name,
                "times with a fraction of a second",
                "read to the second",
                fractions,
                "read_to_second",
                (),
            )
        )
    return result
