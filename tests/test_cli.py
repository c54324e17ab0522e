"""Every command has help with an example; version; init scaffold round trip; output files."""

from __future__ import annotations

import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from carbonexpo import __version__
from carbonexpo.cli import cli
from tests.conftest import EXAMPLE, run_cli


def all_commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize(("path", "cmd"), list(all_commands(cli)), ids=lambda x: str(x))
def test_every_command_has_help_with_an_example(path, cmd) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_version() -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and __version__ in r.stdout


def test_init_writes_a_folder_that_validates(tmp_path) -> None:
    r = run_cli("init", str(tmp_path / "new"), "--id", "new-expo")
    assert r.returncode == 0, r.stderr
    r = run_cli("validate", str(tmp_path / "new"))
    assert r.returncode == 0, r.stderr
    assert "no problems" in r.stdout
    r = run_cli("init", str(tmp_path / "new"))
    assert r.returncode == 2 and "already exists" in r.stderr


def test_calc_writes_json_lines_csv_and_parquet(tmp_path) -> None:
    r = run_cli(
        "calc",
        str(EXAMPLE),
        "--json",
        str(tmp_path / "r.json"),
        "--lines",
        str(tmp_path / "lines.parquet"),
    )
    assert r.returncode == 0, r.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    lines = pd.read_parquet(tmp_path / "lines.parquet")
    for col in (
        "source_file",
        "row",
        "category",
        "scope",
        "phase",
        "activity_quantity",
        "activity_unit",
        "factor_key",
        "factor_value",
        "factor_source",
        "kgco2e",
    ):
        assert col in lines.columns
    assert lines["kgco2e"].sum() / 1000 == pytest.approx(result["totals"]["location_based_tco2e"])
    r = run_cli("calc", str(EXAMPLE), "--lines", str(tmp_path / "lines.csv"))
    assert r.returncode == 0
    assert len(pd.read_csv(tmp_path / "lines.csv")) == len(lines)
    assert r.stdout.rstrip().splitlines()[-1] == "NEUTRAL"  # not "NOT NEUTRAL"


def test_json_fields_of_the_spec_are_present() -> None:
    r = run_cli("calc", str(EXAMPLE), "--json", "-")
    result = json.loads(r.stdout)
    for key in (
        "event",
        "carbonexpo_version",
        "generated_at",
        "factor_sets",
        "inputs",
        "totals",
        "by_category",
        "by_phase",
        "instruments",
        "credits",
        "assumptions",
        "warnings",
    ):
        assert key in result
    for key in (
        "location_based_tco2e",
        "market_based_tco2e",
        "scope1_tco2e",
        "scope2_location_tco2e",
        "scope2_market_tco2e",
        "scope3_tco2e",
        "electricity_mwh",
        "green_power_applied_mwh",
        "green_power_surplus_mwh",
        "offsets_eligible_tco2e",
        "offsets_rejected_tco2e",
        "gross_tco2e",
        "net_tco2e",
        "surplus_tco2e",
        "neutral",
        "per_visit_kgco2e",
    ):
        assert key in result["totals"]
    assert set(result["by_phase"]) == {"build_up", "open", "tear_down"}
    assert set(result["by_category"]) == {
        "electricity",
        "fuels",
        "heat_cooling",
        "refrigerants",
        "travel",
        "accommodation",
        "logistics",
        "catering",
        "waste",
        "materials",
    }
    assert result["inputs"][0]["file"] == "event.yaml"
    assert all(len(i["sha256"]) == 64 for i in result["inputs"])


def test_xlsx_table_reads_like_csv(event, tmp_path) -> None:
    folder = event({})
    pd.DataFrame({"country": ["CN"], "room_nights": [10]}).to_excel(
        folder / "accommodation.xlsx", index=False
    )
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["by_category"]["accommodation"] == pytest.approx(0.535)


