"""Quick booth footprint: build materials, power, staff travel, hotels and freight, computed
with the same activity steps and factor resolution as an event inventory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.booth import defaults as d
from carbonexpo.calc import activities as act
from carbonexpo.config import EventConfig
from carbonexpo.errors import ArgumentError, InputError, Problem, raise_if
from carbonexpo.factors import keys
from carbonexpo.factors.catalog import Factor
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.geo import resolve_place
from carbonexpo.io.checks import check_tables
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import Table, read_rows
from carbonexpo.notes import Note, note

GROUPS = {
    "materials": "build materials",
    "electricity": "power",
    "travel": "staff travel",
    "accommodation": "hotels",
    "logistics": "freight",
    "well_to_tank": "upstream fuel",  # with claim.well_to_tank: the fuels' supply chains
}
BUILDS = tuple(d.BUILD_MATERIALS_KG_PER_M2)


@dataclass
class BoothSpec:
    area_m2: float
    build: str
    days: float
    power_kw: float | None = None
    staff: list[tuple[str, str, str]] = field(default_factory=list)  # origin, mode, people
    freight: list[tuple[str, str, str]] = field(default_factory=list)  # origin, mode, mass
    nights: float = 0.0
    country: str = "CN"
    exhibitor: str = ""
    booth: str = ""
    # rows of cell texts as an event table holds them ("travel", "logistics", "accommodation",
    # "materials"): given, they replace the staff/freight/nights shorthands and the build's
    # default materials
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Estimate:
    spec: BoothSpec
    by_group: dict[str, float]  # tCO2e
    total_tco2e: float
    lines: pd.DataFrame
    assumptions: list[Note]

    def as_dict(self) -> dict[str, Any]:
        return {
            "exhibitor": self.spec.exhibitor,
            "booth": self.spec.booth,
            "area_m2": self.spec.area_m2,
            "build": self.spec.build,
            "days": self.spec.days,
            "by_group_tco2e": self.by_group,
            "total_tco2e": self.total_tco2e,
            "estimate": True,
            "assumptions": [a.model_dump() for a in self.assumptions],
            "lines": [
                {
                    "group": GROUPS[str(c)],
                    "factor_key": str(k),
                    "activity_quantity": float(q),
                    "activity_unit": str(u),
                    "factor_value": float(v),
                    "factor_source": str(s),
                    "kgco2e": float(kg),
                }
                for c, k, q, u, v, s, kg in zip(
                    self.lines["category"],
                    self.lines["factor_key"],
                    self.lines["activity_quantity"],
                    self.lines["activity_unit"],
                    self.lines["factor_value"],
                    self.lines["factor_source"],
                    self.lines["kgco2e"],
                    strict=True,
                )
            ],
        }


# an option's shorthand -> the table it fills, and its cells (read by the table reader)
Shorthand = tuple[str, str]  # (option, the text as given)


def parse_staff(text: str) -> tuple[str, str, str]:
    """'Shanghai:hsr:4' -> (origin, mode, travellers) as typed: the table reader reads them
    (a mode synonym such as plane, 1,200) exactly as in travel.csv."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise ArgumentError("staff", f"{text!r}: expected ORIGIN:MODE:COUNT, e.g. Shanghai:hsr:4")
    origin, mode, count = (p.strip() for p in parts)
    return origin, mode, count


