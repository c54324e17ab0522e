"""`carbonexpo phc export`: visitors' green-trip reductions for a 碳普惠 platform (spec §14)."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, handle_errors


@click.group(context_settings=CONTEXT)
def phc() -> None:
    """Carbon inclusiveness (碳普惠): visitors' green trips, never deducted from the inventory.

    Example: carbonexpo phc export examples/cisce-2024 -o rewards.csv
    """


@phc.command("export", context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="the rewards CSV (one row per visitors.csv row or visitor id)",
)
@click.option(
    "--method",
    help="factor-difference | beijing-maas-2020 | guangzhou-metro-2017 "
    "(default: carbon_inclusive.method of event.yaml, else factor-difference)",
)
@handle_errors
def export(folder: Path, out: Path, method: str | None) -> None:
    """Write each green trip's reduction against the baseline mode, with its method and
    factors, for the platform that issues the rewards.

    Example: carbonexpo phc export examples/cisce-2024 -o rewards.csv --method beijing-maas-2020
    """
    from carbonexpo import api

    s = api.phc_export(folder, out, method=method)
    click.echo(
        f"wrote {out}: {s['rows']} row(s), {s['trips']:,.0f} trips, {s['reduction_tco2e']:,.3f} "
        f"tCO2e avoided against {s['baseline_mode']} ({s['method']}); not deducted from the "
        "event's inventory"
    )
    if s["not_covered_rows"]:
        click.echo(
            f"{s['not_covered_rows']} green-trip row(s) by {', '.join(s['not_covered_modes'])} "
            f"earn nothing under {s['method']} (it gives no value for these modes)",
            err=True,
        )
