"""The words a claim may use (spec §9): green-electricity coverage, reductions and offsets are
stated separately, and an offset-based claim in an EU market is not worded as "carbon neutral"
(Directive (EU) 2024/825, Art. 2 (1)(d), amending 2005/29/EC Annex I, point 4c: claims that a
product has a neutral, reduced or positive impact based on offsetting are banned from
27 September 2026). The claim is never stronger than the data: no data, no claim."""

from __future__ import annotations

from carbonexpo.config import STANDARD_NAMES
from carbonexpo.result import ClaimKind, Status, Wording

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
) -> Wording:
    title_en, title_zh = STANDARD_NAMES["en"][standard], STANDARD_NAMES["zh"][standard]
    eu = sorted(set(markets) & EU_MARKETS)
    status: Status
    kind: ClaimKind
    used = min(offsets_eligible_tco2e, gross_tco2e)
    coverage = (min(green_applied_mwh / electricity_mwh, 1.0)) if electricity_mwh else 0.0
    if no_data:
        status, kind = "no_data", "no_data"
        rule = "no activity data: no claim can be made"
        head_en = "No claim: the event folder holds no activity data."
        head_zh = "不作声明：活动数据为空。"
    elif not neutral:
        status, kind = "not_neutral", "not_neutral"
        rule = "eligible offsets do not cover gross emissions"
        short = gross_tco2e - offsets_eligible_tco2e
        head_en = (
            f"Not carbon neutral under {title_en}: gross emissions of {gross_tco2e:,.3f} tCO2e "
            f"exceed eligible offsets of {offsets_eligible_tco2e:,.3f} tCO2e by "
            f"{short:,.3f} tCO2e."
        )
        head_zh = (
            f"依据{title_zh}，本活动未实现碳中和：排放总量 {gross_tco2e:,.3f} tCO2e 超出合格"
            f"抵消量 {offsets_eligible_tco2e:,.3f} tCO2e，缺口 {short:,.3f} tCO2e。"
        )
    elif eu:
        status, kind = "neutral", "compensated"
        rule = f"claim.markets includes {', '.join(eu)}: {EU_RULE}"
        head_en = (
            f"Emissions compensated by retired credits: {used:,.3f} tCO2e of the event's "
            f"{gross_tco2e:,.3f} tCO2e were compensated by retired carbon credits "
            f"(accounted under {title_en}). This does not mean the event had no "
            "climate impact."
        )
        head_zh = (
            f"排放已由注销的碳信用补偿：活动排放 {gross_tco2e:,.3f} tCO2e 中的 {used:,.3f} tCO2e "
            f"已由注销的碳信用补偿（核算依据：{title_zh}）。这并不表示活动没有气候影响。"
        )
    else:
        status, kind = "neutral", "carbon_neutral"
        rule = f"neutral under {title_en}; no EU market named in claim.markets"
        head_en = (
            f"Carbon neutral under {title_en}: {gross_tco2e:,.3f} tCO2e balanced by "
            f"{used:,.3f} tCO2e of retired carbon credits."
        )
        head_zh = (
            f"依据{title_zh}实现碳中和：排放 {gross_tco2e:,.3f} tCO2e，"
            f"以 {used:,.3f} tCO2e 注销的碳信用抵消。"
        )
    return Wording(
        status=status,
        kind=kind,
        rule=rule,
        headline_en=head_en,
        headline_zh=head_zh,
        green_electricity_en=(
            f"Green electricity: {green_applied_mwh:,.3f} of {electricity_mwh:,.3f} MWh "
            f"({coverage * 100:.1f} %) covered by retired green-electricity instruments."
        ),
        green_electricity_zh=(
            f"绿色电力：{electricity_mwh:,.3f} MWh 用电中 {green_applied_mwh:,.3f} MWh"
            f"（{coverage * 100:.1f}%）由已注销的绿电凭证覆盖。"
        ),
        reductions_en=(
            f"Reductions: green-electricity instruments lower market-based Scope 2 by "
            f"{green_avoided_tco2e:,.3f} tCO2e against the location-based figure."
        ),
        reductions_zh=(
            f"减排：绿电凭证使基于市场的范围二排放比基于位置的数值减少 "
            f"{green_avoided_tco2e:,.3f} tCO2e。"
        ),
        offsets_en=(
            f"Offsets: {used:,.3f} tCO2e of {offsets_eligible_tco2e:,.3f} tCO2e of eligible "
            "retired credits used against the gross emissions."
        ),
        offsets_zh=(
            f"抵消：合格注销碳信用 {offsets_eligible_tco2e:,.3f} tCO2e 中的 {used:,.3f} tCO2e "
            "用于抵消排放总量。"
        ),
    )
