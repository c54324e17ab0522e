"""Uncertainty (spec §13): seeded Monte Carlo (IPCC Approach 2) with Approach 1 beside it,
by data-quality tier and factor; error bars in the report; offsets sized to the upper bound."""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo import api
from carbonexpo.calc.uncertainty import Z95, simulate
from tests.conftest import EXAMPLE, run_cli


def groups(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """(file, quality or '', factor key, category, kgCO2e) per group."""
    df = pd.DataFrame(rows, columns=["source_file", "quality", "factor_key", "category", "kg"])
    df["quality"] = df["quality"].replace("", None)
    for c in ("source_file", "quality", "factor_key", "category"):
        df[c] = df[c].astype("category")
    return df


HAND = groups(
    [
        ("energy.csv", "", "fuel.diesel", "fuels", 100_000.0),  # measured 5 %, factor 5 %
        ("travel.csv", "", "passenger.hsr", "travel", 50_000.0),  # estimated 40 %, factor 20 %
        ("travel.csv", "", "passenger.hsr", "travel", 30_000.0),  # same block, same factor
    ]
)


def test_approach_1_on_a_case_computed_by_hand() -> None:
    """fuels: 100 t ± √(5² + 5²) = ±7.0711 t; travel: 80 t ± √(32² + 16²) = ±35.777 t (the two
    travel groups share their block and factor, so their ranges add, not in quadrature);
    total 180 t ± √(5² + 5² + 32² + 16²) = ±36.469 t."""
    u = simulate(HAND, "kg", ["fuels", "travel"], runs=200, seed=1)
    assert u.approach1_by_category["fuels"].high == pytest.approx(100 + math.sqrt(50), rel=1e-12)
    assert u.approach1_by_category["travel"].low == pytest.approx(80 - math.sqrt(1280), rel=1e-12)
    half = math.sqrt(25 + 25 + 1024 + 256)
    assert u.approach1_total.low == pytest.approx(180 - half, rel=1e-12)
    assert u.approach1_total.high == pytest.approx(180 + half, rel=1e-12)


def test_approach_1_and_2_agree_on_the_hand_case() -> None:
    """Tolerance (docs/uncertainty.md): endpoints within 2 % of the half-width where ranges
    are small (fuels: ±5 % × ±5 %), within 6 % where they are large (travel's ±40 % × ±20 %:
    Approach 1 drops the product term and the skew of a product of two normals)."""
    u = simulate(HAND, "kg", ["fuels", "travel"], runs=200_000, seed=7)
    fuels, fuels1 = u.by_category["fuels"], u.approach1_by_category["fuels"]
    half = fuels1.high - 100
    assert abs(fuels.low - fuels1.low) < 0.02 * half
    assert abs(fuels.high - fuels1.high) < 0.02 * half
    a1 = u.approach1_total
    half = (a1.high - a1.low) / 2
    assert abs(u.total.low - a1.low) < 0.06 * half
    assert abs(u.total.high - a1.high) < 0.06 * half


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=1, max_size=8),
    tiers=st.lists(
        st.sampled_from(["measured", "calculated", "estimated"]), min_size=8, max_size=8
    ),
    seed=st.integers(0, 2**31 - 1),
)
def test_monte_carlo_mean_converges_to_the_point_estimate(values, tiers, seed) -> None:
    """Symmetric ranges: the mean of the runs is the point estimate, to within 4 standard
    errors of the mean."""
    rows = [(f"t{i % 3}.csv", tiers[i], f"fuel.k{i % 2}", "fuels", v) for i, v in enumerate(values)]
    g = groups(rows)
    runs = 4000
    u = simulate(g, "kg", ["fuels"], runs=runs, seed=seed)
    point = sum(values) / 1000
    half = u.approach1_total.high - point  # 1.96 σ (first order)
    sigma = half / Z95
    assert abs(u.mean_tco2e - point) <= 4 * sigma / math.sqrt(runs) + 1e-9 * point


def test_runs_are_reproducible_by_seed() -> None:
    a = simulate(HAND, "kg", ["fuels", "travel"], runs=500, seed=3)
    b = simulate(HAND, "kg", ["fuels", "travel"], runs=500, seed=3)
    c = simulate(HAND, "kg", ["fuels", "travel"], runs=500, seed=4)
    assert a == b and a.total != c.total


def test_a_measured_row_narrows_the_interval(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    base = api.calculate(folder, uncertainty_runs=2000).result.uncertainty
    travel = pd.read_csv(folder / "travel.csv", dtype=str, keep_default_na=False)
    travel["quality"] = "measured"
    travel.to_csv(folder / "travel.csv", index=False)
    measured = api.calculate(folder, uncertainty_runs=2000).result.uncertainty
    assert base is not None and measured is not None
    width = lambda i: i.high - i.low  # noqa: E731
    assert width(measured.by_category["travel"]) < 0.7 * width(base.by_category["travel"])


def test_thousand_runs_on_the_example_take_well_under_a_second() -> None:
    run = api.calculate(EXAMPLE)
    g = run.calculation.groups
    t0 = time.perf_counter()
    u = simulate(g, "kgco2e_market", list(run.result.by_category), runs=1000, seed=0)
    elapsed = time.perf_counter() - t0
    print(f"\n1,000 Monte Carlo runs over {len(g)} groups: {elapsed * 1000:.0f} ms")
    assert elapsed < 2.0
    assert u.total.low < run.result.totals.gross_tco2e < u.total.high


def test_calc_uncertainty_in_json_text_and_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = run_cli(
        "calc", str(EXAMPLE), "--uncertainty", "--runs", "300", "--seed", "5", "--json", str(out)
    )
    assert r.returncode == 0, r.stderr
    assert "95 % interval (Monte Carlo, 300 runs, seed 5)" in r.stdout
    u = json.loads(out.read_text(encoding="utf-8"))["uncertainty"]
    assert u["method"] == "monte_carlo" and u["runs"] == 300 and u["seed"] == 5
    assert u["total"]["low"] < u["total"]["high"]
    assert set(u["by_category"]) <= set(json.loads(out.read_text())["by_category"])
    assert run_cli("calc", str(EXAMPLE), "--uncertainty", "--runs", "5").returncode == 2
    no = json.loads(run_cli("calc", str(EXAMPLE), "--json", "-").stdout)
    assert no["uncertainty"] is None
    run = api.calculate(EXAMPLE, uncertainty_runs=300)
    html = api.report_bytes(run, ".html", lang="en").decode()
    assert "Uncertainty (95 % interval)" in html and "Approach 1" in html
    assert html.count("<svg") >= 3
    zh = api.report_bytes(run, ".md", lang="zh").decode()
    assert "不确定性" in zh


def test_offsets_sized_to_the_upper_bound(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    point = api.calculate(folder).result
    assert point.totals.neutral  # 34,000 t of credits against 28,597 t
    yaml = folder / "event.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("claim:\n", "claim:\n  offset_to: upper\n"),
        encoding="utf-8",
    )
    upper = api.calculate(folder).result
    assert upper.uncertainty is not None
    assert upper.totals.gross_tco2e == pytest.approx(point.totals.gross_tco2e)
    assert upper.totals.neutrality_tested_tco2e == pytest.approx(upper.uncertainty.total.high)
    assert not upper.totals.neutral and upper.totals.status == "not_neutral"
    assert upper.totals.net_tco2e == pytest.approx(
        upper.uncertainty.total.high - upper.totals.offsets_eligible_tco2e
    )
    assert any(a.code == "offset_to_upper" for a in upper.assumptions)
