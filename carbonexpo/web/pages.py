"""What the pages show, as plain data for the templates: the staff dashboard (totals, charts,
completeness, who submitted, problems, statuses). Everything comes through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonexpo import api

if TYPE_CHECKING:
    from carbonexpo.web.app import Site


def render_page(template: str, context: dict[str, Any]) -> str:
    return api.render_template(template, context)


def dashboard_context(site: Site, lang: str) -> dict[str, Any]:
    run, problems = site.run()
    exhibitors = api.exhibitor_progress(site.folder)
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
