"""A large booths.csv (issue 38: "a 1 M-row booths.csv under 1 GB RSS"): a folder of N booths of
K exhibitors beside a one-row energy.csv, and `carbonexpo calc DIR --json /dev/null` on it.

    python benchmarks/booths.py generate /tmp/booths-1m --rows 1000000 --exhibitors 1000000
    python benchmarks/booths.py generate /tmp/booths-5k --rows 1000000 --exhibitors 5000
    python benchmarks/booths.py run /tmp/booths-1m --rounds 3

5,000 exhibitors is a large fair's shape; one exhibitor per booth is the worst case (every
exhibitor a statement of its own in the result). Each round is a fresh process; its wall time and
peak RSS (that child's ru_maxrss, from wait4) are printed, then the medians and the largest peak."""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

import carbonexpo

sys.path.insert(0, str(Path(__file__).parent))
from generate import EVENT_YAML

SEED = 20241126
BUILDS = np.array(["shell", "custom", "modular", "space_only"])
HALLS = np.array([f"H{i}" for i in range(1, 13)])


def generate(out: Path, rows: int, exhibitors: int) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    (out / "event.yaml").write_text(EVENT_YAML, encoding="utf-8")
    (out / "energy.csv").write_text(
        "meter,carrier,start,end,quantity,unit,phase\n"
        "M1,electricity,2024-11-26T00:00,2024-11-26T01:00,100,kWh,open\n",
        encoding="utf-8",
    )
    owner = np.arange(rows) % exhibitors
    table = pa.table(
        {
            "exhibitor": pa.array(np.char.add("Exhibitor Co. ", owner.astype(str))),
            "booth": pa.array(np.char.add("B-", np.arange(rows).astype(str))),
            "area_m2": rng.choice([9.0, 18.0, 36.0, 54.0, 72.0, 144.0, 360.0], rows),
            "build": pa.array(rng.choice(BUILDS, rows)),
            "hall": pa.array(rng.choice(HALLS, rows)),
        }
    )
    pacsv.write_csv(table, out / "booths.csv")


def run(folder: Path, rounds: int) -> None:
    compileall.compile_dir(Path(carbonexpo.__file__).parent, quiet=1)  # as a wheel install is
    walls, peaks = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "carbonexpo", "calc", str(folder), "--json", "/dev/null"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest yet
        wall = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"calc failed: exit status {os.waitstatus_to_exitcode(status)}")
        walls.append(wall)
        peaks.append(usage.ru_maxrss / 1024.0)
        print(f"calc {wall:.1f} s, peak RSS {peaks[-1]:.0f} MiB", flush=True)
    print(
        f"median calc {statistics.median(walls):.1f} s; largest peak RSS {max(peaks):.0f} MiB "
        f"({max(peaks) * 1.048576:.0f} MB)"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("folder", type=Path)
    g.add_argument("--rows", type=int, default=1_000_000)
    g.add_argument("--exhibitors", type=int, default=5_000)
    r = sub.add_parser("run")
    r.add_argument("folder", type=Path)
    r.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.folder, a.rows, a.exhibitors)
    else:
        run(a.folder, a.rounds)


if __name__ == "__main__":
    main()
