"""Per-category activity frames (pure DataFrame -> DataFrame): what was done, in which unit,
needing which factor key. Emissions are computed from these by calc.lines."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from carbonexpo.config import EventConfig
from carbonexpo.geo import great_circle_km, resolve_place

# Phase of rows that carry no date (documented in docs/methodology.md; listed as assumptions).
DEFAULT_PHASE = {
    "refrigerants": "open",
    "travel": "open",
    "accommodation": "open",
    "catering": "open",
    "logistics": "build_up",
    "materials": "build_up",
    "waste": "tear_down",
}
# Great-circle -> route distance for distances computed from coordinates. Rail 1.2, car 1.3 and
# bus 1.5 follow the conventions used by Labos1.5 and pledge4future/co2calculator; air, sea and
# ferry use the great-circle distance (DESNZ air factors include their own 8 % routing uplift).
DETOUR = {
    "walk": 1.3,
    "bike": 1.3,
    "metro": 1.2,
    "bus": 1.5,
    "coach": 1.3,
    "taxi": 1.3,
    "car": 1.3,
    "ev_car": 1.3,
    "rail": 1.2,
    "hsr": 1.2,
    "air": 1.0,
    "ferry": 1.0,
    "hgv": 1.3,
    "van": 1.3,
    "sea": 1.0,
    "barge": 1.0,
}
LONG_HAUL_KM = 3700.0
FUEL_KEYS = {
    "natural_gas": "fuel.natural_gas",
    "diesel": "fuel.diesel",
    "petrol": "fuel.petrol",
    "lpg": "fuel.lpg",
    "heat": "heat.district",
    "cooling": "cooling.district",
}
ENERGY_CATEGORY = {
    "electricity": "electricity",
    "natural_gas": "fuels",
    "diesel": "fuels",
    "petrol": "fuels",
    "lpg": "fuels",
    "heat": "heat_cooling",
    "cooling": "heat_cooling",
}


def _col(df: pd.DataFrame, name: str, default: object = None) -> pd.Series:
    return df[name] if name in df else pd.Series(default, index=df.index, dtype=object)


def _phase(df: pd.DataFrame, category: str) -> pd.Series:
    return _col(df, "phase").fillna(DEFAULT_PHASE[category]).astype(str)


def energy_phase(df: pd.DataFrame, config: EventConfig) -> pd.Series:
    """Given phase, else the phase whose local dates contain the interval's start."""
    local_day = df["start"].dt.tz_convert(config.timezone).dt.tz_localize(None).dt.normalize()
    derived = pd.Series("open", index=df.index, dtype=object)
    for name, rng in config.phases.items():
        inside = (local_day >= pd.Timestamp(rng.start)) & (local_day <= pd.Timestamp(rng.end))
        derived = derived.mask(inside, name)
    return _col(df, "phase").fillna(derived).astype(str)


def energy_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    key = df["carrier"].map(FUEL_KEYS).fillna(f"electricity.grid.{config.venue.grid}")
    return pd.DataFrame(
        {
            "_row": df["_row"],
            "factor_key": key,
            "quantity": df["quantity"],
            "unit": df["unit"],
            "phase": energy_phase(df, config),
            "exhibitor": None,
            "carrier": df["carrier"],
        }
    )


def canonical_gas(name: str) -> str:
    """'r410a', 'R 410A', 'HFC134a' -> 'R-410A', 'HFC-134a' (keys match case-insensitively)."""
    text = re.sub(r"\s+", "", name)
    m = re.fullmatch(r"(?i)(R|HFC|HCFC|CFC|PFC)-?(\d.*)", text)
    if not m:
        return text
    prefix = m.group(1).upper()
    rest = m.group(2).upper() if prefix == "R" else m.group(2).lower()
    return f"{prefix}-{rest}"


def refrigerant_activity(df: pd.DataFrame) -> pd.DataFrame:
    gases = df["gas"].astype(str)
    key = "refrigerant." + gases.map({g: canonical_gas(g) for g in gases.unique()})
    return pd.DataFrame(
        {
            "_row": df["_row"],
            "factor_key": key,
            "quantity": df["quantity"],
            "unit": df["unit"],
            "phase": _phase(df, "refrigerants"),
            "exhibitor": _col(df, "exhibitor"),
        }
    )