def parse_freight(text: str) -> tuple[str, str, str]:
    """'Shanghai:hgv:800kg' -> (origin, mode, mass as typed; a number alone is kg)."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise ArgumentError(
            "freight", f"{text!r}: expected ORIGIN:MODE:MASS, e.g. Shanghai:hgv:800kg"
        )
    origin, mode, mass = (p.strip() for p in parts)
    return origin, mode, mass


def shorthand_rows(spec: BoothSpec) -> dict[str, list[tuple[dict[str, str], Shorthand]]]:
    """The rows of the event tables that the options stand for, each with its option."""
    out: dict[str, list[tuple[dict[str, str], Shorthand]]] = {}
    for origin, mode, count in spec.staff:
        text = f"{origin}:{mode}:{count}"
        out.setdefault("travel", []).append(
            (
                {
                    "group": "exhibitor_staff",
                    "origin": origin,
                    "mode": mode,
                    "travellers": str(count),
                    "round_trips": "1",
                },
                ("--staff", text),
            )
        )
    for origin, mode, mass in spec.freight:
        text = f"{origin}:{mode}:{mass}"
        for leg, place in (("out", "origin"), ("back", "destination")):
            out.setdefault("logistics", []).append(
                (
                    {
                        "shipment": f"{origin} {leg}",
                        "mode": mode,
                        "mass_kg": str(mass),
                        place: origin,
                    },
                    ("--freight", text),
                )
            )
    if spec.nights:
        out["accommodation"] = [
            (
                {"country": spec.country, "room_nights": repr(float(spec.nights))},
                ("--nights", f"{spec.nights:g}"),
            )
        ]
    return out


def spec_tables(spec: BoothSpec, config: EventConfig) -> dict[str, Table]:
    """The estimate's activity tables, read by the table reader from the spec's rows (or its
    options): what a table file with those cells would give, with the same messages, here
    named after the option or the table."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    given: dict[str, list[tuple[dict[str, str], Shorthand | None]]] = {
        t: [({str(k): "" if v is None else str(v) for k, v in r.items()}, None) for r in rows]
        for t, rows in spec.rows.items()
    }
    for table, rows in shorthand_rows(spec).items():
        if table not in spec.rows:
            given[table] = [(r, option) for r, option in rows]
    for table, entered in given.items():
        if not entered:
            continue
        cells = [{**r, "exhibitor": spec.exhibitor} if spec.exhibitor else r for r, _ in entered]
        read, found = read_rows(cells, SCHEMAS[table], f"{table}.csv", config.timezone)
        found += check_tables(config, {table: read}) if read is not None else []
        for p in found:
            option = entered[p.row - 2][1] if 0 <= p.row - 2 < len(entered) else None
            if option is not None:
                p = Problem(
                    option[0], 0, p.column, p.message, p.code,
                    where=f"{option[0]} {option[1]!r}: {p.column}", detail=p.detail,
                )  # fmt: skip
            problems.append(p)
        if read is not None:
            tables[table] = read
    raise_if(problems)
    return tables


def estimate_config(
    *,
    venue: str,
    country: str,
    factor_sets: list[str],
    grid: str | None,
    radiative_forcing: bool = True,
) -> EventConfig:
    place = resolve_place(venue)
    if place is None:
        raise ArgumentError(
            "venue", f"{venue!r} not found (IATA code, city, 'City, CC' or 'lat,lon')"
        )
    today = dt.date.today()
    return EventConfig.model_validate(
        {
            "id": "booth-estimate",
            "name": "booth estimate",
            "timezone": "UTC",
            "venue": {
                "name": venue,
                "country": country,
                "grid": grid or country,
                "latitude": place.latitude,
                "longitude": place.longitude,
            },
            "phases": {"open": {"start": today, "end": today}},
            "factor_sets": factor_sets,
            "claim": {"radiative_forcing": radiative_forcing},
        }
    )


READING_NOTES = (
    "input_synonym",
    "input_read_as",
    "read_thousands",
    "read_unit",
    "read_dates",
    "read_header",
    "read_synonym",
    "read_guarded_text",
    "read_value",
    "read_exhibitor",
    "place_icao",
    "place_old_airport",
    "place_ambiguous",
    "places_ambiguous_summary",
    "travel_distance_computed",
    "logistics_distance_computed",
    "air_bands",
    "default_cabin",
)


def estimate_booth(
    spec: BoothSpec, config: EventConfig, user_factors: Sequence[Factor] = ()
) -> Estimate:
    """The booth's footprint: its rows (or the options' shorthand) read and calculated as an
    event folder's are, plus the estimator's defaults for what cannot be measured per booth
    (power) or was not given (build materials)."""
    _check_spec(spec)
    return estimate_from_tables(spec, config, spec_tables(spec, config), user_factors)


