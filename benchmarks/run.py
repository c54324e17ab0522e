"""Time `carbonexpo calc` against the time pyarrow needs to read the same CSV files.

    python benchmarks/run.py [--scales 1 0.1] [--repeat 3] [--data benchmarks/data]

For each scale: generate the event (if absent), time (a) pyarrow.csv reading every CSV of the
folder in this process and as a fresh process, (b) `carbonexpo calc DIR --json OUT` as a
process and (c) the floor: a process that parses the tables into calc's types while importing
the calculation, and does nothing else. The processes run interleaved, one of each per round,
median of --repeat rounds. Reports the ratio b/a (wall time, and CPU time against the fresh
read), c/a, the peak RSS of (b), the scaling factor between the largest and smallest scale,
and the time of `carbonexpo --help`; then --lines, ledger and report timings unless --quick.
Appends to RESULTS.md with the machine's details when --record is given.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

CALC = [sys.executable, "-m", "carbonexpo", "calc"]


def read_all(folder: Path) -> int:
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        rows += pacsv.read_csv(path).num_rows
    return rows


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _child(
    cmd: list[str], what: str, ok: tuple[int, ...] = (0,)
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a child; (wall seconds, user + system CPU seconds of the child, its result). An exit
    code not in `ok` stops the benchmark with the child's last words."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in ok:
        raise SystemExit(f"{what} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, r


def calc_once(folder: Path) -> tuple[float, float, int]:
    """Run calc in a child that reports its own peak RSS (KiB) on stderr's last line:
    (wall s, CPU s, peak RSS KiB).

    The peak is VmHWM of /proc/self/status: getrusage's ru_maxrss survives fork and exec, so
    a child of this (large) process would report this process's peak instead of its own."""
    code = (
        "import sys, runpy; sys.argv=['carbonexpo','calc',sys.argv[1],'--json',"
        "sys.argv[2]];\ntry:\n runpy.run_module('carbonexpo', run_name='__main__')\n"
        "except SystemExit as e:\n rc=e.code\nelse:\n rc=0\n"
        "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('RSS', hwm, file=sys.stderr)\n"
        "sys.exit(rc)"
    )
    elapsed, cpu, r = _child([sys.executable, "-c", code, str(folder), os.devnull], "calc", (0, 1))
    rss = int(r.stderr.strip().splitlines()[-1].split()[1])
    return elapsed, cpu, rss


def baseline_once(engine: str, folder: Path) -> tuple[float, float, int]:
    """benchmarks/baselines.py's totals by `engine` (duckdb, polars) in a child reporting its
    own peak like calc_once: (wall s, CPU s, peak RSS KiB)."""
    code = (
        "import sys, runpy; script = sys.argv[1]; sys.argv = sys.argv[1:]\n"
        "runpy.run_path(script, run_name='__main__')\n"
        "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('RSS', hwm, file=sys.stderr)\n"
    )
    script = str(HERE / "baselines.py")
    elapsed, cpu, r = _child([sys.executable, "-c", code, script, engine, str(folder)], engine)
    rss = int(r.stderr.strip().splitlines()[-1].split()[1])
    return elapsed, cpu, rss


def read_process(folder: Path) -> tuple[float, float]:
    """The denominator as a user meets it: a fresh process that only parses the folder's CSV
    files with pyarrow (its defaults: types inferred). (wall s, CPU s)."""
    code = (
        "import sys, pathlib, pyarrow.csv as c\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')): c.read_csv(p)"
    )
    elapsed, cpu, _ = _child([sys.executable, "-c", code, str(folder)], "read")
    return elapsed, cpu


def floor_process(folder: Path) -> tuple[float, float]:
    """What calc cannot leave out, as a process: parse every table into calc's column types
    (on the prefetch thread, as calc does) while importing the calculation, then nothing: no
    checks, no calculation, no output. (wall s, CPU s)."""
    code = (
        "import sys, pathlib\n"
        "from carbonexpo.io import prefetch\n"
        "from carbonexpo.io.csv_parse import parse_csv\n"
        "from carbonexpo.io.schema import SCHEMAS\n"
        "folder = pathlib.Path(sys.argv[1]); prefetch.start(folder)\n"
        "import carbonexpo.calc.calculate, carbonexpo.calc.result\n"
        "for p in sorted(folder.glob('*.csv')):\n"
        "    types = prefetch._types(p, SCHEMAS[p.stem])\n"
        "    if prefetch.take(p, types) is None: parse_csv(p, types)\n"
    )
    elapsed, cpu, _ = _child([sys.executable, "-c", code, str(folder)], "floor")
    return elapsed, cpu


