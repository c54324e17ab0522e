"""The evidence pack's peak memory (issue 36: a scale-1 folder packed under 300 MB peak RSS).

python benchmarks/evidence_pack.py DIR [--runs 6] [--scale 1]

Generates the benchmark folder in DIR when it is not there (benchmarks/generate.py), then packs
it `--runs` times, each in a fresh process signing with a new issuer key, and prints each run's
peak RSS (VmHWM of the child, as /usr/bin/time's %M counts it) and wall time, their median and
maximum, and whether every run stayed under the ceiling. Two runs' zips must be the same bytes.
The peak moves by ~10 MiB from run to run with how the reading threads overlap, so the ceiling
is judged on the largest run, not the median."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CEILING_MB = 300.0
DATE = "2025-01-20"

CHILD = (
    "import sys, runpy\n"
    "sys.argv = ['carbonexpo', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('carbonexpo', run_name='__main__')\n"
    "except SystemExit as e:\n"
    "    rc = e.code\n"
    "else:\n"
    "    rc = 0\n"
    "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
    "print('RSS', hwm, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def pack_once(folder: Path, out: Path, key: Path) -> tuple[float, int]:
    """(wall s, peak RSS KiB) of one `carbonexpo evidence` in a fresh process."""
    argv = ["evidence", str(folder), "-o", str(out), "--key", str(key), "--date", DATE]
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"evidence failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return elapsed, int(r.stderr.strip().splitlines()[-1].split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if not (args.folder / "event.yaml").exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(args.folder), "--scale",
             str(args.scale)],
            check=True,
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "issuer.key"
        subprocess.run(
            [sys.executable, "-m", "carbonexpo", "keys", "generate", "--out", str(key)],
            check=True,
            capture_output=True,
        )
        runs = []
        for i in range(args.runs):
            wall, kib = pack_once(args.folder, Path(tmp) / f"pack{i % 2}.zip", key)
            runs.append((wall, kib))
            mb = kib * 1.024e-3
            print(f"run {i + 1}: {wall:5.1f} s, peak {kib / 1024:6.1f} MiB ({mb:.0f} MB)")
        same = (Path(tmp) / "pack0.zip").read_bytes() == (Path(tmp) / "pack1.zip").read_bytes()
    peaks = [kib * 1.024e-3 for _, kib in runs]  # MB (10^6 bytes)
    print(
        f"median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB, wall median "
        f"{statistics.median(w for w, _ in runs):.1f} s; every run under {CEILING_MB:.0f} MB: "
        f"{'yes' if max(peaks) < CEILING_MB else 'NO'}; two runs the same bytes: "
        f"{'yes' if same or args.runs < 2 else 'NO'}"
    )


if __name__ == "__main__":
    main()
