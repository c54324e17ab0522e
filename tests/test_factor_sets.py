"""Shipped factor sets: self-test, spot checks against published values, CLI."""

from __future__ import annotations

import pytest

from carbonexpo.factors.catalog import load_set, load_sources, self_check, set_ids
from carbonexpo.units import parse_unit
from tests.conftest import run_cli


def value(set_id: str, key: str, unit: str | None = None) -> float:
    rows = [
        f for f in load_set(set_id).factors if f.key == key and (unit is None or f.unit == unit)
    ]
    assert len(rows) == 1, (set_id, key, rows)
    return rows[0].kgco2e_per_unit


def test_self_check_reports_nothing() -> None:
    assert self_check() == []


def test_every_unit_parses_and_every_source_resolves_with_a_licence() -> None:
    sources = load_sources()
    failures = []
    for sid in set_ids():
        for f in load_set(sid).factors:
            try:
                parse_unit(f.unit)
            except Exception as exc:  # collect all
                failures.append(f"{sid}:{f.key}: {exc}")
            src = sources.get(f.source_id)
            if src is None or not src.licence:
                failures.append(f"{sid}:{f.key}: source {f.source_id}")
    assert failures == []


@pytest.mark.parametrize(
    ("set_id", "key", "unit", "expected"),
    [
        ("cn-mee-2022", "electricity.grid.CN", "kWh", 0.5366),
        ("cn-mee-2022", "electricity.grid.CN-North", "kWh", 0.6776),
        ("cn-mee-2022", "electricity.residual.CN", "kWh", 0.5856),
        ("cn-mee-2022", "electricity.grid.CN-Beijing", "kWh", 0.558),
        ("cn-mee-2023", "electricity.grid.CN", "kWh", 0.5306),
        ("cn-mee-2023", "electricity.residual.CN", "kWh", 0.6096),
        ("cn-mee-2023", "electricity.grid.CN-North", "kWh", 0.6361),
        ("cn-mee-enterprise-2022", "electricity.grid.CN", "kWh", 0.5703),
        ("desnz-2024", "electricity.grid.GB", "kWh", 0.20705),
        ("desnz-2024", "freight.hgv", "tonne_km", 0.09752),
        ("desnz-2024", "passenger.air.long_haul.economy.rf", "passenger_km", 0.20011),
        ("desnz-2024", "passenger.air.long_haul.economy", "passenger_km", 0.11812),
        ("desnz-2024", "hotel.CN", "room_night", 53.5),
        ("desnz-2024", "passenger.rail", "passenger_km", 0.03546),
        ("desnz-2024", "freight.sea", "tonne_km", 0.01612),
        ("desnz-2024", "fuel.natural_gas", "kWh", 0.1829),
        ("desnz-2024", "water.supply", "m3", 0.15311),
        ("desnz-2025", "electricity.grid.GB", "kWh", 0.177),
        ("desnz-2025", "passenger.air.long_haul.economy.rf", "passenger_km", 0.11704),
        ("ipcc-ar5-gwp100", "refrigerant.HFC-134a", "kg", 1300.0),
        ("ipcc-ar6-gwp100", "refrigerant.HFC-134a", "kg", 1530.0),
        ("ipcc-ar6-gwp100", "refrigerant.R-410A", "kg", 2255.5),
        ("desnz-2024", "refrigerant.R-410A", "kg", 1924.0),
    ],
)
def test_spot_checks_against_published_values(
    set_id: str, key: str, unit: str, expected: float
) -> None:
    assert value(set_id, key, unit) == pytest.approx(expected, rel=1e-9)


def test_ipcc_natural_gas_from_per_tj_defaults() -> None:
    # 56,100 kg CO2 + 5 kg CH4 × 28 + 0.1 kg N2O × 265 per TJ; 1 kWh = 3.6e-6 TJ
    expected = (56100 + 5 * 28 + 0.1 * 265) * 3.6e-6
    assert value("ipcc-2006", "fuel.natural_gas", "kWh") == pytest.approx(expected)


def test_enterprise_factor_is_kept_out_of_the_mee_nbs_sets() -> None:
    for sid in ("cn-mee-2022", "cn-mee-2023"):
        assert all(f.kgco2e_per_unit != 0.5703 for f in load_set(sid).factors)


