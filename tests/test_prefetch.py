"""io.prefetch: a table parsed ahead is used only for the same file, unchanged, asked for with the
same column types; whatever happens, the read gives what it gives without prefetching."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonexpo import api
from carbonexpo.errors import InputError
from carbonexpo.io import prefetch, tables


def _energy() -> str:
    start = dt.datetime(2024, 11, 26)
    rows = []
    for i in range(400):  # 7 meters, one hour after another
        t0 = start + dt.timedelta(hours=i // 7)
        t1 = t0 + dt.timedelta(hours=1)
        rows.append(
            f"M{i % 7},electricity,{t0:%Y-%m-%dT%H:%M},{t1:%Y-%m-%dT%H:%M},{i % 13 + 0.5},kWh\n"
        )
    return "meter,carrier,start,end,quantity,unit\n" + "".join(rows)


ENERGY = _energy()


@pytest.fixture
def taken(monkeypatch):
    """Prefetch every CSV (however small) and record what read_table was given."""
    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    seen: list[tuple[str, bool]] = []
    real = prefetch.take

    def take(path, types):
        table = real(path, types)
        seen.append((path.name, table is not None))
        return table

    monkeypatch.setattr(tables.prefetch, "take", take)
    return seen


def totals(folder) -> dict:
    return api.calculate(folder).result.totals.model_dump()


def test_the_prefetched_table_is_used_and_changes_nothing(event, taken, monkeypatch) -> None:
    folder = event({"energy": ENERGY})
    with_prefetch = totals(folder)
    assert ("energy.csv", True) in taken and prefetch._pending == {}
    taken.clear()
    monkeypatch.setattr(prefetch, "MIN_BYTES", 1 << 62)  # nothing is prefetched
    assert totals(folder) == with_prefetch
    assert ("energy.csv", False) in taken


def test_a_file_changed_after_the_start_is_read_again(event, taken) -> None:
    folder = event({"energy": ENERGY})
    prefetch.start(folder)
    (folder / "energy.csv").write_text(ENERGY.replace(",0.5,kWh", ",1000.5,kWh", 1), "utf-8")
    data = api.read_event(folder)
    assert ("energy.csv", False) in taken  # size and mtime differ: not the prefetched parse
    assert data.tables["energy"].df["quantity"].max() == 1000.5


def test_headers_in_another_case_are_not_prefetched_but_read(event, taken) -> None:
    folder = event({"energy": ENERGY.replace("quantity", "Quantity", 1)})
    data = api.read_event(folder)
    assert ("energy.csv", False) in taken
    assert len(data.tables["energy"].df) == 400


def test_a_file_pyarrow_refuses_gets_the_usual_problems(event, taken) -> None:
    bad = ENERGY + "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,12,5,kWh\n"
    folder = event({"energy": bad})
    with pytest.raises(InputError) as caught:
        api.read_event(folder)
    assert ("energy.csv", False) in taken
    assert any(p.code == "row_shape" and p.row == 402 for p in caught.value.problems)


def test_what_a_failed_read_did_not_take_is_forgotten(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    folder = tmp_path / "ev"
    folder.mkdir()
    (folder / "energy.csv").write_text(ENERGY, encoding="utf-8")  # and no event.yaml
    with pytest.raises(InputError):
        api.calculate(folder)
    assert prefetch._pending == {}
