"""Visitor travel at scale (issue 37): a folder with N registrations, M badge scans and a survey;
`carbonexpo calc` on it against a fresh-process pyarrow read of the same files.

    python benchmarks/visitor_travel.py generate /tmp/vt-bench  # 1 M registrations, 5 M scans
    python benchmarks/visitor_travel.py run /tmp/vt-bench --rounds 3

Rounds are interleaved (read, calc, read, calc …); medians of the per-round ratios are printed
with the peak RSS of calc (resource.getrusage of the child)."""

from __future__ import annotations

import argparse
import compileall
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

import carbonexpo

EVENT = """\
id: vt-bench
name: Visitor travel benchmark
timezone: Asia/Shanghai
venue: {name: Shanghai hall, country: CN, grid: CN-East, latitude: 31.19, longitude: 121.32,
        area_m2: 100000}
phases:
  build_up: {start: 2025-06-01, end: 2025-06-04}
  open: {start: 2025-06-05, end: 2025-06-09}
  tear_down: {start: 2025-06-10, end: 2025-06-11}
factor_sets: [cn-mee-2022, desnz-2025]
"""
# origins as organisers' exports hold them: cities in Chinese and English, a few countries, and
# some that resolve nowhere
CITIES = ["上海", "苏州", "杭州", "南京", "无锡", "宁波", "合肥", "北京", "广州", "深圳", "成都",
          "武汉", "西安", "重庆", "天津", "青岛", "厦门", "长沙", "郑州", "济南"]  # fmt: skip
ABROAD = ["Shanghai", "Hangzhou", "Beijing", "Tokyo", "Seoul", "Singapore", "Frankfurt", "Paris"]
COUNTRIES = ["Germany", "Japan", "USA", "Thailand"]
NOWHERE = ["unknown", "N/A", "Xyzzyville"]
ORIGINS = [*CITIES, *ABROAD, *COUNTRIES, *NOWHERE]
WEIGHTS = np.array(
    [
        30,
        12,
        10,
        8,
        6,
        5,
        4,
        6,
        4,
        4,
        3,
        3,
        2,
        2,
        2,
        2,
        1,
        1,
        1,
        1,
        3,
        2,
        2,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        2,
        1,
        1,
    ],
    dtype=float,
)
MODES = ["metro", "car", "taxi", "bus", "hsr", "rail", "coach", "air"]


def generate(folder: Path, registrations: int, scans: int, responses: int) -> None:
    rng = np.random.default_rng(37)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(EVENT, encoding="utf-8")
    ids = np.char.add("p-", np.char.zfill(np.arange(registrations).astype(str), 20))
    origin = np.array(ORIGINS, dtype=object)[
        rng.choice(len(ORIGINS), registrations, p=WEIGHTS / WEIGHTS.sum())
    ]
    kind = rng.choice(["visitor", "exhibitor_staff", "press", "vip"], registrations,
                      p=[0.85, 0.12, 0.02, 0.01])  # fmt: skip
    pacsv.write_csv(
        pa.table({"attendee_id": ids, "origin": origin, "type": kind}),
        folder / "registrations.csv",
    )
    who = rng.integers(0, registrations, scans)
    day = rng.integers(0, 5, scans)
    second = rng.integers(8 * 3600, 18 * 3600, scans)
    start = np.datetime64("2025-06-05T00:00:00")
    local = start + (day * 86400 + second).astype("timedelta64[s]")
    pacsv.write_csv(
        pa.table({"attendee_id": ids[who], "date": np.datetime_as_string(local, unit="s")}),
        folder / "scans.csv",
    )
    pick = rng.choice(len(ORIGINS) - 3, responses, p=WEIGHTS[:-3] / WEIGHTS[:-3].sum())
    far = pick >= 8
    mode = np.where(far, rng.choice(MODES[4:], responses), rng.choice(MODES[:4], responses))
    pacsv.write_csv(
        pa.table(
            {
                "origin": np.array(ORIGINS, dtype=object)[pick],
                "mode": mode,
                "party_size": rng.integers(1, 4, responses).astype(float),
                "hotel_nights": np.where(far, rng.integers(0, 4, responses), 0).astype(float),
                "went_home": np.where(far, "no", "yes"),
            }
        ),
        folder / "survey.csv",
    )


READ = (
    "import pyarrow.csv as c,sys; "
    "[c.read_csv(f'{sys.argv[1]}/{n}.csv') for n in ('registrations','scans','survey')]"
)


def timed(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024.0


def floor_folder(folder: Path) -> Path:
    """The same event with one registration and one scan: what calc costs before any row
    (Python, imports, the event, factors, rule packs, the result)."""
    small = folder.with_name(folder.name + "-floor")
    small.mkdir(exist_ok=True)
    for name in ("event.yaml", "survey.csv"):
        shutil.copy(folder / name, small / name)
    for name in ("registrations.csv", "scans.csv"):
        with (folder / name).open(encoding="utf-8") as f:
            (small / name).write_text(f.readline() + f.readline(), encoding="utf-8")
    return small


def run(folder: Path, rounds: int) -> None:
    # byte-compiled as an installed wheel is (a checkout run with PYTHONDONTWRITEBYTECODE set
    # compiles every module on each start: ~0.15 s)
    compileall.compile_dir(Path(carbonexpo.__file__).parent, quiet=1)
    small = floor_folder(folder)
    ratios, reads, calcs, floors, peaks = [], [], [], [], []
    for _ in range(rounds):
        r, _ = timed([sys.executable, "-c", READ, str(folder)])
        c, peak = timed([sys.executable, "-m", "carbonexpo", "calc", str(folder)])
        f, _ = timed([sys.executable, "-m", "carbonexpo", "calc", str(small)])
        reads.append(r)
        calcs.append(c)
        floors.append(f)
        peaks.append(peak)
        ratios.append(c / r)
        print(f"read {r:.2f} s  calc {c:.2f} s  ratio {c / r:.2f}  (calc of one row {f:.2f} s)",
              flush=True)  # fmt: skip
    print(
        f"median: read {statistics.median(reads):.2f} s, calc {statistics.median(calcs):.2f} s, "
        f"ratio {statistics.median(ratios):.2f} (range {min(ratios):.2f}–{max(ratios):.2f}); "
        f"calc of one row {statistics.median(floors):.2f} s "
        f"({statistics.median(floors) / statistics.median(reads):.2f}x the read); "
        f"peak RSS of calc (max over rounds) {max(peaks):.0f} MiB"
    )


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("folder", type=Path)
    g.add_argument("--registrations", type=int, default=1_000_000)
    g.add_argument("--scans", type=int, default=5_000_000)
    g.add_argument("--responses", type=int, default=5_000)
    r = sub.add_parser("run")
    r.add_argument("folder", type=Path)
    r.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.folder, a.registrations, a.scans, a.responses)
    else:
        run(a.folder, a.rounds)


if __name__ == "__main__":
    main()
