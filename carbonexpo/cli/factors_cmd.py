"""`carbonexpo factors …`: the shipped factor sets, their sources, and checking a factors.csv."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, handle_errors


@click.group(context_settings=CONTEXT)
def factors() -> None:
    """Emission-factor sets shipped with carbonexpo.

    Example: carbonexpo factors show electricity.grid.CN-North --set cn-mee-2022
    """


@factors.command("list", context_settings=CONTEXT)
@handle_errors
def list_sets() -> None:
    """List factor sets with version, rows and licences.

    Example: carbonexpo factors list
    """
    from carbonexpo.api import load_set, set_ids

    click.echo(f"{'set':<24} {'version':<10} {'rows':>5}  licences")
    for sid in set_ids():
        s = load_set(sid)
        click.echo(f"{sid:<24} {s.version:<10} {len(s.factors):>5}  {', '.join(s.licences)}")


@factors.command("search", context_settings=CONTEXT)
@click.argument("text")
@handle_errors
def search(text: str) -> None:
    """Find factor keys by words of the key or its description (all words must match).

    Example: carbonexpo factors search "air long business"
    """
    from carbonexpo.api import search_factors

    hits = search_factors(text)
    if not hits:
        click.echo(f"no factor matches {text!r}")
        return
    for f in hits:
        click.echo(f"{f.key:<48} {f.kgco2e_per_unit:>12.6g} kgCO2e/{f.unit:<14} [{f.set_id}]")


@factors.command("show", context_settings=CONTEXT)
@click.argument("key")
@click.option("--set", "set_id", help="look only in this set (default: every set)")
@handle_errors
def show(key: str, set_id: str | None) -> None:
    """Show the value, unit, source, year and proxy note of KEY.

    Example: carbonexpo factors show passenger.air.long_haul.economy.rf --set desnz-2024
    """
    from carbonexpo.api import load_set, load_sources, set_ids
    from carbonexpo.errors import CarbonExpoError

    sources = load_sources()
    found = 0
    for sid in [set_id] if set_id else set_ids():
        for f in load_set(sid).by_key().get(key.lower(), []):
            found += 1
            src = sources[f.source_id]
            click.echo(f"{f.key} [{sid}]")
            click.echo(f"  value:   {f.kgco2e_per_unit:g} kg{f.gas_basis} per {f.unit}")
            click.echo(f"  source:  {src.publisher}, {src.title} ({src.year})")
            click.echo(f"  licence: {src.licence}; {src.url}")
            click.echo(f"  ref:     {f.source_ref}")
            if f.year:
                click.echo(f"  year:    {f.year}")
            if f.proxy_for:
                click.echo(f"  proxy:   {f.proxy_for}")
            if f.note:
                click.echo(f"  note:    {f.note}")
    if not found:
        where = f"set {set_id}" if set_id else "any shipped set"
        raise CarbonExpoError(f"no factor {key!r} in {where}")


@factors.command("sources", context_settings=CONTEXT)
@handle_errors
def sources_cmd() -> None:
    """Print the bibliography of every shipped factor.

    Example: carbonexpo factors sources
    """
    from carbonexpo.api import load_sources

    for s in load_sources().values():
        click.echo(
            f"[{s.source_id}] {s.publisher}. {s.title}. {s.year}. {s.url}. "
            f"Licence: {s.licence}. {s.attribution}"
        )


@factors.command("validate", context_settings=CONTEXT)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handle_errors
def validate_cmd(path: Path) -> None:
    """Check a factors.csv (spec §2) and list every problem as FILE:ROW:COLUMN.

    Example: carbonexpo factors validate my-event/factors.csv
    """
    from carbonexpo.api import validate_factors_file

    rows = validate_factors_file(path)
    click.echo(f"{path.name}: {rows} factor(s), no problems")
