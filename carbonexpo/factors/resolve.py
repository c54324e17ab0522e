"""Resolve factor keys: the folder's factors.csv first, then the event's factor_sets in order."""

from __future__ import annotations

from dataclasses import dataclass

from carbonexpo.factors.catalog import Factor, FactorSet, load_set, load_sources
from carbonexpo.units import UnitProblem, same_dimension

USER_LAYER = "factors.csv"
REPORTED_LAYER = "reported.csv"
OWN_LAYERS = (
    USER_LAYER,
    REPORTED_LAYER,
)  # the identity factor of reported totals (calc/activities)
REPORTED = Factor(
    key="reported.co2e",
    unit="t",
    kgco2e_per_unit=1000.0,
    gas_basis="CO2e",
    year=None,
    source_id="reported",
    source_ref="as reported (reported.csv)",
    proxy_for="",
    note="a footprint reported as a total: its tCO2e as the reporter states them",
    set_id=REPORTED_LAYER,
)


@dataclass
class FactorResolver:
    """Looks a key up layer by layer; within a layer, the row whose unit has the activity's
    dimension wins (a fuel may be given per litre, per tonne and per kWh)."""

    layers: list[tuple[str, dict[str, list[Factor]]]]

    @classmethod
    def for_event(
        cls, set_ids: list[str], user_factors: list[Factor] | None = None
    ) -> FactorResolver:
        layers: list[tuple[str, dict[str, list[Factor]]]] = []
        if user_factors:
            by_key: dict[str, list[Factor]] = {}
            for f in user_factors:
                by_key.setdefault(f.key.lower(), []).append(f)
            layers.append((USER_LAYER, by_key))
        layers += [(sid, load_set(sid).by_key()) for sid in set_ids]
        layers.append((REPORTED_LAYER, {REPORTED.key: [REPORTED]}))
        return cls(layers)

    @property
    def sets(self) -> list[FactorSet]:
        return [load_set(name) for name, _ in self.layers if name not in OWN_LAYERS]

    def resolve(self, key: str, activity_unit: str, year: int | None = None) -> Factor | None:
        """The factor for `key` in the activity's unit. The folder's factors.csv first; then
        the listed sets in order, except that several years of one series (cn-mee-2021,
        cn-mee-2022 …, see `family`) are one choice: the set of the activity's `year`, else the
        nearest earlier year, else the nearest later one (`year` None: the first listed)."""
        found: dict[str, list[Factor]] = {}  # family -> its sets' factors for the key, listed order
        for name, layer in self.layers:
            for factor in layer.get(key.lower(), ()):
                try:
                    fits = same_dimension(factor.unit, activity_unit)
                except UnitProblem:
                    continue
                if not fits:
                    continue
                if name in OWN_LAYERS:
                    return factor
                found.setdefault(family(name), []).append(factor)
                break
        if not found:
            return None
        series = next(iter(found.values()))
        if year is None or len(series) == 1:
            return series[0]
        return by_year(series, year)

    def user_mismatch(self, key: str, activity_unit: str) -> list[Factor]:
        """The folder's factors.csv rows for `key` when none has the activity's dimension:
        such a row must not be passed over for a shipped factor."""
        for name, layer in self.layers:
            if name != USER_LAYER:
                continue
            rows = layer.get(key.lower(), [])
            try:
                if rows and not any(same_dimension(f.unit, activity_unit) for f in rows):
                    return rows
            except UnitProblem:
                return rows
        return []

    def series_of(self, set_id: str) -> list[str]:
        """The listed sets of the same series as `set_id` (several years of one publisher)."""
        return [n for n, _ in self.layers if n not in OWN_LAYERS and family(n) == family(set_id)]

    def has_key(self, key: str) -> bool:
        return any(key.lower() in layer for _, layer in self.layers)

    def source_label(self, factor: Factor) -> str:
        if factor.set_id in OWN_LAYERS:
            return f"{USER_LAYER}: {factor.source_ref}"
        return factor.source_label(load_sources())


def family(set_id: str) -> str:
    """The series a factor set belongs to: its id without the trailing year
    (cn-mee-2022 -> cn-mee; cn-mee-enterprise-2022 -> cn-mee-enterprise; desnz-2024 -> desnz)."""
    head, _, tail = set_id.rpartition("-")
    return head if head and tail.isdigit() and len(tail) == 4 else set_id


def set_year(factor: Factor) -> int:
    """The year of the set a factor comes from (its data year, e.g. 2022 for cn-mee-2022)."""
    return load_set(factor.set_id).year


def by_year(series: list[Factor], year: int) -> Factor:
    """The factor of the set of `year`, else of the nearest earlier year, else of the nearest
    later one."""
    same = [f for f in series if set_year(f) == year]
    if same:
        return same[0]
    earlier = [f for f in series if set_year(f) < year]
    if earlier:
        return max(earlier, key=set_year)
    return min(series, key=set_year)
