"""The calculation's output frames against their declared schemas (calc/frames.py), full and
empty: an empty frame has the columns a full one has."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonexpo import api
from carbonexpo.calc import frames
from tests.conftest import EXAMPLE


def shapes(run: api.Run) -> dict[str, tuple[pd.DataFrame, object]]:
    c = run.calculation
    out = {
        "lines": (c.lines, frames.LINES),
        "instruments": (c.green_power.instruments, frames.INSTRUMENTS),
        "credits": (c.offsets.credits, frames.CREDITS),
    }
    if c.exhibitors is not None:
        out["exhibitors"] = (c.exhibitors, frames.EXHIBITORS)
    return out


@pytest.fixture(scope="module")
def example() -> api.Run:
    return api.calculate(EXAMPLE)


def test_every_frame_of_the_example_is_as_declared(example) -> None:
    found = shapes(example)
    assert set(found) == {"lines", "instruments", "credits", "exhibitors"}
    for name, (frame, schema) in found.items():
        assert len(frame) > 0, name
        assert frames.frame_problems(frame, schema) == [], name


def test_empty_frames_have_the_columns_of_full_ones(tmp_path) -> None:
    """An event with energy only: no instruments, no credits, no booths."""
    import shutil

    folder = tmp_path / "e"
    folder.mkdir()
    shutil.copy(EXAMPLE / "event.yaml", folder)
    shutil.copy(EXAMPLE / "energy.csv", folder)
    run = api.calculate(folder)
    found = shapes(run)
    assert found["instruments"][0].empty and found["credits"][0].empty
    for name, (frame, schema) in found.items():
        assert frames.frame_problems(frame, schema) == [], name


def test_a_frame_check_can_fail(example) -> None:
    lines = example.calculation.lines
    assert frames.frame_problems(lines.drop(columns="proxy"), frames.LINES)
    assert frames.frame_problems(lines.assign(kgco2e=lines["kgco2e"].astype(str)), frames.LINES)
