"""One exhibitor's statement: its own lines and its share of shared venue emissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonexpo.calc.balance import basis_column
from carbonexpo.calc.calculate import Calculation
from carbonexpo.errors import CarbonExpoError
from carbonexpo.io.writers import write_bytes_atomic
from carbonexpo.report.labels import LABELS, STANDARD_NAMES
from carbonexpo.report.render import CATEGORY_ORDER, neutrality_statement, render_template, sayer
from carbonexpo.result import Result

MAX_LINES = 300


def statement_context(
    calc: Calculation, result: Result, exhibitor: str, lang: str
) -> dict[str, Any]:
    s = result.exhibitor(exhibitor)
    if s is None:
        known = ", ".join(sorted(e.exhibitor for e in result.exhibitors or [])[:10])
        raise CarbonExpoError(
            f"no statement for exhibitor {exhibitor!r}"
            + (f" (exhibitors include: {known} …)" if known else " (the event has no booths.csv)")
        )
    t = LABELS[lang]
    rows = [
        (c, s.own_by_category.get(c, 0.0), s.allocated_by_category.get(c, 0.0))
        for c in CATEGORY_ORDER
    ]
    lines = calc.lines
    own = lines[(lines["exhibitor"] == exhibitor).to_numpy()]
    basis = basis_column(result.claim.basis)
    own_lines = [
        {
            "file": str(f),
            "row": int(r),
            "category": str(c),
            "key": str(k),
            "quantity": float(q),
            "unit": str(u),
            "kgco2e": float(kg),
        }
        for f, r, c, k, q, u, kg in zip(
            own["source_file"],
            own["row"],
            own["category"],
            own["factor_key"],
            own["activity_quantity"],
            own["activity_unit"],
            own[basis],
            strict=True,
        )
    ]
    return {
        "t": t,
        "lang": lang,
        "r": result,
        "s": s,
        "rows": [r for r in rows if r[1] or r[2]],
        "lines": own_lines[:MAX_LINES],
        "more_lines": max(len(own_lines) - MAX_LINES, 0),
        "standard_name": STANDARD_NAMES[lang][result.claim.standard],
        "say": sayer(lang),
        "generated": result.generated_at,
        "event_line": event_line(result, lang),
    }


def event_line(result: Result, lang: str) -> str:
    """Whether the event, and so the exhibitor's share, is neutral (spec §11)."""
    t, status = LABELS[lang], result.totals.status
    if status == "neutral":
        return t["statement_neutral"].format(headline=neutrality_statement(result, lang))
    if status == "not_neutral":
        return t["statement_not_neutral"].format(net=f"{result.totals.net_tco2e:,.3f}")
    return t["statement_no_data"]


def statement_bytes(
    calc: Calculation, result: Result, exhibitor: str, suffix: str, lang: str
) -> bytes:
    """One exhibitor's statement as the bytes of a .md, .html or .pdf file."""
    ctx = statement_context(calc, result, exhibitor, lang)
    suffix = suffix.lower()
    if suffix == ".md":
        return render_template("statement.md.j2", ctx).encode("utf-8")
    html = render_template("statement.html.j2", ctx)
    if suffix in (".html", ".htm"):
        return html.encode("utf-8")
    if suffix == ".pdf":
        from carbonexpo.report.pdf import html_to_pdf

        return html_to_pdf(html)
    raise CarbonExpoError(f"unknown statement format {suffix!r}")


def write_statement(
    calc: Calculation, result: Result, exhibitor: str, path: Path, lang: str
) -> None:
    write_bytes_atomic(path, statement_bytes(calc, result, exhibitor, path.suffix, lang))
