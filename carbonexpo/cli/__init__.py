"""The command line: a thin click group. Commands parse options, call one library function and
turn CarbonExpoError into exit codes (0 done, 1 a requirement not met, 2 bad input).
Heavy libraries are imported inside the commands so that `carbonexpo --help` stays fast."""

from __future__ import annotations

import sys

import click

from carbonexpo import __version__
from carbonexpo.cli import process
from carbonexpo.cli.booth_cmd import booth, import_forms_cmd
from carbonexpo.cli.calc_cmd import calc, compare, init, scenario, schema, validate
from carbonexpo.cli.certificate_cmd import certificate, keys, verify
from carbonexpo.cli.claims_cmd import claims
from carbonexpo.cli.common import CONTEXT, EXIT_HELP
from carbonexpo.cli.credits_cmd import credits
from carbonexpo.cli.evidence_cmd import evidence
from carbonexpo.cli.factors_cmd import factors
from carbonexpo.cli.ledger_cmd import ledger
from carbonexpo.cli.phc_cmd import phc
from carbonexpo.cli.report_cmd import report
from carbonexpo.cli.travel_cmd import travel
from carbonexpo.cli.web_cmd import invite, serve


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="carbonexpo")
def cli() -> None:
    """carbonexpo: was the exhibition really zero-carbon? Inventory, market-based Scope 2,
    offsets and the neutrality balance, from an event folder.

    Example: carbonexpo calc examples/cisce-2024
    """


cli.add_command(factors)
cli.add_command(init)
cli.add_command(validate)
cli.add_command(schema)
cli.add_command(calc)
cli.add_command(compare)
cli.add_command(claims)
cli.add_command(credits)
cli.add_command(evidence)
cli.add_command(scenario)
cli.add_command(report)
cli.add_command(keys)
cli.add_command(certificate)
cli.add_command(verify)
cli.add_command(ledger)
cli.add_command(booth)
cli.add_command(import_forms_cmd)
cli.add_command(phc)
cli.add_command(travel)
cli.add_command(invite)
cli.add_command(serve)


def _with_exit_codes(command: click.Command) -> None:
    """Every command's --help ends with the one exit-code table (spec §9)."""
    command.epilog = EXIT_HELP
    for sub in getattr(command, "commands", {}).values():
        _with_exit_codes(sub)


_with_exit_codes(cli)


def main() -> None:
    if sys.argv[1:2] != ["serve"]:  # one batch run, not a server
        process.tune_for_one_run()
    try:
        cli(prog_name="carbonexpo")
    finally:
        process.freeze_at_exit()
