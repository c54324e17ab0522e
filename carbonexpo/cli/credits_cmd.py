"""`carbonexpo credits check`: credit rows against registries' public exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, LEDGER_OPTION, handle_errors, lang_option


@click.group(context_settings=CONTEXT)
def credits() -> None:
    """Carbon credits of an event folder against the registries' records.

    Example: carbonexpo credits check examples/cisce-2024 --registry vcus.csv
    """


@credits.command("check", context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option(
    "--registry",
    "exports",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a registry's public export: Verra's VCU export or Gold Standard's credits export "
    "(repeatable)",
)
@click.option("--json", "json_path", help="write the checks as JSON to PATH ('-' for stdout)")
@LEDGER_OPTION
@lang_option("the mismatches")
@handle_errors
def check(
    folder: Path,
    exports: tuple[Path, ...],
    json_path: str | None,
    ledger_path: str | None,
    lang: str,
) -> None:
    """For each credit row of the export's registry: the serial range exists, was retired (not
    only issued) in the stated quantity, to this event (its id or organiser in the beneficiary
    or the retirement details), on the stated date, and (with --ledger) not claimed there by
    another event. Exit 1 when any row does not match.

    Example: carbonexpo credits check examples/cisce-2024 --registry vcus.csv
    """
    from carbonexpo import api
    from carbonexpo.errors import RequirementNotMet

    checks = api.check_credits(folder, exports, ledger=ledger_path)
    if json_path == "-":
        sys.stdout.write(api.registry_check_json(checks))
    else:
        if json_path:
            api.write_registry_check_json(checks, json_path)
        click.echo(api.registry_check_text(checks, lang=lang), nl=False)
    wrong = sum(len(c.mismatches) for c in checks)
    if wrong:
        raise RequirementNotMet(f"{wrong} credit row mismatch(es) against the registry")
