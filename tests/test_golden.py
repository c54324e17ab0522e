"""Golden result JSON of the example event (regenerate only with tests/golden/regenerate.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.golden.regenerate import golden_result

GOLDEN = Path(__file__).parent / "golden" / "cisce-2024.result.json"


def same(a, b, path="") -> list[str]:
    if isinstance(a, float) and isinstance(b, float | int):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) else [f"{path}: {a} != {b}"]
    if isinstance(a, dict) and isinstance(b, dict):
        diffs = [f"{path}: keys {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
        for k in set(a) & set(b):
            diffs += same(a[k], b[k], f"{path}.{k}")
        return diffs
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_example_result_matches_golden() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = json.loads(golden_result())
    assert same(actual, expected) == []


def test_example_shows_the_claim_the_way_the_expo_makes_it() -> None:
    result = json.loads(GOLDEN.read_text(encoding="utf-8"))
    t = result["totals"]
    assert t["neutral"] is True
    assert t["green_power_applied_mwh"] == t["electricity_mwh"]
    assert result["by_category"]["electricity"] == 0.0
    assert any(i["status"] == "rejected" for i in result["instruments"])
    assert any(c["status"] == "rejected" for c in result["credits"])
    assert {c["registry"] for c in result["credits"] if c["status"] == "eligible"} == {
        "CCER",
        "PHCER",
    }
    assert len(result["exhibitors"]) == 620
