"""An exhibitor's own data on the web page: read their rows from the event tables, check what
they typed with the rules of the event files, estimate their booth, and save their rows
(replace-by-exhibitor, atomically, under a lock so that concurrent saves lose nothing).

Sections are the sheets of the exhibitor form (booth.forms.SHEETS), so the web page, the
.xlsx form and the event tables share one set of columns. Field names are
`<section>-<index>-<column>` (e.g. `staff-0-origin`)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carbonexpo.access import STATE_DIR, write_private
from carbonexpo.booth.estimate import BoothSpec, Estimate, estimate_booth
from carbonexpo.booth.forms import SHEETS, Sheet, merge_rows, same_exhibitor
from carbonexpo.config import EventConfig
from carbonexpo.errors import CarbonExpoError, InputError, Problem
from carbonexpo.io.schema import SCHEMAS

SECTIONS: dict[str, Sheet] = {s.name.lower(): s for s in SHEETS}
EDITABLE_BOOTH = ("build",)  # booth number, area and hall are the organiser's
MAX_ROWS = 200  # per section: far more journeys, legs or materials than one booth has
SUBMISSIONS = "submissions.json"
TRAVEL_GROUP = SECTIONS["staff"].fixed["group"]


@dataclass
class Entry:
    """What an exhibitor entered: per section, (form index, cell texts) of non-blank rows."""

    rows: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    def table_rows(self, section: str) -> list[dict[str, str]]:
        fixed = SECTIONS[section].fixed
        return [{**fixed, **cells} for _, cells in self.rows.get(section, [])]


@dataclass
class Checked:
    """Field errors ({field: [(code, message)]}), errors not tied to a field, and the rows that
    passed, per table."""

    errors: dict[str, list[tuple[str, str]]]
    general: list[tuple[str, str]]
    tables: dict[str, list[dict[str, str]]]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def own_rows(folder: Path, table: str, exhibitor: str) -> list[dict[str, str]]:
    """The exhibitor's rows of one table as written (names matched as a calculation does)."""
    df = _read_csv(folder / f"{table}.csv")
    if df.empty or "exhibitor" not in df:
        return []
    mine = df[df["exhibitor"].map(same_exhibitor) == same_exhibitor(exhibitor)]
    return [{str(k): str(v) for k, v in r.items()} for r in mine.to_dict("records")]


def current(folder: Path, exhibitor: str) -> dict[str, list[dict[str, str]]]:
    """Per section, the exhibitor's rows now in the tables (staff: their exhibitor_staff
    journeys; other travel groups named after them are kept but not shown)."""
    out: dict[str, list[dict[str, str]]] = {}
    for name, sheet in SECTIONS.items():
        rows = own_rows(folder, sheet.table, exhibitor)
        if name == "staff":
            rows = [r for r in rows if r.get("group", "") in ("", TRAVEL_GROUP)]
        out[name] = [{c: r.get(c, "") for c in sheet.columns} for r in rows]
    return out


def parse_form(fields: Mapping[str, str]) -> Entry:
    """Cell texts by section and row from `<section>-<index>-<column>` fields; blank rows are
    dropped, unknown fields ignored."""
    grid: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in fields.items():
        parts = key.split("-", 2)
        if len(parts) != 3 or parts[0] not in SECTIONS or not parts[1].isdigit():
            continue
        section, index, column = parts[0], int(parts[1]), parts[2]
        if column not in SECTIONS[section].columns or index >= MAX_ROWS:
            continue
        grid.setdefault(section, {}).setdefault(index, {})[column] = str(value).strip()
    entry = Entry()
    for section, rows in grid.items():
        kept = [(i, cells) for i, cells in sorted(rows.items()) if any(cells.values())]
        entry.rows[section] = kept
    return entry


def booth_rows(folder: Path, exhibitor: str, entry: Entry | None = None) -> list[dict[str, str]]:
    """The exhibitor's booths.csv rows, with the build type they chose (the rest is the
    organiser's and cannot be changed from the page)."""
    rows = own_rows(folder, "booths", exhibitor)
    chosen = dict(entry.rows.get("booth", [])) if entry else {}
    for i, row in enumerate(rows):
        for column in EDITABLE_BOOTH:
            if i in chosen and column in chosen[i]:
                row[column] = chosen[i][column]
    return rows


