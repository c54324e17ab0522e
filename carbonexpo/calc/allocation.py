"""Per-exhibitor statements (spec §3.3): own lines plus a share of shared venue emissions in
proportion to booth area. Shares are split in whole milligrams with the largest-remainder
method, so that they add up exactly to the shared total. The split is done in Python integers
(arbitrary size), so no accepted input can overflow it."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Allocation:
    table: pd.DataFrame  # exhibitor, category, own_kgco2e, allocated_kgco2e, area_m2
    shared_totals: dict[str, float]  # kgCO2e of each shared category, as split
    without_booth: list[str]  # exhibitors named by lines that booths.csv does not list, sorted


def allocate_to_exhibitors(
    lines: pd.DataFrame, booths: pd.DataFrame, *, value_column: str
) -> Allocation:
    """The exhibitor × category table, sorted by exhibitor then category: each exhibitor's own
    lines, and for every exhibitor a row of each shared category present with its share of
    it by booth area. Computed on numbers (each exhibitor's position among the sorted names,
    each category's), not by grouping a million names: one row per exhibitor and category."""
    # grouped as before (pandas' compensated sum of the booths of each exhibitor, in the
    # order it groups them): the sums are the same to the last bit
    area_of = booths.groupby("exhibitor", observed=True, sort=True)["area_m2"].sum()
    booth_names = np.asarray(area_of.index, dtype=object)
    booth_area = area_of.to_numpy(dtype=np.float64)
    named = lines["exhibitor"].notna()
    shared_mask = ~named & lines["category"].isin(SHARED_CATEGORIES)
    shared = lines[shared_mask].groupby("category", observed=True)[value_column].sum()
    own = lines[named].groupby(["exhibitor", "category"], observed=True)[value_column].sum()
    own_names = own.index.get_level_values(0).astype(str).to_numpy(dtype=object)
    own_categories = own.index.get_level_values(1).astype(str).to_numpy(dtype=object)
    exhibitors = np.array(sorted(set(booth_names.tolist()) | set(own_names.tolist())), object)
    at_booth = np.searchsorted(exhibitors, booth_names)  # booth_names are among them
    area = np.zeros(len(exhibitors))
    area[at_booth] = booth_area
    has_booth = np.zeros(len(exhibitors), dtype=bool)
    has_booth[at_booth] = True
    own_at = np.searchsorted(exhibitors, own_names)
    categories = sorted({str(c) for c in shared.index} | set(own_categories.tolist()))
    category_at = {c: i for i, c in enumerate(categories)}
    n_cat = len(categories)
    keys, own_kg, allocated_kg = [], [], []
    shared_totals: dict[str, float] = {}
    for category, total_kg in shared.items():
        total_mg = round(float(total_kg) * MG_PER_KG)
        shares = largest_remainder(total_mg, area)
        shared_totals[str(category)] = total_mg / MG_PER_KG
        keys.append(np.arange(len(exhibitors), dtype=np.int64) * n_cat + category_at[str(category)])
        own_kg.append(np.zeros(len(exhibitors)))
        allocated_kg.append(
            np.array([mg / MG_PER_KG for mg in shares])
            if shares.dtype == object
            else shares / MG_PER_KG
        )
    keys.append(
        own_at.astype(np.int64) * n_cat
        + np.array([category_at[c] for c in own_categories], np.int64)
    )
    own_kg.append(own.to_numpy(dtype=np.float64))
    allocated_kg.append(np.zeros(len(own)))
    key = np.concatenate(keys)
    distinct, row = np.unique(key, return_inverse=True)
    ex, cat = np.divmod(distinct, n_cat) if n_cat else (distinct, distinct)
    table = pd.DataFrame(
        {
            "exhibitor": exhibitors[ex],
            "category": np.array(categories, dtype=object)[cat],
            "own_kgco2e": _summed(row, own_kg, len(distinct)),
            "allocated_kgco2e": _summed(row, allocated_kg, len(distinct)),
            "area_m2": area[ex],
        }
    )
    without = sorted(set(own_names[~has_booth[own_at]].tolist()))
    return Allocation(table, shared_totals, without)


def _summed(row: np.ndarray, parts: list[np.ndarray], n: int) -> np.ndarray:
    # float64 even with no row (bincount of nothing gives int64)
    return np.bincount(row, np.concatenate(parts), minlength=n).astype(np.float64, copy=False)
