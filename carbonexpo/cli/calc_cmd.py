"""`carbonexpo init`, `validate` and `calc`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from carbonexpo.cli.common import (
    CONTEXT,
    DIR,
    LEDGER_OPTION,
    REGISTRY_OPTION,
    handle_errors,
    lang_option,
)


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
@lang_option("the exhibitor form (either is imported the same)", "en")
@handle_errors
def init(folder: Path, event_id: str, form: Path | None, exhibitor: str, lang: str) -> None:
    """Create an event folder: a commented event.yaml, every table's header, and TABLES.md with
    each table's columns and an example row.

    Example: carbonexpo init my-expo --id my-expo-2025 --exhibitor-form form.xlsx
    """
    from carbonexpo import api

    if not (form and (folder / "event.yaml").exists()):
        for path in api.init_event(folder, event_id):
            click.echo(f"wrote {path}")
    if form:
        event = api.write_exhibitor_form(folder, form, exhibitor, lang=lang)
        click.echo(f"wrote {form} (event {event})")


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@handle_errors
def validate(folder: Path) -> None:
    """Check an event folder; list every problem as FILE:ROW:COLUMN (exit 2), or say it is fine.

    Example: carbonexpo validate examples/cisce-2024
    """
    from carbonexpo import api

    checked = api.validate(folder)
    data = checked.data
    rows = sum(t.rows for t in data.tables.values())
    click.echo(f"{folder}: {len(data.tables)} table(s), {rows} row(s): no problems")
    for n in checked.assumptions:
        if n.code in (
            "places_ambiguous_summary",
            "place_ambiguous",
            "place_icao",
            "place_old_airport",
        ):
            click.echo(f"note: {api.render_note(n)}")
    for n in checked.warnings:
        click.echo(f"warning: {api.render_note(n)}", err=True)


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option("--json", "json_path", help="write the result JSON to PATH ('-' for stdout)")
@click.option(
    "--lines",
    "lines_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the inventory lines (.csv, .parquet or .xlsx)",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the result as an Excel workbook (summary, categories, instruments, credits, "
    "exhibitors, factors, assumptions)",
)
@lang_option("the workbook", "en")
@click.option(
    "--exhibitors",
    "exhibitors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write per-exhibitor statements (.csv; needs booths.csv)",
)
@LEDGER_OPTION
@REGISTRY_OPTION
@click.option("--require-neutral", is_flag=True, help="exit 1 when the event is not neutral")
@click.option(
    "--uncertainty", is_flag=True, help="95 % intervals by Monte Carlo (docs/uncertainty.md)"
)
@click.option("--runs", default=1000, show_default=True, type=int, help="Monte Carlo runs")
@click.option("--seed", default=0, show_default=True, type=int, help="Monte Carlo seed")
@handle_errors
def calc(
    folder: Path,
    json_path: str | None,
    lines_path: Path | None,
    xlsx_path: Path | None,
    lang: str,
    exhibitors_path: Path | None,
    ledger_path: str | None,
    registry_exports: tuple[str, ...],
    require_neutral: bool,
    uncertainty: bool,
    runs: int,
    seed: int,
) -> None:
    """Compute the inventory, Scope 2 (location and market), offsets and the balance.

    Example: carbonexpo calc examples/cisce-2024 --json result.json --xlsx result.xlsx
    """
    from carbonexpo import api

    api.check_output_paths(  # before the calculation: a wrong name costs nothing
        json_path=json_path,
        lines_path=lines_path,
        exhibitors_path=exhibitors_path,
        xlsx_path=xlsx_path,
    )
    run = api.calculate(
        folder,
        ledger=ledger_path,
        uncertainty_runs=runs if uncertainty else None,
        seed=seed,
        registry=registry_exports,
    )
    api.write_outputs(
        run,
        json_path=json_path,
        lines_path=lines_path,
        exhibitors_path=exhibitors_path,
        xlsx_path=xlsx_path,
        lang=lang,
    )
    out = sys.stderr if json_path == "-" else sys.stdout
    click.echo(api.summary_text(run.result), file=out)
    for warning in run.result.warnings:
        click.echo(f"warning: {api.render_note(warning)}", err=True)
    if require_neutral:
        api.require_neutral(run.result)


@click.command(context_settings=CONTEXT)
@click.argument("table", required=False)
@handle_errors
def schema(table: str | None) -> None:
    """Print the event folder's reference: every table's columns, types, units, allowed values
    and an example (or one TABLE's). docs/event-folder.md holds the same text.

    Example: carbonexpo schema travel
    """
    from carbonexpo import api

    text = api.schema_reference() if table is None else api.table_reference(table)
    click.echo(text, nl=False)


@click.command(context_settings=CONTEXT)
@click.argument("a", type=click.Path(exists=True, path_type=Path))
@click.argument("b", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "json_path", help="write the comparison as JSON to PATH ('-' for stdout)")
@handle_errors
def compare(a: Path, b: Path, json_path: str | None) -> None:
    """Two events side by side: A and B are event folders or result JSONs (plan vs actual,
    one edition against the next). By category, scope and phase, with B − A and its %.

    Example: carbonexpo compare plan/ examples/cisce-2024
    """
    import json

    from carbonexpo import api

    comparison = api.compare(a, b)
    if json_path:
        text = json.dumps(comparison.as_dict(), ensure_ascii=False, indent=2) + "\n"
        if json_path == "-":
            click.echo(text, nl=False)
            return
        Path(json_path).write_text(text, encoding="utf-8")
    click.echo(api.comparison_text(comparison))


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.argument("scenario_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="the new event folder (must not exist, or be empty)",
)
@handle_errors
def scenario(folder: Path, scenario_file: Path, out: Path) -> None:
    """Apply a what-if file (travel mode shifts, green-power coverage, materials reuse, meal
    mix) to a copy of FOLDER and print how it compares with the base. The format is in
    docs/planning.md; OUT's event.yaml records the scenario and its effect.

    Example: carbonexpo scenario examples/cisce-2024 examples/scenario-rail.yaml -o /tmp/rail
    """
    from carbonexpo import api

    comparison = api.scenario(folder, scenario_file, out)
    click.echo(f"wrote {out}")
    click.echo(api.comparison_text(comparison))
