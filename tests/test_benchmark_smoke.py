"""The benchmark generator's event goes through calc (tiny scale; timings live in benchmarks/)."""

from __future__ import annotations

import importlib.util
import json

from tests.conftest import ROOT, run_cli


def test_generated_mega_event_smoke(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path / "ev", 0.002)
    r = run_cli("calc", str(tmp_path / "ev"), "--json", "-")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    energy = next(i for i in result["inputs"] if i["file"] == "energy.csv")
    assert energy["rows"] == 9216  # 8 meters × 1,152 quarter hours
    assert result["totals"]["electricity_mwh"] > 0
    assert len(result["credits"]) == 20


def test_benchmark_measure_runs_every_process(tmp_path) -> None:
    """benchmarks/run.py's interleaved read / floor / calc rounds work on a tiny event (the
    floor uses the prefetch's internals: this catches it falling behind them)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
        run = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(run)
        run.generate(tmp_path / "ev", 0.002)
        r = run.measure(tmp_path / "ev", 1)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert r["rows"] > 9216
    assert r["calc_s"] > 0 and r["read_proc_s"] > 0 and r["floor_s"] > 0
    assert r["cpu_ratio"] > 0 and r["rss_mb"] > 0
