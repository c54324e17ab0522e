"""Who has entered what: per exhibitor of booths.csv, its booths, area, rows in each data table
and when it last saved from the web (the organiser's view of the exhibitors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonexpo.booth.entry import submissions
from carbonexpo.booth.forms import same_exhibitor
from carbonexpo.result import ExhibitorStatement

DATA_TABLES = ("travel", "logistics", "accommodation", "materials")


def exhibitor_progress(folder: Path) -> list[dict[str, Any]]:
    """Per exhibitor of booths.csv: booths, area, rows in each data table, and when they
    saved from the web (None if never)."""
    path = folder / "booths.csv"
    if not path.exists():
        return []
    booths = pd.read_csv(path, dtype=str, keep_default_na=False)
    counts: dict[str, dict[str, int]] = {}
    for table in DATA_TABLES:
        p = folder / f"{table}.csv"
        if not p.exists():
            continue
        df = pd.read_csv(p, dtype=str, keep_default_na=False, usecols=lambda c: c == "exhibitor")
        if "exhibitor" not in df:
            continue
        for name, n in df["exhibitor"].map(same_exhibitor).value_counts().items():
            if name:
                counts.setdefault(str(name), {})[table] = int(n)
    saved = {same_exhibitor(k): v for k, v in submissions(folder).items()}
    out = []
    for name, rows in booths.groupby("exhibitor", sort=True):
        key = same_exhibitor(name)
        area = pd.to_numeric(rows["area_m2"], errors="coerce").sum()
        out.append(
            {
                "exhibitor": str(name),
                "booths": ", ".join(rows["booth"]),
                "area_m2": float(area),
                "rows": counts.get(key, {}),
                "saved": (saved.get(key) or {}).get("saved"),
            }
        )
    return out


PAGE_SIZE = 50
SORTS = ("exhibitor", "area", "tco2e", "saved")


@dataclass(frozen=True)
class ExhibitorPage:
    """One page of the exhibitors' table: its rows, which page of how many, and the query."""

    rows: list[dict[str, Any]]
    page: int
    pages: int
    total: int  # exhibitors matching the search
    query: str
    sort: str  # one of SORTS, '-' in front for descending


def with_footprints(
    progress: list[dict[str, Any]], statements: Sequence[ExhibitorStatement] | None
) -> list[dict[str, Any]]:
    """Each exhibitor's own, allocated and total tCO2e, as the result's exhibitor statements
    state them (computed once, in calc.result), added to its progress row (None where the
    calculation has no statement for it)."""
    by_name = {same_exhibitor(s.exhibitor): s for s in statements or ()}
    out = []
    for p in progress:
        s = by_name.get(same_exhibitor(p["exhibitor"]))
        out.append(
            {
                **p,
                "own_tco2e": s.own_tco2e if s else None,
                "allocated_tco2e": s.allocated_tco2e if s else None,
                "total_tco2e": s.total_tco2e if s else None,
            }
        )
    return out


def exhibitor_page(
    rows: list[dict[str, Any]], *, query: str = "", sort: str = "exhibitor", page: int = 1
) -> ExhibitorPage:
    """Search (exhibitor or booth, any case), sort and page the exhibitors' table. An unknown
    sort is read as by exhibitor; a page beyond the last as the last."""
    query = query.strip()[:100]
    if query:
        q = query.casefold()
        rows = [r for r in rows if q in r["exhibitor"].casefold() or q in r["booths"].casefold()]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "exhibitor", False

    def sort_key(r: dict[str, Any]) -> tuple[bool, Any]:
        value = {
            "exhibitor": r["exhibitor"].casefold(),
            "area": r["area_m2"],
            "tco2e": r.get("total_tco2e") or 0.0,
            "saved": r["saved"] or "",
        }[key]
        return (value is None, value)

    rows = sorted(rows, key=sort_key, reverse=descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return ExhibitorPage(
        rows[start : start + PAGE_SIZE],
        page,
        pages,
        len(rows),
        query,
        ("-" if descending else "") + key,
    )
