"""Exhibitor data forms: an .xlsx sent to exhibitors (pre-filled with their rows), and
returned forms laid over the event tables by booth.own_rows, as a web save is: the form's cells
are read and checked by the table reader, a cell changes only where it reads differently, so
importing the same form twice changes nothing. Bad cells are reported as FILE:SHEET:CELL.

Text is never turned into a formula: the form writes every text cell as a string (even one
starting with = + - @), and a returned form whose cell holds a formula is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carbonexpo.errors import InputError, Problem, said_problem
from carbonexpo.identifiers import name_key
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.writers import write_atomic
from carbonexpo.words import LANGS, TEXTS, Said, said, say


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str  # event table the rows go to
    columns: tuple[str, ...]  # form columns (the table's columns, minus exhibitor)
    fixed: dict[str, str]  # values set on every row (e.g. group)


SHEETS = (
    Sheet(
        "Booth",
        "booths",
        ("booth", "area_m2", "build", "hall"),
        {},
    ),
    Sheet(
        "Staff",
        "travel",
        ("origin", "mode", "travellers", "round_trips", "distance_km", "cabin"),
        {"group": "exhibitor_staff"},
    ),
    Sheet(
        "Freight",
        "logistics",
        ("shipment", "mode", "mass_kg", "distance_km", "origin", "destination"),
        {},
    ),
    Sheet(
        "Materials",
        "materials",
        ("material", "mass_kg", "origin"),
        {},
    ),
    Sheet(
        "Hotels",
        "accommodation",
        ("country", "room_nights"),
        {},
    ),
)
INSTRUCTIONS = "Instructions"
FORM_VERSION = "2"  # 2: carries the event id and this version (spec §9)
# label -> row of the Instructions sheet (column B holds the value)
FORM_FIELDS = {"Event": 2, "Event id": 3, "Form version": 4, "Exhibitor": 5}


def sheet_title(sheet: Sheet, lang: str) -> str:
    return say("ui.form_sheet_" + sheet.name.lower(), lang)


def column_label(sheet: Sheet, column: str, lang: str) -> str:
    """A form column's header in `lang` (the web page's label for it)."""
    key = "material_origin" if (sheet.table == "materials" and column == "origin") else column
    key = {"booth": "booth_no", "area_m2": "area"}.get(key, key)
    return say("ui." + key, lang)


def say_term(code: str, lang: str) -> str:
    return say("glossary." + code, lang) if "glossary." + code in TEXTS["en"] else code


def sheet_names(sheet: Sheet) -> set[str]:
    """Every title the sheet may have: its name and its title in each language."""
    return {sheet.name} | {sheet_title(sheet, lang) for lang in LANGS}


def header_names(sheet: Sheet, column: str) -> set[str]:
    """What a header cell may say: the column's name or its label in any language."""
    return {column} | {column_label(sheet, column, lang) for lang in LANGS}


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
    lang: str = "en",
) -> None:
    """The form in `lang` (sheet names, headers, instructions; the cells' values are the
    tables' own, so a form in either language is read back the same); `prefill` (per sheet
    name in lower case, the exhibitor's rows now in the tables) pre-fills it, so that a form
    returned unchanged changes nothing."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = say("ui.form_instructions", lang)
    rows = [
        (say("ui.form_title", lang), ""),
        *((say("ui.form_field_" + key, lang), value) for key, value in (
            ("event", event_name), ("event_id", event_id), ("version", FORM_VERSION),
            ("exhibitor", exhibitor),
        )),
        ("", ""),
        (say("ui.form_fill", lang), ""),
    ]  # fmt: skip
    rows += [(sheet_title(s, lang), say("ui.form_hint_" + s.name.lower(), lang)) for s in SHEETS]
    rows += [("", ""), (say("ui.form_codes", lang), "")]
    for s_ in SHEETS:
        schema = SCHEMAS[s_.table]
        for name in s_.columns:
            col = schema.column(name)
            if col.kind == "enum":
                terms = ", ".join(f"{c} = {say_term(c, lang)}" for c in col.choices)
                rows.append((f"{sheet_title(s_, lang)} · {column_label(s_, name, lang)}", terms))
    for r, (a, b) in enumerate(rows, start=1):
        _text_cell(info.cell(r, 1), a)
        _text_cell(info.cell(r, 2), b)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 100
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet_title(sheet, lang))
        schema = SCHEMAS[sheet.table]
        for r, row in enumerate((prefill or {}).get(sheet.name.lower(), []), start=2):
            for c, name in enumerate(sheet.columns, start=1):
                if row.get(name):
                    _text_cell(ws.cell(r, c), row[name])  # as written in the table: its text
        for c, name in enumerate(sheet.columns, start=1):
            _text_cell(ws.cell(1, c), column_label(sheet, name, lang))
            ws.column_dimensions[ws.cell(1, c).column_letter].width = 18
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
    titles: dict[str, str] = field(default_factory=dict)  # section -> the sheet's title

    def where(self, section: str, index: int, column: str) -> str:
        sheet = next(s for s in SHEETS if s.name.lower() == section)
        row = self.sheet_rows[(section, index)]
        if column in sheet.columns:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(sheet.columns.index(column) + 1)
            return f"{self.file}:{self.titles.get(section, sheet.name)}:{letter}{row}"
        return f"{self.file}:{self.titles.get(section, sheet.name)}:{row}"


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
        problems.append(said_problem(file, 0, "", said("detail.form_not_xlsx"), "unreadable"))
        return form
    fields: dict[str, str] = {}
    titles = {INSTRUCTIONS} | {say("ui.form_instructions", lang) for lang in LANGS}
    info_title = next((t for t in wb.sheetnames if t in titles), INSTRUCTIONS)
    if info_title in wb.sheetnames:
        ws = wb[info_title]
        for label, row_number in FORM_FIELDS.items():  # by place: the labels are translated
            fields[label] = str(ws.cell(row_number, 2).value or "").strip()

    def header_problem(label: str, message: Said, code: str) -> Problem:
        cell = f"B{FORM_FIELDS[label]}"
        return said_problem(file, 0, cell, message, code, where=f"{file}:{info_title}:{cell}")

    form.exhibitor = fields.get("Exhibitor", "")
    if not form.exhibitor:
        problems.append(header_problem("Exhibitor", said("detail.form_no_exhibitor"), "empty"))
    if fields.get("Form version") != FORM_VERSION:
        problems.append(
            header_problem(
                "Form version",
                said(
                    "detail.form_version",
                    found=fields.get("Form version") or "missing",
                    expected=FORM_VERSION,
                ),
                "form_version",
            )
        )
    elif fields.get("Event id") != event_id:
        problems.append(
            header_problem(
                "Event id",
                said("detail.form_other_event", found=fields.get("Event id"), event=event_id),
                "foreign_form",
            )
        )
    for sheet in SHEETS:
        section = sheet.name.lower()
        title = next((t for t in wb.sheetnames if t in sheet_names(sheet)), None)
        if title is None:
            problems.append(
                said_problem(
                    file,
                    0,
                    "",
                    said("detail.form_sheet_missing"),
                    "missing",
                    where=f"{file}:{sheet.name}",
                )
            )
            continue
        ws = wb[title]
        form.titles[section] = title
        header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
        header = header[: len(sheet.columns)]
        if len(header) != len(sheet.columns) or any(
            h not in header_names(sheet, c) for h, c in zip(header, sheet.columns, strict=False)
        ):
            problems.append(
                said_problem(
                    file,
                    0,
                    "A1",
                    said("detail.form_header_changed", expected=", ".join(sheet.columns)),
                    "bad_header",
                    where=f"{file}:{title}:A1",
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
                        said_problem(
                            file,
                            0,
                            cell.coordinate,
                            said("detail.form_formula"),
                            "formula",
                            where=f"{file}:{title}:{cell.coordinate}",
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
                    said_problem(
                        form.file,
                        0,
                        "",
                        said("detail.form_second", exhibitor=form.exhibitor, first=seen[key]),
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
                Problem(
                    form.file,
                    0,
                    p.column,
                    p.message,
                    p.code,
                    where=f"{form.file}: {p}",
                    detail=p.detail,
                )
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
