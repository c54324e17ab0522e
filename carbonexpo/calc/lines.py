"""Turn activity frames into inventory lines: resolve each distinct factor key once, convert the
activity to the factor's unit with one multiplier per distinct unit, multiply column-wise."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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
CATEGORIES = [
    "electricity",
    "fuels",
    "heat_cooling",
    "refrigerants",
    "travel",
    "accommodation",
    "logistics",
    "catering",
    "waste",
    "materials",
]
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
}


@dataclass
class LineBuilder:
    """Collects lines of all categories, the problems met and the factors used."""

    resolver: FactorResolver
    frames: list[pd.DataFrame] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    factors_used: dict[tuple[str, str], dict] = field(default_factory=dict)

    def add(
        self,
        activity: pd.DataFrame,
        *,
        source_file: str,
        category: str,
        key_column: str = "factor_key",
    ) -> None:
        """`activity` holds `_row`, `factor_key`, `quantity`, `unit`, `phase`, `exhibitor`.

        A key (or key/unit pair) that resolves nowhere becomes one problem naming the rows that
        need it; those rows produce no line.
        """
        if activity.empty:
            return
        pairs = activity[[key_column, "unit"]].drop_duplicates()
        value = pd.Series(np.nan, index=activity.index)
        factor_unit = pd.Series("", index=activity.index, dtype=object)
        conv = pd.Series(np.nan, index=activity.index)
        source = pd.Series("", index=activity.index, dtype=object)
        set_id = pd.Series("", index=activity.index, dtype=object)
        proxy = pd.Series(False, index=activity.index)
        key_codes = activity[key_column].astype(str)
        unit_codes = activity["unit"].astype(str)
        for key, unit in pairs.itertuples(index=False):
            sel = (key_codes == key) & (unit_codes == unit)
            factor = self.resolver.resolve(key, unit)
            if factor is None:
                rows = activity.loc[sel, "_row"].to_numpy()
                listed = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
                known = "exists but not per " if self.resolver.has_key(key) else "resolves nowhere"
                why = f"{known}{unit!r}" if known.startswith("exists") else known
                self.problems.append(
                    Problem(
                        source_file,
                        int(rows[0]),
                        key_column if key_column in activity else "",
                        f"emission factor {key!r} {why} (factors.csv, then "
                        f"{', '.join(s.set_id for s in self.resolver.sets)}); "
                        f"{len(rows)} row(s) need it: {listed}",
                        "missing_factor",
                    )
                )
                continue
            try:
                m = multiplier(unit, factor.unit)
            except UnitProblem as exc:
                self.problems.append(
                    Problem(
                        source_file,
                        int(activity.loc[sel, "_row"].iat[0]),
                        "unit",
                        str(exc),
                        "wrong_dimension",
                    )
                )
                continue
            value[sel] = factor.kgco2e_per_unit
            factor_unit[sel] = factor.unit
            conv[sel] = m
            label = self.resolver.source_label(factor)
            source[sel] = label
            set_id[sel] = factor.set_id
            proxy[sel] = bool(factor.proxy_for)
            self.factors_used[(factor.set_id, factor.key + "|" + factor.unit)] = {
                "key": factor.key,
                "unit": factor.unit,
                "kgco2e_per_unit": factor.kgco2e_per_unit,
                "set": factor.set_id,
                "source": label,
                "proxy_for": factor.proxy_for,
            }
        ok = value.notna()
        if not ok.any():
            return
        act = activity[ok]
        quantity = act["quantity"].to_numpy(dtype=np.float64)
        converted = quantity * conv[ok].to_numpy()
        fv = value[ok].to_numpy()
        lines = pd.DataFrame(
            {
                "source_file": source_file,
                "row": act["_row"].to_numpy(),
                "category": category,
                "scope": SCOPE_OF[category],
                "phase": act["phase"].to_numpy(),
                "activity_quantity": converted,
                "activity_unit": factor_unit[ok].to_numpy(),
                "factor_key": act[key_column].to_numpy(),
                "factor_value": fv,
                "factor_source": source[ok].to_numpy(),
                "kgco2e": converted * fv,
                "exhibitor": act["exhibitor"].to_numpy() if "exhibitor" in act else None,
                "input_quantity": quantity,
                "input_unit": act["unit"].to_numpy(),
                "factor_set": set_id[ok].to_numpy(),
                "proxy": proxy[ok].to_numpy(),
            }
        )
        self.frames.append(lines)

    def lines(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})
        df = pd.concat(self.frames, ignore_index=True)
        for c in (
            "source_file",
            "category",
            "phase",
            "activity_unit",
            "factor_key",
            "factor_source",
            "input_unit",
            "factor_set",
        ):
            df[c] = df[c].astype("category")
        df["exhibitor"] = df["exhibitor"].astype("object").where(df["exhibitor"].notna(), None)
        return df
