"""The words a claim may use (spec §9): green-electricity coverage, reductions and offsets are
stated separately, and an offset-based claim in an EU market is not worded as "carbon neutral"
(Directive (EU) 2024/825, Art. 2 (1)(d), amending 2005/29/EC Annex I, point 4c: claims that a
product has a neutral, reduced or positive impact based on offsetting are banned from
27 September 2026). The claim is never stronger than the data: no data, no claim."""

from __future__ import annotations

from carbonexpo.notes import note
from carbonexpo.result import ClaimKind, Status, Wording
from carbonexpo.words import say

EU_MARKETS = frozenset(
    {
        "EU", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
        "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
EU_RULE = "Directive (EU) 2024/825 (applicable from 27 September 2026)"


def claim_wording(
    *,
    no_data: bool,
    neutral: bool,
    markets: tuple[str, ...],
    standard: str,
    gross_tco2e: float,
    offsets_eligible_tco2e: float,
    electricity_mwh: float,
    green_applied_mwh: float,
    green_avoided_tco2e: float,
    odds: tuple[float, int, int] | None = None,
) -> Wording:
    """Which words the claim may use, as catalog codes and their figures (notes); each language
    renders them from the same code. `odds` (probability, runs, seed): a neutral claim also says
    how likely it is."""
    eu = sorted(set(markets) & EU_MARKETS)
    status: Status
    kind: ClaimKind
    used = min(offsets_eligible_tco2e, gross_tco2e)
    coverage = (min(green_applied_mwh / electricity_mwh, 1.0)) if electricity_mwh else 0.0
    if no_data:
        status, kind = "no_data", "no_data"
        rule = "no activity data: no claim can be made"
        headline = note("claim_no_data")
    elif not neutral:
        status, kind = "not_neutral", "not_neutral"
        rule = "eligible offsets do not cover gross emissions"
        headline = note(
            "claim_not_neutral",
            claim_standard=standard,
            gross_tco2e=gross_tco2e,
            offsets_eligible_tco2e=offsets_eligible_tco2e,
            short_tco2e=gross_tco2e - offsets_eligible_tco2e,
        )
    elif eu:
        status, kind = "neutral", "compensated"
        rule = f"claim.markets includes {', '.join(eu)}: {EU_RULE}"
        headline = note(
            "claim_compensated", claim_standard=standard, gross_tco2e=gross_tco2e, used_tco2e=used
        )
    else:
        status, kind = "neutral", "carbon_neutral"
        rule = f"neutral under {say('standard.' + standard)}; no EU market named in claim.markets"
        headline = note(
            "claim_carbon_neutral",
            claim_standard=standard,
            gross_tco2e=gross_tco2e,
            used_tco2e=used,
        )
    return Wording(
        status=status,
        kind=kind,
        rule=rule,
        headline=headline,
        green_electricity=note(
            "claim_green_electricity",
            green_applied_mwh=green_applied_mwh,
            electricity_mwh=electricity_mwh,
            coverage_pct=coverage * 100,
        ),
        reductions=note("claim_reductions", green_avoided_tco2e=green_avoided_tco2e),
        offsets=note(
            "claim_offsets", used_tco2e=used, offsets_eligible_tco2e=offsets_eligible_tco2e
        ),
        odds=note("claim_odds", p=f"{odds[0]:.1%}", runs=f"{odds[1]:,}", seed=odds[2])
        if odds is not None and status == "neutral"
        else None,
    )
