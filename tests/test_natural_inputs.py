"""Natural inputs (spec §10): a folder written the way a person types gives the same totals as
its canonical twin, every reading is in `assumptions`, refusals name the closest valid values;
and the reference ships with the product."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import EVENT_YAML, ROOT, make_event, run_cli

CANONICAL = {
    "energy": """\
        meter,carrier,start,end,quantity,unit
        M1,natural_gas,2024-11-26T08:00,2024-11-26T09:00,1200,m3
        M2,electricity,2024-11-26,2024-11-27,5000,kWh
        M3,electricity,2024-11-27T00:00,2024-11-28T00:00,2.5,MWh
        """,
    "logistics": """\
        shipment,mode,mass_kg,distance_km
        S1,hgv,1200,300
        S2,hgv,2500,300
        S3,sea,800,12345.6
        """,
    "accommodation": """\
        country,room_nights
        CN,10
        DE,5
        """,
    "travel": """\
        origin,mode,travellers,distance_km
        ,hsr,120,1200
        ,metro,1000,25
        """,
}
NATURAL = {
    "energy": """\
        meter,carrier,start,end,quantity,unit
        M1,Natural Gas,2024/11/26 08:00,2024/11/26 09:00,"1,200",m3
        M2,electricity,2024年11月26日,20241127,"5,000",KWH
        M3,Electricity,2024.11.27 00:00,2024-11-28T00:00,2.5,mwh
        """,
    "logistics": """\
        shipment,mode,mass_kg,distance_km
        S1,Truck,"1,200",300
        S2,lorry,2.5 t,300
        S3,sea freight,800,"12,345.6"
        """,
    "accommodation": """\
        country,room_nights
        China,10
        德国,5
        """,
    "travel": """\
        origin,mode,travellers,distance_km
        ,高铁,120,"1,200"
        ,Subway,"1,000",25
        """,
}
NATURAL_YAML = EVENT_YAML.replace("visits: 1000", "visits: 1,000").replace(
    "build_up:  {start: 2024-11-21, end: 2024-11-25}",
    "build_up:  {start: 2024/11/21, end: 2024年11月25日}",
)


def result(folder) -> dict:
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_naturally_typed_folder_equals_its_canonical_twin(tmp_path) -> None:
    canonical = result(make_event(tmp_path / "canonical", CANONICAL))
    natural = result(make_event(tmp_path / "natural", NATURAL, NATURAL_YAML))
    assert natural["totals"] == canonical["totals"]
    assert natural["by_category"] == canonical["by_category"]
    assert natural["event"]["visits"] == 1000
    said = "\n".join(a["text"] for a in natural["assumptions"])
    for reading in (
        "energy.csv carrier: 'Natural Gas' read as 'natural_gas'",
        "energy.csv start: dates as Y/M/D read as ISO dates",
        "energy.csv end: dates as YYYYMMDD read as ISO dates",
        "energy.csv quantity: thousands separators removed",
        "logistics.csv mode: 'Truck' read as 'hgv'",
        "logistics.csv mass_kg: values in t converted to kg (1 row(s))",
        "accommodation.csv country: 'China' read as 'CN'",
        "accommodation.csv country: '德国' read as 'DE'",
        "travel.csv mode: '高铁' read as 'hsr'",
    ):
        assert reading in said, reading
    assert not [a for a in canonical["assumptions"] if a["code"].startswith(("input_", "read_"))]
    # a Chinese report says how the input was read in Chinese (issue 33)
    from carbonexpo.notes import Note, render

    for a in natural["assumptions"]:
        zh = render(Note.model_validate(a), "zh")
        assert not re.search(r"\b(read|removed|converted|values|dates|separators)\b", zh), zh


@pytest.mark.parametrize(
    ("table", "text", "message"),
    [
        ("energy", "M1,gaz,2024-11-26,2024-11-27,1,kWh", "did you mean natural_gas?"),
        (
            "energy",
            "M1,electricity,26/11/2024,2024-11-27,1,kWh",
            "day and month order is ambiguous",
        ),
        ("energy", 'M1,electricity,2024-11-26,2024-11-27,"1,5",kWh', "not a number"),
        ("energy", "M1,electricity,2024-11-26,2024-11-27,1,kwhh", "unknown unit 'kwhh' (e.g. kWh"),
        ("logistics", "S1,trucks,1,1", "did you mean hgv?"),
        ("travel", "Shanghhai,hsr,2,", "did you mean shanghai"),
    ],
)
def test_refusals_name_the_closest_valid_values(tmp_path, table, text, message) -> None:
    header = {
        "energy": "meter,carrier,start,end,quantity,unit",
        "logistics": "shipment,mode,mass_kg,distance_km",
        "travel": "origin,mode,travellers,distance_km",
    }[table]
    folder = make_event(tmp_path / "ev", {table: f"{header}\n{text}\n"})
    r = run_cli("validate", str(folder))
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_the_reference_ships_and_docs_equal_it() -> None:
    r = run_cli("schema")
    assert r.returncode == 0
    doc = (ROOT / "docs" / "event-folder.md").read_text(encoding="utf-8")
    assert r.stdout == doc, "run: carbonexpo schema > docs/event-folder.md"
    assert "`mass_kg` *, number, in kg" in doc and "`truck` → hgv" in doc
    one = run_cli("schema", "travel")
    assert one.returncode == 0 and one.stdout.startswith("## travel.csv")
    assert "cabin" in one.stdout and "average | economy" in one.stdout
    bad = run_cli("schema", "travl")
    assert bad.returncode == 2 and "did you mean travel?" in bad.stderr


def test_factors_search_finds_keys() -> None:
    r = run_cli("factors", "search", "air long business")
    assert r.returncode == 0
    assert "passenger.air.long_haul.business.rf" in r.stdout
    assert run_cli("factors", "search", "no such words here").stdout.startswith("no factor")


def test_readme_no_longer_points_at_the_planning_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "planning repository" not in readme and "carbonexpo.calculate(" in readme


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Frankfurt", "Frankfurt am Main"),
        ("Frankfurt, DE", "Frankfurt am Main"),
        ("Frankfurt (Main)", "Frankfurt am Main"),
        ("New York", "New York City"),
        ("München", "Munich"),
        ("東京", "Tokyo"),
        ("Москва", "Moscow"),
        ("Wien", "Vienna"),
    ],
)
def test_alternate_names_in_every_language(text, city) -> None:
    from carbonexpo.geo import resolve_place

    place = resolve_place(text)
    assert place is not None and place.label.startswith(city + ",")


def test_a_german_exhibitor_types_frankfurt() -> None:
    r = run_cli("booth", "estimate", "--area", "9", "--staff", "Frankfurt:air:1")
    assert r.returncode == 0, r.stderr


def ledger(*args: str, db) -> object:
    return run_cli("ledger", *args, "--db", str(db))


def test_bms_headers_in_any_case_and_mapped(tmp_path) -> None:
    db = tmp_path / "v.db"
    assert ledger("init", db=db).returncode == 0
    meters = tmp_path / "meters.csv"
    meters.write_text(
        "Meter,Carrier,Unit,Hall,Cumulative\nE1,electricity,kWh,A,\nG1,Natural Gas,m3,,yes\n",
        encoding="utf-8",
    )
    r = ledger("meters", "add", "--from", str(meters), db=db)
    assert r.returncode == 0 and "added 2 meter(s)" in r.stdout, r.stderr
    listed = ledger("meters", "list", db=db).stdout
    assert "G1" in listed and "natural_gas" in listed
    upper = tmp_path / "upper.csv"
    upper.write_text(
        "Meter,Timestamp,Value,End\nE1,2024-11-26T08:00,5,2024-11-26T09:00\n", encoding="utf-8"
    )
    assert ledger("import", str(upper), db=db).returncode == 0
    german = tmp_path / "de.csv"
    german.write_text(
        "Zähler,Zeitstempel,Wert,Ende\nE1,2024-11-26T09:00,6,2024-11-26T10:00\n", encoding="utf-8"
    )
    r = ledger("import", str(german), db=db)
    assert r.returncode == 2 and "unknown column 'Zeitstempel'" in r.stderr
    r = run_cli(
        "ledger", "import", str(german), "--db", str(db), "--map", "Zähler=meter",
        "--map", "Zeitstempel=timestamp", "--map", "Wert=value", "--map", "Ende=end",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "1 interval(s) added" in r.stdout
    r = run_cli("ledger", "import", str(german), "--db", str(db), "--map", "Wert=quantity")
    assert r.returncode == 2 and r.stderr.startswith("--map:")


def test_a_bad_meters_file_names_row_and_column(tmp_path) -> None:
    db = tmp_path / "v.db"
    assert ledger("init", db=db).returncode == 0
    meters = tmp_path / "meters.csv"
    meters.write_text("meter,carrier,unit\nE1,electricity,m3\nE2,coal,kWh\n", encoding="utf-8")
    r = ledger("meters", "add", "--from", str(meters), db=db)
    assert r.returncode == 2
    assert "meters.csv:2:unit: unit 'm3' has the wrong dimension" in r.stderr
    assert "meters.csv:3:carrier: unknown carrier 'coal'" in r.stderr
    assert "no meters" in ledger("meters", "list", db=db).stdout


def test_validate_reports_independent_problems_in_one_pass(tmp_path) -> None:
    folder = make_event(
        tmp_path / "ev",
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "M1,electricity,2024-11-26,2024-11-27,abc,kWh\n",
            "accommodation": "country,room_nights\nXX,3\n",
        },
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert "energy.csv:2:quantity: not a number" in r.stderr
    assert "accommodation.csv:2:country: unknown country 'XX'" in r.stderr


def test_exhibitor_names_in_another_case_match_the_booths(tmp_path) -> None:
    folder = make_event(
        tmp_path / "ev",
        {
            "booths": "exhibitor,booth,area_m2\nAcme Co.,A1,36\n",
            "travel": "exhibitor,origin,mode,travellers,distance_km\n acme  co. ,,hsr,2,100\n",
        },
    )
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert [e["exhibitor"] for e in result["exhibitors"]] == ["Acme Co."]
    assert result["exhibitors"][0]["own_tco2e"] > 0
    assert any("'acme  co.' read as 'Acme Co.'" in a["text"] for a in result["assumptions"])


def test_a_port_is_read_as_its_city() -> None:
    from carbonexpo.geo import resolve_place

    place = resolve_place("Shanghai Port")
    assert place is not None and place.label.startswith("Shanghai,")
    assert "read as the city 'Shanghai'" in place.note


def test_thousands_separators_in_xlsx_text_cells(tmp_path) -> None:
    from openpyxl import Workbook

    folder = make_event(tmp_path / "ev", {})
    wb = Workbook()
    ws = wb.active
    ws.append(["country", "room_nights"])
    ws.append(["CN", "1,200"])
    wb.save(folder / "accommodation.xlsx")
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    twin = make_event(tmp_path / "twin", {"accommodation": "country,room_nights\nCN,1200\n"})
    assert (
        json.loads(r.stdout)["totals"]
        == json.loads(run_cli("calc", str(twin), "--json", "-").stdout)["totals"]
    )
