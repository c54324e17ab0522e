"""Per-category activity frames (pure DataFrame -> DataFrame): what was done, in which unit,
needing which factor key. Emissions are computed from these by calc.lines.

Keys and units are Categoricals built from the few distinct values of each column."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from carbonexpo.codes import (
    as_categorical,
    cat_combine,
    cat_map,
    categorical,
    epoch_seconds,
    lookup,
    unique_codes,
)
from carbonexpo.config import PHASES, EventConfig
from carbonexpo.constants import (
    DETOUR,
    DOMESTIC_MAX_KM,
    LONG_HAUL_KM,
    SHORT_FLIGHT_KM,
)
from carbonexpo.factors import keys
from carbonexpo.geo import country_code, great_circle_km, resolve_place, sea_route

# Phase of rows that carry no date (documented in docs/methodology.md; listed as assumptions).
DEFAULT_PHASE = {
    "refrigerants": "open",
    "travel": "open",
    "accommodation": "open",
    "catering": "open",
    "logistics": "build_up",
    "materials": "build_up",
    "waste": "tear_down",
    "reported": "open",
}
SEA_MODES = ("sea", "barge")  # routed along sea lanes when the distance is computed
DEFAULT_CABIN = "average"  # DESNZ "average passenger", the practice when the class is unknown
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


def _col(df: pd.DataFrame, name: str) -> object:
    return df.get(name)


def _phase(df: pd.DataFrame, category: str) -> pd.Categorical:
    return cat_map(_col(df, "phase"), lambda p: p, len(df), missing=DEFAULT_PHASE[category])


def _frame(
    df: pd.DataFrame,
    key: pd.Categorical,
    quantity: object,
    unit: object,
    phase: pd.Categorical,
    **extra: object,
) -> pd.DataFrame:
    n = len(df)
    out = {
        "_row": df["_row"].to_numpy(),
        "factor_key": key,
        "quantity": np.asarray(quantity, dtype=np.float64),
        "unit": as_categorical(unit, n),
        "phase": phase,
        "exhibitor": as_categorical(_col(df, "exhibitor"), n),
        "quality": as_categorical(_col(df, "quality"), n),
    }
    out.update(extra)
    return pd.DataFrame(out, copy=False)  # pandas 3 would copy (and stack) every column


def local_day_bounds(config: EventConfig) -> tuple[np.ndarray, list[str]]:
    """UTC seconds at local midnight starting each phase, and after the last one."""
    phases = config.phases.items()
    edges = [config.local_midnight_epoch(rng.start) for _, rng in phases]
    edges.append(config.period_epoch()[1])
    return np.array(edges, dtype=np.int64), [name for name, _ in phases]


def energy_phase(df: pd.DataFrame, config: EventConfig) -> pd.Categorical:
    """Given phase, else the phase whose local dates contain the interval's start."""
    edges, names = local_day_bounds(config)
    start = epoch_seconds(df["start"])
    idx = np.searchsorted(edges, start, side="right")
    idx -= 1
    np.clip(idx, 0, len(names) - 1, out=idx)  # in place: one 8-byte array a row, not three
    derived = np.array([PHASES.index(n) for n in names], dtype=np.int8).take(idx)
    if "phase" not in df or not df["phase"].notna().any():
        return categorical(derived, categories=list(PHASES))
    given = as_categorical(df["phase"], len(df))
    given_idx = np.array([PHASES.index(str(c)) for c in given.categories] + [-1], dtype=np.int8)[
        np.where(given.codes < 0, len(given.categories), given.codes)
    ]
    codes = np.where(given_idx >= 0, given_idx, derived)
    return categorical(codes, categories=list(PHASES))


def energy_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    """Energy rows, each with the local year of its start: annual factors (the grid's) are
    taken from the set of that year when the event lists several years of one series."""
    n = len(df)
    carrier = as_categorical(df["carrier"], n)
    if config.sites and "site" in df:  # electricity priced by its site's grid
        site = as_categorical(df["site"], n)
        grids = [keys.grid(config.site(str(s)).grid) for s in site.categories]
        grid = np.array([*grids, keys.grid(config.venue.grid)], dtype=object)[
            np.where(site.codes < 0, len(grids), site.codes)
        ]
        fuel = np.array(
            [FUEL_KEYS.get(str(c), "") for c in carrier.categories] + [""], dtype=object
        )[np.where(carrier.codes < 0, len(carrier.categories), carrier.codes)]
        key: pd.Categorical = pd.Categorical(np.where(fuel != "", fuel, grid).astype(object))
    else:
        grid_key = keys.grid(config.venue.grid)
        key = cat_map(df["carrier"], lambda c: FUEL_KEYS.get(c, grid_key), n)
    return _frame(
        df,
        key,
        df["quantity"],
        df["unit"],
        energy_phase(df, config),
        carrier=as_categorical(df["carrier"], len(df)),
        year=local_years(df["start"], config.timezone),
    )


