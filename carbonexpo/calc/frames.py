"""The shapes of the calculation's output frames, declared once as pyarrow schemas: the
inventory lines, the green-power instruments, the credit blocks and the exhibitors' shares.
An empty frame is built from its schema (so it has the columns a full one has), and
`frame_problems` tells how a frame differs from its schema (tests check every frame of a
calculation against it).

Text columns may be held as categories (dictionary-encoded), as pandas strings or as Python
str objects; `notes` columns hold lists of notes.Note (Python objects, not Arrow data)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

NOTES = pa.list_(pa.string())  # a list of notes.Note, rendered per language when shown

LINES = pa.schema(
    [
        ("source_file", pa.string()),
        ("row", pa.int64()),
        ("category", pa.string()),
        ("scope", pa.int8()),
        ("phase", pa.string()),
        ("activity_quantity", pa.float64()),
        ("activity_unit", pa.string()),
        ("factor_key", pa.string()),
        ("factor_value", pa.float64()),
        ("factor_source", pa.string()),
        ("kgco2e", pa.float64()),
        ("exhibitor", pa.string()),
        ("input_quantity", pa.float64()),
        ("input_unit", pa.string()),
        ("factor_set", pa.string()),
        ("proxy", pa.bool_()),
        ("kgco2e_market", pa.float64()),
    ]
)
INSTRUMENTS = pa.schema(
    [
        ("instrument_id", pa.string()),
        ("type", pa.string()),
        ("status", pa.string()),
        ("mwh", pa.float64()),
        ("mwh_applied", pa.float64()),
        ("reason", pa.string()),  # the reasons in English, for the lines CSV
        ("reasons", NOTES),
        ("_row", pa.int64()),
    ]
)
CREDITS = pa.schema(
    [
        ("registry", pa.string()),
        ("project_id", pa.string()),
        ("vintage", pa.int64()),
        ("serial_prefix", pa.string()),
        ("first", pa.int64()),
        ("last", pa.int64()),
        ("tco2e", pa.float64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("reasons", NOTES),
        ("retired_on", pa.string()),
        ("beneficiary", pa.string()),
        ("project_type", pa.string()),
        ("kind", pa.string()),  # reduction | removal
        ("_row", pa.int64()),
    ]
)
EXHIBITORS = pa.schema(
    [
        ("exhibitor", pa.string()),
        ("category", pa.string()),
        ("own_kgco2e", pa.float64()),
        ("allocated_kgco2e", pa.float64()),
        ("area_m2", pa.float64()),
    ]
)


def columns(schema: pa.Schema) -> tuple[str, ...]:
    return tuple(schema.names)


def empty_frame(schema: pa.Schema) -> pd.DataFrame:
    """A frame with no rows and the schema's columns, each of its kind."""
    return pd.DataFrame({f.name: pd.Series(dtype=_dtype(f.type)) for f in schema})


def _dtype(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return str(t)  # int8, int64
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_boolean(t):
        return "bool"
    return "object"


def _kind_ok(series: pd.Series, t: pa.DataType) -> bool:
    dtype = series.dtype
    if pa.types.is_integer(t):
        return pd.api.types.is_integer_dtype(dtype)
    if pa.types.is_floating(t):
        return pd.api.types.is_float_dtype(dtype)
    if pa.types.is_boolean(t):
        return pd.api.types.is_bool_dtype(dtype)
    if t == NOTES:
        return pd.api.types.is_object_dtype(dtype) and all(
            isinstance(v, list) for v in series.head(100)
        )
    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.categories.empty or pd.api.types.is_string_dtype(
            series.cat.categories.dtype
        )
    return pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)


def frame_problems(frame: pd.DataFrame, schema: pa.Schema) -> list[str]:
    """How `frame` differs from `schema`: columns missing, extra or out of order, and columns
    whose values are not of the declared kind. Empty: it conforms."""
    out = []
    if tuple(frame.columns) != tuple(schema.names):
        out.append(f"columns {list(frame.columns)} are not {schema.names}")
    for f in schema:
        if f.name in frame and not _kind_ok(frame[f.name], f.type):
            out.append(f"{f.name}: {frame[f.name].dtype} is not {f.type}")
    return out
