"""Travel fidelity (issues 15 and 22): air bands by distance, same-name places reported,
`City, Region, CC`, retired and ICAO airport codes, the average cabin, implausible flights."""

from __future__ import annotations

import pytest

from carbonexpo.calc.activities import air_band
from carbonexpo.calc.calculate import calculate
from carbonexpo.geo import resolve_place
from carbonexpo.io.event import read_event
from tests.conftest import run_cli


def travel(event, rows: str):
    folder = event({"travel": "origin,mode,travellers,cabin\n" + rows})
    calc = calculate(read_event(folder))
    return calc, calc.lines.set_index("row")


def texts(notes) -> list[str]:
    return [n.text for n in notes]


@pytest.mark.parametrize(
    ("km", "band"),
    [(100, 0), (482.9, 0), (483, 1), (1080, 1), (3699.9, 1), (3700, 2), (12000, 2)],
)
def test_air_band_is_by_distance_only(km, band) -> None:
    import numpy as np

    assert int(air_band(np.array([km]))[0]) == band


def test_a_flight_inside_china_is_short_haul_and_one_abroad_of_the_same_length_too(event):
    # venue Beijing: Shanghai (CN, 1,080 km) and Seoul (KR, 910 km) are both short-haul
    _, lines = travel(event, "PVG,air,1,economy\nICN,air,1,economy\nTSN,air,1,economy\n")
    assert lines.loc[2, "factor_key"] == "passenger.air.short_haul.economy.rf"
    assert lines.loc[3, "factor_key"] == "passenger.air.short_haul.economy.rf"


def test_booth_estimator_uses_the_same_air_band() -> None:
    r = run_cli(
        "booth", "estimate", "--area", "9", "--venue", "Beijing", "--staff", "PVG:air:1", "--json"
    )
    assert r.returncode == 0, r.stderr
    assert "passenger.air.short_haul" in r.stdout and "passenger.air.domestic" not in r.stdout


def test_same_name_places_are_reported_with_the_alternatives(event) -> None:
    calc, _ = travel(event, '"Pasadena, US",air,1,\n')
    notes = texts(calc.assumptions)
    picked = next(n for n in notes if "'Pasadena, US' matched several places" in n)
    assert "Pasadena, TX, US" in picked and "also: Pasadena, CA, US" in picked
    assert any(n.startswith("1 origin(s) or destination(s) matched several places") for n in notes)


@pytest.mark.parametrize(
    "text", ["Pasadena, CA, US", "Pasadena, California, US", "pasadena, ca, us"]
)
def test_city_region_country_chooses(text) -> None:
    place = resolve_place(text)
    assert place is not None and "Pasadena, CA, US" in place.label
    assert place.alternatives == ()
    assert abs(place.latitude - 34.148) < 0.01


def test_an_unknown_region_is_said(event) -> None:
    place = resolve_place("Beijing, Beijing, CN")
    assert place is not None and place.country == "CN"
    assert "region 'Beijing' not known for CN" in place.note


@pytest.mark.parametrize(
    ("code", "lat", "says"),
    [
        ("SXF", 52.38, "closed airport code"),
        ("KIV", 46.93, "recoded airport code"),
        ("PNH", 11.55, "closed airport code"),
        ("FRU", 43.06, "recoded airport code"),
        ("EDDF", 50.03, "ICAO airport code"),
    ],
)
def test_retired_and_icao_codes_resolve_and_are_said(event, code, lat, says) -> None:
    place = resolve_place(code)
    assert place is not None and abs(place.latitude - lat) < 0.05
    calc, _ = travel(event, f"{code},air,1,\n")
    assert any(says in n for n in texts(calc.assumptions))


def test_average_cabin_is_accepted_and_the_default(event) -> None:
    calc, lines = travel(event, "FRA,air,1,average\nFRA,air,1,\nFRA,air,1,economy\n")
    assert lines.loc[2, "factor_key"] == "passenger.air.long_haul.average.rf"
    assert lines.loc[3, "factor_key"] == "passenger.air.long_haul.average.rf"
    assert lines.loc[4, "factor_key"] == "passenger.air.long_haul.economy.rf"
    assert lines.loc[2, "kgco2e"] > lines.loc[4, "kgco2e"]  # average > economy on long-haul
    assert "1 air row(s) without a cabin class" in " ".join(texts(calc.assumptions))


def test_a_flight_under_100_km_is_warned_about(event) -> None:
    calc, _ = travel(event, "Langfang,air,3,\n")  # 50 km from the venue
    assert any("fly less than 100 km" in n for n in texts(calc.warnings))


def test_an_unknown_place_suggests_the_closest_names(event, tmp_path) -> None:
    folder = event({"travel": "origin,mode,travellers\nShanghhai,hsr,2\n"})
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert "travel.csv:2:origin: place 'Shanghhai' not found" in r.stderr
    assert "did you mean shanghai" in r.stderr


