"""Numbers as they are written: no float noise (spec §9). Binary floating point turns 0.1 + 0.2
into 0.30000000000000004 and a counter difference 1024.5 − 1000.1 into 24.4000000000001; a
written file shows what the data can know, not those artefacts.

- `round_sig`: vectorised rounding to 12 significant digits (the noise sits at the 16th–17th),
  for any computed quantity;
- `decimals_of`: the decimals a column of meter values was given with, so that differences of
  counters are rounded to the meter's own precision;
- `clean`: one scalar, tCO2e at 6 decimals (to the gram) and anything else at 12 significant
  digits.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

SIGNIFICANT = 12
TCO2E_DECIMALS = 6
MAX_DECIMALS = 6


def round_sig(values: np.ndarray, digits: int = SIGNIFICANT) -> np.ndarray:
    """Each value rounded to `digits` significant digits; NaN and ±inf pass through. Dividing
    an integer-valued double by an exact power of ten gives the double nearest the decimal, so
    the shortest repr of the result is the rounded decimal itself."""
    x = np.asarray(values, dtype=np.float64)
    out = x.copy()
    finite = np.isfinite(x) & (x != 0)
    if not finite.any():
        return out
    v = x[finite]
    exponent = digits - 1 - np.floor(np.log10(np.abs(v))).astype(np.int64)
    up = exponent >= 0
    r = np.empty_like(v)
    scale = 10.0 ** exponent[up]
    r[up] = np.round(v[up] * scale) / scale
    down = 10.0 ** (-exponent[~up])
    r[~up] = np.round(v[~up] / down) * down
    out[finite] = r
    return out


def decimals_of(values: np.ndarray) -> int:
    """The fewest decimals (≤ 6) that represent every value: the precision a meter reports."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    for d in range(MAX_DECIMALS + 1):
        if np.all(np.abs(np.round(x, d) - x) <= 1e-9 * np.maximum(1.0, np.abs(x))):
            return d
    return MAX_DECIMALS


def clean(value: float, key: str = "") -> float:
    """One scalar as written: tCO2e (a key ending in `_tco2e`) to the gram, else 12 significant
    digits."""
    if not math.isfinite(value) or value == 0:
        return value
    if key.endswith("tco2e"):
        return round(value, TCO2E_DECIMALS) + 0.0  # + 0.0: no "-0.0"
    return float(round_sig(np.array([value]))[0])


TCO2E_PARENTS = frozenset(
    {"by_category", "by_phase", "by_scope", "own_by_category", "allocated_by_category"}
)


def clean_tree(value: Any, path: str = "result", *, tco2e: bool = False) -> Any:
    """A copy of a JSON-like tree with every float `clean`ed: tCO2e are the keys ending in
    `tco2e` and the values under the by-category/phase/scope maps. A NaN or infinity is
    refused, naming where it is (a result holds finite numbers only)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path} is {value}: results hold finite numbers only")
        return clean(value, "tco2e" if tco2e or path.endswith("tco2e") else "")
    if isinstance(value, dict):
        inner = tco2e or path.rsplit(".", 1)[-1] in TCO2E_PARENTS
        return {k: clean_tree(v, f"{path}.{k}", tco2e=inner) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v, f"{path}[{i}]", tco2e=tco2e) for i, v in enumerate(value)]
    return value
