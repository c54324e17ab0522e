"""`carbonexpo keys generate`, `carbonexpo certificate` and `carbonexpo verify`."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, LEDGER_OPTION, handle_errors


@click.group(context_settings=CONTEXT)
def keys() -> None:
    """Issuer signing keys (Ed25519).

    Example: carbonexpo keys generate --out issuer.key
    """


@keys.command("generate", context_settings=CONTEXT)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="private key file (mode 0600); the public key goes to OUT.pub",
)
@handle_errors
def generate(out: Path) -> None:
    """Write a new Ed25519 key pair; never overwrites an existing key.

    Example: carbonexpo keys generate --out issuer.key
    """
    from carbonexpo import api

    private, public = api.generate_keys(out)
    click.echo(f"wrote {private} (private, mode 600) and {public} (publish this one)")


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option(
    "--key",
    "key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="issuer's private key",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="cert.pdf; the signed record goes beside it as cert.json",
)
@click.option("--issuer", default=None, help="issuer name (default: the event's organiser)")
@click.option(
    "--evidence",
    "evidence_pack",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the event's evidence pack (carbonexpo evidence): the certificate carries its hash",
)
@click.option("--date", "issue_date", default=None, help="issue date YYYY-MM-DD (default today)")
@click.option(
    "--verify-url",
    default=None,
    help="make the QR code a link to this verification page: URL?id=…&sha256=…",
)
@LEDGER_OPTION
@handle_errors
def certificate(
    folder: Path,
    key_path: Path,
    output: Path,
    issuer: str | None,
    issue_date: str | None,
    verify_url: str | None,
    ledger_path: str | None,
    evidence_pack: Path | None,
) -> None:
    """Issue a signed carbon-neutrality certificate (refused when the event is not neutral).

    Example: carbonexpo certificate examples/cisce-2024 --key issuer.key -o cert.pdf
    """
    from carbonexpo import api

    if output.suffix.lower() != ".pdf":
        raise click.UsageError("--output must end in .pdf")
    run = api.calculate(folder, ledger=ledger_path)
    cert = api.issue_certificate(
        run,
        key=key_path,
        pdf=output,
        issuer=issuer,
        issue_date=issue_date,
        verify_url=verify_url,
        evidence=evidence_pack,
    )
    click.echo(
        f"certificate {cert['certificate_id']}: wrote {output} and {output.with_suffix('.json')}"
    )


@click.command(context_settings=CONTEXT)
@click.argument("cert_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the issuer's published key (KEY.pub)",
)
@click.option(
    "--trust",
    "trust_dir",
    type=DIR,
    help="a folder of trusted issuers' keys (*.pub)",
)
@click.option(
    "--evidence",
    "evidence_pack",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the certificate's evidence pack: checked too, and tied to the certificate",
)
@handle_errors
def verify(
    cert_json: Path, public_key: Path | None, trust_dir: Path | None, evidence_pack: Path | None
) -> None:
    """Check a certificate (cert.json, or the certificate PDF, which carries it): its hash, its
    signature, and that a trusted key signed it — or an evidence pack (.zip): its manifest's
    signature, every entry's hash, and the calculation re-run from the pack alone. VALID
    (exit 0) only against --public-key or a key in --trust; otherwise exit 1.

    Example: carbonexpo verify cert.json --public-key issuer.key.pub
    """

    from carbonexpo import api
    from carbonexpo.errors import VerificationFailed

    if api.is_evidence_pack(cert_json):
        if evidence_pack is not None:
            raise click.UsageError("--evidence goes with a certificate, not with a pack")
        pack = api.verify_evidence(cert_json, public_key=public_key, trust=trust_dir)
        if not pack.ok:
            raise VerificationFailed("INVALID: " + "; ".join(pack.problems))
        assert pack.manifest is not None
        click.echo(
            f"VALID: evidence pack for {pack.manifest['event']['id']}: "
            f"{len(pack.manifest['entries'])} entries intact, the re-run gives the packed result"
        )
        for note in pack.notes:
            click.echo(f"note: {note}")
        return
    outcome = api.verify_certificate(
        cert_json, public_key=public_key, trust=trust_dir, evidence=evidence_pack
    )
    if not outcome.ok:
        raise VerificationFailed(f"INVALID: {outcome.messages[0]}")
    cert = outcome.certificate
    record = cert["record"]
    click.echo(
        f"VALID: certificate {cert['certificate_id']} for {record['event']['id']} "
        f"({record['standard']}, net {record['totals']['net_tco2e']} tCO2e)"
        + (" with its evidence pack" if evidence_pack is not None else "")
    )
    for note in outcome.messages:
        click.echo(f"note: {note}")
