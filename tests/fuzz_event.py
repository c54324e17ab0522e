"""A seeded fuzzer of event folders: mutate a copy of the example, run `calc` in process, and
check that carbonexpo answers like a tool and not like a crash — exit code 0, 1 or 2, no
traceback, a located first line (FILE:ROW:COLUMN:) on exit 2, nothing written on error.

The suite runs a few dozen cases (tests/test_hostile_inputs.py); for a longer run:

    python tests/fuzz_event.py --cases 200 --seed 1
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cisce-2024"
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:[^:\n]*: \S")
TIME_LIMIT_S = 30.0

YAML_LINES = [
    "deep: " + "[" * 3000 + "]" * 3000,
    "id: other-id",
    "a: &a [1, 2]\nb: *a",
    "x: !!python/object/apply:os.system ['echo pwned']",
    "claim: {basis: sideways}",
    "visits: -5",
    "visits: 1e400",
    "name: \t tab",
    "phases: {open: {start: 2024-13-40, end: 2024-11-30}}",
    "exclusions: {travel: {reason: x, estimate_tco2e: -1}}",
    "exclusions: {teleport: {reason: x, estimate_tco2e: 1}}",
    ": : :",
    "factor_sets: []",
    "- just\n- a\n- list",
    "\x00",
]
CELLS = [
    "", "-1", "nan", "inf", "-inf", "1e400", "1e10", "abc", "1,0", "0x10", "１２", "=1+2",
    "2024-02-30", "9999-12-31T25:61", "\x1b[31m", "\u202e", "'" * 3, '"', "999999999999999999999",
]  # fmt: skip


def _tables(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.is_file())


def m_truncate(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    data = p.read_bytes()
    p.write_bytes(data[: rng.randrange(len(data) + 1)])
    return f"truncate {p.name}"


def m_random_bytes(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    data = bytearray(p.read_bytes())
    at = rng.randrange(len(data) + 1)
    data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
    p.write_bytes(bytes(data))
    return f"bytes into {p.name}"


def m_duplicate_line(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    lines = p.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[rng.randrange(len(lines))])
    p.write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
    return f"duplicate a line of {p.name}"


def m_cell(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    lines = p.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    if len(lines) < 2:
        return "no cell"
    i = rng.randrange(1, len(lines))
    cells = lines[i].split(",")
    j = rng.randrange(len(cells))
    cells[j] = rng.choice(CELLS)
    lines[i] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    return f"cell {p.name}:{i + 1}:{j + 1}"


def m_header(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    lines = p.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    names = lines[0].rstrip("\r\n").split(",")
    what = rng.choice(["drop", "rename", "swap", "extra"])
    if what == "drop" and len(names) > 1:
        names.pop(rng.randrange(len(names)))
    elif what == "rename":
        names[rng.randrange(len(names))] = rng.choice(["Quantity", "qty", "", "mode "])
    elif what == "swap" and len(names) > 1:
        a, b = rng.sample(range(len(names)), 2)
        names[a], names[b] = names[b], names[a]
    else:
        names.append("extra")
    lines[0] = ",".join(names) + "\n"
    p.write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
    return f"header {what} {p.name}"


def m_encoding(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    text = p.read_text(encoding="utf-8", errors="surrogateescape") + "北京,展商\n"
    p.write_bytes(text.encode(rng.choice(["utf-16", "gbk", "utf-32"]), errors="replace"))
    return f"encoding {p.name}"


def m_empty(rng: random.Random, folder: Path) -> str:
    p = rng.choice([*_tables(folder), folder / "event.yaml"])
    p.write_bytes(rng.choice([b"", b"\n", b"\xef\xbb\xbf", b"\x00\x00"]))
    return f"empty {p.name}"


def m_yaml(rng: random.Random, folder: Path) -> str:
    p = folder / "event.yaml"
    line = rng.choice(YAML_LINES)
    with p.open("a", encoding="utf-8") as f:
        f.write("\n" + line + "\n")
    return f"yaml {line[:30]!r}"


def m_laughs(rng: random.Random, folder: Path) -> str:
    p = folder / "event.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    p.write_text(
        "\n".join(lines) + "\n" + p.read_text(encoding="utf-8", errors="surrogateescape"),
        encoding="utf-8",
        errors="surrogateescape",
    )
    return "billion laughs"


def m_remove(rng: random.Random, folder: Path) -> str:
    p = rng.choice([*_tables(folder), folder / "event.yaml"])
    p.unlink()
    return f"remove {p.name}"


# issue 31's classes: identifier variants, a table that is a folder, extreme dates, a header
# with quotes and commas, CR-only line ends, an .xlsx bomb, numbers beyond any range
def m_serial_variant(rng: random.Random, folder: Path) -> str:
    p = folder / "credits.csv"
    if not p.is_file():
        return "no credits.csv"
    lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    if len(lines) < 2 or len(lines[1].split(",")) < 4:
        return "no credit row"
    row = rng.randrange(1, len(lines))
    cells = lines[row].split(",")
    variant = rng.choice(
        [str.lower, lambda t: t.replace("-", "\u2010"), lambda t: t[:2] + "\u200b" + t[2:]]
    )
    if len(cells) < 4:
        return "no prefix cell"
    cells[3] = variant(cells[3])
    lines.append(",".join(cells))  # the same block again, spelt another way
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"serial variant of credits row {row + 1}"


def m_directory(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    p.unlink()
    p.mkdir()
    return f"{p.name} is a folder"


def m_extreme_date(rng: random.Random, folder: Path) -> str:
    value = rng.choice(["0000-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "2024-11-21T24:00"])
    column = rng.choice(["start", "end"])
    p = folder / "energy.csv"
    if not p.is_file():
        return "no energy.csv"
    lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    if len(lines) < 2:
        return "no energy row"
    i = rng.randrange(1, len(lines))
    cells = lines[i].split(",")
    if len(cells) < 4:
        return "no date cell"
    cells[2 if column == "start" else 3] = value
    lines[i] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"energy {column} {value}"


def m_quoted_header(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    text = p.read_text(encoding="utf-8", errors="replace")
    p.write_text('"a ""b"", c",' + text.replace("\n", "\n,", text.count("\n") - 1), "utf-8")
    return f"quoted header in {p.name}"


def m_cr_only(rng: random.Random, folder: Path) -> str:
    p = rng.choice(_tables(folder))
    p.write_bytes(p.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    return f"CR-only {p.name}"


def m_xlsx_bomb(rng: random.Random, folder: Path) -> str:
    import zipfile

    name = rng.choice(["catering", "waste"])
    shutil.rmtree(folder / f"{name}.csv", ignore_errors=True)
    (folder / f"{name}.csv").unlink(missing_ok=True)
    with zipfile.ZipFile(folder / f"{name}.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c><v>" + "9" * (40 * 2**20) + "</v></c>")
    return f"{name}.xlsx bomb"


def m_huge_number(rng: random.Random, folder: Path) -> str:
    p = folder / "event.yaml"
    if not p.is_file():
        return "no event.yaml"
    text = p.read_text(encoding="utf-8", errors="replace")
    if "venue:" not in text:
        return "no venue"
    line = rng.choice(["visits: " + "9" * 40, "  area_m2: 1e400"])
    key = line.strip().split(":")[0]
    kept = [x for x in text.splitlines() if not x.strip().startswith(key + ":")]
    if line.startswith("  "):  # under venue:
        at = next(i for i, x in enumerate(kept) if x.startswith("venue:")) + 1
        kept.insert(at, line)
    else:
        kept.append(line)
    p.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return f"yaml {line.strip()[:20]}"


MUTATIONS: list[Callable[[random.Random, Path], str]] = [
    m_truncate, m_random_bytes, m_duplicate_line, m_cell, m_cell, m_cell, m_header,
    m_encoding, m_empty, m_yaml, m_yaml, m_laughs, m_remove, m_serial_variant, m_directory,
    m_extreme_date, m_quoted_header, m_cr_only, m_xlsx_bomb, m_huge_number,
]  # fmt: skip


def _mutate(mutation: Callable[[random.Random, Path], str], rng: random.Random, f: Path) -> str:
    """One mutation; one that finds nothing to work on (an earlier one emptied the file or
    removed it) is skipped, and said so."""
    try:
        return mutation(rng, f)
    except (ValueError, IndexError, OSError, StopIteration) as exc:
        return f"{mutation.__name__} skipped ({type(exc).__name__})"


@dataclass
class Outcome:
    case: int
    mutations: list[str]
    exit_code: int
    seconds: float
    failure: str  # "" when carbonexpo answered properly


def run_case(case: int, seed: int, work: Path) -> Outcome:
    from click.testing import CliRunner

    from carbonexpo.cli import cli

    rng = random.Random(seed * 100_003 + case)
    folder = work / f"case{case}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLE, folder)
    done = [_mutate(rng.choice(MUTATIONS), rng, folder) for _ in range(rng.randint(1, 3))]
    out = work / f"case{case}.json"
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["calc", str(folder), "--json", str(out)])
    seconds = time.perf_counter() - start
    code = result.exit_code
    failure = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        failure = (
            "traceback: " + "".join(traceback.format_exception(result.exception)).splitlines()[-1]
        )
    elif code not in (0, 1, 2):
        failure = f"exit code {code}"
    elif seconds > TIME_LIMIT_S:
        failure = f"took {seconds:.1f} s"
    elif code == 2:
        first = (result.stderr or "").splitlines()[:1]
        if not first or not LOCATED.match(first[0]):
            failure = f"unlocated: {first[0] if first else '(nothing)'}"
        elif any(ord(c) < 32 and c not in "\n\t" for c in result.stderr):
            failure = "control characters in the message"
        elif out.exists():
            failure = "wrote the result although the input was bad"
    elif code == 0 and not out.exists():
        failure = "exit 0 without a result"
    shutil.rmtree(folder, ignore_errors=True)
    return Outcome(case, done, code, seconds, failure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/carbonexpo-fuzz"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    args.work.mkdir(parents=True, exist_ok=True)
    outcomes = [run_case(i, args.seed, args.work) for i in range(args.cases)]
    codes = Counter(o.exit_code for o in outcomes)
    failures = [o for o in outcomes if o.failure]
    slowest = max(o.seconds for o in outcomes)
    print(
        f"{args.cases} cases, seed {args.seed}: exit codes {dict(sorted(codes.items()))}, "
        f"failures {len(failures)}, slowest {slowest:.2f} s"
    )
    kinds = Counter(f.failure.split(":")[0] for f in failures)
    for kind, n in kinds.items():
        print(f"  {kind}: {n}")
    for f in failures[:20]:
        print(f"  case {f.case} {f.mutations}: {f.failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