def measure(folder: Path, repeat: int, baselines: bool = False) -> dict[str, float]:
    """Medians of `repeat` rounds; in each round the fresh-process read, the floor and calc
    run one after the other (interleaved: on a VM the cost of fresh memory drifts by the
    minute, and back-to-back runs of one kind would each meet the pages the last one freed).
    With `baselines`, DuckDB's and Polars' totals (benchmarks/baselines.py) run in each round
    too, and calc is compared with each by the median of the rounds' ratios."""
    read_s, rows = timed(lambda: read_all(folder), repeat)
    reads, floors, calcs = [], [], []
    others: dict[str, list[tuple[float, float, int]]] = {"duckdb": [], "polars": []}
    for _ in range(repeat):
        reads.append(read_process(folder))
        floors.append(floor_process(folder))
        calcs.append(calc_once(folder))
        if baselines:
            for engine, runs in others.items():
                runs.append(baseline_once(engine, folder))
    med = statistics.median
    compared = {}
    for engine, runs in others.items():
        if runs:
            compared[f"{engine}_s"] = med(r[0] for r in runs)
            compared[f"{engine}_rss_mb"] = max(r[2] for r in runs) / 1024
            compared[f"{engine}_ratio_proc"] = med(
                r[0] / rd[0] for r, rd in zip(runs, reads, strict=True)
            )
            compared[f"calc_vs_{engine}"] = med(
                c[0] / r[0] for c, r in zip(calcs, runs, strict=True)
            )
    calc_s, calc_cpu = med(c[0] for c in calcs), med(c[1] for c in calcs)
    read_proc_s, read_cpu = med(r[0] for r in reads), med(r[1] for r in reads)
    floor_s = med(f[0] for f in floors)
    size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    return {
        "rows": rows,
        "size_mb": size_mb,
        "read_s": read_s,
        "calc_s": calc_s,
        "ratio": calc_s / read_s,
        "rss_mb": max(c[2] for c in calcs) / 1024,
        "read_proc_s": read_proc_s,
        "ratio_proc": calc_s / read_proc_s,
        "floor_s": floor_s,
        "floor_ratio": floor_s / read_proc_s,
        "cpu_ratio": calc_cpu / read_cpu,
        "ratio_proc_rounds": med(c[0] / r[0] for c, r in zip(calcs, reads, strict=True)),
        **compared,
    }


def lines_time(folder: Path, repeat: int) -> dict[str, float]:
    """`--lines out.csv` against pyarrow's CSV writer of the same lines, both in this process
    (the calculation itself is done once, outside the timings)."""
    import tempfile

    import pyarrow as pa

    from carbonexpo.api import calculate, write_lines

    lines = calculate(folder).lines
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lines.csv"
        ours, _ = timed(lambda: write_lines(lines, out), repeat)
        table = pa.Table.from_pandas(lines, preserve_index=False)
        bare, _ = timed(lambda: pacsv.write_csv(table, out), repeat)
    return {"lines": len(lines), "lines_s": ours, "pyarrow_write_s": bare, "ratio": ours / bare}


def report_time(repeat: int) -> float:
    """`carbonexpo report` of the bundled example as a zh PDF, as a process."""
    import tempfile

    example = HERE.parent / "examples" / "cisce-2024"
    with tempfile.TemporaryDirectory() as tmp:
        t, _ = timed(
            lambda: subprocess.run(
                [*CALC[:-1], "report", str(example), "-o", f"{tmp}/r.pdf", "--lang", "zh"],
                capture_output=True,
                check=True,
            ),
            repeat,
        )
    return t


