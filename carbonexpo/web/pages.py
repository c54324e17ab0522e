"""What the pages show, as plain data for the templates: the staff dashboard (totals, charts,
completeness, the exhibitors' table, problems). Everything comes through the API."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from carbonexpo import api

if TYPE_CHECKING:
    from carbonexpo.web.app import Site


def render_page(template: str, context: dict[str, Any]) -> str:
    return api.render_template(template, context)


def local_time(iso: str | None, timezone: str) -> str | None:
    """A stored UTC time as the event's clock shows it (2024-11-26 14:03)."""
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def dashboard_context(
    site: Site, lang: str, *, query: str = "", sort: str = "exhibitor", page: int = 1
) -> dict[str, Any]:
    """The staff dashboard. A folder with problems is shown calculated on the rows that pass,
    with a banner saying how much was set aside; its downloads wait for a complete folder."""
    found = site.overview()
    config = site.config()
    run = found.run
    progress = api.exhibitor_progress(site.folder)
    rows = api.with_footprints(progress, run.result.exhibitors if run else None)
    table = api.exhibitor_page(rows, query=query, sort=sort, page=page)
    shown = [{**r, "saved_local": local_time(r["saved"], config.timezone)} for r in table.rows]
    context: dict[str, Any] = {
        "event": config,
        "table": table,
        "exhibitors": shown,
        "exhibitor_count": len(progress),
        "submitted": sum(1 for e in progress if e["saved"]),
        "complete": found.complete,
        "rows_set_aside": found.rows_set_aside,
        "files_set_aside": found.files_set_aside,
        "problems": [
            {
                "where": p.where or f"{p.file}:{p.row}" + (f":{p.column}" if p.column else ""),
                "title": p.title(lang),
                "message": p.text(lang),
            }
            for p in found.problems
        ],
        "report": None,
        "completeness": [],
    }
    if run is not None:
        report = api.report_context(run.result, lang)
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
            for c in api.CATEGORIES
        ]
    return context
