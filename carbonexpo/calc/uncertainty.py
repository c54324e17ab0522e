"""Uncertainty of the inventory (spec §13; IPCC 2006 Vol. 1 Ch. 3): a seeded Monte Carlo
(Approach 2) over activity amounts and emission factors, with error propagation (Approach 1)
beside it as a check. The ranges and the correlation model are in docs/uncertainty.md.

Model. Every group of lines g (calc.lines.LineBuilder.groups) has a claim-basis value x_g, an
activity block a(g) = (source file, data-quality tier) and a factor f(g) (its key). A run draws
one multiplier per activity block (A_a, relative standard deviation s_a) and one per factor key
(F_f, s_f), both normal with mean 1, and sums x_g · A_a(g) · F_f(g). So lines sharing a factor are
fully correlated in it (the same grid factor in every hall), and rows of one file and tier share
their measurement or survey method — conservative where errors would partly cancel.

Approach 1 for this model, to first order: var = Σ_a (s_a · X_a)² + Σ_f (s_f · X_f)², with X_a
and X_f the sums of the values in the activity block and using the factor; the 95 % half-width
is 1.96 · √var. The two agree when ranges are small (IPCC: Approach 1 holds below ~±30 %)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # two-sided 95 % of the standard normal

# 95 % half-ranges (fraction of the value) of an activity amount by data-quality tier
TIER_RANGE = {
    "measured": 0.05,
    "calculated": 0.15,
    "estimated": 0.40,
    # reported totals (reported.csv): a verified one within a verification's materiality
    # (5 % is the usual threshold) plus what it left out; an unverified one as calculated
    # twice over
    "verified": 0.10,
    "reported": 0.30,
}
# the tier of a row that does not give one, by table
TABLE_TIER = {
    "energy.csv": "measured",  # meter readings
    "refrigerants.csv": "calculated",  # top-up records
    "travel.csv": "estimated",  # registrations and surveys
    "accommodation.csv": "calculated",  # hotel bookings
    "logistics.csv": "calculated",  # waybills
    "catering.csv": "calculated",  # caterer's counts
    "waste.csv": "calculated",  # weighed or estimated by the hauler
    "materials.csv": "estimated",  # bills of materials
}
DEFAULT_TIER = "estimated"
# 95 % half-ranges of emission factors by key prefix (longest prefix wins)
FACTOR_RANGE = {
    "electricity.": 0.10,  # grid averages: year and boundary of the grid
    "fuel.": 0.05,  # IPCC 2006 stationary/mobile combustion CO2
    "heat.": 0.15,
    "cooling.": 0.15,
    "refrigerant.": 0.35,  # GWP100 of HFCs (IPCC AR5/AR6: ±35 %)
    "passenger.air.": 0.30,  # load factors, routing, non-CO2 multiplier
    "passenger.": 0.20,
    "freight.": 0.25,
    "hotel.": 0.30,
    "meal.": 0.30,
    "waste.": 0.30,
    "material.": 0.30,
    "wtt.": 0.20,
}
DEFAULT_FACTOR_RANGE = 0.30


def factor_range(key: str) -> float:
    best = ""
    for prefix in FACTOR_RANGE:
        if key.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FACTOR_RANGE[best] if best else DEFAULT_FACTOR_RANGE


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class UncertaintyResult:
    runs: int
    seed: int
    total: Interval  # tCO2e
    by_category: dict[str, Interval]
    approach1_total: Interval
    approach1_by_category: dict[str, Interval]
    mean_tco2e: float
    # the total of each run (tCO2e): what calc.odds reads the probability of neutrality from
    draws: np.ndarray = field(default_factory=lambda: np.zeros(0), compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        def iv(i: Interval) -> dict[str, float]:
            return {"low": i.low, "high": i.high}

        return {
            "method": "monte_carlo",
            "runs": self.runs,
            "seed": self.seed,
            "confidence": 0.95,
            "total": iv(self.total),
            "by_category": {c: iv(i) for c, i in self.by_category.items()},
            "mean_tco2e": self.mean_tco2e,
            "approach1": {
                "total": iv(self.approach1_total),
                "by_category": {c: iv(i) for c, i in self.approach1_by_category.items()},
            },
            "ranges": {
                "activity_by_tier": dict(TIER_RANGE),
                "default_tier_by_file": dict(TABLE_TIER),
                "factor_by_prefix": dict(FACTOR_RANGE),
            },
        }


def table_file(file: str) -> str:
    """'energy.parquet' -> 'energy.csv': the table's name as TABLE_TIER keys it."""
    stem, _, _ = file.rpartition(".")
    return f"{stem or file}.csv"


