"""Exhibitor data forms: an .xlsx sent to exhibitors (pre-filled with their rows), and
returned forms laid over the event tables by booth.own_rows, as a web save is: the form's cells
are read and checked by the table reader, a cell changes only where it reads differently, so
importing the same form twice changes nothing. Bad cells are reported as FILE:SHEET:CELL.

Text is never turned into a formula: the form writes every text cell as a string (even one
starting with = + - @), and a returned form whose cell holds a formula is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonexpo.errors import InputError, Problem
from carbonexpo.identifiers import name_key
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.writers import write_atomic


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str  # event table the rows go to
    columns: tuple[str, ...]  # form columns (the table's columns, minus exhibitor)
    fixed: dict[str, str]  # values set on every row (e.g. group)
    hint: str


SHEETS = (
    Sheet(
        "Booth",
        "booths",
        ("booth", "area_m2", "build", "hall"),
        {},
        "one row per booth: booth number, floor area in m², build type, hall",
    ),
    Sheet(
        "Staff",
        "travel",
        ("origin", "mode", "travellers", "round_trips", "distance_km", "cabin"),
        {"group": "exhibitor_staff"},
        "staff journeys to the show: origin city or airport code, mode, people, round trips",
    ),
    Sheet(
        "Freight",
        "logistics",
        ("shipment", "mode", "mass_kg", "distance_km", "origin", "destination"),
        {},
        "exhibit freight legs: one row per leg, mass in kg",
    ),
    Sheet(
        "Materials",
        "materials",
        ("material", "mass_kg", "origin"),
        {},
        "stand materials in kg: material (timber, mdf, aluminium, steel, carpet, pvc_print, "
        "paper, glass, plastic), origin (virgin, recycled, reused)",
    ),
    Sheet(
        "Hotels",
        "accommodation",
        ("country", "room_nights"),
        {},
        "hotel room-nights by country (ISO code, e.g. CN)",
    ),
)
INSTRUCTIONS = "Instructions"
FORM_VERSION = "2"  # 2: carries the event id and this version (spec §9)
# label -> row of the Instructions sheet (column B holds the value)
FORM_FIELDS = {"Event": 2, "Event id": 3, "Form version": 4, "Exhibitor": 5}


def _text_cell(cell: Any, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the first character


def write_form(
    path: Path,
    *,
    event_id: str,
    event_name: str = "",
    exhibitor: str = "",
    prefill: dict[str, list[dict[str, str]]] | None = None,
) -> None:
    """The form; `prefill` (per sheet name in lower case, the exhibitor's rows now in the
    tables) pre-fills it, so that a form returned unchanged changes nothing."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTIONS
    rows = [
        ("carbonexpo exhibitor form", ""),
        ("Event", event_name),
        ("Event id", event_id),
        ("Form version", FORM_VERSION),
        ("Exhibitor", exhibitor),
        ("", ""),
        ("Fill one sheet per topic; leave a sheet empty when it does not apply.", ""),
    ]
    rows += [(s.name, s.hint) for s in SHEETS]
    for r, (a, b) in enumerate(rows, start=1):
        _text_cell(info.cell(r, 1), a)
        _text_cell(info.cell(r, 2), b)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        schema = SCHEMAS[sheet.table]
        for r, row in enumerate((prefill or {}).get(sheet.name.lower(), []), start=2):
            for c, name in enumerate(sheet.columns, start=1):
                if row.get(name):
                    _text_cell(ws.cell(r, c), row[name])  # as written in the table: its text
        for c, name in enumerate(sheet.columns, start=1):
            _text_cell(ws.cell(1, c), name)
            ws.column_dimensions[ws.cell(1, c).column_letter].width = 16
            col = schema.column(name)
            if col.kind == "enum":
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True
                )
                letter = ws.cell(1, c).column_letter
                dv.add(f"{letter}2:{letter}1000")
                ws.add_data_validation(dv)
    write_atomic(path, lambda p: wb.save(p))


@dataclass
class ReturnedForm:
    """A returned form: whose it is, the cell texts entered per section as (row index among
    the sheet's non-blank rows, cells), where each of those rows is on its sheet, and the
    problems of the form itself (header, formulas)."""

    file: str
    exhibitor: str
    entered: dict[str, list[tuple[int, dict[str, str]]]]
    sheet_rows: dict[tuple[str, int], int]  # (section, index) -> spreadsheet row
    problems: list[Problem]

    def where(self, section: str, index: int, column: str) -> str:
        sheet = next(s for s in SHEETS if s.name.lower() == section)
        row = self.sheet_rows[(section, index)]
        if column in sheet.columns:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(sheet.columns.index(column) + 1)
            return f"{self.file}:{sheet.name}:{letter}{row}"
        return f"{self.file}:{sheet.name}:{row}"


