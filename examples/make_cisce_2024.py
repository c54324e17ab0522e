"""Write the illustrative example event examples/cisce-2024 (deterministic, seeded).

The event is modelled on the 2nd China International Supply Chain Expo (Beijing, China
International Exhibition Center Shunyi hall, open 26-30 Nov 2024; ~120,000 m2, ~620 exhibitors
from ~69 countries, ~150,000 visits). Every number here is synthetic and illustrative, not an
official figure of the expo. Run from the project root:  python examples/make_cisce_2024.py
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cisce-2024"
RNG = random.Random(20241126)
EVENT_ID = "cisce-2024"

BUILD = (dt.date(2024, 11, 21), dt.date(2024, 11, 25))
OPEN = (dt.date(2024, 11, 26), dt.date(2024, 11, 30))
TEAR = (dt.date(2024, 12, 1), dt.date(2024, 12, 2))


def days(a: dt.date, b: dt.date) -> list[dt.date]:
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (OUT / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def energy() -> list[list[object]]:
    rows: list[list[object]] = []
    halls = ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2"]
    for hall in halls:
        for n in range(1, 4):
            meter = f"E-{hall}-{n:02d}"
            base = RNG.uniform(60, 110)  # kW overnight base load
            for day in days(BUILD[0], TEAR[1]):
                is_open = OPEN[0] <= day <= OPEN[1]
                is_build = day <= BUILD[1]
                for hour in range(24):
                    start = dt.datetime.combine(day, dt.time(hour))
                    working = 8 <= hour < 18 if is_open else 7 <= hour < 20
                    if is_open and working:
                        kw = RNG.uniform(820, 980)
                    elif working:
                        kw = RNG.uniform(300, 460) if is_build else RNG.uniform(200, 320)
                    else:
                        kw = base
                    rows.append(
                        [
                            meter,
                            "electricity",
                            start.isoformat(timespec="minutes"),
                            (start + dt.timedelta(hours=1)).isoformat(timespec="minutes"),
                            round(kw, 1),
                            "kWh",
                            hall,
                            "",
                        ]
                    )
    for day in days(BUILD[0], TEAR[1]):
        start = dt.datetime.combine(day, dt.time(0))
        end = start + dt.timedelta(days=1)
        is_open = OPEN[0] <= day <= OPEN[1]
        rows.append(
            [
                "HEAT-MAIN",
                "heat",
                start.isoformat(timespec="minutes"),
                end.isoformat(timespec="minutes"),
                round(RNG.uniform(300, 380), 1),
                "GJ",
                "",
                "",
            ]
        )
        if is_open:
            rows.append(
                [
                    "GAS-KITCHEN",
                    "natural_gas",
                    start.isoformat(timespec="minutes"),
                    end.isoformat(timespec="minutes"),
                    round(RNG.uniform(1800, 2300)),
                    "m3",
                    "F&B",
                    "",
                ]
            )
        rows.append(
            [
                "DIESEL-FORKLIFTS",
                "diesel",
                start.isoformat(timespec="minutes"),
                end.isoformat(timespec="minutes"),
                round(RNG.uniform(60, 90) if not is_open else RNG.uniform(5, 10)),
                "L",
                "",
                "",
            ]
        )
    return rows


CN_CITIES = [  # origin, mode, share of the domestic non-Beijing visits
    ("Tianjin", "hsr", 0.16),
    ("Tianjin", "car", 0.05),
    ("Shijiazhuang", "hsr", 0.06),
    ("Shanghai", "hsr", 0.08),
    ("Shanghai", "air", 0.07),
    ("Guangzhou", "air", 0.06),
    ("Shenzhen", "air", 0.06),
    ("Chengdu", "air", 0.05),
    ("Wuhan", "hsr", 0.05),
    ("Xi'an", "hsr", 0.03),
    ("Hangzhou", "air", 0.04),
    ("Nanjing", "hsr", 0.05),
    ("济南", "hsr", 0.05),
    ("Qingdao", "air", 0.03),
    ("Harbin", "air", 0.03),
    ("Shenyang", "hsr", 0.04),
    ("Zhengzhou", "hsr", 0.05),
    ("Chongqing", "air", 0.04),
]
ABROAD = [
    "FRA",
    "LHR",
    "CDG",
    "JFK",
    "LAX",
    "NRT",
    "ICN",
    "SIN",
    "DXB",
    "SVO",
    "GRU",
    "SYD",
    "BKK",
    "KUL",
    "CGK",
    "DEL",
    "JNB",
    "IST",
    "MXP",
    "MAD",
    "AMS",
    "ZRH",
    "VIE",
    "HEL",
    "YYZ",
    "ALA",
    "TAS",
    "HAN",
    "MNL",
    "CAI",
    "ADD",
    "NBO",
    "RUH",
    "DOH",
    "KHI",
    "DAC",
]


def travel(exhibitors: list[tuple[str, str, str]]) -> list[list[object]]:
    rows: list[list[object]] = []
    # Beijing visitors: 100,000 visits by local modes (one-way distance to Shunyi).
    for mode, visits, km in (
        ("metro", 52000, 32),
        ("bus", 9000, 28),
        ("car", 18000, 35),
        ("ev_car", 6000, 35),
        ("taxi", 9000, 30),
        ("coach", 6000, 40),
    ):
        rows.append(["visitor", "", "", mode, visits, 1, km, ""])
    # Other Chinese cities: 38,000 visits (travellers coming once for ~2 days).
    for origin, mode, share in CN_CITIES:
        rows.append(["visitor", "", origin, mode, round(38000 * share), 1, "", ""])
    # From abroad: about 3,500 visits.
    for code in ABROAD:
        n = RNG.randint(40, 150)
        rows.append(["visitor", "", code, "air", n, 1, "", "economy"])
        rows.append(["visitor", "", code, "air", max(5, n // 12), 1, "", "business"])
    # Exhibitor staff.
    for name, country, home in exhibitors:
        staff = RNG.randint(2, 8)
        if country == "CN":
            mode = (
                "hsr"
                if home in ("Tianjin", "Shanghai", "Nanjing", "Wuhan", "济南")
                else ("metro" if home == "Beijing" else "air")
            )
            if home == "Beijing":
                rows.append(["exhibitor_staff", name, "", mode, staff, 5, 30, ""])
            else:
                rows.append(["exhibitor_staff", name, home, mode, staff, 1, "", ""])
        else:
            rows.append(["exhibitor_staff", name, home, "air", staff, 1, "", "economy"])
    rows.append(["organiser_staff", "", "", "coach", 900, 12, 38, ""])
    rows.append(["speaker", "", "LHR", "air", 6, 1, "", "business"])
    rows.append(["speaker", "", "Washington, US", "air", 4, 1, "", "business"])
    return rows


PV_MWH = 42.5  # ONSITE-ROOF-PV in green_power.csv


def generation() -> list[list[object]]:
    """Hourly output of the rooftop PV (hall C) as its meter would log it: daylight 07:00-17:00
    local, a sine over the day, a cloudiness factor per day; whole kWh adding up to the
    instrument's 42.5 MWh."""
    rng = random.Random(20241121)  # its own stream: the other tables stay as they were
    shape = []
    for day in days(BUILD[0], TEAR[1]):
        cloud = rng.uniform(0.45, 1.0)
        for hour in range(7, 17):
            weight = math.sin(math.pi * (hour + 0.5 - 7) / 10) * cloud
            shape.append((day, hour, weight))
    total = sum(w for _, _, w in shape)
    kwh = [round(PV_MWH * 1000 * w / total) for _, _, w in shape]
    kwh[kwh.index(max(kwh))] += round(PV_MWH * 1000) - sum(kwh)  # exact total
    rows = []
    for (day, hour, _), k in zip(shape, kwh, strict=True):
        start = dt.datetime.combine(day, dt.time(hour))
        rows.append(
            [
                "ONSITE-ROOF-PV",
                start.isoformat(timespec="minutes"),
                (start + dt.timedelta(hours=1)).isoformat(timespec="minutes"),
                f"{k / 1000:.3f}",
            ]
        )
    return rows


