"""Write a deterministic synthetic mega event in the spec §2 format.

    python benchmarks/generate.py OUT_DIR --scale 1

Scale 1 = 5,000,000 energy rows (15-minute intervals of ~4,340 meters over 12 days),
1,000,000 travel rows, 200,000 logistics rows, 10,000 credit blocks; scale 0.1 is a tenth.
Columns are built with numpy and written with pyarrow, so generation takes seconds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

SEED = 20241126
START = np.datetime64("2024-11-21T00:00")
INTERVALS_PER_METER = 12 * 24 * 4  # 12 days of 15-minute intervals
CITIES = [
    "Beijing",
    "Tianjin",
    "Shanghai",
    "Guangzhou",
    "Shenzhen",
    "Chengdu",
    "Wuhan",
    "Xi’an",
    "Hangzhou",
    "Nanjing",
    "济南",
    "Qingdao",
    "Harbin",
    "Shenyang",
    "Zhengzhou",
    "Chongqing",
    "Shijiazhuang",
    "Taiyuan",
    "Hohhot",
    "Changsha",
    "Kunming",
    "Nanning",
    "Fuzhou",
    "Xiamen",
    "Dalian",
    "Changchun",
    "Hefei",
    "Nanchang",
    "Lanzhou",
    "Urumqi",
    "上海",
    "天津",
]
AIRPORTS = [
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
    "PVG",
    "CAN",
    "SZX",
    "CTU",
    "HKG",
    "TPE",
    "KIX",
    "MEL",
]
EVENT_YAML = """\
id: mega-expo
name: 超大型展会基准 / Mega expo benchmark
organiser: carbonexpo benchmarks
timezone: Asia/Shanghai
venue: {name: Benchmark Hall, country: CN, grid: CN-North, latitude: 40.07, longitude: 116.55,
        area_m2: 400000}
phases:
  build_up:  {start: 2024-11-21, end: 2024-11-25}
  open:      {start: 2024-11-26, end: 2024-11-30}
  tear_down: {start: 2024-12-01, end: 2024-12-02}
visits: 5000000
factor_sets: [cn-mee-2022, desnz-2024]
claim: {standard: mee-2019, basis: market}
"""


def write(path: Path, columns: dict[str, object]) -> None:
    pacsv.write_csv(
        pa.table(columns), path, pacsv.WriteOptions(include_header=True, quoting_style="needed")
    )


def energy(rng: np.random.Generator, rows: int) -> dict[str, object]:
    meters = max(1, rows // INTERVALS_PER_METER)
    n = meters * INTERVALS_PER_METER
    meter = np.repeat(np.arange(meters), INTERVALS_PER_METER)
    step = np.tile(np.arange(INTERVALS_PER_METER), meters)
    start = START + step * np.timedelta64(15, "m")
    end = start + np.timedelta64(15, "m")
    names = np.char.add("M-", np.arange(meters).astype(str))
    return {
        "meter": pa.array(names[meter]),
        "carrier": pa.array(np.where(meter % 50 == 0, "natural_gas", "electricity")),
        "start": pa.array(np.datetime_as_string(start, unit="m")),
        "end": pa.array(np.datetime_as_string(end, unit="m")),
        "quantity": pa.array(np.round(rng.gamma(2.0, 8.0, n), 3)),
        "unit": pa.array(np.where(meter % 50 == 0, "m3", "kWh")),
        "hall": pa.array(np.char.add("H", (meter % 40).astype(str))),
    }


def travel(rng: np.random.Generator, rows: int) -> dict[str, object]:
    modes = np.array(["metro", "bus", "car", "taxi", "hsr", "air", "coach", "ev_car"])
    mode = modes[rng.choice(len(modes), rows, p=[0.35, 0.1, 0.15, 0.08, 0.15, 0.1, 0.05, 0.02])]
    origin = np.where(
        mode == "air",
        np.array(AIRPORTS)[rng.integers(0, len(AIRPORTS), rows)],
        np.array(CITIES)[rng.integers(0, len(CITIES), rows)],
    )
    local = np.isin(mode, ["metro", "bus", "taxi"])
    distance = np.where(local, np.round(rng.uniform(5, 60, rows), 1), np.nan)
    return {
        "group": pa.array(np.where(rng.random(rows) < 0.9, "visitor", "exhibitor_staff")),
        "origin": pa.array(np.where(local, None, origin)),
        "mode": pa.array(mode),
        "travellers": pa.array(rng.integers(1, 6, rows)),
        "round_trips": pa.array(rng.integers(1, 3, rows)),
        "distance_km": pa.array(distance, from_pandas=True),
        "cabin": pa.array(np.where(mode == "air", "economy", None)),
    }


def logistics(rng: np.random.Generator, rows: int) -> dict[str, object]:
    modes = np.array(["hgv", "van", "rail", "sea", "air"])
    mode = modes[rng.choice(len(modes), rows, p=[0.6, 0.15, 0.1, 0.1, 0.05])]
    given = mode == "sea"
    return {
        "shipment": pa.array(np.char.add("S", np.arange(rows).astype(str))),
        "exhibitor": pa.array(np.char.add("Exhibitor ", (np.arange(rows) % 5000).astype(str))),
        "mode": pa.array(mode),
        "mass_kg": pa.array(np.round(rng.uniform(10, 5000, rows), 1)),
        "distance_km": pa.array(np.where(given, 19000.0, np.nan), from_pandas=True),
        "origin": pa.array(np.array(CITIES)[rng.integers(0, len(CITIES), rows)]),
    }


def credits(rows: int) -> dict[str, object]:
    first = np.arange(rows, dtype=np.int64) * 100 + 1
    return {
        "registry": pa.array(np.where(np.arange(rows) % 10 == 0, "PHCER", "CCER")),
        "project_id": pa.array(np.char.add("P-", (np.arange(rows) % 300).astype(str))),
        "vintage": pa.array(np.full(rows, 2024)),
        "serial_prefix": pa.array(np.char.add("SER-", (np.arange(rows) % 300).astype(str))),
        "first": pa.array(first),
        "last": pa.array(first + 99),
        "retired_on": pa.array(np.full(rows, "2025-01-15")),
        "beneficiary": pa.array(np.full(rows, "mega-expo")),
    }


def generate(out: Path, scale: float) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    (out / "event.yaml").write_text(EVENT_YAML, encoding="utf-8")
    write(out / "energy.csv", energy(rng, int(5_000_000 * scale)))
    write(out / "travel.csv", travel(rng, int(1_000_000 * scale)))
    write(out / "logistics.csv", logistics(rng, int(200_000 * scale)))
    write(out / "credits.csv", credits(max(1, int(10_000 * scale))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    generate(args.out, args.scale)
    print(f"wrote {args.out} at scale {args.scale}")
