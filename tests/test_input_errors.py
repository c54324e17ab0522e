"""Every error kind of spec §5: exit 2, exact FILE:ROW:COLUMN, nothing written, no traceback."""

from __future__ import annotations

import pytest

from tests.conftest import EVENT_YAML, run_cli

ENERGY_HEAD = "meter,carrier,start,end,quantity,unit\n"
OK_ENERGY = "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,100,kWh\n"


def errors_of(event_dir, tmp_path):
    out = tmp_path / "out.json"
    r = run_cli("calc", str(event_dir), "--json", str(out))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert not out.exists(), "nothing may be written on bad input"
    return [line for line in r.stderr.splitlines() if not line.endswith("nothing was written.")]


CASES = {
    "missing_column": (
        {"energy": "meter,carrier,start,end,quantity\n" + OK_ENERGY[:-5] + "\n"},
        "energy.csv:1:unit: missing required column 'unit'",
    ),
    "unknown_column": (
        {
            "energy": "meter,carrier,start,end,quantity,unit,colour\n"
            "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,1,kWh,red\n"
        },
        "energy.csv:1:colour: unknown column 'colour'",
    ),
    "non_numeric": (
        {
            "energy": ENERGY_HEAD
            + OK_ENERGY
            + "M2,electricity,2024-11-26T08:00,2024-11-26T09:00,lots,kWh\n"
        },
        "energy.csv:3:quantity: not a number: 'lots'",
    ),
    "negative": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,-5,kWh\n"},
        "energy.csv:2:quantity: negative value: '-5'",
    ),
    "nan": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,NaN,kWh\n"},
        "energy.csv:2:quantity: not a finite number: 'NaN'",
    ),
    "infinite": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,inf,kWh\n"},
        "energy.csv:2:quantity: not a finite number: 'inf'",
    ),
    "wrong_dimension": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,5,L\n"},
        "energy.csv:2:unit: unit 'L' has the wrong dimension: expected energy",
    ),
    "unknown_unit": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,5,kWhh\n"},
        "energy.csv:2:unit: unknown unit 'kWhh'",
    ),
    "end_before_start": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-26T09:00,2024-11-26T09:00,5,kWh\n"},
        "energy.csv:2:end: end is not after start",
    ),
    "outside_period": (
        {
            "energy": ENERGY_HEAD
            + OK_ENERGY
            + "M1,electricity,2024-12-03T08:00,2024-12-03T09:00,5,kWh\n"
        },
        "energy.csv:3:end: after the reporting period",
    ),
    "before_period_with_offset": (
        {"energy": ENERGY_HEAD + "M1,electricity,2024-11-20T15:00Z,2024-11-20T17:00Z,5,kWh\n"},
        "energy.csv:2:start: before the reporting period",
    ),
    "meter_overlap": (
        {
            "energy": ENERGY_HEAD
            + OK_ENERGY
            + "M2,electricity,2024-11-26T08:00,2024-11-26T09:00,5,kWh\n"
            + "M1,electricity,2024-11-26T08:30,2024-11-26T09:30,5,kWh\n"
        },
        "energy.csv:4:start: interval overlaps row 2 of meter M1",
    ),
    "unknown_carrier": (
        {"energy": ENERGY_HEAD + "M1,coal,2024-11-26T08:00,2024-11-26T09:00,5,kWh\n"},
        "energy.csv:2:carrier: unknown value 'coal' (allowed: electricity",
    ),
    "unknown_mode": (
        {"travel": "origin,mode,travellers\nShanghai,rocket,3\n"},
        "travel.csv:2:mode: unknown value 'rocket' (allowed: walk",
    ),
    "empty_registry": (
        {"credits": "registry,project_id,vintage,serial_prefix,first,last\n,P1,2024,X,1,10\n"},
        "credits.csv:2:registry: required value is empty",
    ),
    "air_zero": (
        {"travel": "mode,travellers,distance_km,origin\nair,3,0,PVG\n"},
        "travel.csv:2:distance_km: air travel with distance 0",
    ),
    "duplicate_credit_block": (
        {
            "credits": "registry,project_id,vintage,serial_prefix,first,last\n"
            "CCER,P1,2024,CC-A,1,10\nCCER,P1,2024,CC-A,1,10\n"
        },
        "credits.csv:3:first: duplicate serial block: same as row 2",
    ),
    "overlapping_credit_block": (
        {
            "credits": "registry,project_id,vintage,serial_prefix,first,last\n"
            "CCER,P1,2024,CC-A,1,10\nCCER,P1,2024,CC-B,1,10\n"
            "CCER,P1,2024,CC-A,5,20\n"
        },
        "credits.csv:4:first: serial block overlaps row 2",
    ),
    "overlapping_green_power": (
        {
            "green_power": "instrument_id,type,mwh,generation_start,"
            "generation_end,country,serial_prefix,first,last\n"
            "G1,GEC,10,2024-10-01,2024-10-31,CN,GEC-X,101,110\n"
            "G2,GEC,10,2024-10-01,2024-10-31,CN,GEC-X,95,101\n"
        },
        "green_power.csv:2:first: serial block overlaps row 3",
    ),
    "unknown_origin": (
        {"travel": "origin,mode,travellers\nNowhereville Xq,car,3\n"},
        "travel.csv:2:origin: place 'Nowhereville Xq' not found",
    ),
    "factor_of_the_wrong_unit": (
        {
            "accommodation": "country,room_nights\nCN,1\n",
            "factors": "key,unit,kgco2e_per_unit,source\nhotel.CN,kWh,1,x\n",
        },
        "accommodation.csv:2:factor_key: factors.csv gives 'hotel.CN' per 'kWh'",
    ),
    "bad_date": (
        {
            "credits": "registry,project_id,vintage,serial_prefix,first,last,retired_on\n"
            "CCER,P1,2024,X,1,10,2024-13-45\n"
        },
        "credits.csv:2:retired_on: not a date (YYYY-MM-DD): '2024-13-45'",
    ),
    "missing_factor": (
        {"accommodation": "country,room_nights\nCN,5\nKE,3\nKE,4\n"},
        "accommodation.csv:3:factor_key: no emission factor for hotel nights in KE in "
        "factors.csv or cn-mee-2022, desnz-2024: add a row to factors.csv with key hotel.KE, "
        "unit room_night and its source; 2 row(s) need it: 3, 4",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_kind(case: str, event, tmp_path) -> None:
    tables, expected = CASES[case]
    lines = errors_of(event(tables), tmp_path)
    assert any(line.startswith(expected) for line in lines), lines


def test_all_problems_of_all_files_are_listed_together(event, tmp_path) -> None:
    lines = errors_of(
        event(
            {
                "energy": ENERGY_HEAD + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,-1,kWh\n"
                "M1,electricity,2024-11-26T09:00,2024-11-26T10:00,x,kWh\n",
                "travel": "origin,mode,travellers\nShanghai,rocket,3\n",
            }
        ),
        tmp_path,
    )
    assert "energy.csv:2:quantity: negative value: '-1'" in lines
    assert "energy.csv:3:quantity: not a number: 'x'" in lines
    assert any(line.startswith("travel.csv:2:mode:") for line in lines)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (EVENT_YAML + "colour: red\n", "event.yaml:21:colour: unknown key 'colour'"),
        (EVENT_YAML.replace("  basis: market", "  basis: markt"), "event.yaml:20:claim.basis:"),
        (
            EVENT_YAML.replace("  basis: market", "  bassis: market"),
            "event.yaml:20:claim.bassis: unknown key 'claim.bassis'",
        ),
        (EVENT_YAML.replace("id: test-expo", "id: Test Expo!"), "event.yaml:1:id:"),
        (EVENT_YAML.replace("  country: CN", "  country: China"), "event.yaml:7:venue.country:"),
        (
            EVENT_YAML.replace(
                "factor_sets: [cn-mee-2022, desnz-2024]", "factor_sets: [cn-mee-2022, desnz-2099]"
            ),
            "event.yaml:17:factor_sets.1: unknown factor set 'desnz-2099'",
        ),
        (EVENT_YAML.replace("visits: 1000\n", "visits: [\n"), "event.yaml:"),
        (
            EVENT_YAML.replace(
                "  open:      {start: 2024-11-26, end: 2024-11-30}",
                "  open:      {start: 2024-11-26, end: 2024-11-20}",
            ),
            "event.yaml:14:phases.open: Value error, end 2024-11-20 is before start 2024-11-26",
        ),
        (
            EVENT_YAML.replace("  basis: market", "  basis: market\n  accepted_registries: []"),
            "event.yaml:21:claim.accepted_registries:",
        ),
    ],
)
def test_malformed_event_yaml_names_the_key_path(
    yaml_text: str, expected: str, event, tmp_path
) -> None:
    lines = errors_of(event({}, yaml_text), tmp_path)
    assert any(line.startswith(expected) for line in lines), lines


