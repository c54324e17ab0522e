"""`carbonexpo invite` and `carbonexpo serve`: the web face over an event folder (spec §12)."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, handle_errors

FOLDER = click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))


@click.command(context_settings=CONTEXT)
@FOLDER
@click.option(
    "--renew", is_flag=True, help="new links for everyone; the earlier links stop working"
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="the address people will open (the server's public URL)",
)
@handle_errors
def invite(folder: Path, renew: bool, base_url: str) -> None:
    """One secret link per exhibitor of booths.csv and one for the staff.

    Only the links' hashes are kept in FOLDER/.carbonexpo/, so each link is printed once:
    send it now. Exhibitors who already have a link keep it (use --renew to replace all).

    Example: carbonexpo invite examples/cisce-2024 --base-url https://expo.example.org
    """
    from carbonexpo import api

    links, kept = api.invite(folder, renew=renew, base_url=base_url)
    for role, exhibitor, url in links:
        who = "staff" if role == "staff" else exhibitor
        click.echo(f"{who}\t{url}")
    click.echo(
        f"{len(links)} new link(s); {kept} kept from before (their holders can still use them)",
        err=True,
    )


@click.command(context_settings=CONTEXT)
@FOLDER
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="the pages' language until a visitor switches",
)
@click.option(
    "--trust",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="folder of issuer public keys (*.pub) that /verify accepts",
)
@click.option(
    "--published",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="folder of issued cert.json files: a certificate's QR link is checked against them",
)
@click.option(
    "--ledger",
    "ledger_path",
    help="venue ledger (SQLite file or postgresql:// URL) the calculation checks serial "
    "blocks against (read only)",
)
@handle_errors
def serve(
    folder: Path,
    host: str,
    port: int,
    lang: str,
    trust: Path | None,
    published: Path | None,
    ledger_path: str | None,
) -> None:
    """Run the exhibitor pages, the staff dashboard and /verify for an event folder.

    Binds 127.0.0.1 unless --host says otherwise; put it behind an HTTPS proxy to publish it.

    Example: carbonexpo serve examples/cisce-2024 --trust keys/
    """
    from carbonexpo import web

    web.serve(
        folder,
        host=host,
        port=port,
        lang=lang,
        trust=trust,
        published=published,
        ledger=ledger_path,
    )
