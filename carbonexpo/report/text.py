"""The terminal's texts: the summary `carbonexpo calc` prints and the comparison table of
`compare` / `scenario` (plain text, aligned; figures in tCO2e and MWh)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from carbonexpo.result import ClaimCheckOut, Result

VERDICTS = {
    "neutral": "NEUTRAL",
    "not_neutral": "NOT NEUTRAL: short by {net:,.3f} tCO2e",
    "no_data": "NO DATA: the folder holds no activity data, so no claim can be made",
}


def summary_text(result: Result) -> str:
    """The terminal summary of `carbonexpo calc`."""
    t = result.totals
    w = 34
    basis = result.claim.basis
    rows = [
        f"{result.event.name} ({result.event.id})",
        f"standard: {result.claim.standard}; basis: {basis}",
        "",
        f"{'location-based':<{w}} {t.location_based_tco2e:>14,.3f} tCO2e",
        f"{'market-based':<{w}} {t.market_based_tco2e:>14,.3f} tCO2e",
        f"{'  scope 1':<{w}} {t.scope1_tco2e:>14,.3f} tCO2e",
        f"{'  scope 2 (location)':<{w}} {t.scope2_location_tco2e:>14,.3f} tCO2e",
        f"{'  scope 2 (market)':<{w}} {t.scope2_market_tco2e:>14,.3f} tCO2e",
        f"{'  scope 3':<{w}} {t.scope3_tco2e:>14,.3f} tCO2e",
        f"{'electricity':<{w}} {t.electricity_mwh:>14,.3f} MWh",
        f"{'green power applied':<{w}} {t.green_power_applied_mwh:>14,.3f} MWh",
        f"{'eligible offsets':<{w}} {t.offsets_eligible_tco2e:>14,.3f} tCO2e",
        f"{'gross (' + basis + ')':<{w}} {t.gross_tco2e:>14,.3f} tCO2e",
        f"{'net':<{w}} {t.net_tco2e:>14,.3f} tCO2e",
        "",
        "by category:",
    ]
    rows += [f"  {k:<{w - 2}} {v:>14,.3f} tCO2e" for k, v in result.by_category.items() if v]
    rejected_i = sum(1 for i in result.instruments if i.status == "rejected")
    rejected_c = sum(1 for c in result.credits if c.status == "rejected")
    rows += [
        "",
        f"instruments: {len(result.instruments)} ({rejected_i} rejected); "
        f"credit blocks: {len(result.credits)} ({rejected_c} rejected)",
        VERDICTS[t.status].format(net=t.net_tco2e),
    ]
    if (u := result.uncertainty) is not None:
        rows.insert(
            -2,
            f"95 % interval (Monte Carlo, {u.runs} runs, seed {u.seed}): "
            f"{u.total.low:,.3f} – {u.total.high:,.3f} tCO2e; Approach 1: "
            f"{u.approach1.total.low:,.3f} – {u.approach1.total.high:,.3f} tCO2e",
        )
    return "\n".join(rows)


def comparison_text(comparison: Any) -> str:
    """The comparison as an aligned text table (tCO2e)."""
    rows = [("", comparison.a_name, comparison.b_name, "B − A", "%")]
    section = ""
    for r in comparison.rows:
        if r.section != section:
            section = r.section
            rows.append((f"[{section}]", "", "", "", ""))
        if r.key == "p_neutral":  # a probability: shown in %, its change in points
            shown = (f"{r.a:.1%}", f"{r.b:.1%}", f"{r.difference * 100:+.1f} pt", "–")
            rows.append((f"  {r.key}", *shown))
            continue
        pct = "–" if r.percent is None else f"{r.percent:+.1f}"
        rows.append((f"  {r.key}", f"{r.a:,.3f}", f"{r.b:,.3f}", f"{r.difference:+,.3f}", pct))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        row[0].ljust(widths[0])
        + "".join("  " + c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        for row in rows
    ]
    return f"tCO2e, claim basis {comparison.basis}\n" + "\n".join(line.rstrip() for line in lines)


OUTCOME_MARK = {"pass": "+", "fail": "x", "not_checked": "?", "out_of_scope": "-", "info": "i"}


def claims_text(
    claims: list[ClaimCheckOut], *, lang: str = "en", today: dt.date | None = None
) -> str:
    """`carbonexpo claims`: per rule pack its verdict, each reason with its rule and clause
    (+ passed, x failed, ? not checked, i said for information, - does not apply), the wording
    allowed, the deadlines (still open ones marked against `today`) and the evidence to keep."""
    from carbonexpo.notes import GLOSSARY, render
    from carbonexpo.words import say

    gloss = GLOSSARY[lang]
    wording, deadline, keep, still_open = (
        say(f"label.claims_{k}", lang) for k in ("wording", "deadline", "keep", "still_open")
    )
    rows: list[str] = []
    for c in claims:
        rows.append(f"{c.pack} ({c.version}, {c.document}): {gloss.get(c.verdict, c.verdict)}")
        for r in c.reasons:
            rows.append(
                f"  {OUTCOME_MARK[r.outcome]} {r.rule} [{r.clause}]: {render(r.note, lang)}"
            )
        if c.wording is not None:
            rows.append(f"  {wording}: {getattr(c.wording, lang, c.wording.en)}")
        for d in c.deadlines:
            still = today is not None and dt.date.fromisoformat(d.date) >= today
            rows.append(
                f"  {deadline}: {render(d.note, lang)}{f' ({still_open})' if still else ''}"
            )
        for e in c.evidence:
            rows.append(f"  {keep}: {getattr(e, lang, e.en)}")
        rows.append("")
    return "\n".join(rows)
