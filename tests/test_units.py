"""The table of common units (carbonexpo/unit_table.py) answers exactly what pint answers: it is
regenerated here and compared, and every answer of the fast path is checked against pint's."""

from __future__ import annotations

import itertools

import pytest

from carbonexpo import unit_table, units
from carbonexpo.units import (
    ENERGY,
    MASS,
    TABLE_UNITS,
    VOLUME,
    UnitProblem,
    check_unit,
    dimension_of,
    dimension_of_pint,
    has_dimension,
    multiplier,
    pint_multiplier,
)


def test_the_shipped_table_is_the_one_pint_generates() -> None:
    from pathlib import Path

    shipped = Path(unit_table.__file__).read_text(encoding="utf-8")
    assert units.table_source() == shipped, (
        "run: python -m carbonexpo.units > carbonexpo/unit_table.py"
    )


def test_every_pair_converts_as_pint_converts() -> None:
    for a, b in itertools.product(TABLE_UNITS, repeat=2):
        try:
            want: float | str = pint_multiplier(a, b)
        except UnitProblem as exc:
            want = str(exc)
        try:
            got: float | str = multiplier(a, b)
        except UnitProblem as exc:
            got = str(exc)
        assert got == want, (a, b)  # the same float, bit for bit, or the same message


def test_dimensions_as_pint_has_them() -> None:
    for text in TABLE_UNITS:
        assert dimension_of(text) == dimension_of_pint(text)
        for dims in ((ENERGY,), (VOLUME,), (MASS,), (ENERGY, VOLUME, MASS)):
            reg = units.registry()
            want = any(
                reg.get_dimensionality(units.parse_unit(text)) == reg.get_dimensionality(d)
                for d in dims
            )
            assert has_dimension(text, *dims) == want, (text, dims)


def test_a_unit_outside_the_table_still_goes_to_pint() -> None:
    assert "kcal" not in unit_table.UNITS
    assert multiplier("kcal", "kWh") == pytest.approx(4184 / 3.6e6, rel=1e-12)
    assert has_dimension("therm", ENERGY)
    with pytest.raises(UnitProblem, match=r"unknown unit 'kwhh' \(e\.g\. kWh"):
        check_unit("kwhh")
    with pytest.raises(UnitProblem, match="wrong dimension"):
        multiplier("kWh", "kg")


def test_the_common_path_builds_no_registry() -> None:
    """A fresh process reads the example's units without pint (0.2-0.3 s of a small run)."""
    import subprocess
    import sys

    code = (
        "import sys; from carbonexpo import api; api.calculate('examples/cisce-2024'); "
        "print('pint' in sys.modules)"
    )
    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text", ["Nm3", "Nm³", "nm³", "nm3", "NM3", "m³", "立方米"])
def test_normal_cubic_metres_are_cubic_metres(text) -> None:
    """pint alone read 'nm³' as cubic nanometres (a gas reading 10^27 times too small) and
    'Nm³' as number-metres³ (refused): the aliases come first."""
    assert multiplier(text, "m3") == 1.0
    assert pint_multiplier(text, "m3") == 1.0
