"""Spec §3.1-3.3: one test per eligibility rule (each flips exactly one instrument or block),
the balance, --require-neutral, and per-exhibitor allocation."""

from __future__ import annotations

import json

import pytest

from carbonexpo.calc.calculate import calculate
from carbonexpo.io.event import read_event
from tests.conftest import EVENT_YAML, run_cli

ENERGY = (
    "meter,carrier,start,end,quantity,unit\n"
    "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,100,MWh\n"
)
GP_HEAD = (
    "instrument_id,type,mwh,generation_start,generation_end,country,serial_prefix,first,"
    "last,beneficiary,retired_on\n"
)
GOOD_GP = "G1,GEC,60,2024-10-01,2024-10-31,CN,GEC-A,1,60,test-expo,2024-12-05\n"
CR_HEAD = "registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary\n"
GOOD_CR = "CCER,P1,2024,CC-A,1,50,2025-01-10,test-expo\n"


def result(folder):
    calc = calculate(read_event(folder))
    return calc


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (GOOD_GP, ""),
        (GOOD_GP.replace(",CN,", ",VN,"), "market boundary: generated in VN"),
        (GOOD_GP.replace("2024-10-01", "2022-10-31"), "vintage: generation starts 2022-10-31"),
        (
            GOOD_GP.replace("2024-10-01,2024-10-31", "2024-12-03,2024-12-31"),
            "vintage: generation starts 2024-12-03, after the reporting period ends",
        ),
        (GOOD_GP.replace("2024-12-05", ""), "not retired: retired_on is empty"),
        (
            GOOD_GP.replace("test-expo", "other-expo"),
            "retired for 'other-expo', not for this event",
        ),
    ],
)
def test_green_power_rules(row: str, reason: str, event) -> None:
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + row}))
    inst = calc.green_power.instruments.iloc[0]
    if reason:
        assert inst["status"] == "rejected" and inst["reason"].startswith(reason), inst["reason"]
        assert calc.green_power.applied_mwh == 0
    else:
        assert inst["status"] == "applied" and inst["mwh_applied"] == 60


def test_vintage_window_edge_is_inclusive(event) -> None:
    # by use (the default): the energy is used in November 2024; 24 months before is
    # November 2022: generation starting in it is allowed, in October 2022 not
    ok = GOOD_GP.replace("2024-10-01", "2022-11-01")
    late = GOOD_GP.replace("2024-10-01", "2022-10-31").replace("G1", "G2").replace("GEC-A", "GEC-B")
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + ok + late}))
    assert calc.green_power.instruments["status"].tolist() == ["applied", "rejected"]
    # from the end of the period (the rule a standard may ask for): 24 months before
    # 2024-12-02 is 2022-12-02: allowed; one day earlier: rejected
    yaml_text = EVENT_YAML.replace("claim:\n", "claim:\n  green_power_vintage_from: period_end\n")
    assert "period_end" in yaml_text
    ok = GOOD_GP.replace("2024-10-01", "2022-12-02")
    late = GOOD_GP.replace("2024-10-01", "2022-12-01").replace("G1", "G2").replace("GEC-A", "GEC-B")
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + ok + late}, yaml_text))
    assert calc.green_power.instruments["status"].tolist() == ["applied", "rejected"]


def test_onsite_needs_no_retirement_and_no_market_check(event) -> None:
    row = "PV,onsite,5,2024-11-21,2024-12-02,DE,,,,,\n"  # not the venue's country
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + row}))
    assert calc.green_power.instruments.iloc[0]["status"] == "applied"


def test_cap_partial_surplus_and_market_based(event) -> None:
    rows = GOOD_GP + GOOD_GP.replace("G1", "G2").replace("GEC-A", "GEC-B").replace("60", "70")
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + rows}))
    inst = calc.green_power.instruments
    assert inst["mwh_applied"].tolist() == [60, 40]
    assert inst.iloc[1]["reason"].startswith("applied in part")
    assert calc.green_power.applied_mwh == 100 and calc.green_power.surplus_mwh == 30
    elec = calc.lines[calc.lines["category"] == "electricity"]
    assert elec["kgco2e_market"].sum() == 0


def test_uncovered_share_valued_at_residual_factor(event) -> None:
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + GOOD_GP}))
    elec = calc.lines[calc.lines["category"] == "electricity"]
    assert elec["kgco2e_market"].sum() == pytest.approx(40_000 * 0.5856)
    assert elec["kgco2e"].sum() == pytest.approx(100_000 * 0.6776)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (GOOD_CR, ""),
        (GOOD_CR.replace("CCER,", "VCS,"), "registry 'VCS' not accepted under mee-2019"),
        (GOOD_CR.replace(",2024,", ",2018,"), "vintage 2018 is older than 2019"),
        (GOOD_CR.replace("2025-01-10", ""), "not retired: retired_on is empty"),
        (GOOD_CR.replace("test-expo", "someone-else"), "retired for 'someone-else'"),
        (GOOD_CR.replace("2025-01-10", "2025-12-03"), "retired on 2025-12-03, more than 12 months"),
    ],
)
def test_credit_rules(row: str, reason: str, event) -> None:
    calc = result(event({"credits": CR_HEAD + row}))
    block = calc.offsets.credits.iloc[0]
    if reason:
        assert block["status"] == "rejected" and block["reason"].startswith(reason), block["reason"]
        assert calc.offsets.eligible_tco2e == 0 and calc.offsets.rejected_tco2e == 50
    else:
        assert block["status"] == "eligible" and calc.offsets.eligible_tco2e == 50


