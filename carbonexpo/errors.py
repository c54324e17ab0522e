"""One error root with narrow subclasses; table problems carry file, row and column."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of the user's input.

    `row` is the line as a spreadsheet shows it (header = 1, first data row = 2); 0 means the
    problem concerns the whole file or column. `column` is a column name, or a key path for YAML.
    """

    file: str
    row: int
    column: str
    message: str
    code: str = "invalid"
    where: str = ""  # a location of another shape, e.g. FILE:SHEET:CELL of a form

    def __str__(self) -> str:
        if self.where:
            return f"{self.where}: {self.message}"
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class CarbonExpoError(Exception):
    """Root of every error carbonexpo raises on purpose; anything else is a bug."""


class InputError(CarbonExpoError):
    """The user's input is bad. Holds every problem found, in file/row order (exit code 2)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class FactorDataError(CarbonExpoError):
    """A shipped factor set is broken (missing file, bad unit, unresolved source, wrong hash)."""


class NotNeutralError(CarbonExpoError):
    """The event is not carbon neutral where neutrality was required (exit code 1)."""


class LedgerError(CarbonExpoError):
    """The venue ledger refused an operation or found its data inconsistent."""


class CertificateError(CarbonExpoError):
    """A certificate could not be issued or did not verify."""


def raise_if(problems: list[Problem]) -> None:
    """Raise one InputError carrying all problems, if there are any."""
    if problems:
        raise InputError(problems)
