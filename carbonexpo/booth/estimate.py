"""Quick booth footprint: build materials, power, staff travel, hotels and freight, computed
with the same activity steps and factor resolution as an event inventory."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.booth import defaults as d
from carbonexpo.calc import activities as act
from carbonexpo.calc.lines import LineBuilder
from carbonexpo.config import EventConfig
from carbonexpo.errors import InputError, OptionError, Problem, raise_if
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.geo import resolve_place
from carbonexpo.io.schema import FREIGHT_MODES, SCHEMAS, TRAVEL_MODES
from carbonexpo.notes import Note, note
from carbonexpo.units import MASS, UnitProblem, has_dimension, multiplier

GROUPS = {
    "materials": "build materials",
    "electricity": "power",
    "travel": "staff travel",
    "accommodation": "hotels",
    "logistics": "freight",
}
BUILDS = tuple(d.BUILD_MATERIALS_KG_PER_M2)


@dataclass
class BoothSpec:
    area_m2: float
    build: str
    days: float
    power_kw: float | None = None
    staff: list[tuple[str, str, float]] = field(default_factory=list)
    freight: list[tuple[str, str, float]] = field(default_factory=list)
    nights: float = 0.0
    country: str = "CN"
    exhibitor: str = ""
    booth: str = ""
    # rows as an event table holds them ("travel", "logistics", "accommodation", "materials"):
    # given, they replace the staff/freight/nights shorthands and the build's default materials
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


def parse_staff(text: str) -> tuple[str, str, float]:
    """'Shanghai:hsr:4' -> (origin, mode, travellers)."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3:
        raise OptionError("--staff", f"{text!r}: expected ORIGIN:MODE:COUNT, e.g. Shanghai:hsr:4")
    origin, mode, count = (p.strip() for p in parts)
    if mode not in TRAVEL_MODES:
        raise OptionError(
            "--staff", f"{text!r}: unknown mode {mode!r} (allowed: {', '.join(TRAVEL_MODES)})"
        )
    try:
        n = float(count)
    except ValueError as exc:
        raise OptionError("--staff", f"{text!r}: {count!r} is not a number") from exc
    if not np.isfinite(n) or n <= 0:
        raise OptionError("--staff", f"{text!r}: the number of people must be > 0")
    return origin, mode, n


