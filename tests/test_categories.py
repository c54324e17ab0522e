"""Hand-checked lines per category: quantity × factor, the factor read from the factor table."""

from __future__ import annotations

import math

import pytest

from carbonexpo.calc.calculate import calculate
from carbonexpo.factors.catalog import load_set
from carbonexpo.geo import great_circle_km
from carbonexpo.io.event import read_event


def factor(set_id: str, key: str, unit: str) -> float:
    return next(
        f.kgco2e_per_unit for f in load_set(set_id).factors if f.key == key and f.unit == unit
    )


def only_line(folder, category: str):
    calc = calculate(read_event(folder))
    lines = calc.lines[calc.lines["category"] == category]
    assert len(lines) == 1
    return lines.iloc[0], calc


def test_electricity_location_based(event) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,2.5,MWh\n"
        }
    )
    line, _calc = only_line(folder, "electricity")
    ef = factor("cn-mee-2022", "electricity.grid.CN-North", "kWh")
    assert line["kgco2e"] == pytest.approx(2500 * ef)
    assert line["activity_quantity"] == pytest.approx(2500)
    assert line["activity_unit"] == "kWh"
    assert line["factor_key"] == "electricity.grid.CN-North"
    assert line["scope"] == 2 and line["phase"] == "open" and line["row"] == 2
    assert "MEE" in line["factor_source"]
    # no instrument: market-based = consumption × residual factor
    residual = factor("cn-mee-2022", "electricity.residual.CN", "kWh")
    assert line["kgco2e_market"] == pytest.approx(2500 * residual)


def test_fuel_by_volume_picks_the_per_litre_factor(event) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "G1,diesel,2024-11-22T00:00,2024-11-23T00:00,120,L\n"
        }
    )
    line, _ = only_line(folder, "fuels")
    assert line["kgco2e"] == pytest.approx(120 * factor("desnz-2024", "fuel.diesel", "L"))
    assert line["scope"] == 1 and line["phase"] == "build_up"


def test_district_heat_in_gj(event) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "H1,heat,2024-12-01T00:00,2024-12-02T00:00,3600,MJ\n"
        }
    )
    line, _ = only_line(folder, "heat_cooling")
    assert line["kgco2e"] == pytest.approx(3.6 * factor("cn-mee-2022", "heat.district", "GJ"))
    assert line["phase"] == "tear_down"


def test_refrigerant_leak(event) -> None:
    folder = event({"refrigerants": "gas,quantity,unit\nr410a,2000,g\n"})
    line, _ = only_line(folder, "refrigerants")
    assert line["factor_key"] == "refrigerant.R-410A"
    assert line["kgco2e"] == pytest.approx(2 * 1924.0)


def test_travel_with_given_distance(event) -> None:
    folder = event({"travel": "mode,travellers,round_trips,distance_km\nhsr,10,2,120\n"})
    line, _ = only_line(folder, "travel")
    pkm = 10 * 2 * 2 * 120
    assert line["activity_quantity"] == pytest.approx(pkm)
    assert line["kgco2e"] == pytest.approx(
        pkm * factor("desnz-2024", "passenger.hsr", "passenger_km")
    )


def test_travel_distance_computed_with_rail_detour(event) -> None:
    folder = event({"travel": "origin,mode,travellers\n上海,hsr,1\n"})
    line, calc = only_line(folder, "travel")
    km = float(great_circle_km(31.22222, 121.45806, 40.07, 116.55)) * 1.2
    assert line["activity_quantity"] == pytest.approx(2 * km)
    assert any("distances computed" in a.text for a in calc.assumptions)


def test_air_domestic_long_haul_and_rf(event) -> None:
    folder = event({"travel": "origin,mode,travellers,cabin\nPVG,air,1,\nFRA,air,2,business\n"})
    calc = calculate(read_event(folder))
    lines = calc.lines.set_index("row")
    # Shanghai -> Beijing, 1,080 km: short-haul by distance (not a UK domestic flight); no
    # cabin given: DESNZ's average passenger
    assert lines.loc[2, "factor_key"] == "passenger.air.short_haul.average.rf"
    assert lines.loc[3, "factor_key"] == "passenger.air.long_haul.business.rf"
    crow = float(great_circle_km(50.0333, 8.5706, 40.07, 116.55))
    assert lines.loc[3, "activity_quantity"] == pytest.approx(2 * 2 * crow, rel=1e-3)
    assert lines.loc[3, "kgco2e"] == pytest.approx(
        lines.loc[3, "activity_quantity"]
        * factor("desnz-2024", "passenger.air.long_haul.business.rf", "passenger_km")
    )


def test_air_short_haul_without_rf(event) -> None:
    from tests.conftest import EVENT_YAML

    yaml_text = EVENT_YAML.replace("  basis: market", "  basis: market\n  radiative_forcing: false")
    folder = event({"travel": "origin,mode,travellers\nICN,air,1\n"}, yaml_text)
    line, _ = only_line(folder, "travel")
    assert line["factor_key"] == "passenger.air.short_haul.average"


def test_logistics_tonne_km(event) -> None:
    folder = event({"logistics": "shipment,mode,mass_kg,distance_km\nS1,hgv,2500,300\n"})
    line, _ = only_line(folder, "logistics")
    assert line["activity_quantity"] == pytest.approx(2.5 * 300)
    assert line["kgco2e"] == pytest.approx(750 * 0.09752)
    assert line["phase"] == "build_up"


def test_accommodation_catering_waste_materials(event) -> None:
    folder = event(
        {
            "accommodation": "country,room_nights\ncn,10\n",
            "catering": "meal,servings\nvegan,300\n",
            "waste": "stream,treatment,mass_kg\nmixed,landfill,1500\n",
            "materials": "material,mass_kg,origin\ntimber,800,\n",
        }
    )
    calc = calculate(read_event(folder))
    by = calc.lines.set_index("category")
    assert by.loc["accommodation", "kgco2e"] == pytest.approx(10 * 53.5)
    assert by.loc["catering", "kgco2e"] == pytest.approx(
        300 * factor("cn-mee-2022", "meal.vegan", "serving")
    )
    assert by.loc["waste", "kgco2e"] == pytest.approx(
        1.5 * factor("desnz-2024", "waste.mixed.landfill", "t")
    )
    assert by.loc["materials", "kgco2e"] == pytest.approx(
        0.8 * factor("desnz-2024", "material.timber.virgin", "t")
    )
    assert by.loc["materials", "factor_key"] == "material.timber.virgin"
    assert by.loc["waste", "phase"] == "tear_down"


def test_folder_factors_csv_wins_over_shipped_sets(event) -> None:
    folder = event(
        {
            "accommodation": "country,room_nights\nCN,10\n",
            "factors": "key,unit,kgco2e_per_unit,source,year\n"
            "hotel.CN,room_night,20,Hotel's own audit 2024,2024\n",
        }
    )
    line, _calc = only_line(folder, "accommodation")
    assert line["kgco2e"] == pytest.approx(200)
    assert line["factor_source"] == "factors.csv: Hotel's own audit 2024"


def test_every_line_is_traceable(event) -> None:
    from tests.conftest import EXAMPLE

    calc = calculate(read_event(EXAMPLE))
    lines = calc.lines
    assert lines["factor_source"].astype(str).str.len().min() > 0
    assert (lines["row"] >= 2).all()
    recomputed = lines["activity_quantity"] * lines["factor_value"]
    assert all(
        math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        for a, b in zip(recomputed, lines["kgco2e"], strict=True)
    )
