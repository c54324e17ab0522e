"""Exhibitor data forms: an .xlsx sent to exhibitors, and merging returned forms into the
event tables (rows of a returned form replace that exhibitor's earlier rows, so importing the
same form twice changes nothing). Bad cells are reported as FILE:SHEET:CELL.

Text is never turned into a formula: the form writes every text cell as a string (even one
starting with = + - @), and a returned form whose cell holds a formula is refused."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonexpo.errors import CarbonExpoError, InputError, Problem, raise_if
from carbonexpo.io.schema import SCHEMAS, Column
from carbonexpo.io.writers import write_atomic, write_frame_csv
from carbonexpo.units import UnitProblem, check_unit


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


def write_form(path: Path, *, event_id: str, event_name: str = "", exhibitor: str = "") -> None:
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


def _cell_problems(value: Any, col: Column) -> tuple[Any, str, str]:
    """(converted value, problem or '', its code) — the same rules and codes as a table file."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("required value is empty" if col.required else ""), "empty"
    if col.kind in ("float", "int"):
        if isinstance(value, bool):
            return None, "not a number", "not_numeric"
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None, f"not a number: {value!r}", "not_numeric"
        if not math.isfinite(number):
            return None, "not a finite number", "not_finite"
        if col.minimum is not None and number < col.minimum:
            return None, "negative value", "negative"
        if col.maximum is not None and number > col.maximum:
            return (
                None,
                f"value above {col.maximum:g}: not physically meaningful for one event",
                "range",
            )
        if col.positive and number <= 0:
            return None, "must be greater than 0", "not_positive"
        if col.integer and not number.is_integer():
            return None, "not a whole number", "not_integer"
        return (int(number) if number.is_integer() else number), "", ""  # 6, not 6.0
    text = str(value).strip()
    if col.kind == "enum":
        canonical = {c.lower(): c for c in col.choices}.get(text.lower())
        if canonical is None:
            return (
                None,
                f"unknown value {text!r} (allowed: {', '.join(col.choices)})",
                "unknown_value",
            )
        return canonical, "", ""
    if col.kind == "unit":
        try:
            check_unit(text)
        except UnitProblem as exc:
            return None, str(exc), "unknown_unit"
    return text, "", ""


def read_form(
    path: Path, event_id: str
) -> tuple[str, dict[str, list[dict[str, Any]]], list[Problem]]:
    """(exhibitor, rows per table, problems) of one returned form made for event `event_id`."""
    from openpyxl import load_workbook

    file = path.name
    problems: list[Problem] = []
    try:
        wb = load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # not an xlsx at all
        return "", {}, [Problem(file, 0, "", f"cannot read the form: {exc}", "unreadable")]
    fields: dict[str, str] = {}
    if INSTRUCTIONS in wb.sheetnames:
        ws = wb[INSTRUCTIONS]
        for row in ws.iter_rows(min_row=1, max_row=12, max_col=2):
            if isinstance(row[0].value, str) and row[0].value in FORM_FIELDS:
                fields[row[0].value] = str(row[1].value or "").strip()

    def header_problem(label: str, message: str, code: str) -> Problem:
        cell = f"B{FORM_FIELDS[label]}"
        return Problem(file, 0, cell, message, code, where=f"{file}:{INSTRUCTIONS}:{cell}")

    exhibitor = fields.get("Exhibitor", "")
    if not exhibitor:
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
    tables: dict[str, list[dict[str, Any]]] = {}
    for sheet in SHEETS:
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
        schema = SCHEMAS[sheet.table]
        for r in ws.iter_rows(min_row=2, max_col=len(sheet.columns)):
            if all(
                c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in r
            ):
                continue
            record: dict[str, Any] = dict(sheet.fixed)
            for cell, name in zip(r, sheet.columns, strict=True):
                where = f"{file}:{sheet.name}:{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(
                        Problem(
                            file,
                            0,
                            cell.coordinate,
                            "formulas are not accepted: enter the value itself",
                            "formula",
                            where=where,
                        )
                    )
                    continue
                value, why, code = _cell_problems(cell.value, schema.column(name))
                if why:
                    problems.append(Problem(file, 0, cell.coordinate, why, code, where=where))
                record[name] = value
            tables.setdefault(sheet.table, []).append(record)
    return exhibitor, tables, problems


def import_forms(folder: Path, forms: list[Path]) -> dict[str, int]:
    """Validate every form, then merge all of them; nothing is written if any cell is bad."""
    from carbonexpo.io.event import load_config

    config, problems = load_config(folder / "event.yaml")
    raise_if(problems)
    assert config is not None
    merged: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for form in forms:
        exhibitor, tables, form_problems = read_form(form, config.id)
        problems += form_problems
        if exhibitor in merged:
            problems.append(
                Problem(
                    form.name,
                    0,
                    "",
                    f"a second form for {exhibitor!r}",
                    "duplicate_form",
                    where=form.name,
                )
            )
        merged[exhibitor] = tables
    if problems:
        raise InputError(problems)
    return merge_rows(folder, merged)


def same_exhibitor(name: object) -> str:
    """The form of a name that decides whose rows these are: case and spacing do not count
    ('acme  co.' is 'Acme Co.'), as when a calculation aligns names with booths.csv."""
    return " ".join(str(name).lower().split())


def merge_rows(
    folder: Path,
    merged: dict[str, dict[str, list[dict[str, Any]]]],
    tables: tuple[str, ...] | None = None,
) -> dict[str, int]:
    """Replace each exhibitor's rows of `tables` (default: every table of the form) by the
    given ones; other exhibitors' rows are kept as written. Each file is replaced atomically."""
    counts: dict[str, int] = {}
    names = {same_exhibitor(ex) for ex in merged}
    for table in tables or tuple(dict.fromkeys(s.table for s in SHEETS)):
        path = folder / f"{table}.csv"
        if (folder / f"{table}.xlsx").exists():
            raise CarbonExpoError(
                f"{table}.xlsx exists in {folder}: merge forms into CSV tables only"
            )
        columns = [c.name for c in SCHEMAS[table].columns]
        existing = (
            pd.read_csv(path, dtype=str, keep_default_na=False)
            if path.exists()
            else pd.DataFrame(columns=columns)
        )
        if "exhibitor" not in existing:
            existing["exhibitor"] = ""
        keep = existing[~existing["exhibitor"].map(same_exhibitor).isin(names)]
        new_rows = [
            {**row, "exhibitor": ex}
            for ex, tables_ in merged.items()
            for row in tables_.get(table, [])
        ]
        new = pd.DataFrame(new_rows, columns=columns, dtype=object)
        # the file keeps its columns; a column it lacks is added only when a new row fills it
        filled = {c for c in columns if new[c].map(lambda v: pd.notna(v) and v != "").any()}
        out = pd.concat([keep, new], ignore_index=True)[
            [c for c in columns if c in keep.columns or c in filled]
        ]
        counts[table] = len(new_rows)
        if new_rows or path.exists():
            write_frame_csv(path, out)
    return counts
