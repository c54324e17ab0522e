"""Structured notes: every assumption, warning and reason the calculation states is a code with
parameters, rendered by one catalog per language. No sentence is ever parsed back: the Chinese
text comes from the same code and parameters as the English one.

`Note.text` is the English rendering, kept in the result JSON for people who read it raw.
Enumeration values among the parameters (categories, phases, table names) are shown through
the one glossary (`GLOSSARY`), which the report labels use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from carbonexpo.problem_titles import PROBLEM_TITLES

Param = str | int | float | bool | list[str] | None
LANGS = ("en", "zh")
__all__ = ["GLOSSARY", "MESSAGES", "PROBLEM_TITLES", "Note", "note", "render", "render_all"]

# enumerations as a reader sees them (the report's labels take these too)
GLOSSARY: dict[str, dict[str, str]] = {
    "en": {
        "electricity": "Electricity",
        "fuels": "Fuels",
        "heat_cooling": "Heat and cooling",
        "refrigerants": "Refrigerants",
        "travel": "Travel",
        "accommodation": "Accommodation",
        "logistics": "Logistics",
        "catering": "Catering",
        "waste": "Waste",
        "materials": "Materials",
        "well_to_tank": "Upstream (well-to-tank)",
        "build_up": "Build-up",
        "open": "Open days",
        "tear_down": "Tear-down",
        "shell": "shell scheme",
        "custom": "custom-built",
        "modular": "modular",
        "space_only": "space-only",
        "walk": "walking",
        "bike": "cycling",
        "metro": "metro",
        "bus": "bus",
        "coach": "coach",
        "taxi": "taxi",
        "car": "car",
        "ev_car": "electric car",
        "rail": "rail",
        "hsr": "high-speed rail",
        "air": "air",
        "ferry": "ferry",
        "GEC": "GEC (China green electricity certificate)",
        "green_power_trade": "Green-power trade",
        "I-REC": "I-REC",
        "GO": "Guarantee of origin (GO)",
        "PPA": "Power purchase agreement (PPA)",
        "onsite": "On-site generation",
    },
    "zh": {
        "electricity": "电力",
        "fuels": "化石燃料",
        "heat_cooling": "外购热力与冷量",
        "refrigerants": "制冷剂逸散",
        "travel": "交通出行",
        "accommodation": "住宿",
        "logistics": "物流运输",
        "catering": "餐饮",
        "waste": "废弃物处理",
        "materials": "物料消耗",
        "well_to_tank": "上游排放（井到油箱）",
        "build_up": "布展期",
        "open": "展期",
        "tear_down": "撤展期",
        "shell": "标准",
        "custom": "特装",
        "modular": "模块化",
        "space_only": "光地",
        "walk": "步行",
        "bike": "骑行",
        "metro": "地铁",
        "bus": "公交",
        "coach": "大巴",
        "taxi": "出租车",
        "car": "小汽车",
        "ev_car": "电动汽车",
        "rail": "铁路",
        "hsr": "高铁",
        "air": "航空",
        "ferry": "轮渡",
        "motorised mode mix (mean method)": "机动化出行方式结构（均值法）",
        "GEC": "绿色电力证书",
        "green_power_trade": "绿色电力交易",
        "I-REC": "国际可再生能源证书",
        "GO": "欧盟来源担保证书",
        "PPA": "购电协议",
        "onsite": "现场自发电",
    },
}
# parameters whose values are enumerations shown through the glossary (raw in English text)
GLOSSED = frozenset({"table", "phase", "category", "categories", "build"})

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # assumptions
        "travel_distance_computed": "travel: {rows} row(s) had no distance_km, distances "
        "computed from the origin's coordinates (great-circle × detour: rail 1.2, road 1.3, "
        "bus 1.5, air/ferry 1.0)",
        "logistics_distance_computed": "logistics: {rows} row(s) had no distance_km, distances "
        "computed from coordinates (destination defaults to the venue, road 1.3, rail 1.2, "
        "sea/air/barge great-circle)",
        "default_phase": "{table}: rows without a phase are counted in '{phase}'",
        "residual_fallback": "market-based: no residual-mix factor '{missing_key}', uncovered "
        "electricity valued at the grid factor '{used_key}'",
        "proxy_factors": "proxy factors used (see factor notes): {keys}",
        "no_booths": "no booths.csv: shared venue emissions are not allocated to exhibitors",
        # booth estimates
        "booth_venue_assumed": "venue: not given; {venue} ({country}) assumed for distances, "
        "pass --venue or --event",
        "booth_materials": "estimate: build materials of a {build} booth from default "
        "intensities (kg per m²): {intensities}",
        "booth_power": "estimate: power {kw_per_m2:g} kW per m² ({kw:g} kW) for a {build} booth",
        "booth_hours": "estimate: {hours:g} h a day at {load:.0%} of the connected load over "
        "{days:g} day(s): {kwh:,.0f} kWh at the grid factor (location-based)",
        "booth_staff": "staff: one round trip each; distances from the origin to the venue "
        "(rail 1.2, road 1.3 × great-circle)",
        "booth_freight": "freight: {legs} legs per shipment (to the show and back), distances "
        "from coordinates",
        # warnings
        "short_flights": "travel: {rows} air row(s) fly less than 100 km one way: check the "
        "origin, the distance or the mode",
        "default_cabin": "travel: {rows} air row(s) without a cabin class counted at DESNZ's "
        "average passenger factor",
        "air_bands": "air travel: band by one-way great-circle distance (domestic < 483 km, "
        "short-haul < 3,700 km, long-haul beyond), whatever the countries",
        "place_ambiguous": "{table}.{column}: {text!r} matched several places: {picked} "
        "(the most populous) was used; also: {alternatives}",
        "places_ambiguous_summary": "{count} origin(s) or destination(s) matched several places; "
        "the most populous was used (give 'City, Region, CC' to choose)",
        "place_read_as": "{table}.{column}: {text!r}: {how}",
        "input_read_as": "{file} {column}: {what} {how} ({rows} row(s))",
        "offset_to_upper": "claim.offset_to: upper — the offsets are tested against the upper "
        "bound of the 95 % interval, {upper} tCO2e (gross {gross} tCO2e; Monte Carlo, {runs} "
        "runs, seed {seed})",
        "scenario_applied": "what-if scenario {name!r}, made from {base} on {made}: {changes}; "
        "gross then {base_gross} tCO2e in the base, {gross} tCO2e with the scenario",
        "wtt_on": "well-to-tank: upstream emissions of fuels, electricity (with transmission "
        "and distribution losses), district heat and travel are added as their own lines "
        "(claim.well_to_tank)",
        "wtt_off": "well-to-tank (upstream) emissions are not included (claim.well_to_tank is off)",
        "wtt_missing": "well-to-tank: no upstream factor for {keys} ({file}); those rows have "
        "no upstream line",
        "sea_route": "logistics: {origin} -> {destination} by sea along the sea lanes "
        "(searoute): {km:,.1f} km; {inland:,.1f} km from the places to the lanes are not in "
        "this row (add the road legs as their own rows)",
        "input_synonym": "{file} {column}: {what} {how} (documented synonym)",
        "unknown_file": "{file}: not a table carbonexpo reads, its rows are not in the inventory "
        "— did you mean {table}? (rename it, or move it out of the event folder)",
        "unknown_file_unmatched": "{file}: not a table carbonexpo reads, its rows are not in the "
        "inventory (the tables are listed in TABLES.md; move other files out of the folder)",
        "empty_inventory": "the inventory is empty: no table of the event folder holds an "
        "activity, so there is nothing to neutralise (status: no data)",
        "green_power_surplus": "green power: {mwh:.3f} MWh of eligible instruments exceed "
        "consumption, the surplus is not carried to offsets",
        "exhibitors_without_booth": "exhibitors named in the tables but absent from booths.csv "
        "(no shared share): {names}",
        "categories_missing": "no data and no exclusion for: {categories} — list each under "
        "`exclusions:` in event.yaml with a reason and an estimate, or add its table; a "
        "certificate is refused until then",
        "exclusion_lacks": "exclusion of {category} lacks {missing}",
        "exclusions_over_threshold": "excluded estimates {excluded:,.3f} tCO2e are {share} of "
        "gross, above claim.max_excluded_share {maximum}",
        "exclusion_ignored": "exclusions: {category} has data in the folder; the exclusion is "
        "ignored",
        # certificate refusals
        "no_data": "the event folder holds no activity data: there is nothing to certify",
        "categories_missing_refusal": "categories without data and without an exclusion in "
        "event.yaml: {categories}",
        # reasons: green power
        "gp_market": "market boundary: generated in {country}, outside the venue's market "
        "{venue_country}",
        "hourly_not_possible": "hourly matching not done: {rows} electricity interval(s) are "
        "longer than one hour (generation.csv is kept for when the meters are finer)",
        "phc_not_deducted": "carbon inclusiveness: visitors' green trips avoided {tco2e} tCO2e "
        "against the baseline (visitors.csv); this is reported for the 碳普惠 platform and not "
        "deducted from the inventory",
        "gec_expired": "GEC expired: produced {month}, valid until {until} (two years from the "
        "production month; pre-2024 generation until 2025-12-31 — NEA 国能发新能规〔2024〕67号), "
        "used {used}",
        "gec_ccer_double": "project {project} earned both GECs and CCERs for {year} generation: "
        "one output cannot be claimed twice (NEA/MEE joint notice on GEC–CCER, in force "
        "2024-10-01)",
        "phc_own_programme": "carbon-inclusiveness credits of this event's own visitor programme "
        "({programme}): the visitors' reductions would be counted twice",
        "gp_too_old": "vintage: generation starts {start}, more than {months} months before the "
        "reporting period ends ({end}, earliest allowed {earliest})",
        "gp_too_new": "vintage: generation starts {start}, after the reporting period ends ({end})",
        "not_retired": "not retired: retired_on is empty",
        "retired_for_other": "retired for '{beneficiary}', not for this event '{event}'",
        "claimed_elsewhere": "serial block already claimed by event '{other}' in the ledger",
        "gp_partial": "applied in part: reaches the consumption cap, the rest is surplus",
        "gp_unused": "eligible but not needed: consumption already covered (surplus)",
        # reasons: credits
        "registry_not_accepted": "registry '{registry}' not accepted under {standard} "
        "(accepted: {accepted})",
        "credit_too_old": "vintage {vintage} is older than {oldest} (event year {year} − {age})",
        "retired_late": "retired on {retired_on}, more than {months} months after the reporting "
        "period ended (deadline {deadline})",
    },
    "zh": {
        "travel_distance_computed": "交通出行：{rows} 行未提供距离，按出发地坐标计算（大圆距离 × "
        "绕行系数：铁路 1.2，道路 1.3，公交 1.5，航空/轮渡 1.0）",
        "logistics_distance_computed": "物流运输：{rows} 行未提供距离，按坐标计算（目的地缺省为"
        "场馆；道路 1.3，铁路 1.2，海运/空运/驳船按大圆距离）",
        "default_phase": "{table}：未注明阶段的数据行计入{phase}",
        "residual_fallback": "基于市场：无剩余排放因子 {missing_key}，未覆盖电量按电网因子 "
        "{used_key} 计算",
        "proxy_factors": "使用了替代排放因子（见因子说明）：{keys}",
        "no_booths": "未提供 booths.csv：场馆共用排放未分摊至参展商",
        "booth_venue_assumed": "场馆：未指定；按 {venue}（{country}）计算距离，可用 --venue 或 "
        "--event 指定",
        "booth_materials": "估算：{build}展位搭建材料按默认强度（千克/平方米）：{intensities}",
        "booth_power": "估算：{build}展位用电功率 {kw_per_m2:g} 千瓦/平方米（共 {kw:g} 千瓦）",
        "booth_hours": "估算：每天 {hours:g} 小时、按接入负荷的 {load:.0%}、共 {days:g} 天："
        "{kwh:,.0f} 千瓦时，按电网因子计算（基于位置）",
        "booth_staff": "人员差旅：每人往返一次；距离为出发地至场馆"
        "（铁路 1.2、公路 1.3 × 大圆距离）",
        "booth_freight": "货运：每批 {legs} 程（去程与回程），距离按坐标计算",
        "short_flights": "交通出行：{rows} 行航空出行单程不足 100 公里：请核对出发地、距离或出行"
        "方式",
        "default_cabin": "交通出行：{rows} 行航空出行未注明舱位，按 DESNZ 平均乘客因子计算",
        "air_bands": "航空出行：按单程大圆距离划分航段（国内 < 483 公里，短途 < 3,700 公里，"
        "其余为长途），与国家无关",
        "place_ambiguous": "{table}.{column}：{text!r} 对应多个地点，采用人口最多的 {picked}；"
        "其他：{alternatives}",
        "places_ambiguous_summary": "{count} 个出发地或目的地对应多个地点，均采用人口最多者"
        "（可写作“城市, 地区, 国家代码”加以区分）",
        "place_read_as": "{table}.{column}：{text!r}：{how}",
        "input_read_as": "{file} {column}：{what} {how}（{rows} 行）",
        "offset_to_upper": "claim.offset_to: upper——以 95% 置信区间上限 {upper} tCO2e "
        "检验抵消是否充足（排放总量 {gross} tCO2e；蒙特卡洛模拟 {runs} 次，随机种子 {seed}）",
        "scenario_applied": "情景分析“{name}”，于 {made} 由 {base} 生成：{changes}；"
        "生成时基准排放总量 {base_gross} tCO2e，情景下 {gross} tCO2e",
        "wtt_on": "上游排放：燃料、电力（含输配电损耗）、集中供热和交通出行的上游（井到油箱）排放"
        "单独列项（claim.well_to_tank）",
        "wtt_off": "未计入上游（井到油箱）排放（claim.well_to_tank 未开启）",
        "wtt_missing": "上游排放：{keys} 无上游因子（{file}），相应数据行不计上游排放",
        "sea_route": "物流运输：{origin} → {destination} 海运按航线计算（searoute）："
        "{km:,.1f} 公里；起讫地至航线的 {inland:,.1f} 公里不在此行内（请将陆运段另列一行）",
        "input_synonym": "{file} {column}：{what} {how}（文档所列同义词）",
        "unknown_file": "{file}：不是 carbonexpo 读取的数据表，其中各行未计入排放清单——是否应为 "
        "{table}？（请改名，或移出活动文件夹）",
        "unknown_file_unmatched": "{file}：不是 carbonexpo 读取的数据表，其中各行未计入排放清单"
        "（数据表见 TABLES.md；其他文件请移出活动文件夹）",
        "empty_inventory": "排放清单为空：活动文件夹中没有任何活动数据，无可中和的排放（状态："
        "无数据）",
        "green_power_surplus": "绿色电力：合格凭证超出用电量 {mwh:.3f} 兆瓦时，富余部分不转作抵消",
        "exhibitors_without_booth": "数据表中出现但 booths.csv 未列出的参展商（不分摊共用排放）："
        "{names}",
        "categories_missing": "以下类别既无数据也未声明排除：{categories}——请在 event.yaml 的 "
        "exclusions: 中逐项说明理由和估算值，或补充数据表；在此之前不予签发证书",
        "exclusion_lacks": "{category}的排除声明缺少 {missing}",
        "exclusions_over_threshold": "排除项估算 {excluded:,.3f} tCO2e 占排放总量 {share}，超过 "
        "claim.max_excluded_share {maximum}",
        "exclusion_ignored": "exclusions：{category}在文件夹中有数据，排除声明不予采用",
        "no_data": "活动文件夹中没有活动数据：无可认证的内容",
        "categories_missing_refusal": "以下类别既无数据，也未在 event.yaml 中声明排除："
        "{categories}",
        "gp_market": "市场边界：发电地为 {country}，不属于场馆所在市场 {venue_country}",
        "hourly_not_possible": "未进行逐时匹配：{rows} 个用电计量区间长于一小时（generation.csv "
        "留待计量更细时使用）",
        "phc_not_deducted": "碳普惠：观众绿色出行相对基准减排 {tco2e} tCO2e（visitors.csv）；"
        "该数据供碳普惠平台使用，不从本活动排放清单中扣除",
        "gec_expired": "绿证已过期：{month} 生产，有效期至 {until}（自生产月份起两年；"
        "2024 年前的电量至 2025-12-31——国家能源局 国能发新能规〔2024〕67号），使用日期 {used}",
        "gec_ccer_double": "项目 {project} 的 {year} 年发电量同时获得绿证和 CCER：同一电量不得重复"
        "申领（国家能源局、生态环境部关于绿证与 CCER 衔接的通知，2024-10-01 起施行）",
        "phc_own_programme": "本活动自身观众碳普惠项目（{programme}）产生的碳普惠减排量：观众的减排"
        "将被重复计算",
        "gp_too_old": "发电时间：{start} 开始发电，早于允许的最早日期 {earliest}（核算期结束 "
        "{end} 前 {months} 个月）",
        "gp_too_new": "发电时间：{start} 开始发电，晚于核算期结束（{end}）",
        "not_retired": "未注销：注销日期为空",
        "retired_for_other": "已为 '{beneficiary}' 注销，而非本活动 '{event}'",
        "claimed_elsewhere": "序列号段已被台账中的活动 '{other}' 认领",
        "gp_partial": "部分核销：达到用电量上限，其余为富余",
        "gp_unused": "合格但未使用：用电量已全部覆盖（富余）",
        "registry_not_accepted": "登记系统 {registry} 不在 {standard} 认可范围内"
        "（认可：{accepted}）",
        "credit_too_old": "减排量年份 {vintage} 早于 {oldest}（活动年份 {year} − {age}）",
        "retired_late": "{retired_on} 注销，晚于核算期结束后 {months} 个月（截止 {deadline}）",
    },
}
LIST_SEPARATOR = {"en": ", ", "zh": "、"}
NOTE_SEPARATOR = {"en": "; ", "zh": "；"}


class Note(BaseModel):
    """One statement of the calculation: a catalog code and its parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    params: dict[str, Param] = {}

    @model_validator(mode="before")
    @classmethod
    def _drop_rendered_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and "text" in data:  # a result JSON read back
            data = {k: v for k, v in data.items() if k != "text"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        return render(self, "en")


def note(code: str, **params: Param) -> Note:
    if code not in MESSAGES["en"]:
        raise KeyError(f"no message {code!r} in the catalog")
    return Note(code=code, params=params)


def _shown(name: str, value: Param, lang: str) -> Any:
    glossary = GLOSSARY[lang] if (lang != "en" and name in GLOSSED) else {}
    if isinstance(value, list):
        return LIST_SEPARATOR[lang].join(glossary.get(str(v), str(v)) for v in value)
    if isinstance(value, str):
        return glossary.get(value, value)
    return value


def render(n: Note, lang: str = "en") -> str:
    template = MESSAGES[lang].get(n.code) or MESSAGES["en"][n.code]
    return template.format(**{k: _shown(k, v, lang) for k, v in n.params.items()})


def render_all(notes: Iterable[Note], lang: str = "en") -> str:
    """Several notes as one line (reasons of one instrument or credit block)."""
    return NOTE_SEPARATOR[lang].join(render(n, lang) for n in notes)