def test_validate_says_how_places_were_read(event) -> None:
    folder = event({"travel": 'origin,mode,travellers\n"Pasadena, US",air,2\nSXF,air,1\n'})
    r = run_cli("validate", str(folder))
    assert r.returncode == 0, r.stderr
    assert "1 origin(s) or destination(s) matched several places" in r.stdout
    assert "SXF is a closed airport code" in r.stdout


def test_desnz_2025_flight_factors_are_marked_unverified() -> None:
    r = run_cli("factors", "show", "passenger.air.long_haul.economy.rf", "--set", "desnz-2025")
    assert r.returncode == 0 and "UNVERIFIED" in r.stdout
    r = run_cli("factors", "show", "passenger.air.long_haul.economy.rf", "--set", "desnz-2024")
    assert "UNVERIFIED" not in r.stdout


def test_sea_freight_follows_the_sea_lanes(event) -> None:
    from carbonexpo.geo import great_circle_km, sea_route

    folder = event(
        {
            "logistics": "shipment,mode,mass_kg,origin,destination\n"
            "S1,sea,1000,Hamburg,Shanghai\nS2,hgv,1000,Hamburg,Shanghai\n"
        }
    )
    calc = calculate(read_event(folder))
    lines = calc.lines.set_index("row")
    sea_km = lines.loc[2, "activity_quantity"]  # tonne_km of 1 t = km
    assert sea_km >= 15_000  # the great circle is ~8,600 km
    assert float(great_circle_km(53.55, 9.99, 31.22, 121.46)) < 9_000
    assert lines.loc[3, "activity_quantity"] < 12_000  # road keeps great circle × 1.3
    said = [n for n in texts(calc.assumptions) if "by sea along the sea lanes" in n]
    assert said and "Hamburg -> Shanghai" in said[0]
    assert sea_route(53.55, 9.99, 31.22, 121.46).km == pytest.approx(sea_km, rel=0.01)


def test_an_inland_origin_lists_its_road_leg(event) -> None:
    folder = event(
        {"logistics": "shipment,mode,mass_kg,origin,destination\nS1,sea,1000,Chengdu,Hamburg\n"}
    )
    calc = calculate(read_event(folder))
    note = next(n for n in texts(calc.assumptions) if "Chengdu -> Hamburg" in n)
    inland = float(note.split("; ")[1].split(" km")[0].replace(",", ""))
    assert inland > 500  # Chengdu is far from the sea: the road leg is said, not hidden


def test_a_given_sea_distance_is_kept(event) -> None:
    folder = event(
        {"logistics": "shipment,mode,mass_kg,distance_km,origin\nS1,sea,1000,19800,Hamburg\n"}
    )
    calc = calculate(read_event(folder))
    assert calc.lines["activity_quantity"].iloc[0] == pytest.approx(19_800)
    assert not [n for n in texts(calc.assumptions) if "sea lanes" in n]


def wtt_event(event, tables):
    from tests.conftest import EVENT_YAML

    return event(
        tables, EVENT_YAML.replace("  basis: market", "  basis: market\n  well_to_tank: true")
    )


def test_well_to_tank_is_off_by_default_and_said(event) -> None:
    calc, _ = travel(event, "FRA,air,1,\n")
    assert "well_to_tank" not in set(calc.lines["category"].astype(str))
    assert any(
        "well-to-tank (upstream) emissions are not included" in n for n in texts(calc.assumptions)
    )


def test_well_to_tank_lines_for_energy_and_travel(event) -> None:
    folder = wtt_event(
        event,
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "E1,electricity,2024-11-26T08:00,2024-11-26T09:00,1000,kWh\n"
            "G1,natural_gas,2024-11-26T08:00,2024-11-26T09:00,100,m3\n",
            "travel": "origin,mode,travellers,cabin\nFRA,air,1,\n",
        },
    )
    calc = calculate(read_event(folder))
    wtt = calc.lines[calc.lines["category"].astype(str) == "well_to_tank"].set_index("factor_key")
    assert wtt.loc["wtt.electricity", "kgco2e"] == pytest.approx(1000 * 0.06817)
    assert wtt.loc["wtt.fuel.natural_gas", "kgco2e"] == pytest.approx(100 * 0.3366)
    air = wtt.loc["wtt.passenger.air.long_haul.average"]  # no RF upstream
    flight = calc.lines[calc.lines["factor_key"].astype(str).str.startswith("passenger.air")]
    assert air["activity_quantity"] == pytest.approx(flight["activity_quantity"].iloc[0])
    assert air["kgco2e"] == pytest.approx(air["activity_quantity"] * 0.03213)
    from carbonexpo.calc.result import build_result

    result = build_result(calc)
    assert result.by_category["well_to_tank"] == pytest.approx(wtt["kgco2e"].sum() / 1000)
    assert any("upstream emissions of fuels" in n.text for n in result.assumptions)


