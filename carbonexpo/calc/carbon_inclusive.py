"""Carbon inclusiveness (碳普惠) for visitors (spec §14): the reductions of visitors' green
trips against a baseline mode, by a cited method, for a provincial platform. They are never
subtracted from the event's inventory (the event's own visitor travel is counted in travel.csv),
and credits issued from the event's own programme are refused as a double claim (offsets).

Methods (per trip: reduction = (baseline − mode) × one-way distance, or a per-trip value):
- `factor-difference`: baseline and mode factors per passenger-km from the event's own factor
  sets (passenger.<mode>), so every number traces to a published factor;
- `beijing-maas-2020`: Beijing MaaS green-travel carbon inclusiveness (Beijing Municipal
  Transport Commission with Amap/Baidu, Sept 2020), from its published worked example: a 22 km
  commute emits 5.98 kg by car and 1.35 kg by metro (0.27182 and 0.06136 kg/pkm); walking and
  cycling 0;
- `guangzhou-metro-2017`: Guangzhou metro per-trip reduction by the mean method (baseline = the
  city's average motorised mode mix): 0.5155 kg CO2 per metro trip (Climate Change Research
  Progress, 2017, vol. 13 no. 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc.activities import travel_activity
from carbonexpo.config import EventConfig
from carbonexpo.errors import InputError, said_problem
from carbonexpo.factors import keys
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.words import said

GREEN_MODES = ("walk", "bike", "metro", "bus", "coach", "rail", "hsr", "ev_car")


@dataclass(frozen=True)
class Method:
    id: str
    source: str
    per_km: dict[str, float] | None = None  # kg CO2e per passenger-km, incl. the baseline
    per_trip: dict[str, float] | None = None  # kg CO2e avoided per one-way trip


METHODS = {
    "factor-difference": Method(
        "factor-difference",
        "(baseline − mode) kg/pkm from the event's factor sets (passenger.<mode>) × distance",
    ),
    "beijing-maas-2020": Method(
        "beijing-maas-2020",
        "Beijing MaaS green-travel carbon inclusiveness (2020): 22 km by car 5.98 kg, by metro "
        "1.35 kg (people.com.cn, 2020-09-11)",
        per_km={"car": 5.98 / 22, "metro": 1.35 / 22, "walk": 0.0, "bike": 0.0},
    ),
    "guangzhou-metro-2017": Method(
        "guangzhou-metro-2017",
        "Guangzhou metro, mean method: 0.5155 kg CO2 per trip (Climate Change Research "
        "Progress 2017, 13(3))",
        per_trip={"metro": 0.5155},
    ),
}


@dataclass(frozen=True)
class Rewards:
    method: Method
    baseline_mode: str
    programme_id: str | None
    rows: pd.DataFrame  # one row per eligible visitors.csv row
    not_covered_rows: int = 0  # green trips of modes the method gives no value for
    not_covered_modes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        by_mode = self.rows.groupby("mode", sort=True)["reduction_kgco2e"].sum() / 1000.0
        return {
            "method": self.method.id,
            "method_source": self.method.source,
            "baseline_mode": self.baseline_mode,
            "programme_id": self.programme_id,
            "visitors": float(self.rows["visitors"].sum()),
            "trips": float((self.rows["visitors"] * self.rows["trips"]).sum()),
            "reduction_tco2e": float(self.rows["reduction_kgco2e"].sum()) / 1000.0,
            "by_mode": {str(k): float(v) for k, v in by_mode.items()},
            "rows": len(self.rows),
            "not_covered_rows": self.not_covered_rows,
            "not_covered_modes": self.not_covered_modes,
            "deducted_from_inventory": False,
        }


def rewards(
    visitors: pd.DataFrame,
    config: EventConfig,
    resolver: FactorResolver,
    *,
    file: str = "visitors.csv",
    method_id: str | None = None,
) -> Rewards:
    """Reductions of every green-trip row of visitors.csv (rows of other modes earn none and are
    left out of the export)."""
    settings = config.carbon_inclusive
    method = METHODS[method_id or (settings.method if settings else "factor-difference")]
    baseline = settings.baseline_mode if settings else "car"
    n = len(visitors)
    trips = visitors["trips"].to_numpy(dtype=np.float64) if "trips" in visitors else np.full(n, 2.0)
    trips = np.where(np.isnan(trips), 2.0, trips)
    people = visitors["visitors"].to_numpy(dtype=np.float64)
    frame = travel_activity(
        visitors.rename(columns={"visitors": "travellers"}).assign(round_trips=1.0), config
    )
    km = frame["one_way_km"].to_numpy(dtype=np.float64)
    mode = visitors["mode"].astype(str).to_numpy()
    green = np.isin(mode, GREEN_MODES) & (mode != baseline)
    per_trip = np.zeros(n)
    base_f = mode_f = np.full(n, np.nan)
    if method.per_trip is not None:
        covered = np.isin(mode, list(method.per_trip))
        per_trip = np.array([method.per_trip.get(m, 0.0) for m in mode])
    else:
        table = method.per_km if method.per_km is not None else _factor_table(resolver)
        covered = np.isin(mode, list(table))
        if baseline not in table:
            raise InputError(
                [
                    said_problem(
                        "event.yaml",
                        0,
                        "carbon_inclusive.baseline_mode",
                        said("detail.no_baseline_factor", method=method.id, baseline=baseline),
                        "invalid_setting",
                    )
                ]
            )
        base_f = np.full(n, table[baseline])
        mode_f = np.array([table.get(m, np.nan) for m in mode])
        per_trip = np.nan_to_num((base_f - mode_f) * km)
    uncovered = green & ~covered
    not_covered = sorted(set(mode[uncovered]))
    keep = green & covered & (per_trip > 0)
    out = pd.DataFrame(
        {
            "row": visitors["_row"].to_numpy()[keep],
            "visitor_id": _text(visitors, "visitor_id")[keep],
            "origin": _text(visitors, "origin")[keep],
            "mode": mode[keep],
            "visitors": people[keep],
            "trips": trips[keep],
            "distance_km": km[keep],
            "baseline_mode": baseline,
            "baseline_kg_per_pkm": base_f[keep],
            "mode_kg_per_pkm": mode_f[keep],
            "reduction_kg_per_trip": per_trip[keep],
            "reduction_kgco2e": people[keep] * trips[keep] * per_trip[keep],
            "method_id": method.id,
        }
    )
    if method.per_trip is not None:
        baseline = "motorised mode mix (mean method)"
        out["baseline_mode"] = baseline
    return Rewards(
        method,
        baseline,
        settings.programme_id if settings else None,
        out,
        int(uncovered.sum()),
        not_covered,
    )


def covered_modes(method: Method, resolver: FactorResolver) -> list[str]:
    table = method.per_trip or method.per_km or _factor_table(resolver)
    return [m for m in table if m in GREEN_MODES]


def _factor_table(resolver: FactorResolver) -> dict[str, float]:
    """kg CO2e per passenger-km of every mode the event's factor sets price."""
    table = {}
    for mode in (*GREEN_MODES, "car", "taxi"):
        factor = resolver.resolve(keys.passenger(mode), "passenger_km")
        if factor is not None:
            table[mode] = factor.per("passenger_km")
    return table


def _text(df: pd.DataFrame, column: str) -> np.ndarray:
    if column not in df:
        return np.full(len(df), "", dtype=object)
    return df[column].astype(object).fillna("").astype(str).to_numpy()
