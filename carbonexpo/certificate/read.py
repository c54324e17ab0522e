"""Reading a certificate: cert.json, or the cert.json a certificate PDF carries. Read one way
only: a key twice, two attachments or an unreadable file is refused, never guessed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from carbonexpo.errors import NotACertificate, VerificationFailed


def read_certificate(path: Path) -> Any:
    """cert.json, or the cert.json a certificate PDF carries as an attachment. Read one way
    only: a JSON object with a key twice, a PDF with two cert.json or one that cannot be read
    is refused (a reader keeping the first key or the other file would see another record)."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise NotACertificate(f"{path.name} is a folder, not a certificate") from None
    if raw.startswith(b"%PDF"):
        from carbonexpo.certificate.issue import EMBEDDED_NAME
        from carbonexpo.report.pdf import AttachmentProblem, attachment

        try:
            embedded = attachment(raw, EMBEDDED_NAME)
        except AttachmentProblem as exc:
            if exc.duplicate:
                raise VerificationFailed(f"INVALID: {path.name}: {exc}") from None
            raise NotACertificate(f"{path.name}: {exc}: not a certificate") from None
        if embedded is None:
            raise NotACertificate(
                f"{path.name} is a PDF without the signed {EMBEDDED_NAME} a carbonexpo "
                "certificate carries: not a carbonexpo certificate"
            )
        raw = embedded
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise VerificationFailed(
            f"INVALID: {path.name} sets the key {exc.args[0]!r} twice: a certificate is read "
            "one way only"
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        # not JSON, a number too long to read (ValueError), brackets nested past any record
        raise NotACertificate(
            f"{path.name} is not a carbonexpo certificate: give the cert.json written by "
            "`carbonexpo certificate`, or the certificate PDF that carries it"
        ) from None


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out
