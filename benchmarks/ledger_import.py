"""Time the import of 1,000,000 BMS readings into a fresh ledger (issue 8: < 60 s), in an
SQLite file or, with --db, in an empty PostgreSQL database (issue 21).

python benchmarks/ledger_import.py [--rows 1000000] [--db postgresql://…] [--record]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.ledger.operations import add_meter, import_file
from carbonexpo.ledger.store import Ledger

HERE = Path(__file__).resolve().parent


def measure_ledger(rows: int = 1_000_000, target: str | None = None) -> dict[str, float]:
    """Import `rows` 15-minute readings into a fresh ledger (`target`: an empty PostgreSQL
    database; default a new SQLite file), verify it, and time the plain SQLite loops beside
    it (seconds and ratios)."""
    per_meter = 12 * 24 * 4
    meters = max(1, rows // per_meter)
    rows = meters * per_meter
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "bms.csv"
        idx = np.arange(rows)
        ts = np.datetime64("2024-11-21T00:00") + (idx % per_meter) * np.timedelta64(15, "m")
        pd.DataFrame(
            {
                "meter": np.char.add("M", (idx // per_meter).astype(str)),
                "timestamp": np.datetime_as_string(ts, unit="m"),
                "value": np.round(np.random.default_rng(7).gamma(2, 8, rows), 3),
            }
        ).to_csv(export, index=False)
        where = target or str(Path(tmp) / "v.db")
        with Ledger.open(where, create=True, timezone="Asia/Shanghai") as ledger:
            for m in range(meters):
                add_meter(
                    ledger,
                    f"M{m}",
                    carrier="electricity",
                    unit="kWh",
                    hall=None,
                    cumulative=False,
                    rollover=None,
                )
            t0 = time.perf_counter()
            summary = import_file(ledger, export)
            import_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            assert ledger.verify() is None
            verify_s = time.perf_counter() - t0
        plain_import, plain_read = plain_loops(export, Path(tmp) / "plain.db")
    return {
        "backend": "postgresql" if target else "sqlite",
        "readings": summary["added"],
        "meters": meters,
        "import_s": import_s,
        "plain_import_s": plain_import,
        "import_ratio": import_s / plain_import,
        "verify_s": verify_s,
        "plain_verify_s": plain_read,
        "verify_ratio": verify_s / plain_read,
    }


def describe(r: dict[str, Any]) -> str:
    return (
        f"ledger import ({r['backend']}): {r['readings']:,} readings ({r['meters']} meters) in "
        f"{r['import_s']:.1f} s ({r['import_ratio']:.1f}x a plain executemany, "
        f"{r['plain_import_s']:.1f} s); ledger verify {r['verify_s']:.1f} s "
        f"({r['verify_ratio']:.1f}x a plain hashing read loop, {r['plain_verify_s']:.1f} s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", help="an empty PostgreSQL database (postgresql://…)")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    line = describe(measure_ledger(args.rows, args.db))
    print(line)
    if args.record:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(f"\n{time.strftime('%Y-%m-%d %H:%M')}: {line} (target < 60 s)\n")


def plain_loops(export: Path, db: Path) -> tuple[float, float]:
    """The denominators (issue 16): the same rows parsed by pandas and inserted by one
    executemany into the same readings schema; then read back by a plain cursor loop that
    hashes each row's text (what any audit check of the rows must at least do)."""
    import hashlib
    import sqlite3

    from carbonexpo.ledger.store import SCHEMA

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA foreign_keys = OFF")
    t0 = time.perf_counter()
    df = pd.read_csv(export)
    start = pd.to_datetime(df["timestamp"]).astype("datetime64[s]").astype("int64").tolist()
    rows = zip(
        df["meter"].tolist(),
        start,
        [s + 900 for s in start],
        df["value"].tolist(),
        [1] * len(df),
        strict=True,
    )
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO readings VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    insert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    h, n = hashlib.sha256(), 0
    for row in conn.execute('SELECT meter_id, start, "end", quantity FROM readings'):
        h.update(repr(row).encode())
        n += 1
    assert n == len(df)
    read_s = time.perf_counter() - t0
    conn.close()
    return insert_s, read_s


if __name__ == "__main__":
    main()