def site_coordinates(df: pd.DataFrame, config: EventConfig) -> tuple[np.ndarray, np.ndarray]:
    """Where each row's journey ends: its site (the `site` column), else the venue."""
    n = len(df)
    venue = config.venue
    if not config.sites or "site" not in df:
        return np.full(n, venue.latitude), np.full(n, venue.longitude)
    site = as_categorical(df["site"], n)
    places = [config.site(str(s)) for s in site.categories] + [venue]
    index = np.where(site.codes < 0, len(places) - 1, site.codes)
    lat = np.array([p.latitude for p in places])[index]
    lon = np.array([p.longitude for p in places])[index]
    return lat, lon


def local_years(start: pd.Series, timezone: str) -> np.ndarray:
    """The calendar year of each instant where the event is (a row starting at 23:30 UTC on
    31 December is in the next year in Shanghai)."""
    if len(start) == 0:
        return np.zeros(0, dtype=np.int64)
    return start.dt.tz_convert(timezone).dt.year.to_numpy(dtype=np.int64)


REPORTED_KEY = "reported.co2e"  # a reported total: 1,000 kgCO2e per t, as reported


def reported_activity(df: pd.DataFrame) -> pd.DataFrame:
    """reported.csv: each row one line of its category, its tCO2e as reported (the factor is
    the identity), its tier 'verified' when a verifier is named, else 'reported'."""
    n = len(df)
    named = (
        df["verifier"].astype(object).fillna("").astype(str).str.strip().ne("").to_numpy()
        if "verifier" in df
        else np.zeros(n, dtype=bool)
    )
    return _frame(
        df,
        pd.Categorical(np.full(n, REPORTED_KEY, dtype=object)),
        df["tco2e"],
        np.full(n, "t", dtype=object),
        _phase(df, "reported"),
        quality=pd.Categorical(np.where(named, "verified", "reported")),
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
    key = cat_map(df["gas"], lambda g: keys.refrigerant(canonical_gas(g)), len(df))
    return _frame(df, key, df["quantity"], df["unit"], _phase(df, "refrigerants"))


def _places(values: object, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Resolve each distinct place once: latitude and longitude per distinct place (a last
    entry, NaN, for an empty cell) and each row's index into them."""
    cat = as_categorical(values, n)
    places = [resolve_place(str(c)) for c in cat.categories]
    index = np.where(cat.codes < 0, len(places), cat.codes).astype(np.int64)
    lat = np.array([p.latitude if p else np.nan for p in places] + [np.nan])
    lon = np.array([p.longitude if p else np.nan for p in places] + [np.nan])
    return lat, lon, index


def _distance(df: pd.DataFrame, computed_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    given = (
        df["distance_km"].to_numpy(dtype=np.float64)
        if "distance_km" in df
        else np.full(len(df), np.nan)
    )
    missing = np.isnan(given)
    return np.where(missing, computed_km, given), missing


def travel_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    n = len(df)
    mode = as_categorical(df["mode"], n)
    lat, lon, origin = _places(_col(df, "origin"), n)
    to_lat, to_lon = site_coordinates(df, config)
    crow_km = great_circle_km(lat[origin], lon[origin], to_lat, to_lon)
    one_way, computed = _distance(df, crow_km * lookup(mode, DETOUR, n))
    air_km, _ = _distance(df, crow_km)
    bands = categorical(air_band(air_km), categories=["domestic", "short_haul", "long_haul"])
    rf = config.claim.radiative_forcing

    def key(m: str, b: str, cabin: str) -> str:
        return keys.flight(b, cabin, rf) if m == "air" else keys.passenger(m)

    factor_key = cat_combine(
        [mode, bands, _col(df, "cabin")], key, n, missing=(None, None, DEFAULT_CABIN)
    )
    travellers = df["travellers"].to_numpy(dtype=np.float64)
    trips = df["round_trips"].to_numpy(dtype=np.float64) if "round_trips" in df else np.ones(n)
    trips = np.where(np.isnan(trips), 1.0, trips)
    pkm = travellers * trips * 2.0 * one_way
    is_air = np.asarray(mode == "air")
    return _frame(
        df,
        factor_key,
        pkm,
        "passenger_km",
        _phase(df, "travel"),
        one_way_km=one_way,
        distance_computed=computed,
        short_flight=is_air & (one_way < SHORT_FLIGHT_KM),
        default_cabin=is_air & _col_missing(df, "cabin"),
    )


def air_band(one_way_km: np.ndarray) -> np.ndarray:
    """0 domestic, 1 short-haul, 2 long-haul, by one-way great-circle distance."""
    return np.where(one_way_km < DOMESTIC_MAX_KM, 0, np.where(one_way_km < LONG_HAUL_KM, 1, 2))


def _col_missing(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].isna().to_numpy() if name in df else np.ones(len(df), dtype=bool)


def logistics_activity(df: pd.DataFrame, config: EventConfig) -> pd.DataFrame:
    n = len(df)
    venue = config.venue
    mode = as_categorical(df["mode"], n)
    o_lat, o_lon, origin = _places(_col(df, "origin"), n)
    d_lat, d_lon, destination = _places(_col(df, "destination"), n)
    o_lat = np.where(np.isnan(o_lat), venue.latitude, o_lat)
    o_lon = np.where(np.isnan(o_lon), venue.longitude, o_lon)
    d_lat = np.where(np.isnan(d_lat), venue.latitude, d_lat)
    d_lon = np.where(np.isnan(d_lon), venue.longitude, d_lon)
    # once per distinct (origin, destination) pair
    pairs, pair_of_row, _ = unique_codes(origin * len(d_lat) + destination, len(o_lat) * len(d_lat))
    o, d = pairs // len(d_lat), pairs % len(d_lat)
    crow = great_circle_km(o_lat[o], o_lon[o], d_lat[d], d_lon[d])[pair_of_row]
    km, computed = _distance(df, crow * lookup(mode, DETOUR, n))
    sea_mode = np.append(np.isin(np.asarray(mode.categories, dtype=object), SEA_MODES), False)
    by_sea = computed & sea_mode[mode.codes] & (crow > 0)  # code -1 (no mode) takes the False
    if by_sea.any():  # along sea lanes, once per distinct port pair (spec §3)
        o, d = origin[by_sea], destination[by_sea]
        ends = np.round(np.column_stack([o_lat[o], o_lon[o], d_lat[d], d_lon[d]]), 4)
        pairs, inverse = np.unique(ends, axis=0, return_inverse=True)
        lane_km = np.array([sea_route(*map(float, p)).km for p in pairs])
        km = km.copy()
        km[by_sea] = lane_km[inverse.ravel()]
    tkm = df["mass_kg"].to_numpy(dtype=np.float64) / 1000.0 * km
    # spec §2/§3: freight.<mode> for every mode; radiative forcing is a travel option (a folder
    # factors.csv row `freight.air` with the DESNZ "with RF" value counts it for air freight)
    key = cat_map(mode, keys.freight, n)
    return _frame(
        df,
        key,
        tkm,
        "tonne_km",
        _phase(df, "logistics"),
        distance_computed=computed,
        sea_lane=by_sea,
    )


def accommodation_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = cat_map(df["country"], lambda c: keys.hotel(country_code(c)[0] or c.upper()), len(df))
    return _frame(df, key, df["room_nights"], "room_night", _phase(df, "accommodation"))


def catering_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = cat_map(df["meal"], keys.meal, len(df))
    return _frame(df, key, df["servings"], "serving", _phase(df, "catering"))


def waste_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = cat_combine([df["stream"], df["treatment"]], keys.waste, len(df))
    return _frame(df, key, df["mass_kg"], "kg", _phase(df, "waste"))


def materials_activity(df: pd.DataFrame) -> pd.DataFrame:
    key = cat_combine(
        [df["material"], _col(df, "origin")],
        keys.material,
        len(df),
        missing=(None, "virgin"),
    )
    return _frame(df, key, df["mass_kg"], "kg", _phase(df, "materials"))


def upstream(frame: pd.DataFrame, resolver_has: Callable[[str], bool]) -> pd.DataFrame:
    """Well-to-tank activity for the rows of an energy or travel activity frame: the same
    quantity under `wtt.` + its key (radiative forcing does not apply upstream; district cooling
    has no published upstream factor). Rows whose upstream key no set holds are left out, and
    returned in the frame's `missing` attribute for the assumptions."""

    def wtt_key(key: str) -> str:
        key = key.removesuffix(".rf")
        if key.startswith("electricity."):
            return "wtt.electricity"
        return "wtt." + key

    key = cat_map(frame["factor_key"], wtt_key, len(frame))
    known = np.array([resolver_has(str(k)) for k in key.categories], dtype=bool)
    keep = np.append(known, False)[np.where(key.codes < 0, len(known), key.codes)]
    columns = ["_row", "quantity", "unit", "phase", "exhibitor", "quality", "_count"]
    out = frame.loc[keep, [c for c in columns if c in frame]].copy()
    out["factor_key"] = key[keep]
    out.attrs["missing"] = sorted(
        str(k) for k, ok in zip(key.categories, known, strict=True) if not ok
    )
    return out