def _write_rows(path: Path, table: str, rows: list[dict[str, str]]) -> None:
    columns = [c.name for c in SCHEMAS[table].columns]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def check(folder: Path, exhibitor: str, entry: Entry) -> Checked:
    """Check the entry exactly as the event files are checked: the rows are written as the
    tables of a small event folder (this event's event.yaml and factors) and validated; each
    problem goes back to the field it came from."""
    from carbonexpo.calc.calculate import check_event

    sources: dict[str, tuple[str, list[int]]] = {}  # file -> (section, form index per row)
    tables: dict[str, list[dict[str, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="carbonexpo-entry-") as tmp:
        stage = Path(tmp)
        for name in ("event.yaml", "factors.csv", "factors.xlsx"):
            if (folder / name).exists():
                shutil.copyfile(folder / name, stage / name)
        booths = booth_rows(folder, exhibitor, entry)
        staged = {"booth": booths}
        for section in SECTIONS:
            if section != "booth":
                staged[section] = [{**r, "exhibitor": exhibitor} for r in entry.table_rows(section)]
        for section, rows in staged.items():
            table = SECTIONS[section].table
            if not rows:
                continue
            file = f"{table}.csv"
            _write_rows(stage / file, table, rows)
            indices = (
                list(range(len(rows)))
                if section == "booth"
                else [i for i, _ in entry.rows.get(section, [])]
            )
            sources[file] = (section, indices)
            tables[table] = rows
        errors: dict[str, list[tuple[str, str]]] = {}
        general: list[tuple[str, str]] = []
        bad: set[str] = set()  # `section-index` of the rows with a problem
        try:
            check_event(stage)
        except InputError as exc:
            for p in exc.problems:
                _place(p, sources, errors, general, bad)
    # only the rows that passed go on (to the estimate)
    for section, indices in sources.values():
        table = SECTIONS[section].table
        tables[table] = [
            row
            for row, i in zip(tables[table], indices, strict=True)
            if f"{section}-{i}" not in bad
        ]
    return Checked(errors, general, tables)


def _place(
    p: Problem,
    sources: dict[str, tuple[str, list[int]]],
    errors: dict[str, list[tuple[str, str]]],
    general: list[tuple[str, str]],
    bad: set[str],
) -> None:
    section, indices = sources.get(p.file, ("", []))
    position = p.row - 2  # data rows start at line 2
    if not section or not 0 <= position < len(indices):
        general.append((p.code, p.message))
        return
    row = f"{section}-{indices[position]}"
    bad.add(row)
    if p.column in SECTIONS[section].columns:
        errors.setdefault(f"{row}-{p.column}", []).append((p.code, p.message))
    else:
        errors.setdefault(row, []).append((p.code, f"{p.column}: {p.message}"))


def open_days(config: EventConfig) -> float:
    return float((config.phases.open.end - config.phases.open.start).days + 1)


def estimate(folder: Path, config: EventConfig, exhibitor: str, checked: Checked) -> Estimate:
    """The booth's footprint from the rows that passed, with the estimator's defaults for
    what an exhibitor cannot measure (booth power) or has not entered (build materials)."""
    booths = checked.tables.get("booths") or own_rows(folder, "booths", exhibitor)
    area = sum(float(b.get("area_m2") or 0) for b in booths) or 1.0
    build = next((b["build"] for b in booths if b.get("build")), "shell")
    rows: dict[str, list[dict[str, Any]]] = {}
    for section in ("staff", "freight", "hotels", "materials"):
        table = SECTIONS[section].table
        given = checked.tables.get(table, [])
        if section == "materials" and not given:
            continue  # the build type's typical materials, said as an assumption
        rows[table] = [{k: v for k, v in r.items() if k != "exhibitor"} for r in given]
    spec = BoothSpec(
        area_m2=area,
        build=build,
        days=open_days(config),
        exhibitor=exhibitor,
        booth=", ".join(b.get("booth", "") for b in booths),
        rows=rows,
    )
    return estimate_booth(spec, config)


# -- saving ----------------------------------------------------------------------------------

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One writer at a time per event folder: a thread lock within this process and an
    flock on DIR/.carbonexpo/write.lock across processes."""
    folder = folder.resolve()
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(folder, threading.Lock())
    state = folder / STATE_DIR
    state.mkdir(mode=0o700, exist_ok=True)
    with lock, (state / "write.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(folder: Path, exhibitor: str, entry: Entry) -> dict[str, int]:
    """Replace the exhibitor's rows of every section's table by the entry (checked before);
    rows of other exhibitors, and the exhibitor's travel rows of other groups, stay."""
    for sheet in SECTIONS.values():
        if (folder / f"{sheet.table}.xlsx").exists():
            raise CarbonExpoError(
                f"{sheet.table}.xlsx: the organiser keeps this table as a spreadsheet; "
                "data can be saved from the web only into CSV tables"
            )
    with folder_lock(folder):
        tables: dict[str, list[dict[str, Any]]] = {"booths": booth_rows(folder, exhibitor, entry)}
        for section in ("staff", "freight", "hotels", "materials"):
            tables[SECTIONS[section].table] = entry.table_rows(section)
        others = [
            r
            for r in own_rows(folder, "travel", exhibitor)
            if r.get("group", "") not in ("", TRAVEL_GROUP)
        ]
        tables["travel"] = [*others, *tables["travel"]]
        for rows in tables.values():
            for row in rows:
                row.pop("exhibitor", None)
        counts = merge_rows(folder, {exhibitor: tables}, tables=tuple(tables))
        log = submissions(folder)
        log[exhibitor] = {
            "saved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": {t: n for t, n in counts.items() if t != "booths"},
        }
        write_private(
            folder / STATE_DIR / SUBMISSIONS, json.dumps(log, ensure_ascii=False, indent=1) + "\n"
        )
    return counts


def submissions(folder: Path) -> dict[str, dict[str, Any]]:
    """Who saved their data from the web, when, and how many rows."""
    path = folder / STATE_DIR / SUBMISSIONS
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