def parse_freight(text: str) -> tuple[str, str, float]:
    """'Shanghai:hgv:800kg' -> (origin, mode, mass in kg)."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3:
        raise OptionError(
            "--freight", f"{text!r}: expected ORIGIN:MODE:MASS, e.g. Shanghai:hgv:800kg"
        )
    origin, mode, mass = (p.strip() for p in parts)
    if mode not in FREIGHT_MODES:
        raise OptionError(
            "--freight", f"{text!r}: unknown mode {mode!r} (allowed: {', '.join(FREIGHT_MODES)})"
        )
    m = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)", mass)
    if not m:
        raise OptionError("--freight", f"{text!r}: {mass!r} is not a mass such as 800kg")
    unit = m.group(2) or "kg"
    try:
        if not has_dimension(unit, MASS):
            raise OptionError("--freight", f"{text!r}: {unit!r} is not a unit of mass")
        kg = float(m.group(1)) * multiplier(unit, "kg")
    except UnitProblem as exc:
        raise OptionError("--freight", f"{text!r}: {exc}") from exc
    if kg <= 0:
        raise OptionError("--freight", f"{text!r}: the mass must be > 0")
    return origin, mode, kg


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
        raise OptionError(
            "--venue", f"{venue!r} not found (IATA code, city, 'City, CC' or 'lat,lon')"
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


def estimate_booth(spec: BoothSpec, config: EventConfig) -> Estimate:
    if spec.build not in BUILDS:
        raise OptionError("--build", f"unknown build {spec.build!r} (allowed: {', '.join(BUILDS)})")
    if not spec.area_m2 > 0:
        raise OptionError("--area", f"{spec.area_m2:g} m²: the booth area must be > 0")
    if not spec.days > 0:
        raise OptionError("--days", f"{spec.days:g}: the number of days must be > 0")
    resolver = FactorResolver.for_event(list(config.factor_sets))
    builder = LineBuilder(resolver)
    assumptions: list[Note] = []
    exhibitor = spec.exhibitor or None

    def frame(rows: list[dict[str, Any]], table: str | None = None) -> pd.DataFrame:
        df = pd.DataFrame(rows)
        df.insert(0, "_row", np.arange(2, len(df) + 2))
        if table is not None:  # rows as a table holds them: every column, numbers as floats
            for col in SCHEMAS[table].columns:
                if col.name not in df and col.kind in ("float", "int"):
                    df[col.name] = np.nan
                elif col.kind in ("float", "int"):
                    df[col.name] = pd.to_numeric(df[col.name], errors="coerce")
                elif col.name not in df:
                    df[col.name] = None
                else:  # an empty cell is a missing value, as in a table file
                    df[col.name] = df[col.name].where(df[col.name].astype(str).str.strip() != "")
        if exhibitor:
            df["exhibitor"] = exhibitor
        return df

    if "materials" in spec.rows:
        if spec.rows["materials"]:
            builder.add(
                act.materials_activity(frame(spec.rows["materials"], "materials")),
                source_file="booth",
                category="materials",
            )
    else:
        intensities = d.BUILD_MATERIALS_KG_PER_M2[spec.build]
        materials = frame(
            [
                {"material": m, "origin": o, "mass_kg": kg * spec.area_m2}
                for (m, o), kg in intensities.items()
            ]
        )
        builder.add(act.materials_activity(materials), source_file="booth", category="materials")
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
            "factor_key": [f"electricity.grid.{config.venue.grid}"],
            "quantity": [kwh],
            "unit": ["kWh"],
            "phase": ["open"],
            "exhibitor": [exhibitor],
        }
    )
    builder.add(electricity, source_file="booth", category="electricity")
    if spec.rows.get("travel"):
        travel = frame(spec.rows["travel"], "travel")
        _check_places(travel["origin"], "origin")
        builder.add(act.travel_activity(travel, config), source_file="booth", category="travel")
        assumptions.append(note("booth_staff"))
    elif spec.staff and "travel" not in spec.rows:
        travel = frame(
            [
                {"origin": o, "mode": m, "travellers": n, "round_trips": 1.0}
                for o, m, n in spec.staff
            ]
        )
        _check_places(travel["origin"], "--staff")
        builder.add(act.travel_activity(travel, config), source_file="booth", category="travel")
        assumptions.append(note("booth_staff"))
    if spec.rows.get("accommodation"):
        builder.add(
            act.accommodation_activity(frame(spec.rows["accommodation"], "accommodation")),
            source_file="booth",
            category="accommodation",
        )
    elif spec.nights and "accommodation" not in spec.rows:
        hotels = frame([{"country": spec.country, "room_nights": spec.nights}])
        builder.add(
            act.accommodation_activity(hotels), source_file="booth", category="accommodation"
        )
    if spec.rows.get("logistics"):
        freight = frame(spec.rows["logistics"], "logistics")
        _check_places(pd.concat([freight["origin"], freight["destination"]]), "origin")
        builder.add(
            act.logistics_activity(freight, config), source_file="booth", category="logistics"
        )
    elif spec.freight and "logistics" not in spec.rows:
        legs = []
        for o, m, kg in spec.freight:
            legs += [
                {"shipment": f"{o} out", "mode": m, "mass_kg": kg, "origin": o},
                {"shipment": f"{o} back", "mode": m, "mass_kg": kg, "destination": o},
            ]
        freight = frame(legs)
        _check_places(
            pd.concat(
                [
                    freight.get("origin", pd.Series(dtype=object)),
                    freight.get("destination", pd.Series(dtype=object)),
                ]
            ),
            "--freight",
        )
        builder.add(
            act.logistics_activity(freight, config), source_file="booth", category="logistics"
        )
        assumptions.append(note("booth_freight", legs=d.FREIGHT_LEGS))
    if builder.problems:
        raise InputError(
            [
                Problem("booth", 0, p.column, p.message.split(" (factors.csv")[0], p.code)
                for p in builder.problems
            ]
        )
    lines = builder.lines()
    sums = lines.groupby("category", observed=True)["kgco2e"].sum()
    by_group = {label: float(sums.get(cat, 0.0)) / 1000.0 for cat, label in GROUPS.items()}
    if lines["proxy"].any():
        keys = sorted({str(k) for k in lines["factor_key"][lines["proxy"].to_numpy()]})
        assumptions.append(note("proxy_factors", keys=keys))
    return Estimate(spec, by_group, float(lines["kgco2e"].sum()) / 1000.0, lines, assumptions)


def _check_places(values: pd.Series, option: str) -> None:
    problems = [
        Problem(
            "booth",
            0,
            option,
            f"place {v!r} not found (IATA code, city, 'City, CC' or 'lat,lon')",
            "unknown_place",
        )
        for v in values.dropna().unique()
        if resolve_place(str(v)) is None
    ]
    raise_if(problems)
