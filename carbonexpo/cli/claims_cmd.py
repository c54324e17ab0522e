"""`carbonexpo claims`: what the event may claim, where, under which rules (docs/rules.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, LEDGER_OPTION, handle_errors, lang_option


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option("--json", "json_path", help="write the verdicts as JSON to PATH ('-' for stdout)")
@click.option(
    "--require",
    "required",
    multiple=True,
    metavar="PACK",
    help="exit 1 when this rule pack says may_not (repeatable)",
)
@LEDGER_OPTION
@lang_option("the reasons and wording")
@handle_errors
def claims(
    folder: Path,
    json_path: str | None,
    required: tuple[str, ...],
    ledger_path: str | None,
    lang: str,
) -> None:
    """For every rule pack (standards, provinces, markets, instruments) the verdict on this
    event's claim: may, may_not or not_checked, each reason with its rule and clause, the
    wording allowed, deadlines and the evidence to keep. Exit 0 whatever the verdicts, unless
    --require names a pack that says may_not.

    Example: carbonexpo claims examples/cisce-2024 --require mee-2019
    """
    from carbonexpo import api

    run = api.calculate(folder, ledger=ledger_path)
    checked = api.claims(run)
    if json_path == "-":
        sys.stdout.write(api.claims_json(checked))
    elif json_path:
        api.write_claims_json(checked, json_path)
    if json_path != "-":
        click.echo(api.claims_text(checked, lang=lang), nl=False)
    api.require_claims(checked, required)
