"""Hourly matching of green power (spec §14; GHG Protocol Scope 2 revision, public draft 2025;
EnergyTag Granular Certificate Matching Standard, 2024), beside the annual method.

For every clock hour: consumption (electricity intervals of ≤ 1 h, by the hour they start in),
generation of the applied instruments that give hourly data (generation.csv), matched =
min(consumption, generation). CFE score = Σ matched ÷ Σ consumption; the unmatched MWh are valued
at the residual factor (the draft no longer allows the grid average for them). An instrument's
hourly generation counts up to its applied MWh (scaled down when generation.csv says more).
Monthly or annual certificates without hourly data match nothing; only when
claim.hourly_profile_allocation is set are they spread over the unmatched hours in proportion to
the load ("profile-allocated", reported apart, never in the CFE score)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from carbonexpo.codes import epoch_seconds

HOUR = 3600


@dataclass(frozen=True)
class Hourly:
    hours: list[str]  # local start of each hour, ISO
    consumption_mwh: np.ndarray
    generation_mwh: np.ndarray
    matched_mwh: np.ndarray
    profile_allocated_mwh: float
    residual_kg_per_kwh: float
    scaled: dict[str, float]  # instrument -> factor its hourly data was scaled by (< 1)

    def as_dict(self) -> dict[str, Any]:
        consumption = float(self.consumption_mwh.sum())
        matched = float(self.matched_mwh.sum())
        unmatched = consumption - matched
        priced = max(unmatched - self.profile_allocated_mwh, 0.0)
        return {
            "method": "hourly matching, GHG Protocol Scope 2 revision draft (2025) / EnergyTag "
            "GC Matching Standard (2024)",
            "cfe_score": matched / consumption if consumption else 0.0,
            "consumption_mwh": consumption,
            "generation_mwh": float(self.generation_mwh.sum()),
            "matched_mwh": matched,
            "unmatched_mwh": unmatched,
            "profile_allocated_mwh": self.profile_allocated_mwh,
            "market_based_hourly_tco2e": priced * self.residual_kg_per_kwh,
            "residual_kg_per_kwh": self.residual_kg_per_kwh,
            "hours_matched": int((self.matched_mwh > 0).sum()),
            "hours": len(self.hours),
            "scaled_instruments": self.scaled,
            "by_hour": {
                "start": self.hours,
                "consumption_mwh": [round(float(x), 6) for x in self.consumption_mwh],
                "generation_mwh": [round(float(x), 6) for x in self.generation_mwh],
                "matched_mwh": [round(float(x), 6) for x in self.matched_mwh],
            },
        }


def match(
    start_s: np.ndarray,
    kwh: np.ndarray,
    generation: pd.DataFrame,
    applied: dict[str, float],
    *,
    timezone: str,
    residual_kg_per_kwh: float,
    profile_mwh: float = 0.0,
) -> Hourly:
    """`start_s`/`kwh`: electricity intervals (UTC seconds of their start, kWh);
    `generation`: instrument_id, start (UTC timestamps), mwh; `applied`: MWh applied per
    instrument by the annual method (instruments not in it do not count); `profile_mwh`: applied
    MWh of instruments without hourly data to spread by the load profile (0: none)."""
    g_start = epoch_seconds(generation["start"])
    ids = generation["instrument_id"].astype(str).to_numpy()
    mwh = generation["mwh"].to_numpy(dtype=np.float64)
    counted = np.isin(ids, [k for k, v in applied.items() if v > 0])
    scale = np.ones(len(mwh))
    scaled: dict[str, float] = {}
    for inst in np.unique(ids[counted]):
        mine = ids == inst
        total = float(mwh[mine].sum())
        if total > applied[inst] * (1 + 1e-9) and applied[inst] > 0:
            scaled[str(inst)] = applied[inst] / total
            scale[mine] = applied[inst] / total
    if len(start_s) == 0:
        first = last = 0
    else:
        first = int(start_s.min() // HOUR)
        last = int(start_s.max() // HOUR)
    if counted.any():
        first = min(first, int(g_start[counted].min() // HOUR))
        last = max(last, int(g_start[counted].max() // HOUR))
    size = last - first + 1
    consumption = np.bincount(start_s // HOUR - first, weights=kwh, minlength=size) / 1000.0
    gen = np.bincount(
        g_start[counted] // HOUR - first, weights=mwh[counted] * scale[counted], minlength=size
    )
    matched = np.minimum(consumption, gen)
    unmatched_total = float((consumption - matched).sum())
    zone = ZoneInfo(timezone)
    hours = [
        dt.datetime.fromtimestamp((first + i) * HOUR, zone).isoformat(timespec="minutes")
        for i in range(size)
    ]
    return Hourly(
        hours=hours,
        consumption_mwh=consumption,
        generation_mwh=gen,
        matched_mwh=matched,
        profile_allocated_mwh=min(profile_mwh, unmatched_total),
        residual_kg_per_kwh=residual_kg_per_kwh,
        scaled=scaled,
    )
