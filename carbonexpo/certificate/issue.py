"""Issue a certificate: the signed JSON record and its one-page bilingual PDF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from carbonexpo.certificate.keys import load_private
from carbonexpo.certificate.record import build_record, sign
from carbonexpo.errors import CertificateRefused
from carbonexpo.io.writers import write_bytes_atomic, write_text_atomic
from carbonexpo.notes import render
from carbonexpo.result import Result
from carbonexpo.words import say

EMBEDDED_NAME = "cert.json"  # the signed record inside the PDF (spec §11)


def qr_payload(cert: dict[str, Any], verify_url: str | None = None) -> str:
    """A link a phone can open (`URL?id=…&sha256=…`) when a verification page is given, else
    `carbonexpo:ID:SHA256`."""
    if verify_url:
        from urllib.parse import urlencode

        sep = "&" if "?" in verify_url else "?"
        query = urlencode({"id": cert["certificate_id"], "sha256": cert["sha256"]})
        return f"{verify_url}{sep}{query}"
    return f"carbonexpo:{cert['certificate_id']}:{cert['sha256']}"


def qr_svg(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=3, border=2)


def certificate_html(
    cert: dict[str, Any], json_name: str = "cert.json", verify_url: str | None = None
) -> str:
    from carbonexpo.report.render import render_template

    record = cert["record"]
    return render_template(
        "certificate.html.j2",
        {
            "c": cert,
            "r": record,
            "qr": qr_svg(qr_payload(cert, verify_url)),
            "json_name": json_name,
            "standard_en": say("standard." + record["standard"], "en"),
            "standard_zh": say("standard." + record["standard"], "zh"),
            "credit_total": sum(
                c["last"] - c["first"] + 1
                if c.get("serial_prefix")
                else float(c.get("quantity_tco2e", "0"))
                for c in record["credits"]
            ),
        },
    )


def refuse_unless_certifiable(result: Result) -> None:
    """A certificate needs data, neutrality and a complete boundary (spec §8, §9); the refusal
    names every reason at once."""
    t = result.totals
    reasons = []
    if t.status == "not_neutral":
        reasons.append(
            f"the event is not neutral: gross {t.gross_tco2e:.3f} tCO2e exceeds eligible "
            f"offsets {t.offsets_eligible_tco2e:.3f} tCO2e by {t.net_tco2e:.3f} tCO2e"
        )
    reasons += [render(p) for p in result.boundary.problems]
    e = result.evidence
    if e is not None and e.required and e.missing:
        listed = ", ".join(f"{m.file}:{m.row} ({m.item})" for m in e.missing[:10])
        more = f" and {len(e.missing) - 10} more" if len(e.missing) > 10 else ""
        reasons.append(
            f"evidence is required ({', '.join(e.required_by)}) but {len(e.missing)} "
            f"instrument(s) or credit(s) in use name no evidence file: {listed}{more}"
        )
    floor = result.claim.min_confidence
    u = result.uncertainty
    if floor is not None and (u is None or u.p_neutral is None or u.p_neutral < floor):
        odds = (
            f"{u.p_neutral:.1%} ({u.runs:,} Monte Carlo runs, seed {u.seed})"
            if u is not None and u.p_neutral is not None
            else "not computed"
        )
        reasons.append(
            f"claim.min_confidence is {floor:.0%}, but the probability that the eligible "
            f"offsets cover the emissions is {odds}"
        )
    for c in result.claims:  # the chosen standard's own rule pack (docs/rules.md)
        if c.standard == result.claim.standard and c.verdict == "may_not":
            failed = "; ".join(r.note.text for r in c.reasons if r.outcome == "fail")
            reasons.append(f"{c.pack} {c.version} says may_not: {failed}")
    if reasons:
        raise CertificateRefused("no certificate: " + "; ".join(reasons))


def issue_certificate(
    result: Result,
    *,
    key_path: Path,
    pdf_path: Path,
    issuer: str,
    issue_date: str | None = None,
    verify_url: str | None = None,
    evidence_sha256: str | None = None,
) -> dict[str, Any]:
    refuse_unless_certifiable(result)
    key = load_private(key_path)
    record = build_record(
        result, issuer=issuer, issue_date=issue_date or dt.date.today().isoformat()
    )
    if evidence_sha256 is not None:  # the evidence pack's manifest (carbonexpo evidence)
        record["evidence_manifest_sha256"] = evidence_sha256
    cert = sign(record, key)
    from carbonexpo.report.pdf import html_to_pdf

    text = json.dumps(cert, ensure_ascii=False, indent=2) + "\n"
    pdf = html_to_pdf(
        certificate_html(cert, pdf_path.with_suffix(".json").name, verify_url),
        attachments={EMBEDDED_NAME: text.encode("utf-8")},
    )
    write_text_atomic(pdf_path.with_suffix(".json"), text)
    write_bytes_atomic(pdf_path, pdf)
    return cert
