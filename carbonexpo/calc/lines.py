"""Turn activity frames into inventory lines: resolve each distinct (factor key, unit) pair
once, convert the activity to the factor's unit with one multiplier per pair, multiply
column-wise. Text columns stay Categoricals (codes + a few labels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.codes import as_categorical, categorical, from_labels, lookup, to_categorical
from carbonexpo.config import CATEGORY_NAMES
from carbonexpo.errors import Problem
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.units import UnitProblem, multiplier

LINE_COLUMNS = [
    "source_file",
    "row",
    "category",
    "scope",
    "phase",
    "activity_quantity",
    "activity_unit",
    "factor_key",
    "factor_value",
    "factor_source",
    "kgco2e",
    "exhibitor",
    "input_quantity",
    "input_unit",
    "factor_set",
    "proxy",
]
TEXT_COLUMNS = [
    "source_file",
    "category",
    "phase",
    "activity_unit",
    "factor_key",
    "factor_source",
    "exhibitor",
    "input_unit",
    "factor_set",
]
# the boundary's ten categories, then the optional upstream (well-to-tank) lines
CATEGORIES = [*CATEGORY_NAMES, "well_to_tank"]
SCOPE_OF = {
    "electricity": 2,
    "fuels": 1,
    "heat_cooling": 2,
    "refrigerants": 1,
    "travel": 3,
    "accommodation": 3,
    "logistics": 3,
    "catering": 3,
    "waste": 3,
    "materials": 3,
    "well_to_tank": 3,
}


@dataclass
class LineBuilder:
    """Collects lines of all categories, the problems met and the factors used."""

    resolver: FactorResolver
    frames: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    factors_used: dict[tuple[str, str], dict] = field(default_factory=dict)

    def add(
        self, activity: pd.DataFrame, *, source_file: str, category: str | pd.Categorical
    ) -> None:
        """`activity` holds `_row`, `factor_key`, `quantity`, `unit`, `phase`, `exhibitor`;
        `category` is one name or one per row.

        A key (or key/unit pair) that resolves nowhere becomes one problem naming the rows that
        need it; those rows produce no line.
        """
        n = len(activity)
        if n == 0:
            return
        key = as_categorical(activity["factor_key"], n)
        unit = as_categorical(activity["unit"], n)
        width = len(unit.categories) + 1
        pair = (key.codes.astype(np.int64) + 1) * width + unit.codes + 1
        inverse, uniq = pd.factorize(pair, sort=False)
        m = len(uniq)
        value, conv = np.full(m, np.nan), np.full(m, np.nan)
        factor_units: list[str | None] = [None] * m
        sources: list[str | None] = [None] * m
        sets: list[str | None] = [None] * m
        proxy = np.zeros(m, dtype=bool)
        rows = activity["_row"].to_numpy()
        for i, p in enumerate(uniq):
            k_code, u_code = int(p // width) - 1, int(p % width) - 1
            k = str(key.categories[k_code]) if k_code >= 0 else ""
            u = str(unit.categories[u_code]) if u_code >= 0 else ""
            mismatch = self.resolver.user_mismatch(k, u)
            if mismatch:
                where = inverse == i
                self.problems.append(
                    Problem(
                        source_file,
                        int(rows[where][0]),
                        "factor_key",
                        f"factors.csv gives {k!r} per {mismatch[0].unit!r} "
                        f"({mismatch[0].note}), but these rows need it per {u!r}: "
                        f"{int(where.sum())} row(s)",
                        "factor_unit",
                    )
                )
                continue
            factor = self.resolver.resolve(k, u)
            if factor is None:
                self._missing(k, u, rows[inverse == i], source_file)
                continue
            try:
                conv[i] = multiplier(u, factor.unit)
            except UnitProblem as exc:
                self.problems.append(
                    Problem(
                        source_file, int(rows[inverse == i][0]), "unit", str(exc), "wrong_dimension"
                    )
                )
                continue
            value[i] = factor.kgco2e_per_unit
            factor_units[i] = factor.unit
            sources[i] = self.resolver.source_label(factor)
            sets[i] = factor.set_id
            proxy[i] = bool(factor.proxy_for)
            self.factors_used[(factor.set_id, factor.key + "|" + factor.unit)] = {
                "key": factor.key,
                "unit": factor.unit,
                "kgco2e_per_unit": factor.kgco2e_per_unit,
                "set": factor.set_id,
                "source": sources[i],
                "source_id": factor.source_id,
                "proxy_for": factor.proxy_for,
            }
        ok = ~np.isnan(value[inverse])
        if not ok.any():
            return
        everything = bool(ok.all())

        def keep(values: Any) -> Any:
            return values if everything else values[ok]

        inv = keep(inverse)
        quantity = keep(activity["quantity"].to_numpy(dtype=np.float64))
        converted = quantity * conv[inv]
        fv = value[inv]
        n_ok = len(inv)
        categories = keep(as_categorical(category, n))
        self.frames.append(
            {
                "source_file": as_categorical(source_file, n_ok),
                "row": keep(rows),
                "category": categories,
                "scope": lookup(categories, SCOPE_OF, n_ok, default=0, dtype=np.int8),
                "phase": keep(as_categorical(activity["phase"], n)),
                "activity_quantity": converted,
                "activity_unit": from_labels(factor_units, inv),
                "factor_key": keep(key),
                "factor_value": fv,
                "factor_source": from_labels(sources, inv),
                "kgco2e": converted * fv,
                "exhibitor": keep(as_categorical(activity["exhibitor"], n)),
                "input_quantity": quantity,
                "input_unit": keep(unit),
                "factor_set": from_labels(sets, inv),
                "proxy": proxy[inv],
            }
        )

    def _missing(self, key: str, unit: str, rows: np.ndarray, source_file: str) -> None:
        listed = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
        where = f"exists but not per {unit!r}" if self.resolver.has_key(key) else "resolves nowhere"
        sets = ", ".join(s.set_id for s in self.resolver.sets)
        self.problems.append(
            Problem(
                source_file,
                int(rows[0]),
                "factor_key",
                f"emission factor {key!r} {where} (factors.csv, then {sets}); "
                f"{len(rows)} row(s) need it: {listed}",
                "missing_factor",
            )
        )

    def lines(self) -> pd.DataFrame:
        if not self.frames:
            empty = {c: pd.Series(dtype=object) for c in LINE_COLUMNS}
            for c in ("activity_quantity", "factor_value", "kgco2e", "input_quantity"):
                empty[c] = pd.Series(dtype=np.float64)
            empty["scope"] = pd.Series(dtype=np.int8)
            empty["row"] = pd.Series(dtype=np.int64)
            empty["proxy"] = pd.Series(dtype=bool)
            for c in TEXT_COLUMNS:
                empty[c] = pd.Series(to_categorical([]))
            return pd.DataFrame(empty)[LINE_COLUMNS]
        out: dict[str, Any] = {}
        for c in LINE_COLUMNS:
            parts = [f[c] for f in self.frames]
            if c in TEXT_COLUMNS:
                out[c] = concat_categoricals(parts)
            else:
                out[c] = np.concatenate([np.asarray(p) for p in parts])
        return pd.DataFrame(out, copy=False)


def concat_categoricals(parts: list[object]) -> pd.Categorical:
    """Concatenate Categoricals with different categories by recoding each part's codes into
    one shared list of labels (numpy takes, no re-hashing of rows)."""
    labels: dict[str, int] = {}
    recoded = []
    for part in parts:
        cat = to_categorical(part)
        # a trailing -1 in the mapping: code -1 (missing) indexes it and stays missing
        mapping = np.array(
            [labels.setdefault(str(c), len(labels)) for c in cat.categories] + [-1], dtype=np.int32
        )
        recoded.append(mapping[cat.codes])
    return categorical(np.concatenate(recoded), categories=list(labels))