def test_missing_event_yaml(tmp_path) -> None:
    (tmp_path / "ev").mkdir()
    lines = errors_of(tmp_path / "ev", tmp_path)
    assert lines[0].startswith("event.yaml:1:: missing")


def test_validate_command_reports_same_problems(event) -> None:
    folder = event({"travel": "origin,mode,travellers\nShanghai,rocket,3\n"})
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert r.stderr.startswith("travel.csv:2:mode: unknown value")


def test_garbage_files_never_traceback(event, tmp_path) -> None:
    folder = event(
        {"energy": "\x00\x01\x02garbage\n,,,\n", "credits": "just one column\n1\n", "travel": ""}
    )
    (folder / "waste.xlsx").write_bytes(b"not a zip file")
    r = run_cli("calc", str(folder))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_utf8_bom_is_tolerated_and_gbk_is_refused_clearly(event, tmp_path) -> None:
    folder = event({})
    (folder / "accommodation.csv").write_bytes(b"\xef\xbb\xbfcountry,room_nights\nCN,10\n")
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    (folder / "catering.csv").write_bytes(
        "meal,servings,exhibitor\nstandard,10,北京展商\n".encode("gbk")
    )
    r = run_cli("calc", str(folder))
    assert r.returncode == 2
    assert "catering.csv:2:: not UTF-8 text" in r.stderr


