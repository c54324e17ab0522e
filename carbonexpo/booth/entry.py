"""An exhibitor's own data on the web page: read their rows from the event tables, check what
they typed with the reader and rules of the event files (booth.own_rows), estimate their booth
with the calculation, and save what they edited (only that, atomically, under a lock so that
concurrent saves lose nothing).

Sections are the sheets of the exhibitor form (booth.forms.SHEETS), so the web page, the
.xlsx form and the event tables share one set of columns. Field names are
`<section>-<index>-<column>` (e.g. `staff-0-origin`)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from carbonexpo.access import STATE_DIR, write_private
from carbonexpo.booth import own_rows
from carbonexpo.booth.estimate import BoothSpec, Estimate
from carbonexpo.booth.own_rows import SECTIONS
from carbonexpo.config import EventConfig
from carbonexpo.errors import CarbonExpoError, Problem
from carbonexpo.factors.catalog import Factor
from carbonexpo.io.event import settings_of
from carbonexpo.io.journal import recover
from carbonexpo.io.schema import FREIGHT_MODES, SCHEMAS, TRAVEL_MODES
from carbonexpo.io.tables import Table

EDITABLE_BOOTH = own_rows.WEB.booth_columns  # booth number, area and hall are the organiser's
MAX_ROWS = 200  # per section: far more journeys, legs or materials than one booth has
SUBMISSIONS = "submissions.json"
VERSION_FIELD = "rows_version"


class RowsChanged(CarbonExpoError):
    """The exhibitor's rows changed in the tables since the page was opened (the organiser
    edited them, or another save): rows are matched by position, so the save is refused."""


@dataclass
class Entry:
    """What an exhibitor entered: per section, (form index, cell texts) of non-blank rows."""

    rows: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    version: str | None = None  # the rows' version the page was made from


@dataclass
class Checked:
    """Field errors ({field: [problem]}), errors not tied to a field, the typed rows that
    passed (per table, for the estimate) and whether the save may go ahead. A problem's
    message names its place on the page (booth 1: …); Problem.text(lang) shows it in the
    reader's language."""

    errors: dict[str, list[Problem]]
    general: list[Problem]
    tables: dict[str, Table]
    blocking: int = 0  # problems in what the person can change on the page
    notes: list[Problem] = field(default_factory=list)  # not theirs: said, not blocking
    factors: list[Factor] = field(default_factory=list)  # the event's own, for the estimate

    @property
    def ok(self) -> bool:
        return self.blocking == 0


# per section, the exhibitor's rows now in the tables, as written (staff: their
# exhibitor_staff journeys; other travel groups named after them are not shown)
current = own_rows.current


def entry_of(sections: dict[str, list[dict[str, str]]], version: str | None = None) -> Entry:
    return Entry({s: list(enumerate(rows)) for s, rows in sections.items()}, version)


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
    entry = Entry(version=str(fields.get(VERSION_FIELD, "")).strip() or None)
    for section, rows in grid.items():
        kept = [(i, cells) for i, cells in sorted(rows.items()) if any(cells.values())]
        entry.rows[section] = kept
    return entry


def booth_rows(folder: Path, exhibitor: str, entry: Entry | None = None) -> list[dict[str, str]]:
    """The exhibitor's booths.csv rows, with the build type they chose (the rest is the
    organiser's and cannot be changed from the page)."""
    rows = own_rows.current(folder, exhibitor, sections=("booth",))["booth"]
    chosen = dict(entry.rows.get("booth", [])) if entry else {}
    for i, row in enumerate(rows):
        for column in EDITABLE_BOOTH:
            if i in chosen and column in chosen[i]:
                row[column] = chosen[i][column]
    return rows