def help_time(repeat: int) -> float:
    t, _ = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "carbonexpo", "--help"], capture_output=True, check=True
        ),
        repeat,
    )
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 0.1])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--record", action="store_true", help="append the results to RESULTS.md")
    ap.add_argument(
        "--quick", action="store_true", help="calc only: no --lines, ledger or report timings"
    )
    ap.add_argument(
        "--baselines",
        action="store_true",
        help="DuckDB's and Polars' totals in every round too (pip install duckdb polars)",
    )
    args = ap.parse_args()
    results = {}
    for scale in args.scales:
        folder = args.data / f"scale-{scale:g}"
        if not (folder / "event.yaml").exists():
            generate(folder, scale)
        results[scale] = measure(folder, args.repeat, args.baselines)
        r = results[scale]
        print(
            f"scale {scale:g}: {r['rows']:,} rows, {r['size_mb']:.0f} MB; pyarrow read "
            f"{r['read_s']:.2f} s (as a process {r['read_proc_s']:.2f} s); calc "
            f"{r['calc_s']:.2f} s; ratio {r['ratio']:.2f} ({r['ratio_proc']:.2f} against the "
            f"process, {r['cpu_ratio']:.2f} in CPU time); floor (typed parse + imports) "
            f"{r['floor_s']:.2f} s = {r['floor_ratio']:.2f}x the process; "
            f"peak RSS {r['rss_mb']:.0f} MB; median of the rounds' ratios to the read "
            f"{r['ratio_proc_rounds']:.2f}",
            flush=True,
        )
        for engine in ("duckdb", "polars"):
            if f"{engine}_s" in r:
                print(
                    f"  {engine}: {r[f'{engine}_s']:.2f} s ({r[f'{engine}_ratio_proc']:.2f}x the "
                    f"read), peak {r[f'{engine}_rss_mb']:.0f} MB; calc / {engine} "
                    f"{r[f'calc_vs_{engine}']:.2f}",
                    flush=True,
                )
    big, small = max(results), min(results)
    scaling = results[big]["calc_s"] / results[small]["calc_s"] if big != small else 1.0
    h = help_time(args.repeat)
    print(
        f"time(scale {big:g}) / time(scale {small:g}) = {scaling:.2f}; "
        f"carbonexpo --help {h * 1000:.0f} ms"
    )
    extra: list[str] = []
    if not args.quick:
        from ledger_import import describe, measure_ledger

        lt = lines_time(args.data / f"scale-{big:g}", args.repeat)
        extra.append(
            f"--lines CSV at scale {big:g}: {lt['lines']:,} lines in {lt['lines_s']:.2f} s, "
            f"{lt['ratio']:.2f}x pyarrow's writer ({lt['pyarrow_write_s']:.2f} s)"
        )
        extra.append(describe(measure_ledger()))
        extra.append(f"report --lang zh PDF of the example: {report_time(args.repeat):.2f} s")
        for line in extra:
            print(line, flush=True)
    if args.record:
        lines = [
            f"\n## {time.strftime('%Y-%m-%d %H:%M')} — {platform.node()}",
            f"{platform.platform()}; Python {platform.python_version()}; pyarrow "
            f"{pyarrow.__version__}; {os.cpu_count()} cores; median of {args.repeat}",
            "",
            "| scale | rows | CSV MB | pyarrow read s (in process / as a process) | calc s "
            "| ratio (in process / as a process / CPU) | floor s (ratio) | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {s:g} | {r['rows']:,} | {r['size_mb']:.0f} | {r['read_s']:.2f} / "
            f"{r['read_proc_s']:.2f} | {r['calc_s']:.2f} | {r['ratio']:.2f} / "
            f"{r['ratio_proc']:.2f} / {r['cpu_ratio']:.2f} | {r['floor_s']:.2f} "
            f"({r['floor_ratio']:.2f}) | {r['rss_mb']:.0f} |"
            for s, r in sorted(results.items(), reverse=True)
        ]
        lines += [
            "",
            f"scaling time({big:g})/time({small:g}) = {scaling:.2f}; "
            f"`carbonexpo --help` {h * 1000:.0f} ms",
            *(f"\n{line}" for line in extra),
        ]
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
