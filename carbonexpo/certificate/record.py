"""The certificate record, its canonical form, hash and signature, and their verification.

Canonical form: JSON with sorted keys, no insignificant whitespace, UTF-8 (non-ASCII kept), and
no floats: every non-integer quantity is a decimal string with six decimals (tCO2e to the gram,
MWh to the Wh), so that any JSON library reproduces the same bytes. The signature is Ed25519
over the 32-byte SHA-256 digest of those bytes; the certificate id is derived from the digest.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carbonexpo.certificate.keys import decode_public, encode_public
from carbonexpo.errors import CertificateError
from carbonexpo.json_tree import find_float
from carbonexpo.notes import render
from carbonexpo.result import Result, Wording
from carbonexpo.words import Said, said

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

FORMAT = "carbonexpo-certificate/1"


def decimal(value: float) -> str:
    return f"{value:.6f}"


def build_record(result: Result, *, issuer: str, issue_date: str) -> dict[str, Any]:
    t = result.totals
    b = result.boundary
    venue = result.event.venue
    wording = result.claim.wording
    return {
        "format": FORMAT,
        "event": {
            "id": result.event.id,
            "name": result.event.name,
            "organiser": result.event.organiser,
            "venue": venue.name,
        },
        "period": {
            "start": result.period.start,
            "end": result.period.end,
            "timezone": result.period.timezone,
        },
        "boundary": {
            "included": list(b.included),
            "excluded": list(b.excluded),
            "exclusions": [
                {
                    "category": e.category,
                    "reason": e.reason,
                    "estimate_tco2e": decimal(e.estimate_tco2e or 0.0),
                }
                for e in b.exclusions
            ],
            "max_excluded_share": decimal(b.max_excluded_share),
            "venue_country": venue.country,
            "grid": venue.grid,
        },
        "standard": result.claim.standard,
        "claim": claim_words(wording),
        "basis": result.claim.basis,
        "totals": {
            "location_based_tco2e": decimal(t.location_based_tco2e),
            "market_based_tco2e": decimal(t.market_based_tco2e),
            "gross_tco2e": decimal(t.gross_tco2e),
            "offsets_eligible_tco2e": decimal(t.offsets_eligible_tco2e),
            "net_tco2e": decimal(t.net_tco2e),
            "electricity_mwh": decimal(t.electricity_mwh),
            "green_power_applied_mwh": decimal(t.green_power_applied_mwh),
            "neutral": bool(t.neutral),
        },
        "instruments": [
            {
                "instrument_id": i.instrument_id,
                "type": i.type,
                "mwh_applied": decimal(i.mwh_applied),
            }
            for i in result.instruments
            if i.status == "applied" and i.mwh_applied > 0
        ],
        "credits": [
            {
                "registry": c.registry,
                "project_id": c.project_id,
                "vintage": int(c.vintage),
                "serial_prefix": c.serial_prefix,
                "first": int(c.first),
                "last": int(c.last),
                "retired_on": c.retired_on,
                # format 1 kept for the rest: a removal says so, a block without serials (a
                # forestry sink) states its quantity
                **({"kind": c.kind} if c.kind == "removal" else {}),
                **({} if c.serial_prefix else {"quantity_tco2e": decimal(c.tco2e)}),
            }
            for c in result.credits
            if c.status == "eligible"
        ],
        "factor_sets": [
            {"id": s.id, "version": s.version, "sha256": s.sha256} for s in result.factor_sets
        ],
        "inputs": [{"file": i.file, "sha256": i.sha256} for i in result.inputs],
        "issuer": issuer,
        "issue_date": issue_date,
        "carbonexpo_version": result.carbonexpo_version,
        # the rule packs the claim was checked against, with their verdicts (docs/rules.md)
        **(
            {
                "rule_packs": [
                    {"id": c.pack, "version": c.version, "verdict": c.verdict}
                    for c in result.claims
                    if c.applies
                ]
            }
            if result.claims
            else {}
        ),
        # the ledger state the serial blocks were checked against (None: not checked)
        "ledger": result.ledger.model_dump() if result.ledger else None,
    }


CLAIM_PARTS = ("headline", "green_electricity", "reductions", "offsets")


def claim_words(wording: Wording) -> dict[str, str]:
    """The claim as the certificate states it: its kind and each part in English and Chinese,
    rendered from the catalog codes the calculation chose."""
    words: dict[str, str] = {"kind": str(wording.kind)}
    for part in CLAIM_PARTS:
        for lang in ("en", "zh"):
            words[f"{part}_{lang}"] = render(getattr(wording, part), lang)
    if wording.odds is not None:  # claim.min_confidence: the claim carries its odds
        for lang in ("en", "zh"):
            words[f"odds_{lang}"] = render(wording.odds, lang)
    return words


def canonical(record: dict[str, Any]) -> bytes:
    _no_floats(record, "record")
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _no_floats(value: Any, path: str) -> None:
    if (found := find_float(value, path)) is not None:
        raise CertificateError(f"{found[0]}: floats are not allowed in a certificate record")


def certificate_id(digest_hex: str) -> str:
    h = digest_hex[:16].upper()
    return "CXC-" + "-".join(h[i : i + 4] for i in range(0, 16, 4))


def sign(record: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    digest = hashlib.sha256(canonical(record)).digest()
    return {
        "certificate_id": certificate_id(digest.hex()),
        "record": record,
        "sha256": digest.hex(),
        "signature": base64.b64encode(key.sign(digest)).decode("ascii"),
        "public_key": encode_public(key.public_key()),
        "algorithm": ALGORITHM,
        "canonicalization": CANONICALIZATION,
    }


ALGORITHM = "Ed25519 over the SHA-256 digest of the canonical record"
CANONICALIZATION = "JSON, sorted keys, separators (',', ':'), UTF-8, no floats"
ENVELOPE = {
    "certificate_id": str,
    "record": dict,
    "sha256": str,
    "signature": str,
    "public_key": str,
    "algorithm": str,
    "canonicalization": str,
}


@dataclass(frozen=True)
class Verification:
    """`ok`: the record is intact and signed by a trusted key. `intact`: hash and signature
    hold against the key embedded in the file (which proves nothing about who signed)."""

    ok: bool
    intact: bool
    messages: list[str]
    certificate: Any = None  # what was checked (cert.json as read), when read from a file
    # the messages as catalog texts, to be shown in the reader's language (web); empty for a
    # message the catalog does not hold (a malformed envelope: shown as it is)
    said: list[Said] = field(default_factory=list)

    def texts(self, lang: str = "en") -> list[str]:
        return [s.text(lang) for s in self.said] if self.said else list(self.messages)


def envelope_problems(cert: Any) -> list[str]:
    """The outer fields are not signed, so they are parsed strictly: exactly the keys `sign`
    writes, each of its type, and the one algorithm and canonicalization carbonexpo uses."""
    if not isinstance(cert, dict):
        return ["malformed certificate: not a JSON object"]
    out = [f"malformed certificate: no {k!r}" for k in ENVELOPE if k not in cert]
    out += [f"malformed certificate: unknown key {k!r}" for k in cert if k not in ENVELOPE]
    out += [
        f"malformed certificate: {k!r} is not a {t.__name__}"
        for k, t in ENVELOPE.items()
        if k in cert and not isinstance(cert[k], t)
    ]
    if cert.get("algorithm") not in (None, ALGORITHM):
        out.append(f"unsupported algorithm {cert['algorithm']!r} (only {ALGORITHM!r})")
    if cert.get("canonicalization") not in (None, CANONICALIZATION):
        out.append(f"unsupported canonicalization {cert['canonicalization']!r}")
    return out


def verify(cert: Any, trusted: dict[str, Ed25519PublicKey] | None = None) -> Verification:
    """Recompute the hash, check the signature, and say whether the signing key is one of
    `trusted` (name -> key, e.g. the file it came from). Says precisely what failed."""

    def fail(message: str | Said) -> Verification:
        if isinstance(message, Said):
            return Verification(False, False, [message.text()], said=[message])
        return Verification(False, False, [message])

    problems = envelope_problems(cert)
    if problems:
        return fail("; ".join(problems))
    try:
        digest = hashlib.sha256(canonical(cert["record"])).digest()
    except (CertificateError, TypeError, ValueError) as exc:
        return fail(f"malformed record: {exc}")
    if digest.hex() != cert["sha256"]:
        return fail(said("verify.hash_mismatch", recomputed=digest.hex(), stated=cert["sha256"]))
    if certificate_id(digest.hex()) != cert["certificate_id"]:
        return fail(said("verify.id_mismatch"))
    try:
        embedded = decode_public(cert["public_key"])
        signature = base64.b64decode(cert["signature"], validate=True)
    except (CertificateError, ValueError) as exc:
        return fail(f"malformed key or signature: {exc}")
    from cryptography.exceptions import InvalidSignature

    try:
        embedded.verify(signature, digest)
    except InvalidSignature:
        return fail(said("verify.bad_signature"))
    if not trusted:
        why = said("verify.not_authenticated")
        return Verification(False, True, [why.text()], said=[why])
    names = [n for n, k in trusted.items() if encode_public(k) == cert["public_key"]]
    if not names:
        why = (
            said("verify.key_mismatch")
            if len(trusted) == 1
            else said("verify.key_mismatch_many", count=len(trusted))
        )
        return Verification(False, True, [why.text()], said=[why])
    signed = said("verify.signed_by", key=names[0])
    return Verification(True, True, [signed.text()], said=[signed])
