"""The user reference of the event folder, generated from the schema: `carbonexpo schema
[TABLE]` prints it, docs/event-folder.md is the same text (a test keeps them equal)."""

from __future__ import annotations

from carbonexpo.errors import ArgumentError
from carbonexpo.io.normalise import SYNONYMS, UNIT_OF_COLUMN, closest
from carbonexpo.io.schema import QUALITY_TABLES, SCHEMAS, Column, TableSchema

KIND_TEXT = {
    "str": "text",
    "float": "number",
    "int": "whole number",
    "datetime": "date-time",
    "date": "date",
    "enum": "one of the values listed",
    "unit": "unit",
}
# what a column means, where its name does not say it all (spec §2)
MEANING: dict[str, str] = {
    "energy.meter": "meter id",
    "energy.start": "interval start, local time of the event unless an offset is given",
    "energy.end": "interval end (exclusive)",
    "energy.quantity": "energy or fuel used in the interval",
    "energy.unit": "any unit of the right dimension: kWh, MWh, GJ, m3, L, t …",
    "energy.phase": "derived from start when empty",
    "refrigerants.gas": "e.g. HFC-134a, R-410A, R-32",
    "refrigerants.quantity": "mass topped up (= leaked)",
    "green_power.mwh": "MWh of the instrument",
    "green_power.country": "where it was generated (ISO code or name)",
    "green_power.first": "first serial of the block (inclusive)",
    "green_power.last": "last serial of the block (inclusive)",
    "green_power.beneficiary": "must be the event id",
    "green_power.project_id": "generating project (a GEC and a CCER of one project and year are "
    "one claim twice: both are rejected)",
    **{
        f"{t}.evidence": "relative path of a file of the event folder proving the row (a GEC "
        "cancellation record, a trade settlement, a retirement statement, a BMS export); "
        "prose is kept as a description (docs/evidence.md)"
        for t in ("green_power", "credits", "reported", "energy")
    },
    "travel.origin": "IATA/ICAO code, city, 'City, CC', 'City, Region, CC' or 'lat,lon'",
    "travel.travellers": "people",
    "travel.round_trips": "per traveller (default 1)",
    "travel.distance_km": "one way; computed from origin when empty",
    "travel.cabin": "air only; empty = DESNZ average passenger",
    "accommodation.country": "ISO code or country name (China, 中国)",
    "logistics.mass_kg": "kg, or a value with its unit (2.5 t)",
    "logistics.distance_km": "computed from origin/destination when empty",
    "credits.vintage": "year of the reductions",
    "credits.first": "first serial (one unit = 1 tCO2e)",
    "credits.beneficiary": "must be the event id",
    "factors.unit": "the activity unit the factor is per: kWh, passenger_km, tonne_km …",
    "booths.area_m2": "floor area in m²",
    "visitors.trips": "one-way trips per visitor (default 2: there and back)",
    "visitors.distance_km": "one way; computed from origin when empty",
    "visitors.visitor_id": "the platform's visitor id (optional; else one reward per row)",
    "generation.instrument_id": "an instrument of green_power.csv",
    "generation.start": "interval start (≤ 1 hour long), local time unless an offset is given",
    "generation.mwh": "generated in the interval",
    **{
        f"{t}.quality": "how the amount was obtained, for its uncertainty range; empty = the "
        "table's default (docs/uncertainty.md)"
        for t in QUALITY_TABLES
    },
}
NATURAL_INPUT = """\
## What you may type

The same everywhere: a table file (CSV or .xlsx), an exhibitor's web page and its live estimate,
a returned exhibitor form and the options of `booth estimate` are all read by one reader, with
the same readings (listed under assumptions) and the same messages.

- Numbers with thousands separators: `1,200`, `12,345.6` (a decimal comma such as `1,5` is
  refused: write `1.5`).
- Dates: `2025-06-08`, `2025/06/08`, `2025.6.8`, `2025年6月8日`, `20250608`; date-times with a
  space or `T` before the time; a fraction of a second (`09:27:50.250`) is dropped and said.
  Day/month-first dates (`08/06/2025`) are refused: which is the day?
- Units in any case for the common ones (`kwh`, `MWH`, `gj`) and in Chinese (`度`, `吨`).
- In unit-named columns (`mass_kg`, `distance_km`, `area_m2`) a value with its unit is converted
  (`2.5 t` in `mass_kg` is 2500).
- Countries by ISO code or name in English or Chinese (`CN`, `China`, `中国`); a name in another
  language is refused with the country it looks like (`Deutschland`: did you mean DE, Germany?).
- Enumerations in any case, and these synonyms:
"""
OTHER_FILES = """\
## Files that are not tables

A `.csv`, `.xlsx`, `.parquet`, `.xls`, `.tsv`, `.ods` or `.txt` file whose name is not one of the
tables above is not read: `validate` and `calc` warn about it, naming the closest table
(`travle.csv: … did you mean travel.csv?`), and the report lists the warning under data
quality, so that rows in a misnamed file never vanish from the inventory without a word.
"""


