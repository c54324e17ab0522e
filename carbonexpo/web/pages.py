"""What the pages show, as plain data for the templates: the choices of the exhibitor form
and the staff dashboard (totals, charts, completeness, who submitted, problems, statuses)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from carbonexpo.booth.entry import SECTIONS, submissions
from carbonexpo.booth.forms import same_exhibitor
from carbonexpo.config import CATEGORY_NAMES
from carbonexpo.io.schema import FREIGHT_MODES, SCHEMAS, TRAVEL_MODES
from carbonexpo.report.render import environment, report_context

if TYPE_CHECKING:
    from carbonexpo.web.app import Site

DATA_TABLES = ("travel", "logistics", "accommodation", "materials")


def render_page(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


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
    return {
        "mode": TRAVEL_MODES,
        "freight_mode": FREIGHT_MODES,
        "cabin": SCHEMAS["travel"].column("cabin").choices,
        "build": SCHEMAS["booths"].column("build").choices,
        "material_origin": SCHEMAS["materials"].column("origin").choices,
        "material": materials(set_ids),
        "columns": {name: sheet.columns for name, sheet in SECTIONS.items()},
    }


def exhibitor_progress(folder: Any) -> list[dict[str, Any]]:
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


def dashboard_context(site: Site, lang: str) -> dict[str, Any]:
    run, problems = site.run()
    exhibitors = exhibitor_progress(site.folder)
    context: dict[str, Any] = {
        "event": site.config(),
        "exhibitors": exhibitors,
        "submitted": sum(1 for e in exhibitors if e["saved"]),
        "problems": [
            {
                "where": p.where or f"{p.file}:{p.row}" + (f":{p.column}" if p.column else ""),
                "title": p.title(lang),
                "message": p.message,
            }
            for p in problems
        ],
        "report": None,
        "completeness": [],
    }
    if run is not None:
        report = report_context(run.result, lang)
        boundary = run.result.boundary
        context["report"] = report
        context["completeness"] = [
            {
                "category": c,
                "state": "included"
                if c in boundary.included
                else ("missing" if c in boundary.missing else "excluded"),
                "tco2e": run.result.by_category.get(c, 0.0),
            }
            for c in CATEGORY_NAMES
        ]
    return context
