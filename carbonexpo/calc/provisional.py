"""The provisional calculation: a folder with problems, calculated on the rows that pass, so that
the organiser sees the totals while the problems are being fixed. What is set aside is
counted and every problem kept; a provisional calculation is shown, never certified or
reported (calc, report and certificate still refuse a folder with problems)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonexpo.calc.calculate import Calculation, calculate, line_problems
from carbonexpo.errors import InputError, Problem
from carbonexpo.io.event import EventData, read_event, without_problem_rows

MAX_ROUNDS = 4  # each round sets aside the rows the next step of the calculation refuses
RUNS = 1000  # Monte Carlo runs behind the staff page's odds of neutrality (~50 ms on the example)


@dataclass(frozen=True)
class Provisional:
    """The calculation of the rows that pass (None when nothing can be calculated: event.yaml
    does not load, or a step refuses the whole folder), every problem found, and how many
    rows and whole files were set aside."""

    calculation: Calculation | None
    problems: list[Problem]
    rows_set_aside: int
    files_set_aside: list[str]

    @property
    def complete(self) -> bool:
        return not self.problems


def calculate_passing(folder: Path, *, claims: pd.DataFrame | None = None) -> Provisional:
    try:
        data = read_event(folder)
    except InputError as exc:
        if exc.partial is None:
            return Provisional(None, exc.problems, 0, [])
        assert isinstance(exc.partial, EventData)
        data, problems = exc.partial, list(exc.problems)
    else:
        return Provisional(calculate(data, claims=claims, uncertainty_runs=RUNS), [], 0, [])
    for _ in range(MAX_ROUNDS):
        more = line_problems(data)
        if not more:
            break
        problems += more
        data = dataclasses.replace(data, tables=without_problem_rows(data.tables, more))
    rows = {(p.file, p.row) for p in problems if p.row >= 2}
    files = sorted({p.file for p in problems if p.row < 2 and p.file} - {"event.yaml"})
    try:
        calc = calculate(data, claims=claims, uncertainty_runs=RUNS)
    except InputError as exc:
        return Provisional(None, [*problems, *exc.problems], len(rows), files)
    return Provisional(calc, problems, len(rows), files)
