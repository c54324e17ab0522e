"""Real events (issue 34): the instruments' effect told apart from the factors' boundaries,
factors chosen by the activity's year, no -0.0."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo.calc.balance import compute_balance
from carbonexpo.calc.scope2 import instruments_effect_kgco2e, market_based_kgco2e
from carbonexpo.factors.catalog import Factor
from carbonexpo.numbers import clean_tree


def factor(value: float) -> Factor:
    return Factor(
        key="electricity.residual.X", unit="kWh", kgco2e_per_unit=value, set_id="t",
        source_id="t", source_ref="", proxy_for="", note="", year=2024, gas_basis="CO2",
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    location=st.floats(0.0, 1.5),
    residual=st.floats(0.0, 1.5),
    consumption=st.floats(0.0, 1e7),
    applied_mwh=st.floats(0.0, 2e4),
)
def test_the_instruments_effect_is_never_negative(location, residual, consumption, applied_mwh):
    """Whatever the grids and the residual mix, the effect of the instruments is market-based
    without them minus with them: ≥ 0, and 0 without instruments."""
    import numpy as np

    kwh = np.array([consumption])
    elec = np.array([True])
    loc = kwh * location
    with_them = market_based_kgco2e(
        loc, elec, kwh, applied_mwh=applied_mwh, per_kwh=factor(residual)
    )
    without = market_based_kgco2e(loc, elec, kwh, applied_mwh=0.0, per_kwh=factor(residual))
    effect = instruments_effect_kgco2e(applied_mwh, consumption, factor(residual))
    assert effect >= 0.0
    assert math.isclose(effect, float(without.sum() - with_them.sum()), rel_tol=1e-9, abs_tol=1e-6)
    assert instruments_effect_kgco2e(0.0, consumption, factor(residual)) == 0.0


def test_a_venue_without_instruments_states_no_reduction(tmp_path) -> None:
    """The Sichuan case: a provincial location factor below the national residual, no
    instruments: location − market is negative, the instruments' effect is 0."""
    import shutil

    from carbonexpo import api
    from tests.conftest import EXAMPLE

    folder = tmp_path / "e"
    folder.mkdir()
    for name in ("energy.csv",):
        shutil.copy(EXAMPLE / name, folder)
    text = (EXAMPLE / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("grid: CN-North", "grid: CN-Sichuan"), encoding="utf-8"
    )
    result = api.calculate(folder).result
    t = result.totals
    assert t.green_power_avoided_tco2e == 0.0
    assert t.location_minus_market_tco2e < 0  # provincial 0.1404 against the national residual
    assert "by 0.000 tCO2e" in result.claim.wording.reductions.text
    assert "factor_boundaries" in {w.code for w in result.warnings}


def test_no_minus_zero_is_written() -> None:
    b = compute_balance(gross_tco2e=5.0, offsets_tco2e=5.0, basis="market")
    assert math.copysign(1.0, b.surplus_tco2e) == 1.0 and math.copysign(1.0, b.net_tco2e) == 1.0
    assert json.dumps(clean_tree({"x_tco2e": -0.0, "y": -0.0})) == '{"x_tco2e": 0.0, "y": 0.0}'
