"""A user's factors.csv on its own (for `carbonexpo factors validate`)."""

from __future__ import annotations

from pathlib import Path

from carbonexpo.errors import raise_if
from carbonexpo.io.checks import check_unique
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import read_table


def validate_factors_file(path: Path) -> int:
    """Return the number of rows; raise InputError listing every problem."""
    table, problems = read_table(path, SCHEMAS["factors"], path.name)
    if table is not None:
        problems += check_unique(table, ["key", "unit"])
    raise_if(problems)
    assert table is not None
    return table.rows