def visitors() -> list[list[object]]:
    """Visitors' trips registered with the event's green-trip programme (碳普惠): green modes
    earn a reduction against the car; car trips are listed and earn none."""
    return [
        ["Beijing", "metro", 52000, 2, 32, ""],
        ["Beijing", "bus", 9000, 2, 28, ""],
        ["Beijing", "bike", 1500, 2, 8, ""],
        ["Beijing", "walk", 600, 2, 2, ""],
        ["Tianjin", "hsr", 4000, 2, "", ""],
        ["Beijing", "car", 18000, 2, 35, ""],
        ["Beijing", "metro", 1, 2, 22, "V-2024-000123"],
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    homes_cn = [
        "Beijing",
        "Tianjin",
        "Shanghai",
        "Shenzhen",
        "Guangzhou",
        "Nanjing",
        "Wuhan",
        "Hangzhou",
        "Chengdu",
        "济南",
    ]
    exhibitors: list[tuple[str, str, str]] = []
    for i in range(1, 621):
        if i <= 400:
            exhibitors.append((f"CN Supply Chain Co. {i:03d}", "CN", RNG.choice(homes_cn)))
        else:
            exhibitors.append((f"Global Partner {i:03d}", "XX", RNG.choice(ABROAD)))
    write(
        "energy",
        ["meter", "carrier", "start", "end", "quantity", "unit", "hall", "phase"],
        energy(),
    )
    write(
        "refrigerants",
        ["gas", "quantity", "unit", "phase"],
        [
            ["R-410A", 18.5, "kg", "open"],
            ["HFC-134a", 6.2, "kg", "build_up"],
            ["R-32", 4.0, "kg", "open"],
        ],
    )
    write(
        "travel",
        [
            "group",
            "exhibitor",
            "origin",
            "mode",
            "travellers",
            "round_trips",
            "distance_km",
            "cabin",
        ],
        travel(exhibitors),
    )
    write(
        "accommodation",
        ["country", "room_nights", "exhibitor"],
        [["CN", 46000, ""], ["CN", 9800, ""]]
        + [["CN", RNG.randint(8, 30), name] for name, c, _ in exhibitors[400:460]],
    )
    logistics = []
    for n, (name, country, home) in enumerate(exhibitors[::3], start=1):
        mass = RNG.randint(300, 6000)
        if country == "CN":
            origin = home if home != "Beijing" else "Tongzhou"
            logistics.append([f"SHP-{n:04d}", name, "hgv", mass, "", origin, "", "build_up"])
            logistics.append([f"SHP-{n:04d}R", name, "hgv", mass, "", "", origin, "tear_down"])
        elif n % 4 == 0:
            logistics.append([f"SHP-{n:04d}", name, "air", mass // 4, "", home, "PEK", "build_up"])
            logistics.append([f"SHP-{n:04d}T", name, "van", mass // 4, 28, "PEK", "", "build_up"])
        else:
            logistics.append(
                [f"SHP-{n:04d}", name, "sea", mass, 19800, home, "Tianjin", "build_up"]
            )
            logistics.append([f"SHP-{n:04d}T", name, "hgv", mass, "", "Tianjin", "", "build_up"])
    write(
        "logistics",
        [
            "shipment",
            "exhibitor",
            "mode",
            "mass_kg",
            "distance_km",
            "origin",
            "destination",
            "phase",
        ],
        logistics,
    )
    write(
        "catering",
        ["meal", "servings", "exhibitor"],
        [
            ["standard", 118000, ""],
            ["vegetarian", 26000, ""],
            ["vegan", 4200, ""],
            ["meat", 21000, ""],
        ],
    )
    write(
        "waste",
        ["stream", "treatment", "mass_kg", "exhibitor"],
        [
            ["mixed", "incineration", 86000, ""],
            ["paper", "recycling", 21500, ""],
            ["plastic", "recycling", 9400, ""],
            ["food", "composting", 14800, ""],
            ["wood", "recycling", 38000, ""],
            ["carpet", "incineration", 17500, ""],
            ["metal", "recycling", 6200, ""],
            ["mixed", "landfill", 12000, ""],
        ],
    )
    materials = [
        ["carpet", 31000, "virgin", ""],
        ["pvc_print", 8200, "virgin", ""],
        ["paper", 14500, "virgin", ""],
        ["aluminium", 52000, "reused", ""],
        ["timber", 26000, "reused", ""],
    ]
    for name, _, _ in exhibitors[:60]:
        materials.append(["timber", RNG.randint(400, 2500), "virgin", name])
        materials.append(["mdf", RNG.randint(200, 1200), "virgin", name])
        materials.append(["steel", RNG.randint(100, 900), "recycled", name])
    # aluminium 'reused' has no DESNZ factor: the organiser supplies one in factors.csv
    write("materials", ["material", "mass_kg", "origin", "exhibitor"], materials)
    write(
        "factors",
        ["key", "unit", "kgco2e_per_unit", "source", "year"],
        [
            [
                "material.aluminium.reused",
                "t",
                0.0,
                "Organiser: rented aluminium shell-scheme profiles reused across events; embodied "
                "emissions attributed to their first use (cut-off), transport counted in logistics",
                2024,
            ]
        ],
    )
    booths = []
    for i, (name, _, _) in enumerate(exhibitors):
        hall = ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2"][i % 8]
        area = RNG.choice([9, 18, 36, 54, 72, 108, 144, 216, 360])
        build = "shell" if area <= 36 else RNG.choice(["custom", "modular", "space_only"])
        booths.append([name, f"{hall}-{100 + i // 8:03d}", area, build, hall])
    write("booths", ["exhibitor", "booth", "area_m2", "build", "hall"], booths)
    write(
        "green_power",
        [
            "instrument_id",
            "type",
            "mwh",
            "generation_start",
            "generation_end",
            "country",
            "technology",
            "serial_prefix",
            "first",
            "last",
            "beneficiary",
            "retired_on",
        ],
        [
            [
                "ONSITE-ROOF-PV",
                "onsite",
                42.5,
                "2024-11-21",
                "2024-12-02",
                "CN",
                "rooftop PV (hall C)",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "BJ-GPT-2024-11-0087",
                "green_power_trade",
                1500,
                "2024-11-01",
                "2024-11-30",
                "CN",
                "wind (Zhangjiakou, Hebei)",
                "GPT-BJ-202411-ZJK",
                1,
                1500,
                EVENT_ID,
                "2024-12-10",
            ],
            [
                "GEC-NM-2024-09-PV",
                "GEC",
                900,
                "2024-09-01",
                "2024-09-30",
                "CN",
                "solar PV (Inner Mongolia)",
                "GEC-150000-PV-202409",
                400001,
                400900,
                EVENT_ID,
                "2024-12-12",
            ],
            [
                "GEC-QH-2022-03-WIND",
                "GEC",
                300,
                "2022-03-01",
                "2022-03-31",
                "CN",
                "wind (Qinghai)",
                "GEC-630000-WIND-202203",
                1001,
                1300,
                EVENT_ID,
                "2024-12-12",
            ],
            [
                "IREC-VN-2024-0815",
                "I-REC",
                200,
                "2024-08-01",
                "2024-08-31",
                "VN",
                "solar PV",
                "IREC-VN-2024-08",
                50001,
                50200,
                EVENT_ID,
                "2024-12-05",
            ],
        ],
    )
    write(
        "credits",
        [
            "registry",
            "project_id",
            "vintage",
            "serial_prefix",
            "first",
            "last",
            "retired_on",
            "beneficiary",
            "project_type",
        ],
        [
            [
                "CCER",
                "CCER-14-2024-0003",
                2024,
                "CCER-14-2024-0003-V2024",
                1,
                14000,
                "2025-01-15",
                EVENT_ID,
                "afforestation (Hebei Saihanba)",
            ],
            [
                "CCER",
                "CCER-01-2024-0021",
                2024,
                "CCER-01-2024-0021-V2024",
                200001,
                212000,
                "2025-01-15",
                EVENT_ID,
                "offshore wind",
            ],
            [
                "PHCER",
                "BJ-PHCER-2024-METRO",
                2024,
                "BJPH-2024-METRO",
                1,
                8000,
                "2025-02-20",
                EVENT_ID,
                "Beijing 碳普惠: low-carbon commuting (metro and cycling)",
            ],
            [
                "VCS",
                "VCS-1529",
                2021,
                "11043-280113321-280115320-VCS-VCU-259-VER-IN-1-1529",
                280113321,
                280115320,
                "2025-01-20",
                EVENT_ID,
                "renewable energy (India)",
            ],
            [
                "CCER",
                "CCER-05-2015-0110",
                2016,
                "CCER-05-2015-0110-V2016",
                1,
                5000,
                "2025-01-15",
                EVENT_ID,
                "legacy CCER: biomass power",
            ],
            [
                "CEA",
                "CEA-BJ-2024",
                2024,
                "CEA-2024-BJ",
                90001,
                91000,
                "",
                "",
                "national ETS allowance (not yet surrendered)",
            ],
        ],
    )
    write("generation", ["instrument_id", "start", "end", "mwh"], generation())
    write(
        "visitors", ["origin", "mode", "visitors", "trips", "distance_km", "visitor_id"], visitors()
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
