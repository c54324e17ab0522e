"""Real events (issue 34): the instruments' effect told apart from the factors' boundaries,
factors chosen by the activity's year, no -0.0."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo.calc.balance import compute_balance
from carbonexpo.calc.scope2 import instruments_effect_kgco2e, market_based_kgco2e
from carbonexpo.factors.catalog import Factor
from carbonexpo.numbers import clean_tree


def factor(value: float) -> Factor:
    return Factor(
        key="electricity.residual.X", unit="kWh", kgco2e_per_unit=value, set_id="t",
        source_id="t", source_ref="", proxy_for="", note="", year=2024, gas_basis="CO2",
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    location=st.floats(0.0, 1.5),
    residual=st.floats(0.0, 1.5),
    consumption=st.floats(0.0, 1e7),
    applied_mwh=st.floats(0.0, 2e4),
)
def test_the_instruments_effect_is_never_negative(location, residual, consumption, applied_mwh):
    """Whatever the grids and the residual mix, the effect of the instruments is market-based
    without them minus with them: ≥ 0, and 0 without instruments."""
    import numpy as np

    kwh = np.array([consumption])
    elec = np.array([True])
    loc = kwh * location
    with_them = market_based_kgco2e(
        loc, elec, kwh, applied_mwh=applied_mwh, per_kwh=factor(residual)
    )
    without = market_based_kgco2e(loc, elec, kwh, applied_mwh=0.0, per_kwh=factor(residual))
    effect = instruments_effect_kgco2e(applied_mwh, consumption, factor(residual))
    assert effect >= 0.0
    assert math.isclose(effect, float(without.sum() - with_them.sum()), rel_tol=1e-9, abs_tol=1e-6)
    assert instruments_effect_kgco2e(0.0, consumption, factor(residual)) == 0.0


def test_a_venue_without_instruments_states_no_reduction(tmp_path) -> None:
    """The Sichuan case: a provincial location factor below the national residual, no
    instruments: location − market is negative, the instruments' effect is 0."""
    import shutil

    from carbonexpo import api
    from tests.conftest import EXAMPLE

    folder = tmp_path / "e"
    folder.mkdir()
    for name in ("energy.csv",):
        shutil.copy(EXAMPLE / name, folder)
    text = (EXAMPLE / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("grid: CN-North", "grid: CN-Sichuan"), encoding="utf-8"
    )
    result = api.calculate(folder).result
    t = result.totals
    assert t.green_power_avoided_tco2e == 0.0
    assert t.location_minus_market_tco2e < 0  # provincial 0.1404 against the national residual
    assert "by 0.000 tCO2e" in result.claim.wording.reductions.text
    assert "factor_boundaries" in {w.code for w in result.warnings}


def test_no_minus_zero_is_written() -> None:
    b = compute_balance(gross_tco2e=5.0, offsets_tco2e=5.0, basis="market")
    assert math.copysign(1.0, b.surplus_tco2e) == 1.0 and math.copysign(1.0, b.net_tco2e) == 1.0
    assert json.dumps(clean_tree({"x_tco2e": -0.0, "y": -0.0})) == '{"x_tco2e": 0.0, "y": 0.0}'


TWO_YEARS = """\
id: winter-games
name: Two-year event
timezone: Asia/Shanghai
venue: {name: Hall, country: CN, grid: CN-North, latitude: 40.07, longitude: 116.55}
phases:
  build_up:  {start: 2022-12-29, end: 2022-12-30}
  open:      {start: 2022-12-31, end: 2023-01-01}
  tear_down: {start: 2023-01-02, end: 2023-01-02}
factor_sets: [SETS]
claim: {standard: iso-14068-1, basis: location}
"""


def two_years(tmp_path, sets: str):
    from carbonexpo import api

    folder = tmp_path / sets.replace(", ", "_")
    folder.mkdir()
    (folder / "event.yaml").write_text(TWO_YEARS.replace("SETS", sets), encoding="utf-8")
    (folder / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit\n"
        "M1,electricity,2022-12-31T10:00,2022-12-31T11:00,1000,kWh\n"
        "M1,electricity,2022-12-31T23:30,2023-01-01T00:30,500,kWh\n"  # 2022 where it is
        "M1,electricity,2023-01-01T10:00,2023-01-01T11:00,2000,kWh\n",
        encoding="utf-8",
    )
    return api.calculate(folder)