def _plan(
    folder: Path,
    exhibitor: str,
    entry: Entry,
    config: EventConfig,
    documents: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return own_rows.plan_edit(
        folder, exhibitor, entry.rows, own_rows.WEB, config.timezone, documents
    )


def check(folder: Path, exhibitor: str, entry: Entry) -> Checked:
    """Check the entry exactly as the event files are checked: the exhibitor's rows as they
    would be after the save (hidden columns kept) are read by the table reader and run through
    the calculation's checks; each problem goes back to the field it came from."""
    config, factors = settings_of(folder)
    plan = _plan(folder, exhibitor, entry, config)
    return _checked(own_rows.check_rows(plan, config, factors), factors)


def _checked(result: own_rows.CheckedRows, factors: list[Factor]) -> Checked:
    errors: dict[str, list[Problem]] = {}
    general: list[Problem] = []
    notes: list[Problem] = []
    blocking = 0
    for rp in result.problems:
        p = rp.problem
        if rp.entered is None:  # a row of theirs the page does not show: the organiser's
            notes.append(_said(p, f"{p.file} row {rp.position + 1} of yours: {p.message}"))
            continue
        section, index = rp.entered
        row = f"{section}-{index}"
        if section == "booth" and p.column not in EDITABLE_BOOTH:
            notes.append(_said(p, f"booth {index + 1}: {p.column}: {p.message}"))
            continue
        blocking += 1
        if p.column in SECTIONS[section].columns:
            errors.setdefault(f"{row}-{p.column}", []).append(p)
        else:
            errors.setdefault(row, []).append(_said(p, f"{p.column}: {p.message}"))
    for p in result.general:
        blocking += 1
        general.append(p)
    return Checked(errors, general, result.tables, blocking, notes, factors)


def _said(p: Problem, message: str) -> Problem:
    return dataclasses.replace(p, message=message)


def open_days(config: EventConfig) -> float:
    return float((config.phases.open.end - config.phases.open.start).days + 1)


def estimate(config: EventConfig, exhibitor: str, checked: Checked) -> Estimate:
    """The booth's footprint from the rows that passed: what `calc` attributes to those rows,
    plus the estimator's defaults for what an exhibitor cannot measure (booth power) or has
    not entered (build materials)."""
    from carbonexpo.booth.estimate import estimate_from_tables

    booths = checked.tables.get("booths")
    area = float(booths.df["area_m2"].sum()) if booths is not None and booths.rows else 0.0
    builds = (
        [str(b) for b in booths.df["build"].dropna()]
        if booths is not None and "build" in booths.df
        else []
    )
    spec = BoothSpec(
        area_m2=area or 1.0,
        build=builds[0] if builds else "shell",
        days=open_days(config),
        exhibitor=exhibitor,
        booth=", ".join(str(b) for b in booths.df["booth"]) if booths is not None else "",
    )
    tables = {t: v for t, v in checked.tables.items() if t != "booths"}
    return estimate_from_tables(spec, config, tables, checked.factors)


PAGE_GROUPS = ("materials", "electricity", "travel", "accommodation", "logistics")


@dataclass(frozen=True)
class PageEstimate:
    """The live estimate as the page shows it: tCO2e per category (those from defaults, not
    from entered rows, flagged), the total, the assumptions as notes; `partial` when some
    entered rows were set aside, `error` when no estimate could be made."""

    groups: list[dict[str, Any]]
    total_tco2e: float | None
    assumptions: list[Any]
    partial: bool
    error: str | None = None


def page_estimate(folder: Path, exhibitor: str, entry: Entry, checked: Checked) -> PageEstimate:
    """The live estimate of an exhibitor's page: calc's lines of the entered rows that
    passed, plus the defaults for what cannot be entered (booth power, build materials)."""
    from carbonexpo.booth.estimate import GROUPS

    try:
        est = estimate(settings_of(folder)[0], exhibitor, checked)
    except CarbonExpoError as exc:
        return PageEstimate([], None, [], not checked.ok, str(exc))
    materials_given = "materials" in checked.tables
    groups = [
        {
            "key": category,
            "tco2e": est.by_group.get(label, 0.0),
            "estimated": category == "electricity"
            or (category == "materials" and not materials_given),
        }
        for category, label in GROUPS.items()
        if category in PAGE_GROUPS or est.by_group.get(label, 0.0)
    ]
    return PageEstimate(groups, est.total_tco2e, list(est.assumptions), not checked.ok)


def opened(folder: Path, exhibitor: str) -> tuple[dict[str, list[dict[str, str]]], Entry]:
    """The exhibitor's rows as the page opens them, and the entry they make (with the
    fingerprint a save must match)."""
    documents = own_rows.read_documents(folder)
    sections = current(folder, exhibitor, documents)
    return sections, entry_of(sections, own_rows.version(folder, exhibitor, documents))


def rows_as_entered(entry: Entry, section: str) -> list[dict[str, str]]:
    """The entered rows back in their form positions (so errors stay next to their field)."""
    columns = SECTIONS[section].columns
    rows = dict(entry.rows.get(section, []))
    if section == "booth" or not rows:
        return [{c: rows.get(i, {}).get(c, "") for c in columns} for i in range(len(rows))]
    return [{c: rows.get(i, {}).get(c, "") for c in columns} for i in range(max(rows) + 1)]


@cache
def materials(set_ids: tuple[str, ...]) -> list[str]:
    """Material names the event's factor sets price (material.<name>.<origin>)."""
    from carbonexpo.factors.catalog import load_set

    names: set[str] = set()
    for set_id in set_ids:
        for key in load_set(set_id).by_key():
            if key.startswith("material."):
                names.add(key.split(".")[1])
    return sorted(names)


def choices(set_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the selects of the page offer (codes; the page shows their labels)."""
    return {
        "mode": TRAVEL_MODES,
        "freight_mode": FREIGHT_MODES,
        "cabin": SCHEMAS["travel"].column("cabin").choices,
        "build": SCHEMAS["booths"].column("build").choices,
        "material_origin": SCHEMAS["materials"].column("origin").choices,
        "material": materials(set_ids),
        "columns": {name: sheet.columns for name, sheet in SECTIONS.items()},
    }


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
            recover(folder)  # a save a crash interrupted: whole, or not at all
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(folder: Path, exhibitor: str, entry: Entry) -> tuple[Checked, dict[str, int] | None]:
    """Check the entry and, when nothing in it is wrong, write it: under the folder lock, the
    exhibitor's rows are edited where they were edited (other rows, columns the page does not
    show and row order stay byte for byte), new rows appended, cleared rows removed. Returns
    the check and the rows per table (None: not saved)."""
    with folder_lock(folder):
        documents = own_rows.read_documents(folder)  # read once: version, then the plan
        if entry.version is not None and entry.version != own_rows.version(
            folder, exhibitor, documents
        ):
            raise RowsChanged(
                "your rows were changed in the event tables since this page was opened "
                "(by the organiser or another save): open the page again to see them"
            )
        config, factors = settings_of(folder)
        plan = _plan(folder, exhibitor, entry, config, documents)
        checked = _checked(own_rows.check_rows(plan, config, factors), factors)
        if not checked.ok:
            return checked, None
        counts = own_rows.write(plan)
        log = submissions(folder)
        log[exhibitor] = {
            "saved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": {t: n for t, n in counts.items() if t != "booths"},
        }
        write_private(
            folder / STATE_DIR / SUBMISSIONS, json.dumps(log, ensure_ascii=False, indent=1) + "\n"
        )
    return checked, counts


def submissions(folder: Path) -> dict[str, dict[str, Any]]:
    """Who saved their data from the web, when, and how many rows."""
    path = folder / STATE_DIR / SUBMISSIONS
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