def _column_line(table: TableSchema, c: Column) -> str:
    kind = KIND_TEXT[c.kind]
    bits = [f"`{c.name}`" + (" *" if c.required else ""), kind]
    if c.name in UNIT_OF_COLUMN:
        bits.append(f"in {UNIT_OF_COLUMN[c.name].replace('**2', '²')}")
    if c.minimum is not None or c.positive:
        bits.append("> 0" if c.positive else f"≥ {c.minimum:g}")
    if c.maximum is not None:
        bits.append(f"≤ {c.maximum:g}")
    line = "- " + ", ".join(bits)
    if meaning := MEANING.get(f"{table.name}.{c.name}"):
        line += f" — {meaning}"
    if c.choices:
        line += ": " + " | ".join(c.choices)
    return line


def table_text(name: str) -> str:
    """One table's reference; `name` as a person types it ('travel', 'travel.csv'), an unknown
    one refused with the closest table names."""
    name = name.strip().removesuffix(".csv").removesuffix(".xlsx").removesuffix(".parquet")
    if name not in SCHEMAS:
        close = closest(name, list(SCHEMAS))
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ArgumentError("name", f"unknown table {name!r} (tables: {', '.join(SCHEMAS)}){hint}")
    t = SCHEMAS[name]
    lines = [f"## {name}.csv — {t.description}", ""]
    lines += [_column_line(t, c) for c in t.columns]
    if t.example:
        lines += [
            "",
            "Example row:",
            "",
            "```csv",
            ",".join(c.name for c in t.columns),
            ",".join(t.example.get(c.name, "") for c in t.columns),
            "```",
        ]
    return "\n".join(lines) + "\n"


def reference_text() -> str:
    """The event folder's reference: every table's columns, kinds, units, allowed values
    and an example (docs/event-folder.md holds the same text)."""
    parts = [
        "# The event folder\n",
        "Generated by `carbonexpo schema` from the schema the reader checks against; do not edit",
        "by hand. A folder holds `event.yaml` and any of the tables below, as `.csv` (UTF-8),",
        "`.xlsx` (first sheet) or `.parquet` with the same stem (one of them: two forms of one",
        "table are refused). A Parquet column is cast to the column's kind when it casts",
        "exactly, else read as text like a CSV cell; its rows are numbered as a CSV export of it",
        "would number them (the header is row 1); a time with its zone is an instant, one",
        "without it the event's local time. Required columns are marked *. Every table is",
        "optional, but a category without data must be listed under `exclusions:` in event.yaml",
        "with a reason and an estimate before a certificate can be issued.\n",
    ]
    parts += [table_text(name) for name in SCHEMAS]
    parts.append(NATURAL_INPUT)
    for column, words in SYNONYMS.items():
        pairs = ", ".join(f"`{k}` → {v}" for k, v in sorted(words.items()) if k != v)
        parts.append(f"  - {column}: {pairs}\n")
    parts.append(OTHER_FILES)
    return "\n".join(parts)
