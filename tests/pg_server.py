"""A real PostgreSQL server for the ledger tests: a throw-away cluster (initdb) in a temporary
folder, listening only on a Unix socket there, started once per test session; every test gets
a database of its own. Debian's `postgresql` package provides the binaries (.ci/run installs
it). As root, the server runs as the `postgres` user (PostgreSQL refuses root)."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

_counter = itertools.count()


def bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run(args: list[str], user: str | None) -> None:
    cmd = ["runuser", "-u", user, "--", *args] if user else args
    subprocess.run(cmd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The admin URL of a running server."""
    bins = bindir()
    if bins is None:
        skip_or_fail("PostgreSQL is not installed (apt: postgresql)")
    assert bins is not None
    root = tmp_path_factory.mktemp("pg")
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        shutil.chown(root, user="postgres", group="postgres")
        for parent in root.parents:  # the socket folder must be reachable (xdist: one deeper)
            if parent == Path(tempfile.gettempdir()) or parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o711)
    data, port = root / "data", 54000 + os.getpid() % 1000
    _run(
        [str(bins / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"], user
    )
    options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=60"
    _run(
        [
            str(bins / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        user,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={root}&port={port}"
    finally:
        # not checked: a server whose folder a concurrent pytest run cleaned up is gone anyway
        with contextlib.suppress(subprocess.CalledProcessError):
            _run([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user)


def new_database(admin_url: str) -> str:
    """A fresh, empty database on the server; its URL."""
    import psycopg

    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.replace("/postgres?", f"/{name}?", 1)
