"""The calculation sums groups of lines (factor pair × category × phase × exhibitor × file)
and builds the per-row lines only when they are asked for (issue 16): both give the same
totals, and a calculation that nobody asks for lines never holds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carbonexpo.calc.calculate import calculate
from carbonexpo.io.event import read_event

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cisce-2024"
LABELS = ["source_file", "category", "scope", "phase", "exhibitor", "factor_key", "input_unit"]


@pytest.fixture(scope="module")
def calc():
    return calculate(read_event(EXAMPLE))


def test_a_calculation_does_not_build_its_lines(calc) -> None:
    assert "lines" not in calc.__dict__  # cached_property not yet evaluated
    assert calc.balance.gross_tco2e > 0
    assert "lines" not in calc.__dict__


def test_groups_and_lines_give_the_same_sums(calc) -> None:
    lines, groups = calc.lines, calc.groups
    assert int(groups["rows"].sum()) == len(lines)
    assert len(groups) < len(lines)
    for value in ("kgco2e", "kgco2e_market", "input_quantity", "activity_quantity"):
        a = lines.groupby(LABELS, observed=True, dropna=False)[value].sum().sort_index()
        b = groups.groupby(LABELS, observed=True, dropna=False)[value].sum().sort_index()
        assert list(a.index) == list(b.index)
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-12, atol=1e-9)


def test_line_market_values_share_the_groups_coverage(calc) -> None:
    """Covered electricity is exactly 0 per line (no 1e-12 left from a second coverage sum)."""
    lines = calc.lines
    elec = lines[lines["category"] == "electricity"]
    covered = calc.green_power.applied_mwh * 1000 >= calc.electricity_kwh
    if covered:
        assert (elec["kgco2e_market"] == 0).all()
    total = float(lines["kgco2e_market"].sum())
    assert total == pytest.approx(float(calc.groups["kgco2e_market"].sum()), rel=1e-12)
