"""Time the import of 1,000,000 BMS readings into a fresh ledger (issue 8: < 60 s).

python benchmarks/ledger_import.py [--rows 1000000] [--record]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from carbonexpo.ledger.operations import add_meter, import_file
from carbonexpo.ledger.store import Ledger

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    per_meter = 12 * 24 * 4
    meters = max(1, args.rows // per_meter)
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
        with Ledger.open(Path(tmp) / "v.db", create=True, timezone="Asia/Shanghai") as ledger:
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
            elapsed = time.perf_counter() - t0
            t0 = time.perf_counter()
            assert ledger.verify() is None
            verify_s = time.perf_counter() - t0
    line = (
        f"ledger import: {summary['added']:,} readings ({meters} meters) in {elapsed:.1f} s; "
        f"ledger verify {verify_s:.1f} s"
    )
    print(line)
    if args.record:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(f"\n{time.strftime('%Y-%m-%d %H:%M')}: {line} (target < 60 s)\n")


if __name__ == "__main__":
    main()
