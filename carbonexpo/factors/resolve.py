"""Resolve factor keys: the folder's factors.csv first, then the event's factor_sets in order."""

from __future__ import annotations

from dataclasses import dataclass

from carbonexpo.factors.catalog import Factor, FactorSet, load_set, load_sources
from carbonexpo.units import UnitProblem, same_dimension

USER_LAYER = "factors.csv"


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
        return cls(layers)

    @property
    def sets(self) -> list[FactorSet]:
        return [load_set(name) for name, _ in self.layers if name != USER_LAYER]

    def resolve(self, key: str, activity_unit: str) -> Factor | None:
        for _, layer in self.layers:
            for factor in layer.get(key.lower(), ()):
                try:
                    if same_dimension(factor.unit, activity_unit):
                        return factor
                except UnitProblem:
                    continue
        return None

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

    def has_key(self, key: str) -> bool:
        return any(key.lower() in layer for _, layer in self.layers)

    def source_label(self, factor: Factor) -> str:
        if factor.set_id == USER_LAYER:
            return f"{USER_LAYER}: {factor.source_ref}"
        return factor.source_label(load_sources())