def read_form(path: Path, event_id: str) -> ReturnedForm:
    """One returned form made for event `event_id`, its cells as the texts a table file would
    hold (numbers without a trailing .0, dates as YYYY-MM-DD): they are read and checked by the
    table reader, like every other entry."""
    from openpyxl import load_workbook

    from carbonexpo.io.tables import cell_text, xlsx_problem

    file = path.name
    problems: list[Problem] = []
    form = ReturnedForm(file, "", {}, {}, problems)
    if (bad := xlsx_problem(path, file)) is not None:
        problems.append(bad)
        return form
    try:
        wb = load_workbook(path, read_only=False, data_only=False)
    except Exception:  # not an xlsx at all
        problems.append(
            Problem(
                file, 0, "",
                "cannot read the form: not an .xlsx workbook (save it from Excel or WPS as .xlsx)",
                "unreadable",
            )
        )  # fmt: skip
        return form
    fields: dict[str, str] = {}
    if INSTRUCTIONS in wb.sheetnames:
        ws = wb[INSTRUCTIONS]
        for row in ws.iter_rows(min_row=1, max_row=12, max_col=2):
            if isinstance(row[0].value, str) and row[0].value in FORM_FIELDS:
                fields[row[0].value] = str(row[1].value or "").strip()

    def header_problem(label: str, message: str, code: str) -> Problem:
        cell = f"B{FORM_FIELDS[label]}"
        return Problem(file, 0, cell, message, code, where=f"{file}:{INSTRUCTIONS}:{cell}")

    form.exhibitor = fields.get("Exhibitor", "")
    if not form.exhibitor:
        problems.append(header_problem("Exhibitor", "the exhibitor's name is empty", "empty"))
    if fields.get("Form version") != FORM_VERSION:
        problems.append(
            header_problem(
                "Form version",
                f"form version {fields.get('Form version') or 'missing'}, expected "
                f"{FORM_VERSION}: make a new form with `carbonexpo init FOLDER --exhibitor-form`",
                "form_version",
            )
        )
    elif fields.get("Event id") != event_id:
        problems.append(
            header_problem(
                "Event id",
                f"this form is for event {fields.get('Event id')!r}, not {event_id!r}",
                "foreign_form",
            )
        )
    for sheet in SHEETS:
        section = sheet.name.lower()
        if sheet.name not in wb.sheetnames:
            problems.append(
                Problem(file, 0, "", "sheet missing", "missing", where=f"{file}:{sheet.name}")
            )
            continue
        ws = wb[sheet.name]
        header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
        header = header[: len(sheet.columns)]
        if tuple(header) != sheet.columns:
            problems.append(
                Problem(
                    file,
                    0,
                    "A1",
                    f"header changed: expected {', '.join(sheet.columns)}",
                    "bad_header",
                    where=f"{file}:{sheet.name}:A1",
                )
            )
            continue
        rows: list[tuple[int, dict[str, str]]] = []
        for r in ws.iter_rows(min_row=2, max_col=len(sheet.columns)):
            if all(
                c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in r
            ):
                continue
            cells: dict[str, str] = {}
            for cell, name in zip(r, sheet.columns, strict=True):
                if cell.data_type == "f":
                    problems.append(
                        Problem(
                            file,
                            0,
                            cell.coordinate,
                            "formulas are not accepted: enter the value itself",
                            "formula",
                            where=f"{file}:{sheet.name}:{cell.coordinate}",
                        )
                    )
                    continue
                text = cell_text(cell.value)
                if text:
                    cells[name] = text
            form.sheet_rows[(section, len(rows))] = r[0].row
            rows.append((len(rows), cells))
        form.entered[section] = rows
    return form


def import_forms(folder: Path, forms: list[Path]) -> dict[str, int]:
    """Check every form as the event files are checked (the exhibitor's rows after the import
    are read and checked like the tables), then write them all; nothing is written if any
    cell is bad. Rows of a form are matched to the exhibitor's rows by position: a cell changes
    only when it reads differently (a pre-filled form returned unchanged changes no byte)."""
    from carbonexpo.booth import own_rows
    from carbonexpo.booth.entry import folder_lock
    from carbonexpo.io.event import settings_of

    with folder_lock(folder):
        config, factors = settings_of(folder)
        problems: list[Problem] = []
        returned = [read_form(f, config.id) for f in forms]
        seen: dict[str, str] = {}
        documents: dict[str, Any] = {}
        plans: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for form in returned:
            problems += form.problems
            key = same_exhibitor(form.exhibitor)
            if form.exhibitor and key in seen:
                problems.append(
                    Problem(
                        form.file,
                        0,
                        "",
                        f"a second form for {form.exhibitor!r} (the first: {seen[key]})",
                        "duplicate_form",
                        where=form.file,
                    )
                )
                continue
            seen[key] = form.file
            formulas = {p.where for p in form.problems if p.code == "formula"}
            if any(p.code != "formula" for p in form.problems):
                continue  # not this event's form, or its sheets changed: the cells mean nothing
            plan = own_rows.plan_edit(
                folder, form.exhibitor, form.entered, own_rows.FORM, config.timezone, documents
            )
            checked = own_rows.check_rows(plan, config, factors)
            for rp in checked.problems:
                if rp.entered is None:
                    continue  # a row of the organiser's the form does not hold
                section, index = rp.entered
                p = rp.problem
                where = form.where(section, index, p.column)
                if where not in formulas:  # a formula's cell is said once, as a formula
                    problems.append(
                        Problem(
                            form.file, 0, p.column, p.message, p.code, where=where, detail=p.detail
                        )
                    )
            problems += [
                Problem(form.file, 0, p.column, p.message, p.code, where=f"{form.file}: {p}")
                for p in checked.general
            ]
            for table, edit in plan.items():  # one document per table, shared by the plans
                if table in plans:
                    edit.changed = edit.changed or plans[table].changed
                plans[table] = edit
                counts[table] = counts.get(table, 0) + sum(r.entered is not None for r in edit.rows)
        if problems:
            raise InputError(problems)
        own_rows.write(plans)
    return counts


def same_exhibitor(name: object) -> str:
    """The form of a name that decides whose rows these are: case, spacing, full-width forms
    and invisible characters do not count ('acme  co.' is 'Acme Co.'; identifiers.name_key),
    as when a calculation aligns names with booths.csv."""
    return name_key(name)
