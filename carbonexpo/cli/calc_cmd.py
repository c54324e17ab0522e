"""`carbonexpo init`, `validate` and `calc`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, LEDGER_OPTION, handle_errors

DIR = click.Path(exists=True, file_okay=False, path_type=Path)


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--id",
    "event_id",
    default="my-event",
    show_default=True,
    help="event id written into event.yaml",
)
@click.option(
    "--exhibitor-form",
    "form",
    type=click.Path(dir_okay=False, path_type=Path),
    help="also (or, for an existing folder, only) write an exhibitor form (.xlsx)",
)
@click.option("--exhibitor", default="", help="exhibitor name pre-filled in the form")
@handle_errors
def init(folder: Path, event_id: str, form: Path | None, exhibitor: str) -> None:
    """Create an event folder: a commented event.yaml and every table with one example row.

    Example: carbonexpo init my-expo --id my-expo-2025 --exhibitor-form form.xlsx
    """
    from carbonexpo.io.scaffold import init_event

    existing = (folder / "event.yaml").exists()
    if not (form and existing):
        for path in init_event(folder, event_id):
            click.echo(f"wrote {path}")
    if form:
        from carbonexpo.booth.forms import write_form
        from carbonexpo.errors import raise_if
        from carbonexpo.io.event import load_config

        config, problems = load_config(folder / "event.yaml")
        raise_if(problems)
        assert config is not None
        write_form(form, event_id=config.id, event_name=config.name, exhibitor=exhibitor)
        click.echo(f"wrote {form} (event {config.id})")


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@handle_errors
def validate(folder: Path) -> None:
    """Check an event folder; list every problem as FILE:ROW:COLUMN (exit 2), or say it is fine.

    Example: carbonexpo validate examples/cisce-2024
    """
    from carbonexpo.calc.calculate import build_lines
    from carbonexpo.factors.resolve import FactorResolver
    from carbonexpo.io.event import read_event

    data = read_event(folder)
    resolver = FactorResolver.for_event(list(data.config.factor_sets), data.user_factors)
    build_lines(data, resolver)
    rows = sum(t.rows for t in data.tables.values())
    click.echo(f"{folder}: {len(data.tables)} table(s), {rows} row(s): no problems")


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option("--json", "json_path", help="write the result JSON to PATH ('-' for stdout)")
@click.option(
    "--lines",
    "lines_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the inventory lines (.csv or .parquet)",
)
@click.option(
    "--exhibitors",
    "exhibitors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write per-exhibitor statements (.csv; needs booths.csv)",
)
@LEDGER_OPTION
@click.option("--require-neutral", is_flag=True, help="exit 1 when the event is not neutral")
@handle_errors
def calc(
    folder: Path,
    json_path: str | None,
    lines_path: Path | None,
    exhibitors_path: Path | None,
    ledger_path: Path | None,
    require_neutral: bool,
) -> None:
    """Compute the inventory, Scope 2 (location and market), offsets and the balance.

    Example: carbonexpo calc examples/cisce-2024 --json result.json --lines lines.csv
    """
    from carbonexpo.errors import CarbonExpoError, NotNeutralError
    from carbonexpo.service import run_calc, summary_text, write_outputs

    if lines_path and lines_path.suffix.lower() not in (".csv", ".parquet"):
        raise click.UsageError("--lines must end in .csv or .parquet")
    if exhibitors_path and exhibitors_path.suffix.lower() != ".csv":
        raise click.UsageError("--exhibitors must end in .csv")
    calc_, result = run_calc(folder, ledger=ledger_path)
    if exhibitors_path and calc_.exhibitors is None:
        raise CarbonExpoError("--exhibitors needs booths.csv in the event folder")
    write_outputs(
        calc_, result, json_path=json_path, lines_path=lines_path, exhibitors_path=exhibitors_path
    )
    out = sys.stderr if json_path == "-" else sys.stdout
    click.echo(summary_text(result), file=out)
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if require_neutral and not result["totals"]["neutral"]:
        raise NotNeutralError(
            f"not neutral: gross {result['totals']['gross_tco2e']:.3f} tCO2e exceeds eligible "
            f"offsets {result['totals']['offsets_eligible_tco2e']:.3f} tCO2e by "
            f"{result['totals']['net_tco2e']:.3f} tCO2e"
        )
