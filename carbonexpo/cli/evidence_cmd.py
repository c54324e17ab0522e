"""`carbonexpo evidence`: one zip an auditor takes away (docs/evidence.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, LEDGER_OPTION, REGISTRY_OPTION, handle_errors


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="the evidence pack (.zip)",
)
@click.option(
    "--key",
    "key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="issuer's private key: signs the manifest (without it the pack is unsigned)",
)
@click.option(
    "--date",
    "made_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="the pack's date (default today): the result's generated_at; one folder on one date "
    "gives the same bytes",
)
@LEDGER_OPTION
@REGISTRY_OPTION
@handle_errors
def evidence(
    folder: Path,
    output: Path,
    key_path: Path | None,
    made_on: dt.datetime | None,
    ledger_path: str | None,
    registry_exports: tuple[str, ...],
) -> None:
    """Pack the event folder's inputs and evidence files, the factor data and rule packs used,
    the result, the reports (zh and en) and a manifest of every entry's SHA-256, signed with
    the issuer's key. `carbonexpo verify PACK.zip --public-key KEY.pub` checks it and re-runs
    the calculation from the pack alone.

    Example: carbonexpo evidence examples/cisce-2024 -o pack.zip --key issuer.key
    """
    from carbonexpo import api

    if output.suffix.lower() != ".zip":
        raise click.UsageError("--output must end in .zip")
    manifest = api.evidence_pack(
        folder,
        output,
        key=key_path,
        made_on=made_on.date() if made_on else None,
        ledger=ledger_path,
        registry=registry_exports,
    )
    size = sum(e["size"] for e in manifest["entries"])
    click.echo(
        f"wrote {output}: {len(manifest['entries'])} entries, {size:,} bytes before compression"
        + ("" if key_path else " (unsigned: give --key to sign the manifest)")
    )