def _check_spec(spec: BoothSpec) -> None:
    if spec.build not in BUILDS:
        raise ArgumentError("build", f"unknown build {spec.build!r} (allowed: {', '.join(BUILDS)})")
    if not spec.area_m2 > 0:
        raise ArgumentError("area_m2", f"{spec.area_m2:g} m²: the booth area must be > 0")
    if not spec.days > 0:
        raise ArgumentError("days", f"{spec.days:g}: the number of days must be > 0")


def estimate_from_tables(
    spec: BoothSpec,
    config: EventConfig,
    tables: Mapping[str, Table],
    user_factors: Sequence[Factor] = (),
) -> Estimate:
    """The estimate of typed tables that passed the checks (`spec.rows` is not read here): the
    lines of calc.build_lines, so that the booth's own part is what `calc` attributes to the
    same rows, to the gram."""
    from carbonexpo.calc.calculate import build_lines
    from carbonexpo.io.event import EventData

    _check_spec(spec)
    data = EventData(Path("booth"), config, dict(tables), "", list(user_factors))
    resolver = FactorResolver.for_event(list(config.factor_sets), data.user_factors)
    builder, calc_notes, _, _ = build_lines(data, resolver)
    assumptions: list[Note] = []
    exhibitor = spec.exhibitor or None
    materials = tables.get("materials")
    if materials is None or materials.rows == 0:
        intensities = d.BUILD_MATERIALS_KG_PER_M2[spec.build]
        frame = pd.DataFrame(
            {
                "_row": np.arange(2, 2 + len(intensities)),
                "material": [m for m, _ in intensities],
                "origin": [o for _, o in intensities],
                "mass_kg": [kg * spec.area_m2 for kg in intensities.values()],
                "exhibitor": [exhibitor] * len(intensities),
            }
        )
        builder.add(act.materials_activity(frame), source_file="booth", category="materials")
        assumptions.append(
            note(
                "booth_materials",
                build=spec.build,
                intensities=", ".join(f"{m} {o} {kg:g}" for (m, o), kg in intensities.items()),
            )
        )
    power = spec.power_kw
    if power is None:
        power = d.POWER_KW_PER_M2[spec.build] * spec.area_m2
        assumptions.append(
            note("booth_power", kw_per_m2=d.POWER_KW_PER_M2[spec.build], kw=power, build=spec.build)
        )
    kwh = power * d.OPEN_HOURS_PER_DAY * d.LOAD_FACTOR * spec.days
    assumptions.append(
        note("booth_hours", hours=d.OPEN_HOURS_PER_DAY, load=d.LOAD_FACTOR, days=spec.days, kwh=kwh)
    )
    electricity = pd.DataFrame(
        {
            "_row": [2],
            "factor_key": [keys.grid(config.venue.grid)],
            "quantity": [kwh],
            "unit": ["kWh"],
            "phase": ["open"],
            "exhibitor": [exhibitor],
        }
    )
    builder.add(electricity, source_file="booth", category="electricity")
    if spec.staff and "travel" in tables:
        assumptions.append(note("booth_staff"))
    if spec.freight and "logistics" in tables:
        assumptions.append(note("booth_freight", legs=d.FREIGHT_LEGS))
    assumptions += [n for n in calc_notes if n.code in READING_NOTES]
    if builder.problems:
        raise InputError(builder.problems)
    groups = builder.groups()
    # summed as calc.allocation sums an exhibitor's own lines: the same groups, the same order
    sums = groups.groupby("category", observed=True)["kgco2e"].sum()
    by_group = {label: float(sums.get(cat, 0.0)) / 1000.0 for cat, label in GROUPS.items()}
    lines = builder.lines()
    if lines["proxy"].any():
        proxies = sorted({str(k) for k in lines["factor_key"][lines["proxy"].to_numpy()]})
        assumptions.append(note("proxy_factors", keys=proxies))
    return Estimate(spec, by_group, sum(by_group.values()), lines, assumptions)
