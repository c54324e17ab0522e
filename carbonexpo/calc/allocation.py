"""Per-exhibitor statements (spec §3.3): own lines plus a share of shared venue emissions in
proportion to booth area. Shares are split in whole milligrams with the largest-remainder
method, so that they add up exactly to the shared total. The split is done in Python integers
(arbitrary size), so no accepted input can overflow it."""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARED_CATEGORIES = ("electricity", "fuels", "heat_cooling", "refrigerants", "waste", "catering")
MG_PER_KG = 1_000_000


WEIGHT_SCALE = 1_000_000  # weights (booth areas in m²) are used to the mm²


def largest_remainder(total_mg: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number of milligrams by weights into whole numbers that sum to it, in
    exact integer arithmetic (one Python int per exhibitor, a few thousand at most)."""
    w = [round(float(x) * WEIGHT_SCALE) for x in weights]
    whole = sum(w)
    total = int(total_mg)
    if total == 0 or whole <= 0:
        return np.zeros(len(w), dtype=object)
    parts = [divmod(total * wi, whole) for wi in w]
    base = [q for q, _ in parts]
    left = total - sum(base)
    for i in sorted(range(len(w)), key=lambda i: -parts[i][1])[:left]:  # stable on ties
        base[i] += 1
    return np.array(base, dtype=object)


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
    for key, kg in own.items():
        name, category = key  # type: ignore[misc]  # (exhibitor, category) of the MultiIndex
        records.append((str(name), str(category), float(kg), 0.0))
    table = pd.DataFrame(
        records, columns=["exhibitor", "category", "own_kgco2e", "allocated_kgco2e"]
    )
    table = table.groupby(["exhibitor", "category"], as_index=False, sort=True).sum()
    table["area_m2"] = table["exhibitor"].map(area).fillna(0.0)
    return table, shared_totals