def test_blank_lines_are_skipped_and_rows_keep_their_file_numbers(event, tmp_path) -> None:
    import pandas as pd

    folder = event(
        {
            "energy": ENERGY_HEAD
            + OK_ENERGY
            + "\n"
            + "M2,electricity,2024-11-26T08:00,2024-11-26T09:00,-1,kWh\n\n\n"
        }
    )
    pd.DataFrame({"country": ["CN", None, "CN"], "room_nights": [1, None, -2]}).to_excel(
        folder / "accommodation.xlsx", index=False
    )
    lines = errors_of(folder, tmp_path)
    assert lines == [
        "accommodation.xlsx:4:room_nights: negative value: '-2'",
        "energy.csv:4:quantity: negative value: '-1'",
    ]


def test_header_only_file_without_final_newline_is_an_empty_table(event) -> None:
    folder = event({})
    (folder / "energy.csv").write_text("meter,carrier,start,end,quantity,unit", encoding="utf-8")
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr


def test_long_lists_of_one_problem_are_capped_with_a_count(event, tmp_path) -> None:
    rows = "".join(
        f"M{i},electricity,2024-11-26T08:00,2024-11-26T09:00,-1,kWh\n" for i in range(205)
    )
    overlaps = (
        "".join(
            f"X,electricity,2024-11-26T08:{i:02d},2024-11-26T09:00,1,kWh\n" for i in range(0, 59)
        )
        * 4
    )
    lines = errors_of(event({"energy": ENERGY_HEAD + rows}), tmp_path)
    negative = [line for line in lines if "quantity" in line]
    assert len(negative) == 201
    assert negative[-1] == (
        "energy.csv:202:quantity: ... and 5 more rows with the same problem (negative value)"
    )
    lines = errors_of(event({"energy": ENERGY_HEAD + overlaps}), tmp_path)
    assert len(lines) == 201
    assert [line for line in lines if "more" in line] == [
        "energy.csv:111:start: ... and 35 more overlapping intervals"
    ]
