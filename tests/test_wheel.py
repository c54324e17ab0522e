"""The wheel carries factors and templates; an installed copy works outside the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel, install it (without deps) in a fresh venv that borrows this
    environment's third-party packages, and return the venv's python."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((work / "dist").glob("carbonexpo-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "carbonexpo/_data/factors/cn-mee-2022/factors.csv" in names
    assert "carbonexpo/_data/factors/geo/cities.csv" in names
    assert any(n.startswith("carbonexpo/_data/templates/") for n in names)
    # the web face's pages and assets ship inside the wheel (nothing from a CDN)
    for asset in ("web/exhibitor.html.j2", "web/static/web.css", "web/static/exhibitor.js"):
        assert f"carbonexpo/_data/templates/{asset}" in names
    env = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    py = env / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    # third-party dependencies only: this environment's carbonexpo is editable (a .pth file,
    # which is not processed for paths added this way), so the wheel's copy is the one found.
    (Path(site) / "deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            site,
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return py


def run(py: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(py), "-m", "carbonexpo", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_installed_copy_is_used_and_loads_every_factor_set(installed: Path, tmp_path: Path) -> None:
    code = (
        "import carbonexpo, carbonexpo.resources as r, carbonexpo.factors.catalog as c;"
        "print(carbonexpo.__file__); print(r.factors_dir());"
        "print(c.self_check()); print(sorted(c.set_ids()))"
    )
    out = subprocess.run(
        [str(installed), "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout.splitlines()
    assert str(ROOT) not in out[0]
    assert out[1].endswith("carbonexpo/_data/factors")
    assert out[2] == "[]"
    assert "cn-mee-2022" in out[3] and "desnz-2024" in out[3]


def test_installed_factors_show(installed: Path, tmp_path: Path) -> None:
    r = run(
        installed,
        "factors",
        "show",
        "electricity.grid.CN-North",
        "--set",
        "cn-mee-2022",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "0.6776" in r.stdout


def test_installed_calc_on_example(installed: Path, tmp_path: Path) -> None:
    r = run(installed, "calc", str(EXAMPLE), "--json", "-", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["event"]["id"] == "cisce-2024"
    assert result["totals"]["neutral"] is True
    # the rule packs ship inside the wheel: every pack judged from the installed copy
    assert len(result["claims"]) == 8
