"""Places and distances: IATA codes (airportsdata), GeoNames cities (with Chinese names) and
"lat,lon" pairs, resolved once per distinct origin; great-circle distances vectorised."""

from __future__ import annotations

import re
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.resources import factors_dir

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
IATA = re.compile(r"^[A-Z]{3}$")
CITY_COUNTRY = re.compile(r"^(.+?),\s*([A-Za-z]{2})$")


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2, '' when unknown
    label: str  # what it was matched to, for the audit trail
    ambiguous: int = 0  # how many other same-name places were passed over


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


@cache
def _cities() -> pd.DataFrame:
    return pd.read_csv(
        factors_dir() / "geo" / "cities.csv",
        dtype={"admin1": str, "zh_names": str},
        keep_default_na=False,
        encoding="utf-8",
    )


@cache
def _city_index() -> dict[str, list[int]]:
    """name (folded ASCII name, or each Chinese name) -> row positions, most populous first."""
    cities = _cities().sort_values("population", ascending=False, kind="stable")
    index: dict[str, list[int]] = {}
    for pos, name, zh in zip(cities.index, cities["name"], cities["zh_names"], strict=True):
        names = {_fold(name)}
        if zh:
            names.update(n for n in zh.split("|") if n)
        for n in names:
            index.setdefault(n, []).append(int(pos))
    return index


def warm_up() -> None:
    """Load the city index and the airports in the background (overlaps with CSV parsing)."""
    global _warming
    if _warming is None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geo")
        _warming = pool.submit(lambda: (_city_index(), _airports()))
        pool.shutdown(wait=False)


_warming: Future | None = None


@cache
def _airports() -> dict[str, Any]:
    import airportsdata

    return airportsdata.load("IATA")


@cache
def resolve_place(text: str) -> Place | None:
    """One origin string to a place, or None when it resolves nowhere (never a guess)."""
    raw = str(text).strip()
    if not raw:
        return None
    if m := LATLON.match(raw):
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return Place(lat, lon, nearest_country(lat, lon), f"{lat},{lon}")
    if IATA.match(raw) and raw in _airports():
        a = _airports()[raw]
        return Place(float(a["lat"]), float(a["lon"]), a["country"], f"{raw} {a['name']}")
    country = ""
    name = raw
    if m := CITY_COUNTRY.match(raw):
        name, country = m.group(1), m.group(2).upper()
    hits = _city_index().get(_fold(name)) or _city_index().get(name.strip())
    if not hits:
        return None
    cities = _cities()
    if country:
        hits = [h for h in hits if cities.at[h, "country"] == country]
        if not hits:
            return None
    best = cities.loc[hits[0]].to_dict()
    others = len({cities.at[h, "country"] for h in hits}) - 1
    return Place(
        float(best["latitude"]),
        float(best["longitude"]),
        str(best["country"]),
        f"{best['name']}, {best['country']} (GeoNames {best['geonameid']})",
        others,
    )


def nearest_country(lat: float, lon: float) -> str:
    cities = _cities()
    d = great_circle_km(lat, lon, cities["latitude"].to_numpy(), cities["longitude"].to_numpy())
    return str(cities["country"].iat[int(np.argmin(d))])


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km; works on scalars and numpy arrays alike."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@cache
def capital_of(country: str) -> str | None:
    """The capital city of a country (GeoNames), for a default venue."""
    table = pd.read_csv(factors_dir() / "geo" / "capitals.csv", keep_default_na=False)
    hit = table.loc[table["country"] == country.upper(), "capital"]
    return str(hit.iloc[0]) if len(hit) else None
