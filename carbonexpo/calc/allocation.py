"""Per-exhibitor statements (spec §3.3): own lines plus a share of shared venue emissions in
proportion to booth area. Shares are split in whole milligrams with the largest-remainder
method, so that they add up exactly to the shared total."""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARED_CATEGORIES = ("electricity", "fuels", "heat_cooling", "refrigerants", "waste", "catering")
MG_PER_KG = 1_000_000


def largest_remainder(total_mg: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number of milligrams by weights into whole numbers that sum to it."""
    if total_mg == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total_mg * (weights / weights.sum())
    base = np.floor(exact).astype(np.int64)
    left = int(total_mg - base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return base


def allocate_to_exhibitors(
    lines: pd.DataFrame, booths: pd.DataFrame, *, value_column: str
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Return (long table exhibitor, category, own_kgco2e, allocated_kgco2e; shared totals)."""
    area = booths.groupby("exhibitor", sort=True)["area_m2"].sum()
    named = lines["exhibitor"].notna()
    shared_mask = ~named & lines["category"].isin(SHARED_CATEGORIES)
    shared = lines[shared_mask].groupby("category", observed=True)[value_column].sum()
    own = lines[named].groupby(["exhibitor", "category"], observed=True)[value_column].sum()
    exhibitors = sorted(set(area.index) | set(own.index.get_level_values(0)))
    weights = area.reindex(exhibitors).fillna(0.0).to_numpy()
    records = []
    shared_totals: dict[str, float] = {}
    for category, total_kg in shared.items():
        total_mg = round(float(total_kg) * MG_PER_KG)
        shares = largest_remainder(total_mg, weights)
        shared_totals[str(category)] = total_mg / MG_PER_KG
        for name, mg in zip(exhibitors, shares, strict=True):
            records.append((name, str(category), 0.0, mg / MG_PER_KG))
    for (name, category), kg in own.items():
        records.append((str(name), str(category), float(kg), 0.0))
    table = pd.DataFrame(
        records, columns=["exhibitor", "category", "own_kgco2e", "allocated_kgco2e"]
    )
    table = table.groupby(["exhibitor", "category"], as_index=False, sort=True).sum()
    table["area_m2"] = table["exhibitor"].map(area).fillna(0.0)
    return table, shared_totals
