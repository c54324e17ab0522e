from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Byte-code is written and reused by the test run even where the environment forbids it
# (PYTHONDONTWRITEBYTECODE=1 here): without it every worker compiles the package and has
# pytest rewrite every test module again on each run (~5 s of a one-minute `-m "not slow"`).
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cisce-2024"

EVENT_YAML = """\
id: test-expo
name: 测试博览会 / Test Expo
organiser: Test Org
timezone: Asia/Shanghai
venue:
  name: Test Hall
  country: CN
  grid: CN-North
  latitude: 40.07
  longitude: 116.55
  area_m2: 10000
phases:
  build_up:  {start: 2024-11-21, end: 2024-11-25}
  open:      {start: 2024-11-26, end: 2024-11-30}
  tear_down: {start: 2024-12-01, end: 2024-12-02}
visits: 1000
factor_sets: [cn-mee-2022, desnz-2024]
claim:
  standard: mee-2019
  basis: market
"""


def exclusions_yaml(keep: tuple[str, ...] = ("electricity",)) -> str:
    """event.yaml's `exclusions:` declaring every category but `keep` absent (reason and a zero
    estimate), so that a small test event has a complete boundary and can be certified."""
    from carbonexpo.config import CATEGORY_NAMES

    return "exclusions:\n" + "".join(
        f"  {c}: {{reason: none at this event, estimate_tco2e: 0}}\n"
        for c in CATEGORY_NAMES
        if c not in keep
    )


def make_event(
    folder: Path,
    tables: dict[str, str] | None = None,
    yaml_text: str = EVENT_YAML,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(yaml_text, encoding="utf-8")
    for name, text in (tables or {}).items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


@pytest.fixture
def event(tmp_path: Path):
    def _make(tables: dict[str, str] | None = None, yaml_text: str = EVENT_YAML) -> Path:
        return make_event(tmp_path / "ev", tables, yaml_text)

    return _make


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`carbonexpo ARGS` run in this process with click's CliRunner (as sqlite-utils' tests
    do): the same exit code, standard output and standard error as a fresh process gives, in
    a fraction of the time (a fresh `python -m carbonexpo` costs ~1.6 s of imports). An
    exception that escapes is reported as a process would show it: exit 1 and a traceback."""
    import contextlib
    import traceback

    from click.testing import CliRunner

    from carbonexpo.cli import cli

    with contextlib.chdir(cwd or ROOT):
        result = CliRunner().invoke(cli, list(args), prog_name="carbonexpo")
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception(result.exception)
        )
        code = 1
    return subprocess.CompletedProcess(["carbonexpo", *args], code, result.stdout, stderr)


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m carbonexpo ARGS` in a fresh process: for what only a process shows (its
    imports, its start-up time, signals, files it leaves behind when it exits)."""
    return subprocess.run(
        [sys.executable, "-m", "carbonexpo", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        check=False,
    )


def skip_or_fail(reason: str) -> None:
    """A missing system tool skips a test on a developer's machine, but fails it in CI (CI=true),
    where .ci/run installs the tool: a green CI must have run every test."""
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} — CI must install it (.ci/run)")
    pytest.skip(reason)


# `pytest -m "not slow"` (about a minute) leaves out what needs a real browser, a PostgreSQL
# server, real processes racing or being killed, PDF rendering, an installed wheel or the
# benchmark harness; .ci/run runs everything.
SLOW_FILES = {
    "test_web_browser.py",
    "test_report_worker.py",
    "test_wheel.py",
    "test_benchmark_smoke.py",
    "test_evidence_pack.py",  # every verify re-runs the calculation in a fresh process
}
SLOW_WORDS = (
    "[postgresql", "_on_postgresql", "pdf", "concurrent", "at_once", "killed", "processes",
    "fuzzed",
    "whatever_is_typed",  # a hypothesis run of the web form (11 s)
    "mypy_is_clean",  # the type checker over the whole package (10 s); ruff stays fast
    # whole-example runs through many doors (3-7 s each): the same rules have fast tests
    "every_entry_point_reads_the_same_tables",  # hypothesis over five entry points
    "searched_sorted_and_paged",  # 620 exhibitors through the staff page
    "odds_and_they_are_stable",  # the example at 100,000 Monte Carlo runs
    "interval_narrows_as_responses_grow",  # hypothesis over calculations of two surveys
    "certificate_above_min_confidence",  # renders a certificate PDF
    "620_exhibitors",  # a real SMTP server receiving 620 mails
    "as_typed_xlsx",  # the example as .xlsx and as CSV, calculated twice
    "language_switch_on_every_page",
    "downloads_are_named_by_language",  # renders every report and the workbook
    "lines_to_a_sheet",  # openpyxl writing every line of the example
    "every_module_imports_first",  # each module of the package imported first, ~100 forks
    "common_path_builds_no_registry",  # a fresh process calculating the example
    "declared_exclusion_is_certified",  # renders a certificate PDF
    "scaling_quantities_scales_every_line",  # hypothesis, 25 folders calculated twice
    # streamed tables read twice, whole and in ~100 blocks (their error paths stay fast)
    "streamed_in_a_hundred_batches", "stream_alike", "its_own_record_for_hourly",
    "searched_as_the_index",  # 60 alternate names searched and indexed (3 s)
    "staff_dashboard_shows_totals",  # the example through the dashboard and four downloads
    "without_an_address_the_link",  # 617 mails through a real SMTP server
    "holds_the_log_to_the_head",  # ledger claim in a fresh process, then a certificate
    "migrate_copies_a_ledger",  # two ledgers filled and compared by the command line
)  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        name = item.nodeid.lower()
        if Path(str(item.fspath)).name in SLOW_FILES or any(w in name for w in SLOW_WORDS):
            item.add_marker(pytest.mark.slow)