def test_writing_to_a_device_writes_through_and_never_replaces_it(tmp_path) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    r = run_cli("calc", str(EXAMPLE), "--json", str(fifo))
    reader.join(timeout=30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["event"]["id"] == "cisce-2024"


def test_atomic_write_leaves_no_partial_file(tmp_path) -> None:
    from carbonexpo.io.writers import write_atomic

    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def failing(p):
        p.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, failing)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_outputs_get_ordinary_permissions(tmp_path) -> None:
    import os
    import stat

    out = tmp_path / "r.json"
    assert run_cli("calc", str(EXAMPLE), "--json", str(out)).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # as a plain open() would make
    out.chmod(0o640)
    assert run_cli("calc", str(EXAMPLE), "--json", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # an existing file keeps its mode


def test_example_as_typed_xlsx_gives_the_same_result(tmp_path) -> None:
    """Tables saved from Excel (numbers as numbers, dates as date cells) read like the CSVs."""
    import shutil

    folder = tmp_path / "xl"
    shutil.copytree(EXAMPLE, folder)
    for name in ("green_power", "credits", "travel", "energy", "booths"):
        csv = folder / f"{name}.csv"
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for c in df.columns:
            numbers = pd.to_numeric(df[c], errors="coerce")
            if numbers.notna().all():
                df[c] = numbers
        for c in ("generation_start", "generation_end", "retired_on", "start", "end"):
            if c in df:
                df[c] = pd.to_datetime(df[c].replace("", None))
        df.replace("", None).to_excel(folder / f"{name}.xlsx", index=False)
        csv.unlink()
    a = json.loads(run_cli("calc", str(folder), "--json", "-").stdout)
    b = json.loads(run_cli("calc", str(EXAMPLE), "--json", "-").stdout)
    for key in ("totals", "by_category", "by_phase", "instruments", "credits"):
        assert a[key] == b[key], key


def test_result_json_refuses_non_finite_numbers() -> None:
    from carbonexpo.api import result_json

    assert result_json({"a": [1.5, {"b": 2}]}).startswith("{")
    with pytest.raises(ValueError, match=r"result.a\[1\].b is nan"):
        result_json({"a": [1.5, {"b": float("nan")}]})


FAULTS = """
import sys, resource
import numpy as np
if sys.argv[1] == "tuned":
    from carbonexpo.cli.process import keep_freed_memory
    assert keep_freed_memory()
a = np.ones(100 << 17); del a  # 100 MB, touched, freed
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
a = np.ones(100 << 17)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_a_batch_run_reuses_freed_memory_instead_of_faulting_it_in_again() -> None:
    """cli.process.keep_freed_memory: a second 100 MB array takes the pages the first freed."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's mallopt")

    def faults(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, check=True
        )
        return int(out.stdout)

    plain, tuned = faults("plain"), faults("tuned")
    assert plain >= 20 and tuned < plain / 10, (plain, tuned)  # 2 MB pages: >= 50 faults


def test_lines_written_batch_by_batch_are_the_lines_written_whole(tmp_path) -> None:
    """--lines streams the lines (api.write_lines_of); the bytes are those of the whole frame,
    whatever the batch size (997 lines: batches that end inside and at the end of blocks)."""
    from carbonexpo import api
    from carbonexpo.io.writers import write_csv_batches

    run = api.calculate(EXAMPLE)
    api.write_lines_of(run, tmp_path / "streamed.csv")  # before run.lines exists: streamed
    api.write_lines_of(run, tmp_path / "streamed.parquet")
    streamed = (
        api.without_float_noise(b.drop(columns=["proxy"]))
        for b in run.calculation.line_batches(rows=997)
    )
    write_csv_batches(streamed, tmp_path / "batches.csv")
    api.write_lines(run.lines, tmp_path / "whole.csv")
    whole = (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "batches.csv").read_bytes() == whole
    assert (tmp_path / "streamed.csv").read_bytes() == whole
    back = pd.read_parquet(tmp_path / "streamed.parquet")
    assert len(back) == len(run.lines) and back["kgco2e_market"].sum() == pytest.approx(
        run.lines["kgco2e_market"].sum()
    )


POOL = """
import os, sys
from carbonexpo.cli.process import arrow_pool_that_returns_memory
print(arrow_pool_that_returns_memory())
import pyarrow as pa
print(pa.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize(("asked", "used"), [(None, "jemalloc"), ("system", "system")])
def test_a_batch_run_takes_arrows_jemalloc_pool_unless_the_user_chose_one(asked, used) -> None:
    """cli.process.arrow_pool_that_returns_memory: set before pyarrow is imported, on Linux
    x86-64 (Arrow's wheels there have jemalloc); ARROW_DEFAULT_MEMORY_POOL set by the user
    wins."""
    import os
    import platform
    import subprocess
    import sys

    if not sys.platform.startswith("linux") or platform.machine() != "x86_64":
        pytest.skip("jemalloc is in Arrow's Linux x86-64 wheels only")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if asked:
        env["ARROW_DEFAULT_MEMORY_POOL"] = asked
    out = subprocess.run(
        [sys.executable, "-c", POOL], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == [str(asked is None), used]
    assert out.stderr == ""


GIVE_BACK = """
import numpy as np
from carbonexpo.cli.process import keep_freed_memory
from carbonexpo.memory import give_back

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 >> 20

assert keep_freed_memory()  # freed memory stays with the process: only give_back returns it
parts = [np.ones(1 << 17) for _ in range(200)]  # 200 MB in 1 MB arrays, touched
del parts
kept = rss()
give_back()
print(kept, rss())
"""


def test_give_back_returns_what_a_finished_step_freed() -> None:
    """memory.give_back: 200 MB freed but kept by a batch run's heap go back to the system
    (the evidence pack calls it between the calculation and the reports)."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc_trim")
    out = subprocess.run(
        [sys.executable, "-c", GIVE_BACK], capture_output=True, text=True, check=True
    )
    kept, after = map(int, out.stdout.split())
    assert kept - after >= 150, (kept, after)
