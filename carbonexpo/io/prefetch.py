"""Parse an event folder's large CSV tables on a background thread while the program imports.

Importing pandas and the calculation takes ~0.4 s; pyarrow parses without holding the GIL, so
the two run at once (scale 1: energy.csv's 5 M rows are parsed by the time the imports end).
`start(folder)` is cheap when nothing is large. `read_table` asks `take(path, types)` and gets
a prefetched table only for the same file, unchanged since (size, mtime, inode), parsed into
the same column types; anything else (a renamed header, a failed parse, an edited file) is
parsed again as if nothing had been prefetched. `forget(folder)` drops what was not taken.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

MIN_BYTES = 1 << 20  # smaller files parse in less time than the imports leave to overlap
Parsed = tuple[dict[str, "pa.DataType"], "pa.Table"] | None  # (types asked for, table)
_lock = threading.Lock()
Key = tuple[str, int, int, int]  # resolved path, size, mtime (ns), inode
_pending: dict[Key, Future[Parsed]] = {}


def start(folder: Path) -> None:
    """Begin parsing every table CSV of `folder` of MIN_BYTES or more, largest first."""
    jobs: list[tuple[Path, Future[Parsed]]] = []
    try:
        found = [(p, _key(p)) for p in Path(folder).glob("*.csv")]
    except OSError:
        return
    from carbonexpo.io.streamed import streams

    for path, key in sorted(found, key=lambda pk: -pk[1][1] if pk[1] else 0):
        # a streamed table is read batch by batch later: parsing it whole here is what the
        # stream avoids
        if key is not None and key[1] >= MIN_BYTES and not streams(path, path.stem):
            future: Future[Parsed] = Future()
            with _lock:
                _pending[key] = future  # registered before read_table can ask for it
            jobs.append((path, future))
    if jobs:
        threading.Thread(target=_parse_all, args=(jobs,), name="prefetch", daemon=True).start()


def _parse_all(jobs: list[tuple[Path, Future[Parsed]]]) -> None:
    from carbonexpo.io.csv_parse import parse_csv
    from carbonexpo.io.schema import SCHEMAS

    while jobs:
        path, future = jobs.pop(0)  # hold no finished parse: take() hands it over and forgets
        schema = SCHEMAS.get(path.stem)
        types = _types(path, schema) if schema is not None else None
        if types is None:
            future.set_result(None)
            continue
        try:
            future.set_result((types, parse_csv(path, types)))
        except BaseException:  # read_table parses again and says why
            future.set_result(None)


def _types(path: Path, schema: object) -> dict[str, pa.DataType] | None:
    """The types read_table asks for when every header is exactly a column of the schema."""
    from carbonexpo.io.csv_parse import csv_header, fast_type

    columns = {c.name: c for c in getattr(schema, "columns", ())}
    try:
        names = csv_header(path)
    except OSError:
        return None
    if not names or len(set(names)) != len(names) or any(n not in columns for n in names):
        return None
    return {n: fast_type(columns[n]) for n in names}


def _key(path: Path) -> Key | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)


def take(path: Path, types: dict[str, pa.DataType]) -> pa.Table | None:
    """The table prefetched for exactly this request (waiting for its parse), else None."""
    if not _pending:
        return None
    key = _key(path)
    with _lock:
        future = _pending.pop(key, None) if key is not None else None
    if future is None:
        return None
    parsed = future.result()
    if parsed is None or parsed[0] != types:
        return None
    return parsed[1]


def forget(folder: Path) -> None:
    """Drop what was prefetched from `folder` and not taken (a read that stopped early)."""
    here = Path(folder).resolve()
    with _lock:
        for key in [k for k in _pending if Path(k[0]).parent == here]:
            del _pending[key]
