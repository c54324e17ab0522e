"""A registration system's export (registrations, badge scans or survey answers) into an event
folder's registrations.csv, scans.csv or survey.csv: headers mapped (`--map`), every cell
checked and read as the folder's own table is, attendee ids replaced by keyed pseudonyms, the
file written atomically. Ids never reach the folder, a report or an evidence pack."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from carbonexpo.errors import raise_if
from carbonexpo.io.normalise import Reading
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import SKIP, header_names, read_table
from carbonexpo.io.writers import write_atomic, write_bytes_atomic

KINDS = ("registrations", "scans", "survey")
KEY_FILE = ".attendee-key"  # in the event folder; 32 random bytes, owner-readable only
PSEUDONYM = re.compile(r"^p-[0-9a-f]{20}$")  # what import writes (kept as is on a re-import)


@dataclass(frozen=True)
class Imported:
    path: Path
    rows: int
    pseudonymised: int  # distinct ids replaced
    readings: list[Reading]
    replaced: bool
    left_out: list[str]  # headers of the export not read (names, e-mails …)


def folder_key(folder: Path) -> bytes:
    """The folder's pseudonym key, made on first use: the same id gives the same pseudonym in
    registrations.csv and scans.csv of one folder, and nothing outside the folder can link
    them back."""
    path = folder / KEY_FILE
    if path.is_file():
        return path.read_bytes()
    key = secrets.token_bytes(32)
    write_atomic(path, lambda p: p.write_bytes(key), mode=0o600)
    return key


def pseudonyms(ids: pd.Series, key: bytes) -> tuple[pa.Array, int]:
    """Each id as 'p-' + 20 hex digits of its keyed BLAKE2b digest, one digest per distinct
    id; an id that already is a pseudonym stays."""
    cat = ids.astype("category").array
    labels = [str(c) for c in cat.categories]
    hashed = [
        label
        if PSEUDONYM.match(label)
        else "p-" + hashlib.blake2b(label.encode(), key=key, digest_size=10).hexdigest()
        for label in labels
    ]
    done = sum(1 for a, b in zip(labels, hashed, strict=True) if a != b)
    codes = np.asarray(cat.codes)
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(hashed)), done


def import_attendance(
    export: Path,
    folder: Path,
    kind: str,
    *,
    timezone: str,
    rename: dict[str, str] | None = None,
    replace: bool = False,
) -> Imported:
    """Read `export` as the `kind` table (headers renamed by `rename`), refuse it with every
    problem (FILE:ROW:COLUMN of the export) or write folder/<kind>.csv."""
    from carbonexpo.errors import InputError, said_problem
    from carbonexpo.words import said

    target = folder / f"{kind}.csv"
    existed = target.exists()
    if existed and not replace:
        raise InputError(
            [said_problem(target.name, 0, "", said("detail.import_exists"), "file_exists")]
        )
    schema = SCHEMAS[kind]
    rename = dict(rename or {})
    mapped = {h.strip().lower() for h in rename} | {c.name.lower() for c in schema.columns}
    try:
        left_out = [h for h in header_names(export) if h.strip().lower() not in mapped]
    except Exception:  # unreadable: read_table says why
        left_out = []
    rename.update(dict.fromkeys(left_out, SKIP))
    table, problems = read_table(export, schema, export.name, timezone, rename)
    raise_if(problems)
    assert table is not None
    df = table.df
    columns: dict[str, pa.Array] = {}
    done = 0
    for col in SCHEMAS[kind].columns:
        if col.name not in df:
            continue
        values = df[col.name]
        if col.name == "attendee_id":
            columns[col.name], done = pseudonyms(values, folder_key(folder))
        elif col.kind == "datetime":
            seconds = values.to_numpy(dtype="datetime64[s]").astype(np.int64)
            stamps = pa.array(seconds, pa.timestamp("s", tz="UTC"))
            columns[col.name] = pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%SZ")
        elif col.kind in ("int",):
            columns[col.name] = pa.array(values.astype("Int64"), pa.int64(), from_pandas=True)
        elif col.kind == "float":
            columns[col.name] = pa.array(values.to_numpy(dtype=np.float64), from_pandas=True)
        else:
            columns[col.name] = pa.array(values.astype(object), pa.string(), from_pandas=True)
    out = pa.table({name: _plain(a) for name, a in columns.items()})
    sink = pa.BufferOutputStream()
    pacsv.write_csv(out, sink)
    write_bytes_atomic(target, sink.getvalue().to_pybytes())
    return Imported(target, out.num_rows, done, table.readings, existed, left_out)


def _plain(a: pa.Array) -> pa.Array:
    return a.dictionary_decode() if pa.types.is_dictionary(a.type) else a


def id_texts(ids: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A table's attendee ids as Arrow text: as the reader keeps them (no Python string per
    id), or from a Categorical (the text path) or a caller's objects."""
    if isinstance(ids.dtype, pd.ArrowDtype):
        return pa.array(ids.array)
    return pa.array(ids.astype(object).to_numpy(), pa.string(), from_pandas=True)


def not_pseudonyms(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each attendee id (Arrow text: no Python string per id) is not one of import's
    pseudonyms: an id as the registration system wrote it. Callers pass each distinct id once."""
    if not len(texts):
        return np.zeros(0, dtype=bool)
    shaped = _pseudonym_shaped(texts)
    if shaped is not None:
        return ~shaped  # every id 22 bytes: told by its bytes, without a regex of each
    matched = pc.match_substring_regex(pc.fill_null(texts, ""), PSEUDONYM.pattern)
    return ~np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)


HEX = np.zeros(256, dtype=bool)  # the bytes of lower-case hex digits
HEX[list(b"0123456789abcdef")] = True


def _pseudonym_shaped(texts: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Whether each text is `p-` and 20 lower-case hex digits, read from the Arrow bytes
    (None unless every text is 22 bytes: then the regex decides)."""
    arr = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    if not pa.types.is_string(arr.type) or arr.null_count:
        return None
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    if not (np.diff(offsets) == 22).all():
        return None
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    cells = data[offsets[0] : offsets[-1]].reshape(-1, 22)
    shaped = np.empty(len(cells), dtype=bool)
    for at in range(0, len(cells), 1 << 16):  # in slices: each test's arrays stay in cache
        part = cells[at : at + (1 << 16)]
        shaped[at : at + (1 << 16)] = (
            (part[:, 0] == ord("p")) & (part[:, 1] == ord("-")) & np.take(HEX, part[:, 2:]).all(1)
        )
    return shaped
