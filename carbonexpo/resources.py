"""Where the shipped data lives: inside the wheel (carbonexpo/_data) or, in a source checkout,
at the top level of the repository. Never relative to the working directory."""

from __future__ import annotations

from pathlib import Path


def _data_root(name: str) -> Path:
    packaged = Path(__file__).resolve().parent / "_data" / name  # carbonexpo is a plain package
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"carbonexpo data folder {name!r} is missing from the installation")


def factors_dir() -> Path:
    return _data_root("factors")


def templates_dir() -> Path:
    """Where the package's templates are (inside the wheel, or the checkout's templates/)."""
    return _data_root("templates")
