"""`carbonexpo booth estimate` and `carbonexpo import-forms`."""

from __future__ import annotations

from pathlib import Path

import click

from carbonexpo.cli.common import CONTEXT, DIR, handle_errors


@click.group(context_settings=CONTEXT)
def booth() -> None:
    """Exhibitor booth footprints.

    Example: carbonexpo booth estimate --area 36 --build custom --days 5
    """


@booth.command("estimate", context_settings=CONTEXT)
@click.option("--area", type=float, help="booth floor area, m²")
@click.option(
    "--build",
    type=click.Choice(["shell", "custom", "modular", "space_only"]),
    default="shell",
    show_default=True,
)
@click.option("--days", type=float, default=5, show_default=True, help="open days")
@click.option("--power-kw", type=float, help="connected load (default: by build type)")
@click.option("--staff", multiple=True, help="ORIGIN:MODE:PEOPLE, e.g. Shanghai:hsr:4")
@click.option("--freight", multiple=True, help="ORIGIN:MODE:MASS, e.g. Shanghai:hgv:800kg")
@click.option("--nights", type=float, default=0, help="hotel room-nights")
@click.option("--country", default=None, help="venue country (ISO code; default CN)")
@click.option("--venue", default=None, help="venue place (default: the country's capital)")
@click.option(
    "--event",
    "event_dir",
    type=DIR,
    help="take venue, grid and factor sets from an event folder",
)
@click.option(
    "--from",
    "from_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="booths.csv/.xlsx: estimate every booth of the file",
)
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@handle_errors
def estimate(
    area: float | None,
    build: str,
    days: float,
    power_kw: float | None,
    staff: tuple[str, ...],
    freight: tuple[str, ...],
    nights: float,
    country: str | None,
    venue: str | None,
    event_dir: Path | None,
    from_file: Path | None,
    as_json: bool,
) -> None:
    """Estimate a booth's footprint before the show, every assumption listed.

    Example: carbonexpo booth estimate --area 36 --build custom --days 5 --staff "Shanghai:hsr:4"
    --staff "Frankfurt am Main:air:2" --freight "Shanghai:hgv:800kg" --nights 10 --country CN
    """
    from carbonexpo.api import estimate_many, estimate_one, format_estimates

    if from_file is None and area is None:
        raise click.UsageError("give --area (or --from booths.csv)")
    if from_file is not None:
        estimates = estimate_many(
            from_file, days=days, country=country, venue=venue, event_dir=event_dir
        )
    else:
        assert area is not None
        estimates = [
            estimate_one(
                area=area,
                build=build,
                days=days,
                power_kw=power_kw,
                staff=list(staff),
                freight=list(freight),
                nights=nights,
                country=country,
                venue=venue,
                event_dir=event_dir,
            )
        ]
    if as_json:
        from carbonexpo.api import result_json

        payload = [e.as_dict() for e in estimates]
        click.echo(result_json(payload[0] if from_file is None else payload), nl=False)
    else:
        click.echo(format_estimates(estimates))


@click.command("import-forms", context_settings=CONTEXT)
@click.argument("folder", type=DIR)
@click.argument(
    "forms", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@handle_errors
def import_forms_cmd(folder: Path, forms: tuple[Path, ...]) -> None:
    """Merge returned exhibitor forms into the event tables (bad cells as FILE:SHEET:CELL).

    Example: carbonexpo import-forms my-expo forms/*.xlsx
    """
    from carbonexpo.api import import_forms

    counts = import_forms(folder, list(forms))
    click.echo(
        f"merged {len(forms)} form(s): "
        + ", ".join(f"{n} {t} row(s)" for t, n in sorted(counts.items()))
    )
