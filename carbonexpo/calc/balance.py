"""gross − eligible offsets = net (spec §3.2); an event without activity data is never neutral
(spec §9: status "no_data")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Balance:
    basis: str
    gross_tco2e: float
    offsets_tco2e: float
    net_tco2e: float
    surplus_tco2e: float
    neutral: bool
    status: str = "neutral"  # neutral | not_neutral | no_data
    tested_tco2e: float = 0.0  # what offsets must cover: gross, or its upper bound


def compute_balance(
    *,
    gross_tco2e: float,
    offsets_tco2e: float,
    basis: str,
    has_data: bool = True,
    tested_tco2e: float | None = None,
) -> Balance:
    """`tested_tco2e` (default: gross) is what the offsets are measured against — the upper
    bound of the 95 % interval under claim.offset_to: upper."""
    tested = gross_tco2e if tested_tco2e is None else tested_tco2e
    difference = tested - offsets_tco2e
    neutral = has_data and difference <= 0
    status = "no_data" if not has_data else ("neutral" if neutral else "not_neutral")
    return Balance(
        basis=basis,
        gross_tco2e=gross_tco2e,
        offsets_tco2e=offsets_tco2e,
        net_tco2e=max(difference, 0.0) + 0.0,  # + 0.0: never -0.0
        surplus_tco2e=max(-difference, 0.0) + 0.0,
        neutral=neutral,
        status=status,
        tested_tco2e=tested,
    )


def basis_column(basis: str) -> str:
    """The column of the lines a claim counts: market-based (green power applied) or
    location-based emissions. One rule for the balance, the exhibitors' shares and statements."""
    return "kgco2e_market" if basis == "market" else "kgco2e"