def test_each_year_is_priced_with_its_own_factor(tmp_path) -> None:
    run = two_years(tmp_path, "cn-mee-2022, cn-mee-2023")
    lines = run.lines.sort_values("row")
    assert list(lines["factor_value"]) == [0.6776, 0.6776, 0.6361]  # North China 2022, 2023
    assert set(lines["factor_set"].astype(str)) == {"cn-mee-2022", "cn-mee-2023"}
    expected = (1500 * 0.6776 + 2000 * 0.6361) / 1000
    assert abs(run.result.totals.location_based_tco2e - expected) / expected < 1e-3
    assert not [a for a in run.result.assumptions if a.code == "factor_year_fallback"]


def test_a_missing_year_takes_the_nearest_earlier_one_and_says_so(tmp_path) -> None:
    run = two_years(tmp_path, "cn-mee-2021, cn-mee-2022")
    lines = run.lines.sort_values("row")
    assert list(lines["factor_value"]) == [0.6776, 0.6776, 0.6776]  # 2023 -> 2022, not 2021
    said = [a.text for a in run.result.assumptions if a.code == "factor_year_fallback"]
    assert said == [
        "electricity.grid.CN-North: the listed factor sets have no 2023 factor; the 2022 "
        "factor (cn-mee-2022) is used for 1 row(s) of 2023"
    ]
    earlier = two_years(tmp_path, "cn-mee-2023")  # one set: used for every year, as before
    assert set(earlier.lines["factor_value"]) == {0.6361}


def with_reported(tmp_path, rows: str):
    import shutil

    from tests.conftest import EXAMPLE

    folder = tmp_path / "rep"
    shutil.copytree(EXAMPLE, folder)
    (folder / "reported.csv").write_text(
        "item,category,tco2e,scope,period_start,period_end,reporter,verifier,evidence\n" + rows,
        encoding="utf-8",
    )
    return folder


def test_a_reported_footprint_is_in_gross_tiers_and_completeness(tmp_path) -> None:
    from carbonexpo import api
    from tests.conftest import EXAMPLE

    base = api.calculate(EXAMPLE).result
    folder = with_reported(
        tmp_path,
        "Media centre,materials,125.4,3,2024-11-21,2024-12-02,Operator,CQC,stmt 123\n"
        "Shuttle buses,travel,40,3,,,Bus company,,invoice\n",
    )
    run = api.calculate(folder, uncertainty_runs=200)
    result = run.result
    assert result.totals.gross_tco2e - base.totals.gross_tco2e == pytest.approx(165.4, abs=1e-6)
    assert result.by_category["materials"] - base.by_category["materials"] == pytest.approx(125.4)
    lines = run.lines[run.lines["source_file"] == "reported.csv"]
    assert list(lines["kgco2e"]) == [125400.0, 40000.0]
    assert list(lines["factor_key"]) == ["reported.co2e"] * 2
    quality = run.calculation.groups
    tiers = set(quality[quality["source_file"] == "reported.csv"]["quality"].astype(str))
    assert tiers == {"verified", "reported"}
    said = [a.text for a in result.assumptions if a.code == "reported_footprints"]
    assert said == [
        "reported.csv: 2 footprint(s) reported as totals (165.400 tCO2e; 1 verified) added to "
        "gross as their own lines, as reported"
    ]
    assert result.uncertainty is not None  # in the Monte Carlo, with their tiers' ranges
    assert "reported.csv" in {f.set for f in result.factors_used}


def test_a_reported_footprint_outside_the_event_or_on_electricity_is_refused(tmp_path) -> None:
    from tests.conftest import run_cli

    folder = with_reported(
        tmp_path,
        "Old inventory,materials,10,,2023-01-01,2023-02-01,,,\nGrid power,electricity,5,,,,,,\n",
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert (
        "reported.csv:2:period_start: outside the event's dates 2024-11-21 – 2024-12-02" in r.stderr
    )
    assert "reported.csv:3:category: unknown value 'electricity'" in r.stderr


SINK = (
    "registry,project_id,retired_on,beneficiary,quantity_tco2e,period_start,period_end,evidence\n"
    "FOREST-SINK,Huairou afforestation 2019,2025-01-10,cisce-2024,30000,2023-01-01,2024-06-30,"
    "Beijing forestry bureau verification 2024-09 no. 17\n"
)


def sinks_only(tmp_path, standard: str):
    import shutil

    from carbonexpo import api
    from tests.conftest import EXAMPLE

    folder = tmp_path / standard
    shutil.copytree(EXAMPLE, folder)
    (folder / "credits.csv").write_text(SINK, encoding="utf-8")
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("standard: mee-2019", f"standard: {standard}"), encoding="utf-8"
    )
    return api.calculate(folder).result


