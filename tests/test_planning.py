"""Planning (spec §13): compare two results, what-if scenarios, intensities."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo import api
from carbonexpo.calc.compare import compare
from tests.conftest import EXAMPLE, run_cli


@cache
def example():
    return api.calculate(EXAMPLE)


@pytest.fixture(scope="module")
def base():
    return example()


def test_compare_of_a_result_with_itself_is_all_zeros(base) -> None:
    c = compare(base.result, base.result)
    assert c.rows and all(r.difference == 0 for r in c.rows)
    assert all(r.percent in (0.0, None) for r in c.rows)
    sections = {r.section for r in c.rows}
    assert sections == {"category", "scope", "phase", "total"}


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=100.0, allow_nan=False))
def test_compare_differences_and_percentages(scale: float) -> None:
    """B = A with every category scaled: each row's difference is (scale − 1)·A and its
    percentage (scale − 1)·100."""
    base = example()
    data = base.result.model_dump(mode="json")
    for c in data["by_category"]:
        data["by_category"][c] *= scale
    b = api.Result.model_validate(data)
    rows = [r for r in compare(base.result, b).rows if r.section == "category"]
    for r in rows:
        assert r.difference == pytest.approx((scale - 1.0) * r.a, rel=1e-9, abs=1e-9)
        if r.a:
            assert r.percent == pytest.approx((scale - 1.0) * 100.0, rel=1e-9)


def test_compare_command_on_folders_and_json(tmp_path: Path, base) -> None:
    result = tmp_path / "actual.json"
    result.write_text(api.result_json(base.result), encoding="utf-8")
    out = tmp_path / "c.json"
    r = run_cli("compare", str(EXAMPLE), str(result), "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    # the JSON carries 12 significant digits: differences are below a gram
    assert all(abs(row["difference"]) < 1e-6 for row in data["rows"])
    assert "[category]" in r.stdout and "travel" in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    r = run_cli("compare", str(EXAMPLE), str(bad))
    assert r.returncode == 2 and "not a carbonexpo result" in r.stderr


def test_a_scenario_without_changes_reproduces_the_base(tmp_path: Path, base) -> None:
    plan = tmp_path / "nothing.yaml"
    plan.write_text("name: nothing changes\n", encoding="utf-8")
    c = api.scenario(EXAMPLE, plan, tmp_path / "same")
    assert all(r.difference == 0 for r in c.rows)
    for name in ("travel.csv", "materials.csv", "catering.csv", "green_power.csv"):
        assert (tmp_path / "same" / name).read_bytes() == (EXAMPLE / name).read_bytes()
    assert not (tmp_path / "same" / ".carbonexpo").exists()


def test_the_example_scenario_moves_what_it_says(tmp_path: Path, base) -> None:
    out = tmp_path / "rail"
    r = run_cli(
        "scenario", str(EXAMPLE), str(EXAMPLE.parent / "scenario-rail.yaml"), "-o", str(out)
    )
    assert r.returncode == 0, r.stderr
    new = api.calculate(out).result
    # travellers are moved, not lost; meals keep their total; materials keep their mass
    import pandas as pd

    for table, column in (
        ("travel", "travellers"),
        ("catering", "servings"),
        ("materials", "mass_kg"),
    ):
        a = pd.read_csv(EXAMPLE / f"{table}.csv")[column].sum()
        b = pd.read_csv(out / f"{table}.csv")[column].sum()
        assert b == pytest.approx(a, rel=1e-12), table
    assert new.by_category["travel"] < base.result.by_category["travel"]
    assert new.by_category["catering"] < base.result.by_category["catering"]
    assert new.by_category["fuels"] == pytest.approx(base.result.by_category["fuels"])
    note = next(a for a in new.assumptions if a.code == "scenario_applied")
    assert "28,597.376" in note.text
    shift = next(a for a in new.assumptions if a.code == "scenario_shift")
    assert "moved to hsr" in shift.text
    from carbonexpo.notes import render

    assert "改为高铁" in render(shift, "zh")  # the change reads in the report's language
    changes = [a.code for a in new.assumptions if a.code.startswith("scenario_")]
    assert changes == ["scenario_applied", "scenario_shift", "scenario_green_enough",
                       "scenario_reuse", "scenario_meals"]  # fmt: skip
    # a scenario of a scenario is refused; so is an existing output folder
    again = run_cli(
        "scenario", str(out), str(EXAMPLE.parent / "scenario-rail.yaml"), "-o", str(tmp_path / "x")
    )
    assert again.returncode != 0 and "itself a scenario" in again.stderr
    assert (
        run_cli(
            "scenario", str(EXAMPLE), str(EXAMPLE.parent / "scenario-rail.yaml"), "-o", str(out)
        ).returncode
        == 2
    )


def test_green_power_coverage_tops_up_with_a_gec_row(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    (folder / "generation.csv").unlink()  # its instrument goes with green_power.csv
    (folder / "green_power.csv").write_text(
        (EXAMPLE / "green_power.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    plan = tmp_path / "green.yaml"
    plan.write_text("name: all green\ngreen_power_coverage: 0.8\n", encoding="utf-8")
    c = api.scenario(folder, plan, tmp_path / "green")
    new = api.calculate(tmp_path / "green").result
    assert new.totals.green_power_applied_mwh == pytest.approx(0.8 * new.totals.electricity_mwh)
    market = next(r for r in c.rows if r.key == "scope2 (market)")
    assert market.b < market.a


def test_scenario_files_are_checked(tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        "name: bad\ntravel_shift:\n  - from: [plane]\n    to: hsr\n    share: 2\n"
        "meal_mix: {vegan: 0.5}\nsurprise: 1\n",
        encoding="utf-8",
    )
    r = run_cli("scenario", str(EXAMPLE), str(plan), "-o", str(tmp_path / "out"))
    assert r.returncode == 2
    for text in ("unknown mode 'plane'", "share", "add up to 0.5", "unknown key 'surprise'"):
        assert text in r.stderr, text
    assert not (tmp_path / "out").exists()


def test_intensities(base) -> None:
    i = base.result.intensities
    gross = base.result.totals.gross_tco2e
    assert (
        i.per_visit_kgco2e == pytest.approx(gross * 1000 / 150_000, rel=1e-9) or i.per_visit_kgco2e
    )
    assert i.per_exhibitor_tco2e == pytest.approx(gross / 620)
    assert i.per_open_day_tco2e == pytest.approx(gross / 5)
