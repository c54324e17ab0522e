"""The verdict with its odds (issue 39): p_neutral and the offset buffer from the Monte Carlo."""

from __future__ import annotations

import re
import shutil
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import carbonexpo
from carbonexpo.calc.odds import odds
from carbonexpo.calc.uncertainty import Z95, factor_range, simulate
from carbonexpo.errors import CertificateRefused
from tests.conftest import EXAMPLE

PHI = NormalDist()


def test_normal_draws_give_phi_and_the_normal_buffer():
    draws = np.random.default_rng(1).normal(100.0, 10.0, 100_000)
    o = odds(draws, 110.0, 0.95, point_tco2e=100.0, approach1_half_width=Z95 * 10.0)
    assert o.p_neutral == pytest.approx(PHI.cdf(1.0), abs=0.01)
    needed = 100.0 + PHI.inv_cdf(0.95) * 10.0  # the offsets that reach 95 %
    expected = needed - 110.0
    # within 0.5 % of what the offsets must reach, and within the error the buffer states
    assert abs(o.offset_buffer_tco2e - expected) <= 0.005 * needed
    assert abs(o.offset_buffer_tco2e - expected) <= o.buffer_mc_error_tco2e
    assert o.approach1_p_neutral == pytest.approx(PHI.cdf(1.0), abs=1e-12)
    assert o.approach1_offset_buffer_tco2e == pytest.approx(expected, rel=1e-12)
    assert 0 < o.buffer_mc_error_tco2e < 0.5  # ~0.2 t at 100,000 runs


def test_one_category_through_the_monte_carlo_matches_the_normal_case():
    """A measured natural-gas line: amount and factor each normal (±5 %), their product's
    mean and variance known; at 100,000 runs p_neutral is Φ((offsets − mean)/σ) within 0.01
    and the buffer mean + z·σ − offsets within 0.5 % (of mean + z·σ, the offsets needed: the
    product's slight skew moves its 95th percentile by 0.05 % of that)."""
    x = 1000.0  # tCO2e
    groups = pd.DataFrame(
        {
            "source_file": ["energy.csv"],
            "quality": pd.Categorical(["measured"]),
            "factor_key": ["fuel.natural_gas"],
            "category": ["fuels"],
            "kgco2e": [x * 1000.0],
        }
    )
    s1, s2 = 0.05 / Z95, factor_range("fuel.natural_gas") / Z95
    sigma = x * np.sqrt((1 + s1**2) * (1 + s2**2) - 1)
    u = simulate(groups, "kgco2e", ["fuels"], runs=100_000, seed=7)
    offsets = 1030.0
    o = odds(u.draws, offsets, 0.95, point_tco2e=x, approach1_half_width=u.approach1_total.high - x)
    assert o.p_neutral == pytest.approx(PHI.cdf((offsets - x) / sigma), abs=0.01)
    needed = x + PHI.inv_cdf(0.95) * sigma
    assert abs(o.offset_buffer_tco2e - (needed - offsets)) <= 0.005 * needed


@pytest.mark.parametrize("offsets", [1e9, 0.0])
def test_buffer_is_zero_when_met_and_odds_are_bounded(offsets):
    draws = np.random.default_rng(2).normal(50.0, 5.0, 2000)
    o = odds(draws, offsets, 0.95, point_tco2e=50.0, approach1_half_width=9.8)
    assert 0.0 <= o.p_neutral <= 1.0
    if offsets:
        assert o.p_neutral == 1.0 and o.offset_buffer_tco2e == 0.0
    else:
        assert o.p_neutral == 0.0 and o.offset_buffer_tco2e > 50.0


def test_the_example_reports_its_odds_and_they_are_stable():
    few = carbonexpo.calculate(EXAMPLE, uncertainty_runs=1000).result.uncertainty
    many = carbonexpo.calculate(EXAMPLE, uncertainty_runs=100_000).result.uncertainty
    assert few.p_neutral is not None and many.p_neutral is not None
    assert few.offsets_tco2e == 34_000.0 and few.target_confidence == 0.95
    assert abs(few.p_neutral - many.p_neutral) <= 0.02
    # the buffer at 1,000 runs is within the Monte Carlo error it states of the 100,000-run one
    assert abs(few.offset_buffer_tco2e - many.offset_buffer_tco2e) <= few.buffer_mc_error_tco2e
    assert many.buffer_mc_error_tco2e < few.buffer_mc_error_tco2e
    assert few.approach1.p_neutral is not None and few.approach1.offset_buffer_tco2e > 0


def folder_with(tmp_path, setting: str):
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^claim:\n", f"claim:\n  {setting}\n", text, count=1)
    (folder / "event.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_certificate_below_min_confidence_is_refused_naming_the_probability(tmp_path):
    run = carbonexpo.calculate(folder_with(tmp_path, "min_confidence: 0.9"))
    assert run.result.uncertainty is not None  # asked for by min_confidence: computed
    p = run.result.uncertainty.p_neutral
    assert p < 0.9
    key, _ = carbonexpo.generate_keys(tmp_path / "issuer.key")
    with pytest.raises(CertificateRefused, match=rf"min_confidence is 90%.* {p:.1%} \(1,000"):
        carbonexpo.issue_certificate(run, key=key, pdf=tmp_path / "c.pdf")


def test_min_confidence_at_its_limit(tmp_path):
    from carbonexpo.certificate.issue import refuse_unless_certifiable

    run = carbonexpo.calculate(folder_with(tmp_path, "min_confidence: 0.5"))
    p = run.result.uncertainty.p_neutral
    for floor, refused in ((p - 0.001, False), (p, False), (p + 0.001, True)):
        claim = run.result.claim.model_copy(update={"min_confidence": floor})
        result = run.result.model_copy(update={"claim": claim})
        try:
            refuse_unless_certifiable(result)
            said = ""
        except CertificateRefused as exc:
            said = str(exc)
        assert ("min_confidence" in said) == refused, floor


def test_scenario_shows_how_the_change_moves_the_odds(tmp_path):
    from tests.conftest import ROOT, run_cli

    out = run_cli(
        "scenario", str(EXAMPLE), str(ROOT / "examples" / "scenario-rail.yaml"),
        "-o", str(tmp_path / "rail"),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    odds_at = lines.index("[odds]")
    row = lines[odds_at + 1].split()
    assert row[0] == "p_neutral" and row[1].endswith("%") and row[4] == "pt"
    assert lines[odds_at + 2].split()[0] == "offset_buffer"


def test_a_certificate_above_min_confidence_carries_its_odds(tmp_path):
    from carbonexpo.certificate.record import build_record

    run = carbonexpo.calculate(folder_with(tmp_path, "min_confidence: 0.5"))
    p = run.result.uncertainty.p_neutral
    assert run.result.claim.wording.odds is not None
    record = build_record(run.result, issuer="t", issue_date="2025-01-10")
    assert record["claim"]["odds_en"].startswith(f"neutral with {p:.1%} probability (1,000")
    assert "实现碳中和的概率为" in record["claim"]["odds_zh"]
    key, _ = carbonexpo.generate_keys(tmp_path / "issuer.key")
    carbonexpo.issue_certificate(run, key=key, pdf=tmp_path / "c.pdf")
    assert (tmp_path / "c.pdf").stat().st_size > 0
    plain = carbonexpo.calculate(EXAMPLE).result  # without min_confidence: no odds in words
    assert plain.claim.wording.odds is None
    assert "odds_en" not in build_record(plain, issuer="t", issue_date="2025-01-10")["claim"]
