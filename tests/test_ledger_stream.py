"""A large BMS export imported batch by batch (ledger.operations._import_streamed) lands in
the ledger exactly as the whole read lands it: the same readings, counters, notes, summary and
audit payload (digests included), and the same problems. Each test imports one export twice,
into two ledgers: whole (CARBONEXPO_STREAM_BYTES above its size) and streamed in 4 kB blocks,
so that meters' runs of rows cross many batch edges."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonexpo.errors import InputError
from carbonexpo.io import table_stream
from carbonexpo.io.streamed import STREAM_BYTES_ENV
from carbonexpo.ledger.operations import add_meter, import_file
from carbonexpo.ledger.store import Ledger
from tests.pg_server import pg_server  # noqa: F401  (the PostgreSQL fixture)

INTERVAL_METERS, COUNTERS, STEPS = 30, 10, 192  # two days of 15-minute readings


def export(sort_by_time: bool = False, backwards: bool = False) -> str:
    rng = np.random.default_rng(3)
    frames = []
    start = np.datetime64("2024-11-26T00:00")
    for m in range(INTERVAL_METERS + COUNTERS):
        steps = np.arange(STEPS)
        if m == 4:
            steps = steps[(steps < 50) | (steps > 60)]  # a gap: a note
        ts = start + steps * np.timedelta64(15, "m")
        if m < INTERVAL_METERS:
            name, value = f"E{m:02d}", np.round(rng.gamma(2, 8, len(steps)), 3)
        else:
            name = f"G{m - INTERVAL_METERS}"
            base = 9800 if m == INTERVAL_METERS else 9000
            value = np.round(base + np.cumsum(rng.uniform(0, 5, len(steps))), 2)
            if m == INTERVAL_METERS:  # a counter that wraps at 10,000: a rollover note
                value = np.where(value >= 10_000, value - 10_000, value)
            if backwards and m == INTERVAL_METERS + 3:
                value[100] = value[99] - 500  # runs backwards: a problem
        frames.append(
            pd.DataFrame(
                {"meter": name, "timestamp": np.datetime_as_string(ts, unit="m"), "value": value}
            )
        )
    df = pd.concat(frames, ignore_index=True)
    if sort_by_time:
        df = df.sort_values(["timestamp", "meter"], kind="stable")
    return df.to_csv(index=False)


@contextlib.contextmanager
def new_ledger(path: Path | str) -> Iterator[Ledger]:
    """A ledger (an SQLite file, or a PostgreSQL URL) with the export's meters."""
    with Ledger.open(str(path), create=True, timezone="Asia/Shanghai") as ledger:
        for m in range(INTERVAL_METERS):
            add_meter(ledger, f"E{m:02d}", carrier="electricity", unit="kWh", hall="A",
                      cumulative=False, rollover=None)  # fmt: skip
        for g in range(COUNTERS):
            add_meter(ledger, f"G{g}", carrier="natural_gas", unit="m3", hall=None,
                      cumulative=True, rollover=10_000.0)  # fmt: skip
        yield ledger


def stored(ledger: Ledger) -> dict[str, object]:
    out: dict[str, object] = {}
    for table in ("readings", "counters", "imports"):
        out[table] = ledger.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    out["audit"] = [
        (seq, action, json.loads(payload))
        for seq, action, payload in ledger.conn.execute(
            "SELECT seq, action, payload FROM audit ORDER BY seq"
        )
    ]
    return out


def both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *texts: str, where=None):
    """Import the exports in turn into a whole-read ledger and a streamed one: (summaries or
    problems, stored content) of each; asserts the two are the same. `where`: a function giving
    each ledger's location (default an SQLite file in the folder)."""
    seen = []
    for streamed in (False, True):
        monkeypatch.setenv(STREAM_BYTES_ENV, "0" if streamed else str(1 << 40))
        monkeypatch.setattr(table_stream, "BLOCK_BYTES", 4096 if streamed else 16 << 20)
        folder = tmp_path / ("streamed" if streamed else "whole")
        folder.mkdir(parents=True)
        said = []
        with new_ledger(where() if where else folder / "venue.db") as ledger:
            for i, text in enumerate(texts):
                path = folder / f"bms-{i}.csv"
                path.write_text(text, encoding="utf-8")
                try:
                    said.append(import_file(ledger, path))
                except InputError as exc:
                    said.append([(p.row, p.column, p.message) for p in exc.problems])
            assert ledger.verify() is None
            seen.append((said, stored(ledger)))
    assert seen[1] == seen[0]
    return seen[0]


def test_a_meter_sorted_export_lands_as_the_whole_read_lands_it(tmp_path, monkeypatch) -> None:
    said, content = both_ways(tmp_path, monkeypatch, export())
    summary = said[0]
    # every row an interval, but each counter's first value (its baseline)
    assert summary["added"] == len(content["readings"]) == 40 * STEPS - 11 - COUNTERS
    notes = " ".join(summary["notes"])
    assert "gap: meter E04" in notes and "rollover: meter G0" in notes
    assert content["imports"][0][2] == 40 * STEPS - 11  # rows of the export (11 in the gap)


def test_an_export_sorted_by_time_and_its_problems_are_read_whole(tmp_path, monkeypatch) -> None:
    said, content = both_ways(tmp_path, monkeypatch, export(sort_by_time=True))
    assert said[0]["added"] == len(content["readings"])
    said, _ = both_ways(tmp_path / "backwards", monkeypatch, export(backwards=True))
    assert isinstance(said[0], list) and any("G3" in message for *_, message in said[0])


def test_an_overlap_with_stored_readings_is_named_as_in_the_whole_read(
    tmp_path, monkeypatch
) -> None:
    first = export()
    later = pd.read_csv(io.StringIO(first))
    moved = pd.to_datetime(later["timestamp"]) + pd.Timedelta(minutes=5)  # across intervals
    shifted = later.assign(timestamp=moved.dt.strftime("%Y-%m-%dT%H:%M")).to_csv(index=False)
    said, _ = both_ways(tmp_path, monkeypatch, first, shifted)
    assert said[0]["added"] > 0 and isinstance(said[1], list)
    assert any("overlap" in message for *_, message in said[1])


def test_the_stream_itself_imports_runs_and_refuses_a_meter_in_two_places(
    tmp_path, monkeypatch
) -> None:
    from carbonexpo.io.table_stream import NotStreamable
    from carbonexpo.ledger.operations import _import_streamed, _meter_infos

    monkeypatch.setattr(table_stream, "BLOCK_BYTES", 4096)
    for sort_by_time in (False, True):
        path = tmp_path / f"bms-{sort_by_time}.csv"
        path.write_text(export(sort_by_time=sort_by_time), encoding="utf-8")
        with new_ledger(tmp_path / f"v-{sort_by_time}.db") as ledger:
            infos = _meter_infos(ledger)
            with ledger.transaction():
                if sort_by_time:
                    with pytest.raises(NotStreamable):
                        _import_streamed(ledger, path, "x", infos, False, None, None)
                else:
                    said = _import_streamed(ledger, path, "x", infos, False, None, None)
                    assert said["added"] == 40 * STEPS - 11 - COUNTERS


def test_a_meter_sorted_export_lands_alike_on_postgresql(tmp_path, monkeypatch, request) -> None:
    from tests.pg_server import new_database

    admin = request.getfixturevalue("pg_server")
    said, content = both_ways(tmp_path, monkeypatch, export(), where=lambda: new_database(admin))
    assert said[0]["added"] == len(content["readings"]) == 40 * STEPS - 11 - COUNTERS
