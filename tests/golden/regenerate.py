"""Regenerate the golden files from the example event. Run from the project root:

    python tests/golden/regenerate.py

Review the diff before committing: a golden file changes only when a number is meant to change.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

GENERATED_AT = dt.datetime(2025, 1, 31, 12, 0, tzinfo=dt.UTC)


def golden_result() -> str:
    from carbonexpo.calc.calculate import calculate
    from carbonexpo.calc.result import build_result
    from carbonexpo.io.event import read_event
    from carbonexpo.service import result_json

    calc = calculate(read_event(ROOT / "examples" / "cisce-2024"))
    return result_json(build_result(calc, generated_at=GENERATED_AT))


def main() -> None:
    (HERE / "cisce-2024.result.json").write_text(golden_result(), encoding="utf-8")
    print("wrote", HERE / "cisce-2024.result.json")


if __name__ == "__main__":
    main()
