"""`carbonexpo invite` and `carbonexpo serve`: the web face over an event folder (spec §12)."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, handle_errors, lang_option

FOLDER = click.argument("folder", type=DIR)


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
@click.option(
    "--smtp",
    help="mail each exhibitor its link through this server: smtp://HOST[:PORT], "
    "smtp+starttls://USER@HOST[:587] or smtps://USER@HOST[:465] (password: "
    "CARBONEXPO_SMTP_PASSWORD); addresses from booths.csv's contact_email column",
)
@click.option("--from", "sender", help="the sender address of the mails (with --smtp)")
@lang_option("the mails (default: Chinese for an event in China, else English)", None)
@click.option("--dry-run", is_flag=True, help="with --smtp: say who would be mailed, send nothing")
@handle_errors
def invite(
    folder: Path,
    renew: bool,
    base_url: str,
    smtp: str | None,
    sender: str | None,
    lang: str | None,
    dry_run: bool,
) -> None:
    """One secret link per exhibitor of booths.csv and one for the staff.

    Only the links' hashes are kept in FOLDER/.carbonexpo/, so each link is printed once:
    send it now. Exhibitors who already have a link keep it (use --renew to replace all).

    Example: carbonexpo invite examples/cisce-2024 --base-url https://expo.example.org
    """
    import os

    from carbonexpo import api

    if smtp or sender or dry_run:
        if not (smtp and sender):
            raise click.UsageError("--smtp and --from go together (and --dry-run needs both)")
        done = api.mail_invites(
            folder,
            smtp=smtp,
            sender=sender,
            base_url=base_url,
            renew=renew,
            lang=lang,
            dry_run=dry_run,
            password=os.environ.get("CARBONEXPO_SMTP_PASSWORD"),
        )
        if done.dry_run:
            for name, to in done.would_mail:
                click.echo(f"{name}\t{', '.join(to)}")
            click.echo(f"dry run: {len(done.would_mail)} mail(s) would be sent", err=True)
            return
        for holder, url, why in done.not_mailed:  # shown once: send these another way
            click.echo(f"{holder or 'staff'}\t{url}\t{why}")
        click.echo(
            f"{len(done.mailed)} mail(s) sent; {len(done.not_mailed)} link(s) above not mailed; "
            f"{done.kept} kept from before",
            err=True,
        )
        return
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
@lang_option("the pages until a visitor switches", "zh")
@click.option(
    "--trust",
    type=DIR,
    help="folder of issuer public keys (*.pub) that /verify accepts",
)
@click.option(
    "--published",
    type=DIR,
    help="folder of issued cert.json files: a certificate's QR link is checked against them",
)
@click.option(
    "--ledger",
    "ledger_path",
    help="venue ledger (SQLite file or postgresql:// URL) the calculation checks serial "
    "blocks against (read only)",
)
@click.option(
    "--root-path",
    default="",
    help="the path prefix a reverse proxy serves the site under (e.g. /expo)",
)
@click.option(
    "--forwarded-allow-ips",
    help="addresses of the reverse proxy whose X-Forwarded-Proto/-For headers are believed "
    "(e.g. 127.0.0.1); https from the proxy makes cookies Secure. Default: none believed",
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
    root_path: str,
    forwarded_allow_ips: str | None,
) -> None:
    """Run the exhibitor pages, the staff dashboard and /verify for an event folder.

    Binds 127.0.0.1 unless --host says otherwise; put it behind an HTTPS proxy to publish it
    (docs/deploy.md: --root-path, --forwarded-allow-ips, an nginx site and a systemd unit).

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
        root_path=root_path,
        forwarded_allow_ips=forwarded_allow_ips,
    )
