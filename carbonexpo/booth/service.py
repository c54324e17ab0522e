"""Booth estimates for the CLI: the estimate context (venue, factors) and text output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from carbonexpo.booth.estimate import (
    GROUPS,
    BoothSpec,
    Estimate,
    estimate_booth,
    estimate_config,
    parse_freight,
    parse_staff,
)
from carbonexpo.config import EventConfig
from carbonexpo.errors import ArgumentError, raise_if
from carbonexpo.factors.catalog import Factor
from carbonexpo.geo import capital_of
from carbonexpo.io.schema import SCHEMAS, Column, TableSchema
from carbonexpo.io.tables import read_table
from carbonexpo.notes import Note, note

DEFAULT_SETS = ["cn-mee-2022", "desnz-2024"]
BOOTH_FORM = TableSchema(
    "booth_estimates",
    (
        *SCHEMAS["booths"].columns,
        Column("days", "float", positive=True),
        Column("power_kw", "float", minimum=0.0),
        Column("nights", "float", minimum=0.0),
        Column("country"),
    ),
)


def context(
    *, country: str | None, venue: str | None, event_dir: Path | None
) -> tuple[EventConfig, list[Note]]:
    notes: list[Note] = []
    if event_dir is not None:
        from carbonexpo.io.event import load_config

        config, problems = load_config(event_dir / "event.yaml")
        raise_if(problems)
        assert config is not None
        return config, notes
    country = (country or "CN").upper()
    if venue is None:
        venue = capital_of(country)
        if venue is None:
            raise ArgumentError("country", f"no capital known for {country}: pass --venue")
        notes.append(note("booth_venue_assumed", venue=venue, country=country))
    grid = country
    return estimate_config(venue=venue, country=country, factor_sets=DEFAULT_SETS, grid=grid), notes


def estimate_one(
    *,
    area: float,
    build: str,
    days: float,
    power_kw: float | None,
    staff: list[str],
    freight: list[str],
    nights: float,
    country: str | None,
    venue: str | None,
    event_dir: Path | None,
) -> Estimate:
    """One booth's footprint from what an exhibitor knows before the show (`booth estimate`):
    area, build type, days, optional power, staff journeys (ORIGIN:MODE:COUNT), freight
    (ORIGIN:KG[:MODE]) and hotel nights; ArgumentError naming the argument that is wrong."""
    config, notes = context(country=country, venue=venue, event_dir=event_dir)
    spec = BoothSpec(
        area_m2=area,
        build=build,
        days=days,
        power_kw=power_kw,
        staff=[parse_staff(s) for s in staff],
        freight=[parse_freight(f) for f in freight],
        nights=nights,
        country=(country or config.venue.country).upper(),
    )
    result = estimate_booth(spec, config, _event_factors(event_dir))
    result.assumptions[:0] = notes
    return result


def _event_factors(event_dir: Path | None) -> list[Factor]:
    """The event's own factors (factors.csv), as its calculation uses them."""
    if event_dir is None:
        return []
    from carbonexpo.io.event import settings_of

    return settings_of(event_dir)[1]


def estimate_many(
    path: Path, *, days: float, country: str | None, venue: str | None, event_dir: Path | None
) -> list[Estimate]:
    """A booth estimate per row of a booths form (.csv or .xlsx); InputError listing every
    bad cell."""
    table, problems = read_table(path, BOOTH_FORM, path.name)
    raise_if(problems)
    assert table is not None
    config, notes = context(country=country, venue=venue, event_dir=event_dir)
    out = []
    for record in table.df.to_dict("records"):

        def given(column: str, record: dict = record) -> Any:
            value = record.get(column)
            return None if value is None or pd.isna(value) else value

        spec = BoothSpec(
            area_m2=float(record["area_m2"]),
            build=str(given("build") or "shell"),
            days=float(given("days") or days),
            power_kw=None if given("power_kw") is None else float(given("power_kw")),
            nights=float(given("nights") or 0.0),
            country=str(given("country") or config.venue.country),
            exhibitor=str(record["exhibitor"]),
            booth=str(record["booth"]),
        )
        est = estimate_booth(spec, config, _event_factors(event_dir))
        est.assumptions[:0] = notes
        out.append(est)
    return out


def format_estimates(estimates: list[Estimate]) -> str:
    """Booth estimates as the terminal prints them (one block per booth, each line traced to
    its factor)."""
    lines = []
    for e in estimates:
        s = e.spec
        title = " ".join(x for x in (s.exhibitor, s.booth) if x) or "booth"
        lines.append(f"{title}: {s.area_m2:g} m², {s.build}, {s.days:g} day(s) — ESTIMATE")
        for label in GROUPS.values():
            lines.append(f"  {label:<18} {e.by_group[label]:>12,.3f} tCO2e")
        lines.append(f"  {'total':<18} {e.total_tco2e:>12,.3f} tCO2e")
        lines.append("  assumptions:")
        lines += [f"   - {a.text}" for a in e.assumptions]
        lines.append("")
    if len(estimates) > 1:
        lines.append(
            f"{len(estimates)} booths, total {sum(e.total_tco2e for e in estimates):,.3f} tCO2e"
        )
    return "\n".join(lines).rstrip()
