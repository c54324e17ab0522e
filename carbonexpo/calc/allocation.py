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


SAFE = 2**62  # products and sums below this are exact in int64


def largest_remainder(total_mg: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number of milligrams by weights into whole numbers that sum to it, in
    exact integer arithmetic: numpy int64 when every product fits (a million exhibitors in
    milliseconds), else one Python int per exhibitor (any size)."""
    w = np.rint(np.asarray(weights, dtype=np.float64) * WEIGHT_SCALE)
    total = int(total_mg)
    fits = len(w) and total >= 0 and w.min() >= 0 and float(w.sum()) < SAFE
    if fits and total * float(w.max()) < SAFE:
        return _largest_remainder_int64(total, w.astype(np.int64))
    return _largest_remainder_exact(total_mg, weights)


def _largest_remainder_int64(total: int, w: np.ndarray) -> np.ndarray:
    whole = int(w.sum())
    if total == 0 or whole <= 0:
        return np.zeros(len(w), dtype=np.int64)
    base, rest = np.divmod(total * w, whole)
    left = total - int(base.sum())
    base[np.argsort(-rest, kind="stable")[:left]] += 1  # ties: the earlier exhibitor first
    return base


def _largest_remainder_exact(total_mg: int, weights: np.ndarray) -> np.ndarray:
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
    names = np.array(exhibitors, dtype=object)
    parts = []
    shared_totals: dict[str, float] = {}
    for category, total_kg in shared.items():
        total_mg = round(float(total_kg) * MG_PER_KG)
        shares = largest_remainder(total_mg, weights)
        shared_totals[str(category)] = total_mg / MG_PER_KG
        parts.append(
            pd.DataFrame(
                {
                    "exhibitor": names,
                    "category": str(category),
                    "own_kgco2e": 0.0,
                    "allocated_kgco2e": np.array([mg / MG_PER_KG for mg in shares])
                    if shares.dtype == object
                    else shares / MG_PER_KG,
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "exhibitor": own.index.get_level_values(0).astype(str).to_numpy(dtype=object),
                "category": own.index.get_level_values(1).astype(str).to_numpy(dtype=object),
                "own_kgco2e": own.to_numpy(dtype=np.float64),
                "allocated_kgco2e": 0.0,
            }
        )
    )
    table = pd.concat(parts, ignore_index=True)
    table = table.groupby(["exhibitor", "category"], as_index=False, sort=True).sum()
    table["area_m2"] = table["exhibitor"].map(area).fillna(0.0)
    return table, shared_totals