def test_a_us_domestic_long_flight_is_long_haul(event) -> None:
    from tests.conftest import EVENT_YAML

    yaml_text = (
        EVENT_YAML.replace("country: CN", "country: US")
        .replace("grid: CN-North", "grid: GB")
        .replace("latitude: 40.07", "latitude: 37.7842")
        .replace("longitude: 116.55", "longitude: -122.4016")
        .replace("timezone: Asia/Shanghai", "timezone: America/Los_Angeles")
    )
    folder = event({"travel": "origin,mode,travellers,cabin\nJFK,air,1,economy\n"}, yaml_text)
    calc = calculate(read_event(folder))
    line = calc.lines.iloc[0]
    assert line["factor_key"] == "passenger.air.long_haul.economy.rf"  # 4,150 km inside the US


def test_the_example_report_no_longer_carries_the_uk_domestic_proxy() -> None:
    from tests.conftest import ROOT

    md = (ROOT / "tests" / "golden" / "cisce-2024.report.en.md").read_text(encoding="utf-8")
    assert "passenger.air.domestic" not in md


def test_alternate_names_are_searched_as_the_index_of_every_name_found_them(monkeypatch) -> None:
    """geo searches the alternate names for the first names, then indexes them all: both give
    the rows of the index of every name as it was built before (most populous first), for 60
    names and a few that are nobody's."""
    import random

    import pandas as pd

    from carbonexpo import geo
    from carbonexpo.resources import factors_dir

    cities = geo._cities()
    alt = pd.read_csv(factors_dir() / "geo" / "alt_names.csv", dtype={"alt_names": str})
    pos = pd.Series(cities.index, index=cities["geonameid"].to_numpy())
    alt = alt.assign(pos=pos.reindex(alt["geonameid"]).to_numpy())
    alt = alt.assign(population=cities["population"].to_numpy()[alt["pos"].to_numpy()])
    alt = alt.sort_values("population", ascending=False, kind="stable")
    index: dict[str, list[int]] = {}
    for p, names in zip(alt["pos"], alt["alt_names"], strict=True):
        for n in set(names.split("|")):
            index.setdefault(n, []).append(int(p))
    sample = random.Random(5).sample(sorted(index), 60)
    names = [*sample, "nowhere at all", "x|y", ""]
    for searches in (len(names), 0):  # every name searched; every name from the index
        monkeypatch.setattr(geo, "_alt_searched", geo.ALT_SEARCHES - searches)
        for name in names:
            assert geo._alt_hits(name) == (index.get(name) if name else None), name


def test_reference_data_is_loaded_once_when_two_threads_ask_at_once() -> None:
    """geo._once: warm_up's thread and the reader both asked for the airports while neither
    had them, and functools.cache let both load a copy (7 MB and 0.2 s each). The second
    caller now waits for the first's value."""
    import threading
    import time

    from carbonexpo import geo

    calls: list[int] = []

    def slow() -> list[int]:
        calls.append(1)
        time.sleep(0.2)
        return [len(calls)]

    loaded = geo._once(slow)
    got: list[list[int]] = []
    threads = [threading.Thread(target=lambda: got.append(loaded())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and got == [[1]] * 4 and all(g is got[0] for g in got)
    assert loaded() is got[0]


def test_the_compact_city_index_answers_as_one_list_per_name_did() -> None:
    """Issue 36: the official names index holds a row or a tuple of rows per name (not a list
    each: 11 MiB of every run). For every name it gives the rows a plain list per name built
    from cities.csv gives, most populous first; a name shared by cities keeps them all."""
    import pandas as pd

    from carbonexpo import geo
    from carbonexpo.resources import factors_dir

    cities = pd.read_csv(
        factors_dir() / "geo" / "cities.csv",
        dtype={"admin1": str, "zh_names": str},
        keep_default_na=False,
    ).sort_values("population", ascending=False, kind="stable")
    expected: dict[str, list[int]] = {}
    for pos, name, zh in zip(cities.index, cities["name"], cities["zh_names"], strict=True):
        folded = geo._fold(name)
        expected.setdefault(folded, []).append(int(pos))
        for n in set(zh.split("|")) - {folded} if zh else ():
            expected.setdefault(n, []).append(int(pos))
    assert len(geo._city_index()) == len(expected)
    for name, rows in expected.items():
        assert geo._index_hits(name) == rows, name
    assert geo._index_hits("nowhere at all") is None
    shared = [n for n, rows in expected.items() if len(rows) > 2]
    assert shared and isinstance(geo._city_index()[shared[0]], tuple)
