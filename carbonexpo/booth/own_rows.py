"""An exhibitor's own rows of the event tables, edited where a person entered them (the web
page, a returned .xlsx form) and checked exactly as `validate` and `calc` check the files.

One path for both: the entry is laid over the rows now in the tables (`plan_edit`), which
changes only the cells that were edited (untouched rows, their order, columns the entry does
not show and every other exhibitor's rows stay byte for byte), appends new rows and removes
deleted ones; the exhibitor's rows after the edit are then read by the table reader and run
through the checks of the calculation (`check_rows`), each problem tied back to the place
where it was typed.

A row of the entry is matched to the exhibitor's rows of its section by position: entry row
i is the exhibitor's i-th row of that section as the page or form showed it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from carbonexpo.booth.forms import SHEETS, Sheet, same_exhibitor
from carbonexpo.config import EventConfig
from carbonexpo.errors import CarbonExpoError, Problem
from carbonexpo.factors.catalog import Factor
from carbonexpo.io.csv_document import CsvDocument, Record
from carbonexpo.io.journal import replace_together
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import Table, read_rows, read_values
from carbonexpo.io.writers import FORMULA_START

SECTIONS: dict[str, Sheet] = {s.name.lower(): s for s in SHEETS}
TRAVEL_GROUP = SECTIONS["staff"].fixed["group"]
Compare = Literal["text", "reading"]


@dataclass(frozen=True)
class Rules:
    """What an entry may change. The web page: the build type of the organiser's booths only;
    an exhibitor form imported by the organiser: booths may be filled and added too."""

    booth_columns: tuple[str, ...] = ("build",)
    add_booths: bool = False
    # text: a cell is edited when its text differs (the page shows the text as stored);
    # reading: when it reads differently ('1,200' and 1200 from a spreadsheet are the same)
    compare: Compare = "text"


WEB = Rules()
FORM = Rules(booth_columns=SECTIONS["booth"].columns, add_booths=True, compare="reading")


def selects(section: str, cells: Mapping[str, str]) -> bool:
    """Whether a row of the exhibitor belongs to the section (staff: their own journeys;
    journeys of other travel groups named after them are the organiser's, not shown)."""
    if section == "staff":
        return cells.get("group", "").strip() in ("", TRAVEL_GROUP)
    return True


@dataclass
class OwnRow:
    """One row of the exhibitor after the edit: all its cells, and where it was entered
    ((section, entry index); None for a row the entry does not show)."""

    cells: dict[str, str]
    entered: tuple[str, int] | None


@dataclass
class TableEdit:
    table: str
    path: Path
    document: CsvDocument
    changed: bool
    rows: list[OwnRow] = field(default_factory=list)  # the exhibitor's rows, in file order


def table_path(folder: Path, table: str) -> Path:
    return folder / f"{table}.csv"


def read_documents(folder: Path) -> dict[str, CsvDocument]:
    """Every table an entry touches, read once (a save checks the version, then plans on them)."""
    return {sheet.table: read_document(folder, sheet.table) for sheet in SECTIONS.values()}


def read_document(folder: Path, table: str) -> CsvDocument:
    path = table_path(folder, table)
    if path.exists():
        doc = CsvDocument.read(path)
        if doc.header:
            return doc
    return CsvDocument.new([c.name for c in SCHEMAS[table].columns])


def own_records(doc: CsvDocument, exhibitor: str, section: str) -> list[Record]:
    key = same_exhibitor(exhibitor)
    return [
        r
        for r in doc.records
        if not r.blank
        and same_exhibitor(doc.get(r, "exhibitor")) == key
        and selects(section, doc.as_dict(r))
    ]


def current(
    folder: Path,
    exhibitor: str,
    documents: Mapping[str, CsvDocument] | None = None,
    sections: tuple[str, ...] = tuple(SECTIONS),
) -> dict[str, list[dict[str, str]]]:
    """Per section, the exhibitor's rows as written (the cells the section shows); the tables
    are read here unless `documents` holds them."""
    out: dict[str, list[dict[str, str]]] = {}
    for name in sections:
        sheet = SECTIONS[name]
        doc = documents[sheet.table] if documents else read_document(folder, sheet.table)
        rows = own_records(doc, exhibitor, name)
        out[name] = [{c: doc.get(r, c).strip() for c in sheet.columns} for r in rows]
    return out


def version(
    folder: Path, exhibitor: str, documents: Mapping[str, CsvDocument] | None = None
) -> str:
    """A fingerprint of the exhibitor's rows as they are now: a page sends it back with a save,
    so that rows changed by someone else in between are not edited by position blindly."""
    docs = documents or read_documents(folder)
    h = hashlib.sha256()
    for name, sheet in SECTIONS.items():
        doc = docs[sheet.table]
        for r in own_records(doc, exhibitor, name):
            h.update(name.encode() + b"\x1e" + "\x1f".join(r.cells).encode("utf-8") + b"\x1e")
    return h.hexdigest()[:32]


def safe_cell(table: str, column: str, text: str) -> str:
    """A text cell as it is stored from the web or a form: one that a spreadsheet would run as a
    formula (= + - @) gets a leading apostrophe, which the reader takes off again (the value
    stays what was typed; docs/exhibitor-entry.md). Numbers are left alone: -5 is a number."""
    kind = SCHEMAS[table].column(column).kind if column != "exhibitor" else "str"
    if kind == "str" and text[:1] in FORMULA_START:
        return "'" + text
    return text


def plan_edit(
    folder: Path,
    exhibitor: str,
    entered: Mapping[str, list[tuple[int, dict[str, str]]]],
    rules: Rules = WEB,
    timezone: str = "UTC",
    documents: dict[str, CsvDocument] | None = None,
) -> dict[str, TableEdit]:
    """The tables after laying `entered` (per section, (entry index, cell texts) of its
    non-blank rows) over the exhibitor's rows. Nothing is written. `documents` (per table)
    carries the tables from one plan to the next, for several exhibitors at once."""
    edits: dict[str, TableEdit] = {}
    for section, sheet in SECTIONS.items():
        if documents is not None and sheet.table in documents:
            doc = documents[sheet.table]
        else:
            doc = read_document(folder, sheet.table)
            if documents is not None:
                documents[sheet.table] = doc
        own = own_records(doc, exhibitor, section)
        given = list(entered.get(section, []))
        booth = section == "booth"
        shown = rules.booth_columns if booth else sheet.columns
        origin: dict[int, tuple[str, int]] = {}  # id(record) -> where it was entered
        on_file = [(i, cells) for i, cells in given if i < len(own)]
        paired = [(own[i], cells) for i, cells in on_file]
        unchanged = _unchanged(doc, paired, shown, sheet.table, rules.compare, timezone)
        changed = False
        for (i, cells), same in zip(on_file, unchanged, strict=True):
            record = own[i]
            origin[id(record)] = (section, i)
            values = {
                c: safe_cell(sheet.table, c, cells.get(c, ""))
                for c in shown
                if not same.get(c, False)
            }
            if values and doc.set(record, values):
                changed = True
        if not booth or rules.add_booths:
            for i, cells in given:
                if i < len(own):
                    continue
                values = {
                    **sheet.fixed,
                    **{c: safe_cell(sheet.table, c, v) for c, v in cells.items() if v},
                }
                record = doc.append({**values, "exhibitor": exhibitor})
                origin[id(record)] = (section, i)
                changed = True
        deletes_rows = not booth or (rules.add_booths and bool(given))
        if deletes_rows:
            kept_ids = {id(record) for record, _ in paired}
            gone = {id(r) for r in own if id(r) not in kept_ids}
            if gone:
                doc.records = [r for r in doc.records if id(r) not in gone]
                changed = True
        key = same_exhibitor(exhibitor)
        rows = [
            OwnRow({**doc.as_dict(r), "exhibitor": exhibitor}, origin.get(id(r)))
            for r in doc.records
            if not r.blank and same_exhibitor(doc.get(r, "exhibitor")) == key
        ]
        edits[sheet.table] = TableEdit(
            sheet.table, table_path(folder, sheet.table), doc, changed, rows
        )
    return edits


def _unchanged(
    doc: CsvDocument,
    paired: list[tuple[Record, dict[str, str]]],
    shown: tuple[str, ...],
    table: str,
    compare: Compare,
    timezone: str,
) -> list[dict[str, bool]]:
    """Per paired row, per shown column: whether the entered cell leaves the stored one as it
    is (same text, or with `reading`, read the same way by the table reader)."""
    if not paired:
        return []
    out: list[dict[str, bool]] = [{} for _ in paired]
    for column in shown:
        old = [doc.get(record, column) for record, _ in paired]
        new = [cells.get(column, "").strip() for _, cells in paired]
        same = [a.strip() == b for a, b in zip(old, new, strict=True)]
        if compare == "reading" and not all(same):
            col = SCHEMAS[table].column(column)
            read = read_values([*old, *new], col, timezone)
            n = len(old)
            same = [
                s or (read[k] is not None and read[k] == read[n + k]) for k, s in enumerate(same)
            ]
        for k, s in enumerate(same):
            out[k][column] = s
    return out


def write(edits: Mapping[str, TableEdit]) -> dict[str, int]:
    """Write the tables an edit changed (each atomically); the exhibitor's rows per table."""
    for edit in edits.values():
        if edit.changed:
            xlsx = edit.path.with_suffix(".xlsx")
            if xlsx.exists():
                raise CarbonExpoError(
                    f"{xlsx.name}: the organiser keeps this table as a spreadsheet; data can be "
                    "saved from the web or a form only into CSV tables"
                )
    changed = [e for e in edits.values() if e.changed]
    if changed:  # the tables of one save change together or not at all
        folder = changed[0].path.parent
        replace_together(folder, {e.path: e.document.text().encode("utf-8") for e in changed})
    return {t: len(e.rows) for t, e in edits.items()}


# -- checking --------------------------------------------------------------------------------


@dataclass
class RowProblem:
    """A problem of one row after the edit, and where that row was entered (None: a row the
    entry does not show)."""

    problem: Problem
    position: int  # among the exhibitor's rows of the table
    entered: tuple[str, int] | None


@dataclass
class CheckedRows:
    problems: list[RowProblem]
    general: list[Problem]  # not tied to a row
    tables: dict[str, Table]  # the rows that passed every check, typed


def check_rows(
    edits: Mapping[str, TableEdit], config: EventConfig, user_factors: list[Factor]
) -> CheckedRows:
    """The exhibitor's rows after the edit, read by the table reader and checked as the
    calculation checks a folder (places, countries, units, factors): the same readings, rules
    and messages as `validate` and `calc` give for the files."""
    from carbonexpo.calc.calculate import line_problems
    from carbonexpo.io.event import EventData, checked_across, without_problem_rows

    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, edit in edits.items():
        if not edit.rows:
            continue
        table, found = read_rows(
            [r.cells for r in edit.rows], SCHEMAS[name], f"{name}.csv", config.timezone
        )
        problems += found
        if table is not None:
            tables[name] = table
    tables, problems = checked_across(config, tables, problems)
    more = line_problems(EventData(Path(), config, tables, "", list(user_factors)))
    if more:
        problems += more
        tables = without_problem_rows(tables, more)
    by_file = {f"{name}.csv": name for name in edits}
    rows: list[RowProblem] = []
    general: list[Problem] = []
    for p in problems:
        name = by_file.get(p.file, "")
        position = p.row - 2
        if not name or not 0 <= position < len(edits[name].rows):
            general.append(p)
            continue
        rows.append(RowProblem(p, position, edits[name].rows[position].entered))
    return CheckedRows(rows, general, tables)
