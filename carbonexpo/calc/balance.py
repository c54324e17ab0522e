"""gross − eligible offsets = net (spec §3.2)."""

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


def compute_balance(*, gross_tco2e: float, offsets_tco2e: float, basis: str) -> Balance:
    difference = gross_tco2e - offsets_tco2e
    return Balance(
        basis=basis,
        gross_tco2e=gross_tco2e,
        offsets_tco2e=offsets_tco2e,
        net_tco2e=max(difference, 0.0),
        surplus_tco2e=max(-difference, 0.0),
        neutral=difference <= 0,
    )
