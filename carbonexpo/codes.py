"""Categorical helpers: work on the few distinct values of a column, then spread the answer to
every row through the integer codes. This is what keeps million-row tables fast."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd


def categorical(codes: Any, categories: Sequence[object]) -> pd.Categorical:
    """pd.Categorical.from_codes, typed in one place (pandas-stubs' overloads reject the
    plain lists and int arrays that pandas accepts). The dtype of a set of categories is made
    (and its categories validated) once and reused: building it is most of the cost of a
    small column, and a calculation builds hundreds."""
    if len(categories) <= SMALL:
        try:
            # keyed with each value's type: 1, 1.0 and True are equal as keys, not as labels
            dtype = _dtype(tuple((type(c), c) for c in categories))
        except TypeError:  # unhashable categories: pandas makes the dtype
            pass
        else:
            return pd.Categorical.from_codes(codes, dtype=dtype)
    return pd.Categorical.from_codes(codes, categories=list(categories))  # type: ignore[call-overload]


SMALL = 256  # category sets cached: a unit, a mode, a phase column (not a million meter ids)


@lru_cache(maxsize=4096)
def _dtype(typed: tuple[tuple[type, object], ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([c for _, c in typed])


def to_categorical(values: Any) -> pd.Categorical:
    """pd.Categorical of any column-like value, typed in one place."""
    return pd.Categorical(values)


def as_categorical(values: object, n: int) -> pd.Categorical:
    """A column (Series, array, Categorical) or a scalar repeated n times, as a Categorical."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.Categorical):
        return values
    if values is None or isinstance(values, str | int | float):
        if values is None:
            return categorical(np.full(n, -1, np.int64), categories=[])
        return categorical(np.zeros(n, np.int64), categories=[values])
    return to_categorical(values)


def from_labels(labels: Sequence[object], codes: np.ndarray) -> pd.Categorical:
    """Rows take labels[codes] (code -1 = missing); equal labels are merged."""
    if len(labels) == 0:
        return categorical(np.full(len(codes), -1, np.int64), categories=[])
    keyed = [("\x00" if x is None else str(x)) for x in labels]
    if len(set(keyed)) == len(keyed) and "\x00" not in keyed:  # distinct: codes as they are
        return categorical(codes, categories=keyed)
    uniq, inverse = np.unique(np.asarray(keyed, dtype=object), return_inverse=True)
    cats = list(uniq)
    table = np.append(inverse, -1).astype(np.int32)  # index -1 -> missing
    new = table[codes]
    if "\x00" in cats:  # a None label: missing
        hole = cats.index("\x00")
        new = np.where(new == hole, -1, new)
        new = np.where(new > hole, new - 1, new)
        cats.pop(hole)
    return categorical(new, categories=cats)


def cat_map(
    values: object, func: Callable[[str], object], n: int, missing: object = None
) -> pd.Categorical:
    """Map each distinct value through func (missing cells map to `missing`)."""
    cat = as_categorical(values, n)
    labels = [func(str(c)) for c in cat.categories]
    codes = cat.codes
    if missing is not None and (codes < 0).any():
        labels.append(missing)
        codes = np.where(codes < 0, len(labels) - 1, codes)
    return from_labels(labels, codes)


def used_labels(values: object) -> list[object]:
    """The categories of a Categorical column that some row has (one pass over the codes)."""
    cat = as_categorical(values, 0)
    codes = np.asarray(cat.codes)
    seen = np.bincount(codes[codes >= 0], minlength=len(cat.categories)) > 0
    return [c for c, s in zip(cat.categories, seen, strict=True) if s]


def unique_codes(combo: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(combo, return_inverse=True, return_counts=True) for non-negative codes below
    `span`: without sorting (one bincount) when span is small next to len(combo)."""
    if span > max(1 << 22, 2 * len(combo)):
        uniq, inverse, counts = np.unique(combo, return_inverse=True, return_counts=True)
        return uniq, inverse.reshape(-1), counts
    counts = np.bincount(combo, minlength=span)
    uniq = np.flatnonzero(counts)
    index = np.zeros(span, dtype=np.int64)
    index[uniq] = np.arange(len(uniq))
    return uniq, index[combo], counts[uniq]


def cat_combine(
    parts: Sequence[object],
    func: Callable[..., object],
    n: int,
    missing: Sequence[object] | None = None,
) -> pd.Categorical:
    """Combine several columns row-wise through func, evaluated once per distinct combination.
    A missing cell passes `missing[i]` (default None) to func."""
    cats = [as_categorical(p, n) for p in parts]
    stride = 1
    combo = np.zeros(n, dtype=np.int64)
    for c in cats:
        combo += (c.codes.astype(np.int64) + 1) * stride
        stride *= len(c.categories) + 1  # combo < stride
    uniq, inverse, _ = unique_codes(combo, stride)
    labels = []
    for value in uniq:
        args = []
        for i, c in enumerate(cats):
            code = int(value % (len(c.categories) + 1)) - 1
            value //= len(c.categories) + 1
            default = missing[i] if missing else None
            args.append(default if code < 0 else str(c.categories[code]))
        labels.append(func(*args))
    return from_labels(labels, inverse.astype(np.int64))


def lookup(
    values: object,
    table: Mapping[str, float],
    n: int,
    default: float = np.nan,
    dtype: type = np.float64,
) -> np.ndarray:
    """Per-row value from a per-value table (missing cells and unknown values -> default)."""
    cat = as_categorical(values, n)
    per_cat: np.ndarray = np.array(
        [table.get(str(c), default) for c in cat.categories] + [default], dtype=dtype
    )
    return per_cat[cat.codes]  # code -1 (missing) picks the trailing default


def epoch_seconds(stamps: pd.Series) -> np.ndarray:
    """UTC timestamps (tz-aware Series) as int64 seconds since the epoch; NaT -> int64 min."""
    values = np.asarray(stamps.array.asi8, dtype=np.int64)  # UTC, in the series' own unit
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[stamps.dt.unit]
    if per_second == 1:
        return values
    nat = values == np.iinfo(np.int64).min
    return np.where(nat, values, values // per_second)


def keys_of(values: pd.Series) -> np.ndarray:
    """identifiers.id_key of each value (serial prefixes, registries), computed once per
    distinct value; a missing value's key is ''."""
    from carbonexpo.identifiers import id_key

    codes, uniques = pd.factorize(values.astype(object), sort=False)
    keys = np.array([id_key(u) for u in uniques] + [""], dtype=object)
    return keys[codes]
