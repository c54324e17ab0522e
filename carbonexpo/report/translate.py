"""Chinese wording for the sentences the calculator writes (reasons, assumptions, warnings).

The calculator speaks English; each sentence it can produce has one pattern here. A sentence
with no pattern is shown as written (tests check that the example event needs none)."""

from __future__ import annotations

import re

STANDARD_ZH = {
    "mee-2019": "大型活动碳中和实施指南",
    "iso-14068-1": "ISO 14068-1",
    "pas-2060": "PAS 2060",
}
PHASE_ZH = {"build_up": "布展期", "open": "展期", "tear_down": "撤展期"}
TABLE_ZH = {
    "travel": "交通出行",
    "logistics": "物流运输",
    "refrigerants": "制冷剂",
    "accommodation": "住宿",
    "catering": "餐饮",
    "materials": "物料",
    "waste": "废弃物",
}

PATTERNS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(p), r)
    for p, r in [
        (
            r"^market boundary: generated in (.+), outside the venue's market (.+)$",
            r"市场边界：发电地为 \1，不属于场馆所在市场 \2",
        ),
        (
            r"^vintage: generation starts (\S+), more than (\d+) months before the reporting period "
            r"ends \((\S+), earliest allowed (\S+)\)$",
            r"发电时间：\1 开始发电，早于允许的最早日期 \4（核算期结束 \3 前 \2 个月）",
        ),
        (
            r"^vintage: generation starts (\S+), after the reporting period ends \((\S+)\)$",
            r"发电时间：\1 开始发电，晚于核算期结束（\2）",
        ),
        (r"^not retired: retired_on is empty$", "未注销：注销日期为空"),
        (r"^retired for (.+), not for this event (.+)$", r"已为 \1 注销，而非本活动 \2"),
        (
            r"^serial block already claimed by event (.+) in the ledger$",
            r"序列号段已被台账中的活动 \1 认领",
        ),
        (
            r"^applied in part: reaches the consumption cap, the rest is surplus$",
            "部分核销：达到用电量上限，其余为富余",
        ),
        (
            r"^eligible but not needed: consumption already covered \(surplus\)$",
            "合格但未使用：用电量已全部覆盖（富余）",
        ),
        (
            r"^registry '(.+)' not accepted under (\S+) \(accepted: (.+)\)$",
            r"登记系统 \1 不在 \2 认可范围内（认可：\3）",
        ),
        (
            r"^vintage (\d+) is older than (\d+) \(event year (\d+) − (\d+)\)$",
            r"减排量年份 \1 早于 \2（活动年份 \3 − \4）",
        ),
        (
            r"^retired on (\S+), more than (\d+) months after the reporting period ended "
            r"\(deadline (\S+)\)$",
            r"\1 注销，晚于核算期结束后 \2 个月（截止 \3）",
        ),
        (
            r"^travel: (\d+) row\(s\) had no distance_km, distances computed from the origin's "
            r"coordinates .*$",
            r"交通出行：\1 行未提供距离，按出发地坐标计算（大圆距离 × 绕行系数：铁路 1.2，道路 1.3，"
            r"公交 1.5，航空/轮渡 1.0）",
        ),
        (
            r"^logistics: (\d+) row\(s\) had no distance_km, distances computed from coordinates .*$",
            r"物流运输：\1 行未提供距离，按坐标计算（目的地缺省为场馆；道路 1.3，铁路 1.2，"
            r"海运/空运/驳船按大圆距离）",
        ),
        (r"^(\w+): rows without a phase are counted in '(\w+)'$", None),
        (
            r"^market-based: no residual-mix factor '(.+)', uncovered electricity valued at the grid "
            r"factor '(.+)'$",
            r"基于市场：无剩余排放因子 \1，未覆盖电量按电网因子 \2 计算",
        ),
        (
            r"^proxy factors used \(see factor notes\): (.+)$",
            r"使用了替代排放因子（见因子说明）：\1",
        ),
        (
            r"^no booths.csv: shared venue emissions are not allocated to exhibitors$",
            "未提供 booths.csv：场馆共用排放未分摊至参展商",
        ),
        (
            r"^travel: (\d+) air row\(s\) without a resolvable origin were treated as international "
            r"\(short- or long-haul by distance\)$",
            r"交通出行：\1 行航空出行无法确定出发地，按国际航班（按距离分短途/长途）计算",
        ),
        (
            r"^green power: (\S+) MWh of eligible instruments exceed consumption, the surplus is not "
            r"carried to offsets$",
            r"绿色电力：合格凭证超出用电量 \1 兆瓦时，富余部分不转作抵消",
        ),
        (
            r"^exhibitors named in the tables but absent from booths.csv \(no shared share\): (.+)$",
            r"数据表中出现但 booths.csv 未列出的参展商（不分摊共用排放）：\1",
        ),
    ]
]


def _one(sentence: str) -> str:
    for pattern, replacement in PATTERNS:
        m = pattern.match(sentence)
        if not m:
            continue
        if replacement is None:  # the phase sentence needs two lookups
            table, phase = m.group(1), m.group(2)
            return (
                f"{TABLE_ZH.get(table, table)}：未注明阶段的数据行计入{PHASE_ZH.get(phase, phase)}"
            )
        return m.expand(replacement)
    return sentence


def to_chinese(text: str | None) -> str | None:
    """Translate a calculator sentence (reasons may be several, joined by '; ')."""
    if not text:
        return text
    return "；".join(_one(part) for part in text.split("; "))


def untranslated(text: str) -> list[str]:
    return [part for part in text.split("; ") if part and _one(part) == part]
