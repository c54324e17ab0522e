"""Booth estimator arithmetic (by hand from the factor table), forms round trip, formula
injection, and the exhibitor statement."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from carbonexpo.booth import defaults as d
from carbonexpo.factors.catalog import load_set
from carbonexpo.geo import great_circle_km, resolve_place
from tests.conftest import EXAMPLE, ROOT, make_event, run_cli

GOLDEN = ROOT / "tests" / "golden"


def factor(set_id: str, key: str, unit: str) -> float:
    return next(
        f.kgco2e_per_unit for f in load_set(set_id).factors if f.key == key and f.unit == unit
    )


def estimate(*args: str) -> dict:
    r = run_cli("booth", "estimate", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_estimate_arithmetic_by_hand() -> None:
    out = estimate(
        "--area",
        "36",
        "--build",
        "custom",
        "--days",
        "5",
        "--power-kw",
        "3",
        "--staff",
        "Shanghai:hsr:4",
        "--freight",
        "Shanghai:hgv:800kg",
        "--nights",
        "10",
        "--country",
        "CN",
    )
    g = out["by_group_tco2e"]
    materials = sum(
        kg * 36 / 1000 * factor("desnz-2024", f"material.{m}.{o}", "t")
        for (m, o), kg in d.BUILD_MATERIALS_KG_PER_M2["custom"].items()
    )
    assert g["build materials"] * 1000 == pytest.approx(materials)
    kwh = 3 * d.OPEN_HOURS_PER_DAY * d.LOAD_FACTOR * 5
    assert g["power"] * 1000 == pytest.approx(
        kwh * factor("cn-mee-2022", "electricity.grid.CN", "kWh")
    )
    sh, bj = resolve_place("Shanghai"), resolve_place("Beijing")
    km = float(great_circle_km(sh.latitude, sh.longitude, bj.latitude, bj.longitude))
    assert g["staff travel"] * 1000 == pytest.approx(
        4 * 2 * km * 1.2 * factor("desnz-2024", "passenger.hsr", "passenger_km")
    )
    assert g["hotels"] * 1000 == pytest.approx(10 * 53.5)
    assert g["freight"] * 1000 == pytest.approx(
        2 * 0.8 * km * 1.3 * factor("desnz-2024", "freight.hgv", "tonne_km")
    )
    assert out["total_tco2e"] == pytest.approx(sum(g.values()))
    assert out["estimate"] is True
    assert any(a["text"].startswith("venue: not given; Beijing") for a in out["assumptions"])


def test_default_power_is_flagged() -> None:
    out = estimate("--area", "9", "--build", "shell")
    assert any("0.1 kW per m²" in a["text"] for a in out["assumptions"])
    kwh = 0.1 * 9 * d.OPEN_HOURS_PER_DAY * d.LOAD_FACTOR * 5
    assert out["by_group_tco2e"]["power"] * 1000 == pytest.approx(kwh * 0.5366)


def test_bad_staff_and_freight_options() -> None:
    r = run_cli("booth", "estimate", "--area", "9", "--staff", "Shanghai:rocket:2")
    assert r.returncode == 2 and r.stderr.startswith(
        "--staff 'Shanghai:rocket:2': mode: unknown value 'rocket' (allowed: walk, bike"
    )
    r = run_cli("booth", "estimate", "--area", "9", "--freight", "Shanghai:hgv:800kWh")
    assert r.returncode == 2 and "'kWh' is not a unit of mass — write the number in kg" in r.stderr
    r = run_cli("booth", "estimate", "--area", "9", "--staff", "Nowhereville Xq:car:2")
    assert r.returncode == 2 and "not found" in r.stderr


def test_estimate_many_booths_from_a_file(tmp_path) -> None:
    f = tmp_path / "booths.csv"
    f.write_text(
        "exhibitor,booth,area_m2,build,days\nA Co,A1,9,shell,\nB Co,B1,54,custom,3\n",
        encoding="utf-8",
    )
    r = run_cli("booth", "estimate", "--from", str(f), "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [x["exhibitor"] for x in rows] == ["A Co", "B Co"] and rows[1]["days"] == 3


def fill(form: Path, rows: dict[str, list[list[object]]], exhibitor: str) -> None:
    wb = load_workbook(form)
    wb["Instructions"]["B5"] = exhibitor
    for sheet, values in rows.items():
        for r, row in enumerate(values, start=2):
            for c, v in enumerate(row, start=1):
                cell = wb[sheet].cell(r, c)
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
    wb.save(form)


FORM_ROWS = {
    "Booth": [["H1-101", 36, "custom", "H1"]],
    "Staff": [["Shanghai", "hsr", 4, 1, None, None], ["FRA", "air", 2, 1, None, "business"]],
    "Freight": [["S-1", "hgv", 800, None, "Shanghai", None]],
    "Materials": [["timber", 500, "virgin"], ["carpet", 20, "virgin"]],
    "Hotels": [["CN", 12]],
}


def test_form_round_trip(tmp_path) -> None:
    folder = make_event(tmp_path / "ev", {}, (EXAMPLE / "event.yaml").read_text("utf-8"))
    form = tmp_path / "form.xlsx"
    r = run_cli("init", str(folder), "--exhibitor-form", str(form), "--exhibitor", "Acme =1+2")
    assert r.returncode == 0, r.stderr
    wb = load_workbook(form)
    assert wb["Instructions"]["B5"].data_type == "s"  # '=...' text stays text
    fill(form, FORM_ROWS, "Acme =1+2")
    r = run_cli("import-forms", str(folder), str(form))
    assert r.returncode == 0, r.stderr
    travel = pd.read_csv(folder / "travel.csv", dtype=str, keep_default_na=False)
    assert travel[["group", "exhibitor", "origin", "mode", "travellers"]].values.tolist() == [
        ["exhibitor_staff", "Acme =1+2", "Shanghai", "hsr", "4"],
        ["exhibitor_staff", "Acme =1+2", "FRA", "air", "2"],
    ]
    booths = pd.read_csv(folder / "booths.csv", dtype=str, keep_default_na=False)
    # a new booths.csv has every column; contact_email and site (issues 33, 34) left empty
    assert list(booths.columns[-2:]) == ["contact_email", "site"]
    assert booths.values.tolist() == [["Acme =1+2", "H1-101", "36", "custom", "H1", "", ""]]
    before = {p.name: p.read_bytes() for p in folder.glob("*.csv")}
    r = run_cli("import-forms", str(folder), str(form))  # the same form again: same tables
    assert {p.name: p.read_bytes() for p in folder.glob("*.csv")} == before
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    statement = json.loads(r.stdout)["exhibitors"][0]
    assert statement["exhibitor"] == "Acme =1+2" and statement["own_tco2e"] > 0


def test_bad_form_cells_are_named_by_sheet_and_cell(tmp_path) -> None:
    folder = make_event(tmp_path / "ev", {}, (EXAMPLE / "event.yaml").read_text("utf-8"))
    form = tmp_path / "form.xlsx"
    run_cli("init", str(folder), "--exhibitor-form", str(form))
    rows = {
        **FORM_ROWS,
        "Staff": [["Shanghai", "rocket", "four", 1, None, None]],
        "Hotels": [["CN", -3]],
    }
    fill(form, rows, "Acme")
    wb = load_workbook(form)
    wb["Freight"]["C2"] = "=1000*2"  # a formula
    wb.save(form)
    r = run_cli("import-forms", str(folder), str(form))
    assert r.returncode == 2
    assert "form.xlsx:Staff:B2: unknown value 'rocket'" in r.stderr
    assert "form.xlsx:Staff:C2: not a number: 'four'" in r.stderr
    assert "form.xlsx:Hotels:B2: negative value" in r.stderr
    assert "form.xlsx:Freight:C2: formulas are not accepted" in r.stderr
    assert not (folder / "travel.csv").exists()


def test_exhibitor_csv_defuses_formulas(event, tmp_path) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,10,kWh\n",
            "booths": 'exhibitor,booth,area_m2\n"=HYPERLINK(""x"")",A1,9\n-Evil,A2,9\n',
        }
    )
    out = tmp_path / "ex.csv"
    r = run_cli("calc", str(folder), "--exhibitors", str(out))
    assert r.returncode == 0, r.stderr
    names = pd.read_csv(out)["exhibitor"].tolist()
    assert "'-Evil" in names and any(n.startswith("'=HYPERLINK") for n in names)


def test_exhibitor_statement_golden(tmp_path) -> None:
    from tests.golden.regenerate import golden_statement

    name = "CN Supply Chain Co. 001"
    assert golden_statement(name) == (GOLDEN / "cisce-2024.statement.en.md").read_text("utf-8")
    out = tmp_path / "statement.pdf"
    r = run_cli("report", str(EXAMPLE), "--exhibitor", name, "-o", str(out), "--lang", "zh")
    assert r.returncode == 0, r.stderr
    from pypdf import PdfReader

    from carbonexpo.report.pdf import cjk_font_available

    if cjk_font_available():  # without one the text layer is unreadable
        text = "".join(p.extract_text() for p in PdfReader(out).pages)
        assert name in text
        assert "参展商碳排放声明" in text
    r = run_cli("report", str(EXAMPLE), "--exhibitor", "Nobody Ltd", "-o", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "no statement for exhibitor 'Nobody Ltd'" in r.stderr


def test_lines_csv_defuses_formulas_and_keeps_values(tmp_path) -> None:
    from carbonexpo.api import write_lines

    lines = pd.DataFrame(
        {
            "exhibitor": pd.Categorical(["=cmd|' /C calc'!A0", "Acme", None]),
            "kgco2e": [-1.5, 2.0, 0.1 + 0.2],
            "proxy": [False, False, True],
        }
    )
    write_lines(lines, tmp_path / "l.csv")
    back = pd.read_csv(tmp_path / "l.csv")
    assert back["exhibitor"].tolist()[:2] == ["'=cmd|' /C calc'!A0", "Acme"]
    assert pd.isna(back["exhibitor"][2])
    assert back["kgco2e"].tolist() == [-1.5, 2.0, 0.3]  # numbers untouched, float noise rounded


def test_statement_says_whether_the_event_and_so_the_share_is_neutral(event, tmp_path) -> None:
    folder = event(
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,1000,kWh\n",
            "booths": "exhibitor,booth,area_m2\nAcme,A1,9\n",
        }
    )
    out = tmp_path / "s.md"
    r = run_cli("report", str(folder), "--exhibitor", "Acme", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text("utf-8")
    assert "The event is NOT carbon neutral (net " in text
    assert "is not fully neutralised" in text
    r = run_cli("report", str(EXAMPLE), "--exhibitor", "CN Supply Chain Co. 001", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "The event is carbon neutral, so your share of it (below) is neutralised too" in (
        out.read_text("utf-8")
    )
