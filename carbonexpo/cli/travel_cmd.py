"""`carbonexpo travel import`: a registration system's export into the event folder."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, handle_errors, map_option, parse_map


@click.group(context_settings=CONTEXT)
def travel() -> None:
    """Visitor travel from registrations, badge scans and a survey (docs/visitor-travel.md).

    Example: carbonexpo travel import 报名导出.xlsx my-expo --as registrations
    --map 参会人编号=attendee_id --map 来源城市=origin
    """


@travel.command("import", context_settings=CONTEXT)
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("folder", type=DIR)
@click.option(
    "--as",
    "kind",
    required=True,
    type=click.Choice(["registrations", "scans", "survey"]),
    help="which table of the folder the export is",
)
@map_option("来源城市=origin")
@click.option("--replace", is_flag=True, help="replace the folder's table if it exists")
@handle_errors
def import_cmd(
    export: Path, folder: Path, kind: str, mapping: tuple[str, ...], replace: bool
) -> None:
    """Check an export (CSV/XLSX) as the folder's registrations.csv, scans.csv or survey.csv
    and write it there: headers mapped with --map (HEADER=- leaves a column out; headers
    that are no column are left out and listed), dates such as 2025/06/08 read as ISO,
    attendee ids replaced by pseudonyms keyed by the folder (.attendee-key).

    Example: carbonexpo travel import scans.xlsx my-expo --as scans --map 证件号=attendee_id
    --map 扫码时间=date
    """
    from carbonexpo.api import attendance_columns, import_attendance

    rename = parse_map(mapping, [*attendance_columns(kind), "-"])
    done = import_attendance(export, folder, kind, rename=rename, replace=replace)
    for r in done.readings:
        counted = f" ({r.rows} rows)" if r.rows else ""
        click.echo(f"note: {r.column}: {r.what} {r.how}{counted}")
    if done.left_out:
        click.echo(f"note: not read (no column of {kind}.csv): {', '.join(done.left_out)}")
    if done.pseudonymised:
        click.echo(f"note: attendee_id: {done.pseudonymised:,} ids replaced by pseudonyms")
    verb = "replaced" if done.replaced else "written"
    click.echo(f"{done.path.name}: {done.rows:,} row(s) {verb}")