def test_every_key_a_china_event_needs_resolves_in_the_default_sets() -> None:
    from carbonexpo.factors.resolve import FactorResolver

    r = FactorResolver.for_event(["cn-mee-2022", "desnz-2024"])
    keys = [
        "electricity.grid.CN-North",
        "electricity.residual.CN",
        "fuel.natural_gas",
        "fuel.diesel",
        "fuel.petrol",
        "fuel.lpg",
        "heat.district",
        "cooling.district",
        "refrigerant.R-410A",
        "refrigerant.HFC-134a",
        "refrigerant.R-32",
        "hotel.CN",
        "freight.hgv",
        "freight.rail",
        "freight.sea",
        "freight.air.rf",
        "freight.van",
        "freight.barge",
        "meal.vegan",
        "meal.vegetarian",
        "meal.standard",
        "meal.meat",
        "waste.mixed.incineration",
        "waste.food.composting",
        "material.timber.virgin",
    ]
    keys += [
        f"passenger.{m}"
        for m in (
            "walk",
            "bike",
            "metro",
            "bus",
            "coach",
            "taxi",
            "car",
            "ev_car",
            "rail",
            "hsr",
            "ferry",
        )
    ]
    keys += [
        f"passenger.air.{b}.{c}{rf}"
        for b in ("domestic", "short_haul", "long_haul")
        for c in ("economy", "premium", "business", "first")
        for rf in ("", ".rf")
    ]
    missing = [k for k in keys if not r.has_key(k)]
    assert missing == []


def test_proxies_say_what_they_stand_for() -> None:
    hsr = next(f for f in load_set("desnz-2024").factors if f.key == "passenger.hsr")
    assert "high-speed rail" in hsr.proxy_for


def test_cli_show_prints_value_and_source() -> None:
    r = run_cli("factors", "show", "electricity.grid.CN-North", "--set", "cn-mee-2022")
    assert r.returncode == 0, r.stderr
    assert "0.6776 kgCO2 per kWh" in r.stdout
    assert "Ministry of Ecology and Environment" in r.stdout


def test_cli_show_unknown_key_fails() -> None:
    r = run_cli("factors", "show", "no.such.key")
    assert r.returncode == 2
    assert "no factor 'no.such.key'" in r.stderr


def test_cli_list_and_sources() -> None:
    r = run_cli("factors", "list")
    assert r.returncode == 0
    assert "cn-mee-2022" in r.stdout and "OGL-UK-3.0" in r.stdout
    r = run_cli("factors", "sources")
    assert "GeoNames (geonames.org), CC BY 4.0" in r.stdout


def test_cli_validate_lists_every_problem(tmp_path) -> None:
    f = tmp_path / "factors.csv"
    f.write_text(
        "key,unit,kgco2e_per_unit,source,year\n"
        "passenger.car,passenger_km,0.12,survey,2024\n"
        "passenger.bus,furlongs_per_fortnight_x,0.1,x,2024\n"
        "passenger.taxi,passenger_km,-1,x,2024\n"
        "passenger.car,passenger_km,0.2,dup,2024\n"
        "passenger.hsr,passenger_km,abc,,2024\n",
        encoding="utf-8",
    )
    r = run_cli("factors", "validate", str(f))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert "factors.csv:3:unit: unknown unit 'furlongs_per_fortnight_x' (e.g. kWh" in lines[0]
    assert "factors.csv:4:kgco2e_per_unit: negative value: '-1'" in lines
    assert "factors.csv:6:kgco2e_per_unit: not a number: 'abc'" in lines
    assert "factors.csv:6:source: required value is empty" in lines


def test_cli_validate_ok(tmp_path) -> None:
    f = tmp_path / "factors.csv"
    f.write_text(
        "key,unit,kgco2e_per_unit,source,year\npassenger.car,passenger_km,0.12,s,2024\n",
        encoding="utf-8",
    )
    r = run_cli("factors", "validate", str(f))
    assert r.returncode == 0 and "1 factor(s), no problems" in r.stdout
