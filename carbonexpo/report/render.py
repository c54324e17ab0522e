"""One jinja2 environment (autoescape on, StrictUndefined, number filters) and the report
context: plain data taken from the result; templates compute nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2

from carbonexpo.config import CATEGORY_NAMES, PHASES
from carbonexpo.notes import Note, render, render_all
from carbonexpo.report import charts
from carbonexpo.report.labels import LABELS, STANDARD_NAMES
from carbonexpo.resources import templates_dir
from carbonexpo.result import Result

CATEGORY_ORDER = CATEGORY_NAMES  # the spec's order of categories


def num(value: Any, digits: int = 1) -> str:
    """Thousands separators, fixed decimals; accepts numbers and decimal strings."""
    if value is None:
        return "–"
    return f"{float(value):,.{digits}f}"


def integer(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def pct(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * float(value):.{digits}f} %"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # HTML is escaped; Markdown is plain text (no &amp; in a .md report)
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",),
            disabled_extensions=("md.j2",),
            default=True,
            default_for_string=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=num, integer=integer, pct=pct)
    return env


MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\<>&[]|"})


def markdown_text(value: Any) -> Any:
    """What a Markdown report prints of a value: text with HTML and Markdown syntax escaped
    (a backslash before \\ < > & [ ] |), so that an event, exhibitor, instrument or credit
    field cannot inject a tag, a javascript: link or an image; the text reads the same."""
    return value.translate(MARKDOWN_SPECIAL) if isinstance(value, str) else value


@cache
def markdown_environment() -> jinja2.Environment:
    """The environment of .md templates: every printed string escaped for Markdown."""
    env = environment().overlay(finalize=markdown_text)
    return env


def neutrality_statement(result: Result, lang: str) -> str:
    """The claim's headline, in the wording the calculation chose (spec §9)."""
    return render(result.claim.wording.headline, lang)


def sayer(lang: str) -> Callable[[Any], str]:
    """Notes (one, or a list of reasons) in the report's language, from the one catalog."""

    def say(value: Note | list[Note]) -> str:
        return render(value, lang) if isinstance(value, Note) else render_all(value, lang)

    return say


def waterfall_steps(result: Result, t: dict[str, str]) -> list[tuple[str, float, str]]:
    totals = result.totals
    steps = [(t["wf_location"], totals.location_based_tco2e, "total")]
    if result.claim.basis == "market":
        steps.append((t["wf_green"], -totals.green_power_avoided_tco2e, "delta"))
        # what remains of location − market: the residual and location factors' difference
        boundary = totals.green_power_avoided_tco2e - totals.location_minus_market_tco2e
        if abs(boundary) >= 0.0005:
            steps.append((t["wf_factors"], boundary, "delta"))
        steps.append((t["wf_gross"], totals.gross_tco2e, "total"))
    steps += [
        (t["wf_offsets"], -min(totals.offsets_eligible_tco2e, totals.gross_tco2e), "delta"),
        (t["wf_net"], totals.net_tco2e, "total"),
    ]
    return steps


def report_context(result: Result, lang: str, *, with_charts: bool = True) -> dict[str, Any]:
    """What the report shows, as plain data in `lang`: words, figures, charts (SVG)."""
    t = LABELS[lang]
    categories = [(c, v) for c, v in result.by_category.items()]  # the boundary's, then upstream
    ctx: dict[str, Any] = {
        "t": t,
        "lang": lang,
        "r": result,
        "totals": result.totals,
        "say": sayer(lang),
        "standard_name": STANDARD_NAMES[lang][result.claim.standard],
        "statement": neutrality_statement(result, lang),
        "wording": {
            part: render(getattr(result.claim.wording, part), lang)
            for part in ("green_electricity", "reductions", "offsets")
        },
        "offsets_used": min(result.totals.offsets_eligible_tco2e, result.totals.gross_tco2e),
        "green_coverage": (
            min(result.totals.green_power_applied_mwh / result.totals.electricity_mwh, 1.0)
            if result.totals.electricity_mwh
            else 0.0
        ),
        "categories": categories,
        "phases": [(p, result.by_phase[p]) for p in PHASES],
        "exhibitors_top": sorted(result.exhibitors or [], key=lambda e: -e.total_tco2e)[:20],
        "generated": result.generated_at,
        "charts": {},
    }
    if with_charts:
        shown = [(c, v) for c, v in categories if v]
        u = result.uncertainty
        ctx["charts"] = {
            "category": charts.bar_chart(
                [t[c] for c, _ in shown],
                [v for _, v in shown],
                t["chart_category"],
                t["tco2e"],
                intervals=[
                    (u.by_category[c].low, u.by_category[c].high) if c in u.by_category else None
                    for c, _ in shown
                ]
                if u is not None
                else None,
            ),
            "phase": charts.bar_chart(
                [t[p] for p, _ in ctx["phases"]],
                [v for _, v in ctx["phases"]],
                t["chart_phase"],
                t["tco2e"],
                horizontal=False,
            ),
            "waterfall": charts.waterfall_chart(
                waterfall_steps(result, t), t["chart_waterfall"], t["tco2e"]
            ),
        }
        if (h := result.hourly) is not None:
            ctx["charts"]["hourly"] = charts.hourly_chart(
                h.by_hour.start,
                h.by_hour.consumption_mwh,
                h.by_hour.generation_mwh,
                h.by_hour.matched_mwh,
                (t["hourly_load"], t["hourly_generation"], t["hourly_matched"]),
                t["chart_hourly"],
            )
        daily = result.daily_electricity_kwh
        if daily:
            ctx["charts"]["daily"] = charts.daily_chart(
                list(daily), list(daily.values()), t["chart_daily"]
            )
    return ctx


def render_template(name: str, context: dict[str, Any]) -> str:
    """One of the package's templates rendered (autoescaped HTML, or Markdown with its own
    escaping for .md.j2)."""
    env = markdown_environment() if name.endswith(".md.j2") else environment()
    return env.get_template(name).render(**context)


def render_html(result: Result, lang: str = "en") -> str:
    return render_template("report.html.j2", report_context(result, lang))


def render_markdown(result: Result, lang: str = "en") -> str:
    return render_template("report.md.j2", report_context(result, lang, with_charts=False))


def today() -> str:
    return dt.date.today().isoformat()
