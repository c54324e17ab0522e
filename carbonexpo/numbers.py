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

from carbonexpo.json_tree import find_float

SIGNIFICANT = 12
TCO2E_DECIMALS = 6
MAX_DECIMALS = 6
SCALABLE = 300  # the largest power of ten round_sig scales by (a double holds 1e308)


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
    tiny = exponent > SCALABLE  # 10**exponent would overflow to inf (and the result to NaN)
    up = (exponent >= 0) & ~tiny
    large = exponent < 0
    r = np.empty_like(v)
    scale = 10.0 ** exponent[up]
    r[up] = np.round(v[up] * scale) / scale
    down = 10.0 ** (-exponent[large])
    r[large] = np.round(v[large] / down) * down
    if tiny.any():  # below ~1e-290: rare, so the decimal text does it
        r[tiny] = [float(f"{t:.{digits}g}") for t in v[tiny].tolist()]
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
    if not math.isfinite(value):
        return value
    if value == 0:
        return 0.0  # never "-0.0"
    if key.endswith("tco2e"):
        return round(value, TCO2E_DECIMALS) + 0.0  # + 0.0: no "-0.0"
    return float(round_sig(np.array([value]))[0])


TCO2E_PARENTS = frozenset(
    {"by_category", "by_phase", "by_scope", "own_by_category", "allocated_by_category"}
)


def clean_tree(
    value: Any, path: str = "result", *, tco2e: bool = False, in_place: bool = False
) -> Any:
    """A copy of a JSON-like tree with every float `clean`ed: tCO2e are the keys ending in
    `tco2e` and the values under the by-category/phase/scope maps. A NaN or infinity is
    refused, naming where it is (a result holds finite numbers only). `in_place`: the tree's
    own dicts and lists are changed and returned, no copy made (a tree just dumped from a
    result: at 100,000 credit rows the copy was ~100 MB at the JSON's peak).

    The walk keeps no path (a result with 10,000 credit blocks has 130,000 nodes, and a path
    string for each was most of the time); only a refused number walks again to name it. The
    floats rounded to significant digits are rounded together once the walk is done (round_sig
    on one array: `clean` of one float is numpy on an array of one, ~10 µs; a million
    exhibitors' areas took a minute that way). The result is `clean`'s, value by value."""
    if isinstance(value, float):
        tco2e = tco2e or path.endswith("tco2e")
    later: list[tuple[Any, Any, float]] = []
    try:
        inner = tco2e or _last_segment(path) in TCO2E_PARENTS
        out = _clean_walk(value, inner, tco2e, in_place, later)
    except _NotFinite:
        _locate_not_finite(value, path)
        raise AssertionError("a non-finite number that the located walk did not find") from None
    if later:
        values = np.fromiter((v for _, _, v in later), dtype=np.float64, count=len(later))
        rounded = (round_sig(values) + 0.0).tolist()  # + 0.0: no "-0.0" (as clean)
        for (container, key, _), r in zip(later, rounded, strict=True):
            container[key] = r
    return out


class _NotFinite(Exception):
    pass


def _last_segment(key: object) -> str:
    return str(key).rsplit(".", 1)[-1]


def _clean_walk(
    value: Any, inner: bool, tco2e: bool, in_place: bool, later: list[tuple[Any, Any, float]]
) -> Any:
    """`value` cleaned; `inner`: what clean_tree's `tco2e` is for the children of a dict here
    (inherited, or this dict is one of the TCO2E_PARENTS), `tco2e`: for a float or list here;
    `in_place`: into `value`'s own containers (only values change: no dict changes size).
    A float to round to significant digits is left as it is and listed in `later` with its
    container and key (clean_tree rounds them together)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotFinite
        return clean(value, "tco2e" if tco2e else "")
    if isinstance(value, dict):
        out = value if in_place else {}
        for k, v in value.items():
            if isinstance(v, float):
                if not math.isfinite(v):
                    raise _NotFinite
                if inner or str(k).endswith("tco2e"):
                    out[k] = clean(v, "tco2e")
                else:
                    out[k] = v
                    later.append((out, k, v))
            elif isinstance(v, dict | list):
                deeper = inner or _last_segment(k) in TCO2E_PARENTS
                out[k] = _clean_walk(v, deeper, inner, in_place, later)
            elif not in_place:
                out[k] = v
        return out
    if isinstance(value, list):
        # a list's items have paths ending in ']': never a TCO2E_PARENTS name, never '...tco2e'
        items = value if in_place else list(value)
        for i, v in enumerate(items):
            if isinstance(v, float):
                if not math.isfinite(v):
                    raise _NotFinite
                if tco2e:
                    items[i] = clean(v, "tco2e")
                else:
                    later.append((items, i, v))
            elif isinstance(v, dict | list):
                items[i] = _clean_walk(v, tco2e, tco2e, in_place, later)
        return items
    return value


def _locate_not_finite(value: Any, path: str) -> None:
    """Raise ValueError naming the first NaN or infinity in the tree."""
    found = find_float(value, path, lambda x: not math.isfinite(x))
    if found is not None:
        raise ValueError(f"{found[0]} is {found[1]}: results hold finite numbers only")
