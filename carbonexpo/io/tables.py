"""Read one table file (CSV or the first sheet of an XLSX) and validate it column by column.

Everything here is vectorised: a column is parsed with one pyarrow kernel, and only when that
fails is the column scanned again to find which rows are at fault. All problems of a file are
collected and returned together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from carbonexpo.errors import Problem
from carbonexpo.io.schema import Column, TableSchema
from carbonexpo.units import UnitProblem, parse_unit

MAX_LISTED = 200  # rows listed per file, column and kind of problem; the rest are counted
NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"


@dataclass
class Table:
    """A validated table: typed columns plus `_row`, the spreadsheet row of each record."""

    name: str
    file: str
    df: pd.DataFrame
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.df)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def read_raw(path: Path) -> pa.Table:
    """All columns as nullable strings (empty cell = null)."""
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="calamine")
        frame = frame.dropna(how="all")
        columns = {}
        for name in frame.columns:
            values = [None if _is_blank(v) else _cell_text(v) for v in frame[name].tolist()]
            columns[str(name).strip()] = pa.array(values, type=pa.string())
        return pa.table(columns)
    with path.open("rb") as f:
        head = f.readline().decode("utf-8-sig", errors="replace")
    names = [n.strip().strip('"') for n in head.rstrip("\r\n").split(",")]
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def _is_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def rows(
        self,
        mask: np.ndarray,
        column: str,
        message: str,
        values: pa.Array | None = None,
        code: str = "invalid",
    ) -> None:
        """Report every row where mask is True (up to MAX_LISTED, then a count)."""
        positions = np.flatnonzero(mask)
        for pos in positions[:MAX_LISTED]:
            shown = ""
            if values is not None:
                v = values[int(pos)].as_py()
                shown = f": {v!r}" if v is not None else ""
            self.problems.append(Problem(self.file, int(pos) + 2, column, message + shown, code))
        if len(positions) > MAX_LISTED:
            self.problems.append(
                Problem(
                    self.file,
                    int(positions[MAX_LISTED]) + 2,
                    column,
                    f"... and {len(positions) - MAX_LISTED} more rows with the same problem "
                    f"({message})",
                    code,
                )
            )

    def whole(self, column: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(self.file, 1, column, message, code))


def _mask(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def read_table(
    path: Path, schema: TableSchema, display: str, timezone: str | None = None
) -> tuple[Table | None, list[Problem]]:
    """Read and validate one table file. Returns (table or None, problems)."""
    out = _Collector(display)
    try:
        raw = read_raw(path)
    except Exception as exc:  # a file that is not CSV/XLSX at all
        return None, [Problem(display, 0, "", f"cannot read the file: {exc}", "unreadable")]
    names = [n.strip() for n in raw.column_names]
    raw = raw.rename_columns(names)
    known = {c.name for c in schema.columns}
    seen: set[str] = set()
    for n in names:
        if n in seen:
            out.whole(n, "duplicate column", "duplicate_column")
        seen.add(n)
        if n not in known:
            out.whole(
                n,
                f"unknown column {n!r} (expected: {', '.join(c.name for c in schema.columns)})",
                "unknown_column",
            )
    for col in schema.columns:
        if col.required and col.name not in names:
            out.whole(col.name, f"missing required column {col.name!r}", "missing_column")
    if out.problems:
        return None, out.problems
    data: dict[str, object] = {}
    for col in schema.columns:
        if col.name not in names:
            continue
        values = pc.utf8_trim_whitespace(raw.column(col.name).combine_chunks())
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        data[col.name] = _convert(values, col, out, timezone)
    if out.problems:
        return None, out.problems
    df = pd.DataFrame(dict(data.items()))
    df.insert(0, "_row", np.arange(2, len(df) + 2, dtype=np.int64))
    return Table(schema.name, display, df, file_sha256(path)), []


def _convert(values: pa.Array, col: Column, out: _Collector, timezone: str | None) -> object:
    null = _mask(pc.is_null(values))
    if col.required and null.any():
        out.rows(null, col.name, "required value is empty", code="empty")
    if col.kind in ("str", "unit"):
        if col.kind == "unit":
            _check_units(values, col, out)
        return _strings(values)
    if col.kind == "enum":
        allowed = col.choices
        if all(c == c.lower() for c in allowed):
            values = pc.utf8_lower(values)
        bad = _mask(pc.invert(pc.is_in(values, value_set=pa.array(allowed)))) & ~null
        if bad.any():
            out.rows(
                bad,
                col.name,
                f"unknown value (allowed: {', '.join(allowed)})",
                values,
                "unknown_value",
            )
        return _strings(values)
    if col.kind in ("float", "int"):
        return _convert_number(values, col, out, null)
    if col.kind == "date":
        return _convert_date(values, col, out, null)
    if col.kind == "datetime":
        return _convert_datetime(values, col, out, null, timezone or "UTC")
    raise AssertionError(col.kind)


def _strings(values: pa.Array) -> pd.Series:
    return pd.Series(values.to_pandas(), dtype="str")


def _convert_number(values: pa.Array, col: Column, out: _Collector, null: np.ndarray) -> np.ndarray:
    try:
        numbers = pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        ok = _mask(
            pc.fill_null(
                pc.match_substring_regex(
                    values,
                    r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^(?i:[-+]?(nan|inf|infinity))$",
                ),
                True,
            )
        )
        out.rows(~ok, col.name, "not a number", values, "not_numeric")
        numbers = pc.cast(
            pc.if_else(pa.array(ok), values, pa.scalar(None, pa.string())), pa.float64()
        )
    present = ~_mask(pc.is_null(numbers))
    arr = pc.fill_null(numbers, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
    arr[~present] = np.nan
    nonfinite = present & ~np.isfinite(arr)
    if nonfinite.any():
        out.rows(nonfinite, col.name, "not a finite number", values, "not_finite")
    finite = present & np.isfinite(arr)
    if col.minimum is not None:
        low = finite & (arr < col.minimum)
        if low.any():
            what = "negative value" if col.minimum == 0 else f"value below {col.minimum:g}"
            out.rows(low, col.name, what, values, "negative" if col.minimum == 0 else "range")
    if col.positive:
        zero = finite & (arr <= 0)
        if zero.any():
            out.rows(zero, col.name, "must be greater than 0", values, "not_positive")
    if col.integer:
        frac = finite & (np.floor(arr) != arr)
        if frac.any():
            out.rows(frac, col.name, "not a whole number", values, "not_integer")
        if not null.any():
            return np.nan_to_num(arr).astype(np.int64)
    return arr


def _convert_date(values: pa.Array, col: Column, out: _Collector, null: np.ndarray) -> pd.Series:
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
        for i in np.flatnonzero(~null):  # only reached when the fast path failed
            try:
                pd.Timestamp(texts[i])
                good[i] = bool(ok[i])
            except ValueError:
                pass
        out.rows(~good & ~null, col.name, "not a date (YYYY-MM-DD)", values, "bad_date")
        parsed = pc.cast(
            pc.if_else(pa.array(good), values, pa.scalar(None, pa.string())), pa.date32()
        )
    missing = _mask(pc.is_null(parsed))
    days = pc.fill_null(parsed.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
    dates = days.astype("datetime64[D]").astype("datetime64[s]")
    dates[missing] = np.datetime64("NaT")
    return pd.Series(dates)


def _convert_datetime(
    values: pa.Array, col: Column, out: _Collector, null: np.ndarray, timezone: str
) -> pd.Series:
    """ISO date-times; local to `timezone` unless an offset is given. Returned in UTC."""
    ok = _mask(pc.fill_null(pc.match_substring_regex(values, DATETIME), True))
    has_offset = _mask(pc.fill_null(pc.match_substring_regex(values, OFFSET), False))
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    bad = ~ok & ~null
    for offset in (False, True):
        sel = ok & ~null & (has_offset == offset)
        if not sel.any():
            continue
        part = pc.filter(values, pa.array(sel))
        part = pc.replace_substring_regex(part, r"^(\d{4}-\d{2}-\d{2})$", r"\1T00:00:00")
        part = pc.replace_substring_regex(part, r"([+-]\d{2})(\d{2})$", r"\1:\2")
        try:
            if offset:
                stamps = pc.cast(part, pa.timestamp("s", tz="UTC"))
            else:
                local = pc.cast(part, pa.timestamp("s"))
                stamps = pc.assume_timezone(
                    local, timezone=timezone, ambiguous="earliest", nonexistent="earliest"
                )
            result[sel] = (
                stamps.cast(pa.int64()).to_numpy(zero_copy_only=False).astype("datetime64[s]")
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            idx = np.flatnonzero(sel)
            texts = part.to_pylist()
            for i, text in zip(idx, texts, strict=True):  # slow path only for bad columns
                try:
                    ts = pd.Timestamp(text)
                    ts = ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize(timezone)
                    result[i] = np.datetime64(ts.tz_convert("UTC").tz_localize(None), "s")
                except (ValueError, TypeError):
                    bad[i] = True
    if bad.any():
        out.rows(bad, col.name, "not an ISO date-time", values, "bad_datetime")
    return pd.Series(result).dt.tz_localize("UTC")


def _check_units(values: pa.Array, col: Column, out: _Collector) -> None:
    distinct = pc.unique(values).to_pylist()
    for text in distinct:
        if text is None:
            continue
        try:
            parse_unit(text)
        except UnitProblem as exc:
            out.rows(
                _mask(pc.fill_null(pc.equal(values, text), False)),
                col.name,
                str(exc),
                code="unknown_unit",
            )
