"""Spec §14: carbon inclusiveness (碳普惠) for visitors, hourly matching of green power, and the
Chinese instrument rules (GEC validity, GEC + CCER of one output). Hand-computed cases."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from carbonexpo import api
from carbonexpo.calc.calculate import calculate
from carbonexpo.errors import InputError
from carbonexpo.io.event import read_event
from tests.conftest import EVENT_YAML, EXAMPLE, run_cli

RESIDUAL_CN = 0.5856  # kg/kWh, electricity.residual.CN in cn-mee-2022
ENERGY_2H = """\
meter,carrier,start,end,quantity,unit
M1,electricity,2024-11-27T10:00,2024-11-27T11:00,100,kWh
M1,electricity,2024-11-27T11:00,2024-11-27T12:00,300,kWh
"""
PV = """\
instrument_id,type,mwh,generation_start,generation_end,country,technology
PV-ROOF,onsite,0.25,2024-11-27,2024-11-27,CN,rooftop PV
"""
GENERATION_2H = """\
instrument_id,start,end,mwh
PV-ROOF,2024-11-27T10:00,2024-11-27T11:00,0.15
PV-ROOF,2024-11-27T11:00,2024-11-27T12:00,0.10
"""


def test_hourly_matching_two_hours_of_pv(event) -> None:
    """10–11 h: load 100 kWh, PV 150 → 100 matched; 11–12 h: load 300, PV 100 → 100 matched.
    CFE 200 / 400 = 0.5; unmatched 0.2 MWh at the residual factor = 0.11712 t. The annual
    method applies all 0.25 MWh: (0.4 − 0.25) × 0.5856 = 0.08784 t."""
    folder = event({"energy": ENERGY_2H, "green_power": PV, "generation": GENERATION_2H})
    r = api.calculate(folder).result
    h = r.hourly
    assert h is not None
    assert h.consumption_mwh == pytest.approx(0.4)
    assert h.matched_mwh == pytest.approx(0.2)
    assert h.cfe_score == pytest.approx(0.5)
    assert h.unmatched_mwh == pytest.approx(0.2)
    assert h.market_based_hourly_tco2e == pytest.approx(0.2 * RESIDUAL_CN)
    assert h.hours == 2 and h.hours_matched == 2
    assert h.by_hour.start == ["2024-11-27T10:00+08:00", "2024-11-27T11:00+08:00"]
    assert r.totals.scope2_market_tco2e == pytest.approx((0.4 - 0.25) * RESIDUAL_CN)


def test_monthly_certificates_spread_by_load_only_when_asked(event) -> None:
    gec = PV + "GEC-1,GEC,0.1,2024-11-01,2024-11-30,CN,wind,,,,test-expo,2024-12-10\n"
    header = "instrument_id,type,mwh,generation_start,generation_end,country,technology,"
    header += "serial_prefix,first,last,beneficiary,retired_on\n"
    rows = [line + ",,,,," for line in PV.splitlines()[1:]]
    table = header + "\n".join(rows) + "\n" + gec.splitlines()[-1] + "\n"
    plain = event({"energy": ENERGY_2H, "green_power": table, "generation": GENERATION_2H})
    h = api.calculate(plain).result.hourly
    assert h.profile_allocated_mwh == 0.0 and h.cfe_score == pytest.approx(0.5)
    yaml = EVENT_YAML.replace("claim:\n", "claim:\n  hourly_profile_allocation: true\n")
    (plain / "event.yaml").write_text(yaml, encoding="utf-8")
    h = api.calculate(plain).result.hourly
    assert h.profile_allocated_mwh == pytest.approx(0.1)
    assert h.cfe_score == pytest.approx(0.5)  # never in the CFE score
    assert h.market_based_hourly_tco2e == pytest.approx((0.2 - 0.1) * RESIDUAL_CN)


def test_no_hourly_matching_with_coarser_meters(event) -> None:
    daily = "meter,carrier,start,end,quantity,unit\n"
    daily += "M1,electricity,2024-11-27T00:00,2024-11-28T00:00,400,kWh\n"
    r = api.calculate(event({"energy": daily, "green_power": PV, "generation": GENERATION_2H}))
    assert r.result.hourly is None
    assert any(w.code == "hourly_not_possible" for w in r.result.warnings)


def test_generation_rows_are_checked(event) -> None:
    bad = GENERATION_2H + "NOPE,2024-11-27T12:00,2024-11-27T14:00,0.1\n"
    with pytest.raises(InputError) as err:
        read_event(event({"energy": ENERGY_2H, "green_power": PV, "generation": bad}))
    text = "\n".join(
        p.where or f"{p.file}:{p.row}:{p.column}: {p.message}" for p in err.value.problems
    )
    assert "generation.csv:4:instrument_id" in text and "green_power.csv" in text
    assert "generation.csv:4:end" in text and "longer than one hour" in text


# -- carbon inclusiveness ------------------------------------------------------------------


VISITOR = "origin,mode,visitors,trips,distance_km,visitor_id\nBeijing,metro,1,2,22,V-1\n"


def test_a_metro_trip_against_the_car_by_hand(event) -> None:
    """factor-difference (DESNZ 2024): (0.16691 − 0.0278) kg/pkm × 22 km × 2 trips = 6.12084 kg;
    Beijing MaaS 2020: its worked example, 5.98 − 1.35 = 4.63 kg per 22 km trip, × 2."""
    folder = event({"energy": ENERGY_2H, "visitors": VISITOR})
    r = api.calculate(folder).result
    ci = r.carbon_inclusive
    assert ci is not None and ci.deducted_from_inventory is False
    assert ci.reduction_tco2e * 1000 == pytest.approx((0.16691 - 0.0278) * 22 * 2, rel=1e-12)
    out = folder / "rewards.csv"
    s = api.phc_export(folder, out, method="beijing-maas-2020")
    assert s["reduction_tco2e"] * 1000 == pytest.approx(4.63 * 2, rel=1e-12)
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["visitor_id"] == "V-1" and row["method_id"] == "beijing-maas-2020"
    assert float(row["reduction_kg_per_trip"]) == pytest.approx(4.63)
    s = api.phc_export(folder, out, method="guangzhou-metro-2017")
    assert s["reduction_tco2e"] * 1000 == pytest.approx(0.5155 * 2)


def test_visitor_reductions_never_reduce_the_inventory(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    with_visitors = api.calculate(folder).result
    (folder / "visitors.csv").unlink()
    without = api.calculate(folder).result
    assert with_visitors.carbon_inclusive is not None and without.carbon_inclusive is None
    assert with_visitors.totals.gross_tco2e == without.totals.gross_tco2e
    assert with_visitors.totals.net_tco2e == without.totals.net_tco2e
    note = next(a for a in with_visitors.assumptions if a.code == "phc_not_deducted")
    assert "not deducted" in note.text


def test_credits_of_the_events_own_programme_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    yaml = folder / "event.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            "programme_id: CISCE-2024-GREEN-TRIPS", "programme_id: BJ-PHCER-2024-METRO"
        ),
        encoding="utf-8",
    )
    r = api.calculate(folder).result
    phcer = next(c for c in r.credits if c.project_id == "BJ-PHCER-2024-METRO")
    assert phcer.status == "rejected" and "own visitor programme" in phcer.reason
    assert r.totals.offsets_eligible_tco2e == pytest.approx(26000)


def test_phc_export_command(tmp_path: Path) -> None:
    out = tmp_path / "rewards.csv"
    r = run_cli("phc", "export", str(EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "not deducted" in r.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {row["mode"] for row in rows} == {"metro", "bus", "bike", "walk", "hsr"}  # no car
    r = run_cli("phc", "export", str(EXAMPLE), "-o", str(out), "--method", "nope")
    assert r.returncode == 2 and "unknown method" in r.stderr
    r = run_cli("phc", "export", str(EXAMPLE), "-o", str(out), "--method", "guangzhou-metro-2017")
    assert r.returncode == 0 and "earn nothing under guangzhou-metro-2017" in r.stderr


# -- Chinese instruments --------------------------------------------------------------------

GP_HEADER = (
    "instrument_id,type,mwh,generation_start,generation_end,country,technology,serial_prefix,"
    "first,last,beneficiary,retired_on,project_id\n"
)


def test_a_gec_is_valid_two_years_from_its_production_month(event) -> None:
    yaml = EVENT_YAML.replace("green_power_vintage_months", "x") + (
        "  green_power_vintage_months: 48\n"
    )
    gp = GP_HEADER + (
        "GEC-OLD,GEC,0.1,2023-03-01,2023-03-31,CN,wind,G-A,1,100,test-expo,2024-12-10,\n"
        "GEC-2024-01,GEC,0.1,2024-01-01,2024-01-31,CN,wind,G-B,1,100,test-expo,2026-02-01,\n"
        "GEC-2024-09,GEC,0.1,2024-09-01,2024-09-30,CN,solar,G-C,1,100,test-expo,2024-12-10,\n"
    )
    r = api.calculate(event({"energy": ENERGY_2H, "green_power": gp}, yaml_text=yaml)).result
    status = {i.instrument_id: i for i in r.instruments}
    # pre-2024 generation: valid until 2025-12-31, used 2024-12-10 → fine
    assert not any(n.code == "gec_expired" for n in status["GEC-OLD"].reasons)
    # produced 2024-01: valid until 2025-12-31, retired 2026-02-01 → expired
    expired = status["GEC-2024-01"]
    assert expired.status == "rejected" and "valid until 2025-12-31" in expired.reason
    assert "国能发新能规〔2024〕67号" in expired.reason
    assert not any(n.code == "gec_expired" for n in status["GEC-2024-09"].reasons)


def test_gec_and_ccer_of_one_output_are_both_refused(event) -> None:
    gp = GP_HEADER + (
        "GEC-P1,GEC,0.3,2024-06-01,2024-06-30,CN,offshore wind,G-P1,1,300,test-expo,"
        "2024-12-10,CN-OW-0001\n"
    )
    credits = (
        "registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary\n"
        "CCER,CN-OW-0001,2024,CCER-OW-0001-V2024,1,10,2025-01-15,test-expo\n"
        "CCER,CN-OW-0002,2024,CCER-OW-0002-V2024,1,10,2025-01-15,test-expo\n"
    )
    r = api.calculate(event({"energy": ENERGY_2H, "green_power": gp, "credits": credits}))
    gec = r.result.instruments[0]
    assert gec.status == "rejected" and "CN-OW-0001" in gec.reason and "GEC–CCER" in gec.reason
    ccer = {c.project_id: c for c in r.result.credits}
    assert ccer["CN-OW-0001"].status == "rejected"
    assert any(n.code == "gec_ccer_double" for n in ccer["CN-OW-0001"].reasons)
    assert ccer["CN-OW-0002"].status == "eligible"


def test_example_has_visitors_and_hourly_pv() -> None:
    r = calculate(read_event(EXAMPLE))
    assert r.hourly is not None and r.carbon_inclusive is not None
    h = r.hourly.as_dict()
    assert h["generation_mwh"] == pytest.approx(42.5) and h["matched_mwh"] == pytest.approx(42.5)
