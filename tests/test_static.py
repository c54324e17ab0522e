"""Static checks as tests, so that CI enforces them: ruff (lint) and mypy on the whole package,
with no error code disabled."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_ruff_is_clean() -> None:
    r = run("ruff", "check", "carbonexpo", "tests", "benchmarks", "examples", "factors")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_is_clean_on_the_whole_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "disable_error_code" not in pyproject
    r = run("mypy")
    assert r.returncode == 0, r.stdout + r.stderr
