"""Any table of the event folder may be .parquet (issue 38): the same schema, checks and result."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from carbonexpo.api import calculate, read_event, result_json
from carbonexpo.errors import InputError
from tests.conftest import EVENT_YAML, EXAMPLE, make_event


def as_parquet(folder, names=None):
    for path in sorted(folder.glob("*.csv")):
        if names is None or path.stem in names:
            pq.write_table(pacsv.read_csv(path), path.with_suffix(".parquet"))
            path.unlink()


def comparable(run) -> dict:
    r = json.loads(result_json(run.result))
    text = json.dumps({k: v for k, v in r.items() if k not in ("generated_at", "inputs")})
    return json.loads(text.replace(".parquet", ".csv"))


def test_the_example_as_parquet_gives_the_same_result(tmp_path):
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    as_parquet(folder)
    assert not list(folder.glob("*.csv"))
    parquet = calculate(folder, uncertainty_runs=200)
    csv = calculate(EXAMPLE, uncertainty_runs=200)
    assert comparable(parquet) == comparable(csv)
    files = [i["file"] for i in json.loads(result_json(parquet.result))["inputs"]]
    assert "energy.parquet" in files


def test_text_in_a_number_column_is_named_by_row(tmp_path):
    folder = make_event(tmp_path / "ev", {}, EVENT_YAML)
    table = pa.table(
        {
            "group": ["visitor", "visitor"],
            "origin": ["Shanghai", "Shanghai"],
            "mode": ["hsr", "hsr"],
            "travellers": ["12", "twelve"],
        }
    )
    pq.write_table(table, folder / "travel.parquet")
    with pytest.raises(InputError) as exc:
        read_event(folder)
    p = exc.value.problems[0]
    assert (p.file, p.row, p.column) == ("travel.parquet", 3, "travellers")


def test_two_forms_of_one_table_are_refused(tmp_path):
    folder = make_event(
        tmp_path / "ev", {"travel": "group,origin,mode,travellers\nvisitor,Shanghai,hsr,1\n"}
    )
    pq.write_table(pacsv.read_csv(folder / "travel.csv"), folder / "travel.parquet")
    with pytest.raises(InputError) as exc:
        read_event(folder)
    p = exc.value.problems[0]
    assert p.code == "ambiguous_file" and "travel.csv, travel.parquet" in p.message


def test_instants_with_their_zone_are_not_read_as_local_time(tmp_path):
    start = dt.datetime(2024, 11, 26, 0, 0, tzinfo=dt.UTC)  # 08:00 in Shanghai
    energy = pa.table(
        {
            "meter": ["M1"],
            "carrier": ["electricity"],
            "start": pa.array([start], pa.timestamp("ms", tz="UTC")),
            "end": pa.array([start + dt.timedelta(hours=1)], pa.timestamp("ms", tz="UTC")),
            "quantity": [100.0],
            "unit": ["kWh"],
            "phase": pa.nulls(1),  # an empty column
        }
    )
    folder = make_event(tmp_path / "ev", {}, EVENT_YAML)
    pq.write_table(energy, folder / "energy.parquet")
    df = read_event(folder).tables["energy"].df
    assert df["start"].iloc[0] == start
    naive = energy.set_column(
        2, "start", pa.array([start.replace(tzinfo=None)], pa.timestamp("ms"))
    ).set_column(3, "end", pa.array([dt.datetime(2024, 11, 26, 1)], pa.timestamp("ms")))
    pq.write_table(naive, folder / "energy.parquet")
    local = read_event(folder).tables["energy"].df
    # a time without its zone is the event's local time, as in a CSV: 00:00 Shanghai
    assert local["start"].iloc[0] == start - dt.timedelta(hours=8)


def test_a_file_that_is_not_parquet_is_named(tmp_path):
    folder = make_event(tmp_path / "ev", {}, EVENT_YAML)
    (folder / "waste.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError) as exc:
        read_event(folder)
    p = exc.value.problems[0]
    assert p.file == "waste.parquet" and p.code == "unreadable"