def test_a_sinks_only_route_is_neutral_where_the_standard_accepts_sinks(tmp_path) -> None:
    mee = sinks_only(tmp_path, "mee-2019")
    assert mee.totals.neutral and mee.totals.offsets_eligible_tco2e == 30000
    assert mee.totals.offsets_removals_tco2e == 30000  # removals, apart from reductions
    [sink] = mee.credits
    assert (sink.kind, sink.vintage, sink.serial_prefix, sink.status) == (
        "removal",
        2024,
        "",
        "eligible",
    )
    iso = sinks_only(tmp_path, "iso-14068-1")
    assert not iso.totals.neutral and iso.totals.offsets_eligible_tco2e == 0
    [refused] = iso.credits
    assert refused.reason.startswith(
        "forestry sinks (FOREST-SINK) are not carbon credits under iso-14068-1"
    )


def test_a_sink_needs_its_evidence_and_a_credit_its_serials(tmp_path) -> None:
    import shutil

    from tests.conftest import EXAMPLE, run_cli

    folder = tmp_path / "e"
    shutil.copytree(EXAMPLE, folder)
    (folder / "credits.csv").write_text(
        "registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary,"
        "quantity_tco2e,evidence\n"
        "FOREST-SINK,Sink A,2024,,,,2025-01-10,cisce-2024,100,\n"
        "CCER,CCER-1,2024,CCER-1-V2024,,,2025-01-10,cisce-2024,,\n",
        encoding="utf-8",
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert "credits.csv:2:evidence: a forestry sink needs its verification document" in r.stderr
    assert "credits.csv:3:first: required value is empty" in r.stderr
    assert "credits.csv:3:last: required value is empty" in r.stderr


def test_a_sink_is_certified_with_its_quantity(tmp_path) -> None:
    import shutil

    from carbonexpo import api
    from tests.conftest import EXAMPLE

    folder = tmp_path / "cert"
    shutil.copytree(EXAMPLE, folder)
    (folder / "credits.csv").write_text(SINK, encoding="utf-8")
    api.generate_keys(tmp_path / "k.key")
    api.issue_certificate(
        api.calculate(folder), key=tmp_path / "k.key", pdf=tmp_path / "c.pdf",
        issue_date="2025-02-01",
    )  # fmt: skip
    record = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["record"]
    [credit] = record["credits"]
    assert credit["kind"] == "removal" and credit["quantity_tco2e"] == "30000.000000"
    assert api.verify_certificate(tmp_path / "c.json", public_key=tmp_path / "k.key.pub").ok


def test_a_published_green_power_cut_is_reconciled_apart_from_the_balance(tmp_path) -> None:
    """'8,000 MWh of inter-provincial green power, about 3,360 t cut': the organiser's stated
    factor (Shanghai's 0.42) named in event.yaml reproduces the published figure, beside the
    balance, which does not move."""
    import shutil

    from carbonexpo import api
    from tests.conftest import EXAMPLE

    folder = tmp_path / "expo"
    shutil.copytree(EXAMPLE, folder)
    base = api.calculate(folder).result
    assert base.avoided_generation is not None
    assert base.avoided_generation.factor_key == "electricity.grid.CN-North"  # default: grid
    with (folder / "factors.csv").open("a", encoding="utf-8") as f:
        f.write(
            "electricity.stated.Shanghai,kWh,0.42,Shanghai municipal factor as published,2024\n"
        )
    text = (folder / "event.yaml").read_text(encoding="utf-8")

    def named(factor: str) -> None:
        line = f"  radiative_forcing: true\n  avoided_generation_factor: {factor}"
        (folder / "event.yaml").write_text(
            text.replace("  radiative_forcing: true", line), encoding="utf-8"
        )

    named("electricity.stated.Shanghai")
    result = api.calculate(folder).result
    a = result.avoided_generation
    assert a.kgco2e_per_kwh == 0.42 and a.in_balance is False
    assert a.tco2e == pytest.approx(a.mwh * 0.42)
    assert result.totals.gross_tco2e == base.totals.gross_tco2e  # never in the balance
    assert result.totals.net_tco2e == base.totals.net_tco2e
    named("fossil")
    assert api.calculate(folder).result.avoided_generation.kgco2e_per_kwh == 0.8325


GAMES = """\
id: winter-games
name: Winter games
timezone: Asia/Shanghai
venue: {name: Venue, country: CN, grid: CN-North, latitude: 40.0, longitude: 116.0}
phases:
  build_up:  {start: 2019-01-01, end: 2022-02-03}
  open:      {start: 2022-02-04, end: 2022-02-20}
  tear_down: {start: 2022-02-21, end: 2022-03-31}
factor_sets: [cn-mee-2021, cn-mee-2022]
claim:
  standard: iso-14068-1
  basis: market
  green_power_vintage_months: 24
"""
GAMES_GP = (
    "instrument_id,type,mwh,generation_start,generation_end,country,serial_prefix,first,"
    "last,beneficiary,retired_on\n"
    "G-2019,green_power_trade,150,2019-01-01,2019-01-31,CN,GP-A,1,150,winter-games,2022-04-10\n"
    "G-2022,green_power_trade,80,2022-01-01,2022-01-31,CN,GP-B,1,80,winter-games,2022-04-10\n"
)


def games(tmp_path, rule: str):
    from carbonexpo import api

    folder = tmp_path / rule
    folder.mkdir()
    (folder / "event.yaml").write_text(
        GAMES + f"  green_power_vintage_from: {rule}\n", encoding="utf-8"
    )
    (folder / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit\n"
        "M1,electricity,2019-01-15T08:00,2019-01-15T09:00,100,MWh\n"
        "M1,electricity,2022-02-10T08:00,2022-02-10T09:00,100,MWh\n",
        encoding="utf-8",
    )
    (folder / "green_power.csv").write_text(GAMES_GP, encoding="utf-8")
    return api.calculate(folder)


def test_a_multi_year_instrument_covers_the_use_of_its_own_months(tmp_path) -> None:
    run = games(tmp_path, "use")
    gp = run.calculation.green_power.instruments.set_index("instrument_id")
    # 2019's power covers January 2019 (100 MWh), not the 2022 use (beyond its 24 months)
    assert gp.loc["G-2019", "status"] == "applied" and gp.loc["G-2019", "mwh_applied"] == 100
    assert gp.loc["G-2022", "mwh_applied"] == 80
    # every year priced by its own grid factor: 2019 rows take 2021's (the earliest published)
    lines = run.lines.sort_values("row")
    assert list(lines["factor_value"]) == [0.712, 0.6776]
    old_rule = games(tmp_path, "period_end").calculation.green_power.instruments
    old_rule = old_rule.set_index("instrument_id")
    assert old_rule.loc["G-2019", "status"] == "rejected"  # 24 months back from 2022-03-31
    assert old_rule.loc["G-2022", "mwh_applied"] == 80


TWO_SITES = """\
id: two-zones
name: Two zones, two grids, two years
timezone: Asia/Shanghai
venue: {name: Beijing zone, country: CN, grid: CN-Beijing, latitude: 39.99, longitude: 116.39}
sites:
  - {id: beijing, name: Beijing zone, country: CN, grid: CN-Beijing,
     latitude: 39.99, longitude: 116.39}
  - {id: zhangjiakou, name: Zhangjiakou zone, country: CN, grid: CN-Hebei,
     latitude: 40.96, longitude: 115.44}
phases:
  build_up:  {start: 2021-12-01, end: 2022-01-31}
  open:      {start: 2022-02-01, end: 2022-02-20}
  tear_down: {start: 2022-02-21, end: 2022-03-10}
factor_sets: [cn-mee-2021, cn-mee-2022, desnz-2024]
claim: {standard: mee-2019, basis: location}
"""


def test_two_sites_on_two_grids_over_two_years_reproduce_hand_figures(tmp_path) -> None:
    from carbonexpo import api
    from tests.conftest import run_cli

    folder = tmp_path / "zones"
    folder.mkdir()
    (folder / "event.yaml").write_text(TWO_SITES, encoding="utf-8")
    (folder / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit,site\n"
        "BJ,electricity,2021-12-10T08:00,2021-12-10T09:00,100,MWh,beijing\n"
        "BJ,electricity,2022-02-05T08:00,2022-02-05T09:00,200,MWh,Beijing\n"
        "ZJK,electricity,2021-12-10T08:00,2021-12-10T09:00,50,MWh,zhangjiakou\n"
        "ZJK,electricity,2022-02-05T08:00,2022-02-05T09:00,150,MWh,zhangjiakou\n",
        encoding="utf-8",
    )
    (folder / "travel.csv").write_text(
        "group,origin,mode,travellers,round_trips,site\nvisitor,Beijing,car,10,1,zhangjiakou\n",
        encoding="utf-8",
    )
    run = api.calculate(folder)
    sites = run.result.by_site
    # by hand: Beijing 100 MWh x 0.5688 (2021) + 200 x 0.558 (2022);
    # Hebei 50 x 0.7901 (2021) + 150 x 0.7252 (2022)
    beijing = 100 * 0.5688 + 200 * 0.558
    hebei = 50 * 0.7901 + 150 * 0.7252
    assert sites["beijing"].electricity_mwh == pytest.approx(300)
    assert abs(sites["beijing"].location_tco2e - beijing) / beijing < 1e-3
    hebei_site = sites["zhangjiakou"].location_tco2e
    travel = run.lines[run.lines["category"] == "travel"]["kgco2e"].sum() / 1000
    assert abs(hebei_site - travel - hebei) / hebei < 1e-3
    assert sites["shared"].location_tco2e == 0
    # the journey runs to its own site: Beijing to Zhangjiakou, not to the venue
    km = run.lines[run.lines["category"] == "travel"]["activity_quantity"].iloc[0] / 20
    assert 130 * 1.3 < km < 200 * 1.3  # great-circle ~137 km, by road x 1.3
    # several sites: an energy row must say which; an unknown site is named
    (folder / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit,site\n"
        "BJ,electricity,2021-12-10T08:00,2021-12-10T09:00,100,MWh,\n"
        "BJ,electricity,2021-12-10T09:00,2021-12-10T10:00,100,MWh,zhangjiako\n",
        encoding="utf-8",
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert (
        "energy.csv:2:site: several sites: name this row's site (beijing, zhangjiakou)" in r.stderr
    )
    assert "energy.csv:3:site: unknown site 'zhangjiako'" in r.stderr and "zhangjiakou?" in r.stderr


@pytest.mark.parametrize(
    ("reach", "covered"),
    [("2024-10-01", 10.0), ("2024-11-01", 30.0), ("2024-12-01", 60.0)],
)
def test_an_instrument_covers_its_last_month_of_reach(reach, covered) -> None:
    """by_month at its limit: the month an instrument's reach ends in is covered, the next not."""
    import numpy as np
    import pandas as pd

    from carbonexpo.calc.scope2 import by_month

    months = pd.Series(
        [10.0, 20.0, 30.0], index=pd.to_datetime(["2024-10-01", "2024-11-01", "2024-12-01"])
    )
    applied = by_month(np.array([100.0]), np.array([np.datetime64(reach)]), months)
    assert applied.tolist() == [covered]


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ("2024-11-20", "2024-12-02", ["period_start"]),  # a day before the event
        ("2024-11-21", "2024-12-02", []),  # the event's first and last days
        ("2024-11-21", "2024-12-03", ["period_end"]),  # a day after
    ],
)
def test_a_reported_period_at_the_events_edges(tmp_path, start, end, refused) -> None:
    from carbonexpo.errors import InputError
    from carbonexpo.io.event import read_event

    folder = with_reported(tmp_path, f"Media centre,materials,1,,{start},{end},,,\n")
    if not refused:
        assert read_event(folder).tables["reported"].rows == 1
        return
    with pytest.raises(InputError) as caught:
        read_event(folder)
    assert [p.column for p in caught.value.problems] == refused


def test_coverage_within_float_noise_of_whole_leaves_no_residual() -> None:
    """Green power applied up to the consumption, summed in another order, can come out a few
    ulps short of it: a coverage above 1 − 10^-12 (scope2.WHOLE) is whole; at it and one ulp
    below it, the residual stays."""
    import numpy as np

    from carbonexpo.calc.scope2 import WHOLE

    loc, elec = np.array([100.0]), np.array([True])
    kwh, total = np.array([1000.0]), 1000.0  # 1 MWh: the applied MWh is the coverage
    limit = 1.0 - WHOLE
    for coverage, residual in (
        (np.nextafter(limit, 0.0), True),
        (limit, True),
        (np.nextafter(limit, 2.0), False),
    ):
        assert coverage * 1000.0 / total == coverage  # applied MWh × 1000 / kWh: the coverage
        market = market_based_kgco2e(
            loc, elec, kwh, applied_mwh=coverage, per_kwh=factor(0.5), total_kwh=total
        )
        assert bool(market[0] > 0.0) is residual, coverage
