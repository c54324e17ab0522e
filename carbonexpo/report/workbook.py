"""The result as an Excel workbook (`calc --xlsx`, the staff download): summary, categories ×
phases × scopes, green-power instruments, credit blocks, exhibitors, factors used and
assumptions, in one language. Numbers are numbers (not text) with their unit in the column
header; every text cell that a spreadsheet would read as a formula is written as text.

Written with openpyxl's write-only mode (rows streamed, not held as cell objects), so that the
inventory lines (`calc --lines x.xlsx`) fit up to Excel's row limit."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from carbonexpo.notes import render
from carbonexpo.result import Result
from carbonexpo.words import say

EXCEL_MAX_ROWS = 1_048_576  # rows of one sheet, the header included (Excel 2007 and later)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A value as a cell holds it: numbers stay numbers, text that a spreadsheet would run as
    a formula gets an apostrophe-like guard (openpyxl writes a str starting with '=' as a
    formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return None
    return value


def _sheet(book: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws = book.create_sheet(title=title[:31])
    ws.append(list(header))
    for row in rows:
        ws.append([_cell(v) for v in row])


def _w(key: str, lang: str, **params: Any) -> str:
    return say("label.xlsx_" + key, lang, **params)


def _heads(lang: str, *keys: str) -> list[str]:
    """Column headers: catalog keys, or (with a leading '!') a unit or name shown as it is."""
    return [k[1:] if k.startswith("!") else _w(k, lang) for k in keys]


def _term(value: str, lang: str) -> str:
    """An enumeration (category, phase, type, status) as the reader calls it."""
    from carbonexpo.words import TEXTS

    for section in ("glossary.", "label."):
        if section + value in TEXTS["en"]:
            return say(section + value, lang)
    return value


def categories_table(lines: pd.DataFrame) -> pd.DataFrame:
    """tCO2e by category, phase and scope, location- and market-based."""
    grouped = (
        lines.groupby(["category", "phase", "scope"], observed=True)[["kgco2e", "kgco2e_market"]]
        .sum()
        .reset_index()
    )
    grouped = grouped[(grouped["kgco2e"] != 0) | (grouped["kgco2e_market"] != 0)]
    return grouped.assign(
        tco2e=grouped["kgco2e"] / 1000, tco2e_market=grouped["kgco2e_market"] / 1000
    )


def workbook_bytes(result: Result, lines: pd.DataFrame, lang: str = "en") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    t = result.totals
    summary = [
        (_w("event", lang), f"{result.event.name} ({result.event.id})", ""),
        (
            _w("period", lang),
            f"{result.period.start} – {result.period.end}",
            result.period.timezone,
        ),
        (_w("standard", lang), say("standard." + result.claim.standard, lang), ""),
        (_w("basis", lang), _term(result.claim.basis, lang), ""),
        (_w("claim", lang), render(result.claim.wording.headline, lang), ""),
        (_w("location_based", lang), t.location_based_tco2e, "tCO2e"),
        (_w("market_based", lang), t.market_based_tco2e, "tCO2e"),
        (_w("gross", lang), t.gross_tco2e, "tCO2e"),
        (_w("offsets", lang), t.offsets_eligible_tco2e, "tCO2e"),
        (_w("net", lang), t.net_tco2e, "tCO2e"),
        (_w("electricity", lang), t.electricity_mwh, "MWh"),
        (_w("green_power", lang), t.green_power_applied_mwh, "MWh"),
        (_w("generated", lang), result.generated_at, ""),
    ]
    _sheet(
        book, _w("summary", lang), [_w("item", lang), _w("value", lang), _w("unit", lang)], summary
    )
    cats = categories_table(lines)
    _sheet(
        book,
        _w("categories", lang),
        _heads(lang, "category", "phase", "scope", "tco2e_location", "tco2e_market"),
        (
            (_term(str(c), lang), _term(str(p), lang), int(s), float(a), float(b))
            for c, p, s, a, b in zip(
                cats["category"], cats["phase"], cats["scope"], cats["tco2e"], cats["tco2e_market"],
                strict=True,
            )
        ),
    )  # fmt: skip
    _sheet(
        book,
        _w("instruments", lang),
        _heads(lang, "instrument", "type", "status", "!MWh", "mwh_applied", "reason"),
        (
            (i.instrument_id, _term(i.type, lang), _term(i.status, lang), i.mwh, i.mwh_applied,
             "; ".join(render(n, lang) for n in i.reasons))
            for i in result.instruments
        ),
    )  # fmt: skip
    _sheet(
        book,
        _w("credits", lang),
        _heads(lang, "registry", "project", "vintage", "serial_prefix", "first", "last", "!tCO2e",
               "status", "retired_on", "reason"),
        (
            (c.registry, c.project_id, c.vintage, c.serial_prefix, c.first, c.last, c.tco2e,
             _term(c.status, lang), c.retired_on, "; ".join(render(n, lang) for n in c.reasons))
            for c in result.credits
        ),
    )  # fmt: skip
    _sheet(
        book,
        _w("exhibitors", lang),
        _heads(lang, "exhibitor", "category", "own_tco2e", "allocated_tco2e"),
        (
            (e.exhibitor, _term(cat, lang), e.own_by_category.get(cat, 0.0),
             e.allocated_by_category.get(cat, 0.0))
            for e in result.exhibitors or []
            for cat in sorted(set(e.own_by_category) | set(e.allocated_by_category))
        ),
    )  # fmt: skip
    _sheet(
        book,
        _w("factors", lang),
        _heads(lang, "!key", "unit", "!kgCO2e per unit", "set", "source", "proxy_for"),
        ((f.key, f.unit, f.kgco2e_per_unit, f.set, f.source, f.proxy_for)
         for f in result.factors_used),
    )  # fmt: skip
    _sheet(
        book,
        _w("assumptions", lang),
        [_w("kind", lang), _w("text", lang)],
        [
            *((_w("assumption", lang), render(n, lang)) for n in result.assumptions),
            *((_w("warning", lang), render(n, lang)) for n in result.warnings),
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lines_workbook(lines: pd.DataFrame, path: Any) -> None:
    """The inventory lines as one sheet (numbers as numbers), streamed; `path` a file path."""
    from openpyxl import Workbook

    if len(lines) + 1 > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(lines):,} lines: a sheet holds {EXCEL_MAX_ROWS - 1:,}")
    book = Workbook(write_only=True)
    ws = book.create_sheet(title="lines")
    columns = list(lines.columns)
    ws.append(columns)
    arrays = [lines[c].to_numpy(dtype=object) for c in columns]
    for row in zip(*arrays, strict=True):
        ws.append([_cell(v.item() if hasattr(v, "item") else v) for v in row])
    book.save(path)
