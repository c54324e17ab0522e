"""Two results side by side (spec §13): plan vs actual, one edition against the next, a base
against a scenario. Rows by category, scope (location- and market-based) and phase, then the
totals; each with both values, the difference B − A and its share of A."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from carbonexpo.config import CATEGORY_NAMES, PHASES
from carbonexpo.result import Result


@dataclass(frozen=True)
class Row:
    section: str  # category | scope | phase | total
    key: str
    a: float
    b: float

    @property
    def difference(self) -> float:
        return self.b - self.a

    @property
    def percent(self) -> float | None:
        """(B − A) / A in %, None when A is 0 (a change from nothing has no percentage)."""
        return 100.0 * self.difference / self.a if self.a else None


@dataclass(frozen=True)
class Comparison:
    a_name: str
    b_name: str
    basis: str
    rows: list[Row]

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_name,
            "b": self.b_name,
            "basis": self.basis,
            "unit": "tCO2e",
            "rows": [
                {**asdict(r), "difference": r.difference, "percent": r.percent} for r in self.rows
            ],
        }


def compare(a: Result, b: Result, a_name: str = "A", b_name: str = "B") -> Comparison:
    """Every category of either result (the boundary's order, then any other), every scope on
    both Scope 2 bases, every phase, and the totals."""
    rows: list[Row] = []
    categories = [c for c in CATEGORY_NAMES if c in a.by_category or c in b.by_category]
    categories += sorted((set(a.by_category) | set(b.by_category)) - set(categories))
    for c in categories:
        rows.append(Row("category", c, a.by_category.get(c, 0.0), b.by_category.get(c, 0.0)))
    for basis in ("location", "market"):
        for scope in ("scope1", "scope2", "scope3"):
            rows.append(
                Row(
                    "scope",
                    f"{scope} ({basis})",
                    a.by_scope.get(basis, {}).get(scope, 0.0),
                    b.by_scope.get(basis, {}).get(scope, 0.0),
                )
            )
    for p in PHASES:
        rows.append(Row("phase", p, a.by_phase.get(p, 0.0), b.by_phase.get(p, 0.0)))
    ta, tb = a.totals, b.totals
    for key in (
        "location_based_tco2e",
        "market_based_tco2e",
        "gross_tco2e",
        "offsets_eligible_tco2e",
        "net_tco2e",
    ):
        rows.append(Row("total", key.removesuffix("_tco2e"), getattr(ta, key), getattr(tb, key)))
    ua, ub = a.uncertainty, b.uncertainty
    if ua is not None and ub is not None and ua.p_neutral is not None and ub.p_neutral is not None:
        # how the change moves the odds (a share, not tCO2e) and the buffer they need
        rows.append(Row("odds", "p_neutral", ua.p_neutral, ub.p_neutral))
        rows.append(
            Row(
                "odds",
                "offset_buffer",
                ua.offset_buffer_tco2e or 0.0,
                ub.offset_buffer_tco2e or 0.0,
            )
        )
    basis = a.claim.basis if a.claim.basis == b.claim.basis else f"{a.claim.basis}/{b.claim.basis}"
    return Comparison(a_name, b_name, basis, rows)