def test_registry_defaults_follow_the_standard_and_can_be_widened(event) -> None:
    iso = EVENT_YAML.replace("standard: mee-2019", "standard: iso-14068-1")
    row = GOOD_CR.replace("CCER,", "VCS,")
    assert result(event({"credits": CR_HEAD + row}, iso)).offsets.eligible_tco2e == 50
    phcer = GOOD_CR.replace("CCER,", "PHCER,")
    assert result(event({"credits": CR_HEAD + phcer}, iso)).offsets.eligible_tco2e == 0
    widened = EVENT_YAML.replace(
        "  basis: market", "  basis: market\n  accepted_registries: [CCER, VCS]"
    )
    assert result(event({"credits": CR_HEAD + row}, widened)).offsets.eligible_tco2e == 50


def test_balance_and_require_neutral(event) -> None:
    folder = event({"energy": ENERGY, "credits": CR_HEAD + GOOD_CR})
    r = run_cli("calc", str(folder), "--json", "-", "--require-neutral")
    assert r.returncode == 1
    assert (
        "not neutral: gross 58.560 tCO2e exceeds eligible offsets 50.000 tCO2e by 8.560" in r.stderr
    )
    t = json.loads(r.stdout)["totals"]
    assert t["gross_tco2e"] == pytest.approx(58.56)
    assert t["net_tco2e"] == pytest.approx(8.56) and t["neutral"] is False
    assert t["surplus_tco2e"] == 0


def test_location_basis(event) -> None:
    yaml_text = EVENT_YAML.replace("basis: market", "basis: location")
    calc = result(event({"energy": ENERGY, "green_power": GP_HEAD + GOOD_GP}, yaml_text))
    assert calc.balance.gross_tco2e == pytest.approx(67.76)


def test_exhibitor_allocation_sums_exactly(event) -> None:
    booths = "exhibitor,booth,area_m2\nA Co,A1,9\nB Co,B1,18\nC Co,C1,27.5\n"
    folder = event(
        {
            "energy": ENERGY,
            "booths": booths,
            "waste": "stream,treatment,mass_kg,exhibitor\nmixed,landfill,1000,\n"
            "mixed,landfill,10,B Co\n",
            "travel": "mode,travellers,distance_km,exhibitor\nhsr,3,100,A Co\n",
        }
    )
    calc = result(folder)
    ex = calc.exhibitors
    shared = calc.lines[
        calc.lines["exhibitor"].isna() & calc.lines["category"].isin(["electricity", "waste"])
    ]
    for cat in ("electricity", "waste"):
        allocated_mg = round(ex.loc[ex["category"] == cat, "allocated_kgco2e"].sum() * 1e6)
        total_mg = round(shared.loc[shared["category"] == cat, "kgco2e_market"].sum() * 1e6)
        assert allocated_mg == total_mg
    a_travel = ex[(ex["exhibitor"] == "A Co") & (ex["category"] == "travel")]
    assert a_travel["own_kgco2e"].iloc[0] > 0 and a_travel["allocated_kgco2e"].iloc[0] == 0
    waste = ex[ex["category"] == "waste"].set_index("exhibitor")["allocated_kgco2e"]
    assert waste["B Co"] == pytest.approx(2 * waste["A Co"], rel=1e-6)


def test_exhibitors_csv_and_json(event, tmp_path) -> None:
    folder = event({"energy": ENERGY, "booths": "exhibitor,booth,area_m2\nA Co,A1,10\n"})
    out = tmp_path / "ex.csv"
    r = run_cli("calc", str(folder), "--json", "-", "--exhibitors", str(out))
    assert r.returncode == 0, r.stderr
    statements = json.loads(r.stdout)["exhibitors"]
    assert statements[0]["exhibitor"] == "A Co"
    assert statements[0]["allocated_tco2e"] == pytest.approx(40.0 * 0 + 100 * 0.5856)
    assert out.read_text().startswith("exhibitor,category,own_kgco2e,allocated_kgco2e")


def test_enumerations_and_registries_ignore_case(event) -> None:
    row = GOOD_GP.replace(",GEC,", ",gec,")
    credit = GOOD_CR.replace("CCER,", "ccer,")
    calc = result(
        event(
            {
                "energy": ENERGY.replace("electricity", "Electricity"),
                "green_power": GP_HEAD + row,
                "credits": CR_HEAD + credit,
            }
        )
    )
    assert calc.green_power.instruments.iloc[0]["type"] == "GEC"
    assert calc.green_power.applied_mwh == 60
    assert calc.offsets.eligible_tco2e == 50
