"""Large tables streamed and reduced (io.table_stream, io.reduction: energy, travel, logistics)
give the calculation the whole read gives: the same result JSON, the same lines, the same
problems.

Every test reads one folder both ways: whole (CARBONEXPO_STREAM_BYTES above the file's size)
and streamed in small blocks (0: every size streams; blocks of a few kB, so that a file of a
few thousand rows is dozens of batches and every rule meets a batch edge)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from carbonexpo import api
from carbonexpo.io import table_stream
from carbonexpo.io.event import read_event
from tests.conftest import EVENT_YAML, EXAMPLE, make_event
from tests.streaming import problems_both_ways, result_both_ways, stream_setter


def energy_folder(folder: Path) -> None:
    """The example's event with its energy and what hourly matching reads (green power and
    hourly generation): the rest of the example adds nothing these tests look at."""
    folder.mkdir(parents=True)
    for name in ("event.yaml", "energy.csv", "green_power.csv", "generation.csv"):
        shutil.copy(EXAMPLE / name, folder / name)


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch):
    return stream_setter(monkeypatch)


def test_the_example_streamed_in_a_hundred_batches_gives_the_same_result_and_lines(
    tmp_path, stream
) -> None:
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    result, _ = result_both_ways(folder, stream, tmp_path, uncertainty_runs=200)
    stream(True)
    energy = read_event(folder).tables["energy"]
    rows = sum(1 for _ in (folder / "energy.csv").open(encoding="utf-8")) - 1
    assert energy.rows == rows and len(energy.df) < rows / 2  # records of hall × hour
    assert int(energy.counts.sum()) == rows
    assert result["inputs"][1]["rows"] == rows


@pytest.mark.parametrize("timezone", ["Asia/Shanghai", "Asia/Kolkata"])
def test_sites_well_to_tank_synonyms_crlf_and_blank_lines_stream_alike(
    tmp_path, stream, timezone
) -> None:
    """Half-hour intervals; in Kolkata (UTC+5:30) local midnight is 18:30 UTC, so 23:30 and
    00:00 local share a UTC hour but not a day: a record must not hold both."""
    folder = tmp_path / "sites"
    yaml = EVENT_YAML.replace("claim:", "claim:\n  well_to_tank: true", 1)
    yaml = yaml.replace("timezone: Asia/Shanghai", f"timezone: {timezone}")
    yaml += (
        "sites:\n"
        "  - {id: north, name: North hall, country: CN, grid: CN-North,"
        " latitude: 40.07, longitude: 116.55}\n"
        "  - {id: east, name: East hall, country: CN, grid: CN-East,"
        " latitude: 31.2, longitude: 121.4}\n"
    )
    rows = ["meter,carrier,start,end,quantity,unit,hall,site"]
    half = dt.timedelta(minutes=30)
    for m in range(6):
        carrier = ("electricity", "电", "natural_gas", "diesel")[m % 4]
        unit = {"natural_gas": "m3", "diesel": "L"}.get(carrier, "kWh")
        for h in range(2 * 24 * 12):
            at = dt.datetime(2024, 11, 21) + h * half
            start, end = at.strftime("%Y-%m-%dT%H:%M"), (at + half).strftime("%Y-%m-%dT%H:%M")
            site = ("North", "east")[m % 2]
            rows.append(f"M{m},{carrier},{start},{end},{1 + (m * h) % 7}.25,{unit},H{m % 3},{site}")
            if h == 100:
                rows.append(",,,,,,,")  # a blank line: dropped, its row number kept
    rows.append("LONG,electricity,2024-11-25T10:00,2024-11-25T12:00,40,kWh,H0,north")
    make_event(folder, {}, yaml)
    (folder / "energy.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode())
    if "sites:" in EVENT_YAML:  # pragma: no cover - the shared event grew sites
        pytest.skip("EVENT_YAML has sites")
    result, _ = result_both_ways(folder, stream, tmp_path)
    assert set(result["by_site"]) == {"north", "east", "shared"}
    assert len(result["daily_electricity_kwh"]) == 12
    assert result["by_category"]["well_to_tank"] > 0


def test_a_late_problem_is_named_as_the_whole_read_names_it(tmp_path, stream) -> None:
    folder = tmp_path / "late"
    energy_folder(folder)
    path = folder / "energy.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for at, column, value in ((-5, 5, "kW"), (-3, 4, "-1")):  # in the last batch
        cells = lines[at].split(",")
        cells[column] = value  # a power, not an energy; a negative quantity
        lines[at] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems_both_ways(folder, stream)
    assert {(row, column) for _, row, column, _ in found} >= {
        (len(lines) - 4, "unit"),
        (len(lines) - 2, "quantity"),
    }


def test_overlapping_and_unsorted_meters_are_checked_as_in_the_whole_read(tmp_path, stream) -> None:
    folder = tmp_path / "overlap"
    energy_folder(folder)
    path = folder / "energy.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    # one meter's last interval again, later in the file: an overlap across batches
    path.write_text("\n".join([header, *rows, rows[10]]) + "\n", encoding="utf-8")
    found = problems_both_ways(folder, stream)
    assert any("overlaps" in message for *_, message in found)
    # the rows shuffled (no overlap): the stream cannot check them, the whole read does
    shuffled = pd.Series(rows).sample(frac=1.0, random_state=7).tolist()
    path.write_text("\n".join([header, *shuffled]) + "\n", encoding="utf-8")
    stream(True)
    assert not read_event(folder).tables["energy"].reduced
    stream(False)
    assert not read_event(folder).tables["energy"].reduced


def test_a_quoted_line_break_reads_the_file_whole(tmp_path, stream) -> None:
    folder = tmp_path / "quoted"
    energy_folder(folder)
    path = folder / "energy.csv"
    text = path.read_text(encoding="utf-8")
    # a hall name written over two lines, quoted: one row of two lines
    path.write_text(text.replace(",A1,\n", ',"A1\nnorth",\n', 1), encoding="utf-8")
    stream(True)
    assert not read_event(folder).tables["energy"].reduced
    stream(False)
    whole = api.calculate(folder).result
    stream(True)
    assert api.calculate(folder).result.totals == whole.totals


def test_a_missing_factor_counts_and_lists_the_rows_one_by_one(tmp_path, stream) -> None:
    rows = "".join(
        f"M1,electricity,2024-11-22T{h:02d}:00,2024-11-22T{h + 1:02d}:00,5,kWh\n" for h in range(20)
    )
    folder = make_event(
        tmp_path / "missing",
        {"energy": "meter,carrier,start,end,quantity,unit\n" + rows},
        EVENT_YAML.replace("factor_sets: [cn-mee-2022, desnz-2024]", "factor_sets: [desnz-2024]"),
    )
    found = problems_both_ways(folder, stream)
    assert any("20" in message and "2, 3, 4" in message for *_, message in found)


def test_a_parquet_energy_table_streams_in_record_batches(tmp_path, stream, monkeypatch) -> None:
    folder = tmp_path / "pq"
    energy_folder(folder)
    csv = folder / "energy.csv"
    stream(False)
    reference = json.loads(api.result_json(api.calculate(folder).result))  # from the CSV
    pq.write_table(pacsv.read_csv(csv), folder / "energy.parquet")  # typed: floats, times
    csv.unlink()
    monkeypatch.setattr(table_stream, "PARQUET_BATCH_ROWS", 500)
    result, _ = result_both_ways(folder, stream, tmp_path)
    for key in ("totals", "by_category", "by_phase", "daily_electricity_kwh"):
        assert result[key] == reference[key]


def test_an_interval_longer_than_an_hour_is_its_own_record_for_hourly_matching(
    tmp_path, stream
) -> None:
    folder = tmp_path / "long"
    energy_folder(folder)
    with (folder / "energy.csv").open("a", encoding="utf-8") as f:
        # a second meter of hall A1 over two hours: the hour's other rows are shorter
        f.write("E-A1-LONG,electricity,2024-11-25T10:00,2024-11-25T12:00,40,kWh,A1,\n")
    result, _ = result_both_ways(folder, stream, tmp_path)
    said = [w for w in result["warnings"] if w["code"] == "hourly_not_possible"]
    assert said and said[0]["params"]["rows"] == 1


def test_a_table_streams_from_the_size_set_on(tmp_path, monkeypatch) -> None:
    """CARBONEXPO_STREAM_BYTES: a file of that many bytes or more streams; one byte fewer is
    read whole."""
    from carbonexpo.io.streamed import STREAM_BYTES_ENV

    folder = tmp_path / "size"
    energy_folder(folder)
    size = (folder / "energy.csv").stat().st_size
    for limit, streamed in ((size - 1, True), (size, True), (size + 1, False)):
        monkeypatch.setenv(STREAM_BYTES_ENV, str(limit))
        assert read_event(folder).tables["energy"].reduced is streamed, limit


@pytest.mark.parametrize("bits", [0, 4])
def test_records_sharing_a_hash_are_never_merged(tmp_path, stream, monkeypatch, bits) -> None:
    """io.reduction finds a record by a 64-bit hash of its ids, and trusts a hash only when the
    ids are equal too. With hashes cut to `bits` bits (0: every record one hash; 4: sixteen),
    each record is still its own: the stream gives up (the file read whole) or its records
    are exactly the whole read's groups — the result is the same either way."""
    import numpy as np

    from carbonexpo.io import reduction

    folder = tmp_path / "ex"
    energy_folder(folder)
    stream(False)
    whole = json.loads(api.result_json(api.calculate(folder).result))
    real = reduction._hash
    monkeypatch.setattr(reduction, "_hash", lambda keys: real(keys) & np.uint64((1 << bits) - 1))
    stream(True)
    streamed = json.loads(api.result_json(api.calculate(folder).result))
    for r in (whole, streamed):
        r.pop("generated_at")
    assert streamed == whole
