"""The verdict with its odds (docs/uncertainty.md): from the Monte Carlo draws of the tested
total, the probability that the eligible offsets cover it, and the extra eligible tCO2e that
would make that probability reach the claim's target confidence.

p_neutral = share of draws d with offsets ≥ d. The buffer is q − offsets (never below 0), q the
draws' `confidence` quantile; its Monte Carlo error is the half-width of the distribution-free
95 % interval of that quantile (the order statistics at n·c ± 1.96·√(n·c·(1 − c))).

Approach 1 beside it: the total taken as normal with the point figure as its mean and the
interval's half-width / 1.96 as its standard deviation: p = Φ((offsets − point) / σ) and
buffer = point + z_c·σ − offsets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Odds:
    confidence: float  # the target (claim.confidence)
    offsets_tco2e: float
    p_neutral: float
    offset_buffer_tco2e: float
    buffer_mc_error_tco2e: float  # 95 % half-width of the buffer's Monte Carlo error
    approach1_p_neutral: float
    approach1_offset_buffer_tco2e: float

    def as_dict(self) -> dict[str, float]:
        return dict(vars(self))


def odds(
    draws: np.ndarray,
    offsets_tco2e: float,
    confidence: float,
    *,
    point_tco2e: float,
    approach1_half_width: float,
) -> Odds:
    """`draws`: the tested total of each run (tCO2e, the claim's basis)."""
    n = len(draws)
    p = float(np.count_nonzero(draws <= offsets_tco2e)) / n if n else 0.0
    ordered = np.sort(draws)
    quantile = float(np.quantile(ordered, confidence))
    spread = Z95 * math.sqrt(n * confidence * (1.0 - confidence))
    lo = int(max(0, math.floor(n * confidence - spread)))
    hi = int(min(n - 1, math.ceil(n * confidence + spread)))
    error = (float(ordered[hi]) - float(ordered[lo])) / 2.0 if n else 0.0
    sigma = approach1_half_width / Z95
    normal = NormalDist()
    if sigma > 0:
        p1 = normal.cdf((offsets_tco2e - point_tco2e) / sigma)
    else:
        p1 = 1.0 if offsets_tco2e >= point_tco2e else 0.0
    buffer1 = point_tco2e + normal.inv_cdf(confidence) * sigma - offsets_tco2e
    return Odds(
        confidence=confidence,
        offsets_tco2e=offsets_tco2e,
        p_neutral=p,
        offset_buffer_tco2e=max(quantile - offsets_tco2e, 0.0) + 0.0,
        buffer_mc_error_tco2e=error,
        approach1_p_neutral=p1,
        approach1_offset_buffer_tco2e=max(buffer1, 0.0) + 0.0,
    )
