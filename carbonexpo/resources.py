"""Where the shipped data lives: inside the wheel (carbonexpo/_data) or, in a source checkout,
at the top level of the repository. Never relative to the working directory."""

from __future__ import annotations

import os
from pathlib import Path

# an evidence pack's own data (factors, geo, rule packs), used instead of the shipped copy when
# `carbonexpo verify` re-runs a calculation from the pack alone (carbonexpo.evidence)
DATA_ENV = "CARBONEXPO_DATA"


def _data_root(name: str) -> Path:
    if own := os.environ.get(DATA_ENV):
        path = Path(own) / name
        if not path.is_dir():
            raise FileNotFoundError(f"{DATA_ENV}={own}: no {name!r} folder in it")
        return path
    packaged = Path(__file__).resolve().parent / "_data" / name  # carbonexpo is a plain package
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"carbonexpo data folder {name!r} is missing from the installation")


def factors_dir() -> Path:
    return _data_root("factors")


def rules_dir() -> Path | None:
    """The rule packs of an evidence pack under re-run (None: the packs shipped in the
    package, carbonexpo/rules/packs)."""
    if own := os.environ.get(DATA_ENV):
        return Path(own) / "rules"
    return None


def templates_dir() -> Path:
    """Where the package's templates are (inside the wheel, or the checkout's templates/)."""
    return _data_root("templates")