def blocks(groups: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """(activity block per group, factor per group, factor keys, relative s.d. per block)."""
    files = groups["source_file"].astype(str).to_numpy()
    given = groups["quality"].astype(object).to_numpy()
    tiers = np.array(
        [
            # by table, whichever form holds it (energy.csv, .xlsx or .parquet)
            str(q) if isinstance(q, str) and q else TABLE_TIER.get(table_file(f), DEFAULT_TIER)
            for f, q in zip(files, given, strict=True)
        ],
        dtype=object,
    )
    activity_key = pd.Series(files + "|" + tiers.astype(str))
    a_codes, a_uniques = pd.factorize(activity_key)
    a_sd = np.array([TIER_RANGE[str(u).split("|")[1]] / Z95 for u in a_uniques])
    f_codes, f_uniques = pd.factorize(groups["factor_key"].astype(str))
    return a_codes, f_codes, [str(k) for k in f_uniques], a_sd


def simulate(
    groups: pd.DataFrame,
    value_column: str,
    categories: list[str],
    *,
    runs: int = 1000,
    seed: int = 0,
    sampled: dict[tuple[str, str], np.ndarray] | None = None,
) -> UncertaintyResult:
    """Monte Carlo and Approach 1 intervals (tCO2e) for the total and each category.

    `sampled`: (source file, category) -> one multiplier of those lines' amounts per run,
    drawn by whoever knows how they vary (the survey's bootstrap of calc.visitor_travel) in
    place of their tier's normal draw; Approach 1 takes their standard deviation."""
    x = groups[value_column].to_numpy(dtype=np.float64) / 1000.0
    a_codes, f_codes, keys, a_sd = blocks(groups)
    f_sd = np.array([factor_range(k) / Z95 for k in keys])
    n_a, n_f = len(a_sd), len(f_sd)
    category = groups["category"].astype(str).to_numpy()
    rng = np.random.default_rng(seed)
    # one multiplier per activity block and per factor, per run (clipped at 0: a negative
    # amount or factor is not a possible state of the world; at the ranges used the clip
    # touches fewer than 1 in 10^5 draws)
    amount = np.clip(1.0 + rng.standard_normal((runs, n_a)) * a_sd, 0.0, None)
    factor = np.clip(1.0 + rng.standard_normal((runs, n_f)) * f_sd, 0.0, None)
    if sampled:  # own blocks after the drawn ones: the drawn ones' streams stay as they were
        files = groups["source_file"].astype(str).to_numpy()
        a_codes = a_codes.copy()
        extra: list[np.ndarray] = []
        extra_sd: list[float] = []
        for (file, cat), draws in sampled.items():
            mask = (files == file) & (category == cat)
            if mask.any():
                a_codes[mask] = n_a + len(extra)
                extra.append(np.asarray(draws, dtype=np.float64)[:runs])
                extra_sd.append(float(np.std(draws)))
        if extra:
            amount = np.hstack([amount, np.column_stack(extra)])
            a_sd = np.concatenate([a_sd, extra_sd])
            n_a = len(a_sd)

    def runs_of(mask: np.ndarray) -> np.ndarray:
        # the values as an activity-block × factor matrix, then one product per run
        m = np.zeros((n_a, n_f))
        np.add.at(m, (a_codes[mask], f_codes[mask]), x[mask])
        return np.einsum("ra,af,rf->r", amount, m, factor, optimize=True)

    def approach1(mask: np.ndarray) -> Interval:
        xa = np.bincount(a_codes[mask], weights=x[mask], minlength=n_a)
        xf = np.bincount(f_codes[mask], weights=x[mask], minlength=n_f)
        half = Z95 * float(np.sqrt(np.sum((a_sd * xa) ** 2) + np.sum((f_sd * xf) ** 2)))
        point = float(x[mask].sum())
        return Interval(max(point - half, 0.0), point + half)

    def interval(samples: np.ndarray) -> Interval:
        low, high = np.percentile(samples, [2.5, 97.5])
        return Interval(float(low), float(high))

    everything = np.ones(len(x), dtype=bool)
    totals = runs_of(everything)
    by_category, by_category1 = {}, {}
    for c in categories:
        mask = category == c
        if mask.any():
            by_category[c] = interval(runs_of(mask))
            by_category1[c] = approach1(mask)
    return UncertaintyResult(
        runs=runs,
        seed=seed,
        total=interval(totals),
        by_category=by_category,
        approach1_total=approach1(everything),
        approach1_by_category=by_category1,
        mean_tco2e=float(totals.mean()),
        draws=totals,
    )