def _places(values: pd.Series) -> pd.DataFrame:
    """Resolve each distinct place once; columns lat, lon, country (NaN/'' when empty)."""
    distinct = values.dropna().unique()
    table = {v: resolve_place(str(v)) for v in distinct}
    lat = values.map({k: p.latitude for k, p in table.items() if p})
    lon = values.map({k: p.longitude for k, p in table.items() if p})
    country = values.map({k: p.country for k, p in table.items() if p}).astype(object)
    country = country.where(country.notna(), "")
    return pd.DataFrame({"lat": lat.astype(float), "lon": lon.astype(float), "country": country})


def travel_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    venue = config.venue
    mode = df["mode"].astype(str)
    origin = _places(_col(df, "origin"))
    crow_km = great_circle_km(
        origin["lat"].to_numpy(), origin["lon"].to_numpy(), venue.latitude, venue.longitude
    )
    given = _col(df, "distance_km").astype(float)
    computed = crow_km * mode.map(DETOUR).to_numpy()
    one_way_km = given.fillna(pd.Series(computed, index=df.index))
    travellers = df["travellers"].astype(float)
    trips = _col(df, "round_trips").astype(float).fillna(1.0)
    pkm = travellers * trips * 2.0 * one_way_km
    # Air: domestic when origin and venue share a country, else by one-way distance.
    air_km = given.fillna(pd.Series(crow_km, index=df.index))
    band = np.where(
        origin["country"] == venue.country,
        "domestic",
        np.where(air_km < LONG_HAUL_KM, "short_haul", "long_haul"),
    )
    cabin = _col(df, "cabin").fillna("economy").astype(str)
    rf = ".rf" if config.claim.radiative_forcing else ""
    air_key = "passenger.air." + pd.Series(band, index=df.index) + "." + cabin + rf
    key = ("passenger." + mode).where(mode != "air", air_key)
    return pd.DataFrame(
        {
            "_row": df["_row"],
            "factor_key": key,
            "quantity": pkm,
            "unit": "passenger_km",
            "phase": _phase(df, "travel"),
            "exhibitor": _col(df, "exhibitor"),
            "one_way_km": one_way_km,
            "distance_computed": given.isna(),
            "air_no_origin": (mode == "air") & (origin["country"] == ""),
        }
    )


def logistics_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    venue = config.venue
    mode = df["mode"].astype(str)
    origin = _places(_col(df, "origin"))
    dest = _places(_col(df, "destination"))
    dest_lat = dest["lat"].fillna(venue.latitude).to_numpy()
    dest_lon = dest["lon"].fillna(venue.longitude).to_numpy()
    origin_lat = origin["lat"].fillna(venue.latitude).to_numpy()
    origin_lon = origin["lon"].fillna(venue.longitude).to_numpy()
    crow = great_circle_km(origin_lat, origin_lon, dest_lat, dest_lon)
    given = _col(df, "distance_km").astype(float)
    km = given.fillna(pd.Series(crow * mode.map(DETOUR).to_numpy(), index=df.index))
    tkm = df["mass_kg"].astype(float) / 1000.0 * km
    key = "freight." + mode
    if config.claim.radiative_forcing:
        key = key.where(mode != "air", "freight.air.rf")
    return pd.DataFrame(
        {
            "_row": df["_row"],
            "factor_key": key,
            "quantity": tkm,
            "unit": "tonne_km",
            "phase": _phase(df, "logistics"),
            "exhibitor": _col(df, "exhibitor"),
            "distance_computed": given.isna(),
        }
    )


def simple_activity(
    df: pd.DataFrame, category: str, key: pd.Series, quantity: str, unit: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "_row": df["_row"],
            "factor_key": key,
            "quantity": df[quantity],
            "unit": unit,
            "phase": _phase(df, category),
            "exhibitor": _col(df, "exhibitor"),
        }
    )


def accommodation_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = "hotel." + df["country"].astype(str).str.upper()
    return simple_activity(df, "accommodation", key, "room_nights", "room_night")


def catering_activity(df: pd.DataFrame) -> pd.DataFrame:
    return simple_activity(df, "catering", "meal." + df["meal"].astype(str), "servings", "serving")


def waste_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = "waste." + df["stream"].astype(str) + "." + df["treatment"].astype(str)
    return simple_activity(df, "waste", key, "mass_kg", "kg")


def materials_activity(df: pd.DataFrame) -> pd.DataFrame:
    origin = _col(df, "origin").fillna("virgin").astype(str)
    key = "material." + df["material"].astype(str).str.strip().str.lower() + "." + origin
    return simple_activity(df, "materials", key, "mass_kg", "kg")
