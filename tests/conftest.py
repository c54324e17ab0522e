from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
