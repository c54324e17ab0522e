"""`carbonexpo report`: the balance report as HTML, Markdown or PDF, in English or Chinese."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, LEDGER_OPTION, handle_errors, lang_option


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="report.html, report.md or report.pdf",
)
@lang_option("the report", "en")
@click.option("--exhibitor", help="write this exhibitor's statement instead of the event report")
@LEDGER_OPTION
@handle_errors
def report(
    folder: Path, output: Path, lang: str, exhibitor: str | None, ledger_path: Path | None
) -> None:
    """Write the carbon-neutrality balance report (or one exhibitor's statement).

    Example: carbonexpo report examples/cisce-2024 -o report.pdf --lang zh
    """
    import warnings

    from carbonexpo import api

    if output.suffix.lower() not in api.REPORT_FORMATS:
        raise click.UsageError("--output must end in .html, .md or .pdf")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", api.MissingCJKFontWarning)
        api.report_folder(folder, output, lang=lang, exhibitor=exhibitor, ledger=ledger_path)
    for w in caught:
        click.echo(f"Warning: {w.message}", err=True)
    click.echo(f"wrote {output}")
