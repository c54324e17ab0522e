"""Static checks as tests, so that CI enforces them: ruff (lint) and mypy on the whole package,
with no error code disabled."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


@pytest.mark.slow
def test_the_api_is_typed_for_a_type_checker(tmp_path) -> None:
    """`carbonexpo.calculate` and the lazily imported names are typed, not Any (issue 32): a
    type checker rejects their misuse."""
    snippet = tmp_path / "use.py"
    snippet.write_text(
        "import carbonexpo\n"
        "a: int = carbonexpo.calculate\n"
        "b: int = carbonexpo.Ledger\n"
        "c: int = carbonexpo.api.load_set\n",
        encoding="utf-8",
    )
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", str(snippet)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert r.stdout.count("error: Incompatible types in assignment") == 3, r.stdout
