"""Travel and logistics streamed and reduced (io.reduction) give the calculation the whole
read gives (tests.streaming reads each folder both ways)."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest

from carbonexpo import api
from carbonexpo.io.event import read_event
from carbonexpo.io.reduction import REDUCIBLE
from carbonexpo.io.streamed import STREAMED
from tests.conftest import EXAMPLE
from tests.streaming import problems_both_ways, result_both_ways, stream_setter


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch):
    return stream_setter(monkeypatch)


def test_every_streamed_table_has_a_reduction() -> None:
    assert set(STREAMED) == set(REDUCIBLE)


def test_travel_and_logistics_records_sum_their_rows_and_say_what_the_rows_say(
    tmp_path, stream
) -> None:
    """Travel rows differing only in travellers are one record; flags (a computed distance,
    a default cabin, a short flight) are counted over rows; a misspelt exhibitor is read as
    booths.csv writes it in the lines made again from the file."""
    folder = tmp_path / "trips"
    folder.mkdir()
    for name in ("event.yaml", "booths.csv"):  # the exhibitors' names come from booths.csv
        shutil.copy(EXAMPLE / name, folder / name)
    booths = pd.read_csv(folder / "booths.csv")
    name = str(booths["exhibitor"].iloc[0])
    travel = ["group,exhibitor,origin,mode,travellers,round_trips,distance_km,cabin"]
    for i in range(900):
        origin, mode = [("Shanghai", "hsr"), ("Chengdu", "air"), ("Tianjin", "air")][i % 3]
        who = name.upper() if i % 5 == 0 else ""
        travel.append(f"exhibitor_staff,{who},{origin},{mode},{1 + i % 4},1,,")
        travel.append(f"visitor,,,metro,{2 + i % 3},2,{10 + i % 7}.5,")
    (folder / "travel.csv").write_text("\n".join(travel) + "\n", encoding="utf-8")
    logistics = ["shipment,exhibitor,mode,mass_kg,distance_km,origin,destination"]
    for i in range(600):
        logistics.append(f"S-{i},,hgv,{100 + i % 50},,Tianjin,")
        logistics.append(f"T-{i},,sea,{2000 + i % 9},,Hamburg,")
    (folder / "logistics.csv").write_text("\n".join(logistics) + "\n", encoding="utf-8")
    result, lines_csv = result_both_ways(folder, stream, tmp_path)
    stream(True)
    data = read_event(folder)
    trips = data.tables["travel"]
    assert trips.rows == 1800 and len(trips.df) < 200
    assert data.tables["logistics"].rows == 1200 and len(data.tables["logistics"].df) < 10
    said = {a["code"]: a["params"] for a in result["assumptions"]}
    assert said["travel_distance_computed"]["rows"] == 900
    assert said["default_cabin"]["rows"] == 600
    assert said["logistics_distance_computed"]["rows"] == 1200
    lines = pd.read_csv(io.BytesIO(lines_csv))
    staff = lines[(lines["source_file"] == "travel.csv") & lines["exhibitor"].notna()]
    assert len(staff) == 180 and set(staff["exhibitor"]) == {name}


def test_a_shipment_id_the_stream_does_not_keep_is_still_checked(tmp_path, stream) -> None:
    """logistics' `shipment` is checked lean and not kept: an empty one is named as the whole
    read names it; a formula-guarded one ('=…) is read as the whole read reads it."""
    rows = [f"S-{i},hgv,{100 + i},,Tianjin" for i in range(300)]
    for name, changed in (("empty", ",hgv,120,,Tianjin"), ("guarded", "'=S-1,hgv,120,,Tianjin")):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(EXAMPLE / "event.yaml", folder / "event.yaml")
        text = ["shipment,mode,mass_kg,distance_km,origin", *rows[:150], changed, *rows[150:]]
        (folder / "logistics.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
        if name == "empty":
            found = problems_both_ways(folder, stream)
            assert [(row, column) for _, row, column, _ in found] == [(152, "shipment")]
        else:  # the stream leaves it to the whole read: the same result, said the same
            results = []
            for on in (False, True):
                stream(on)
                run = api.calculate(folder)
                assert not run.calculation.data.tables["logistics"].reduced
                results.append(json.loads(api.result_json(run.result)))
                results[-1].pop("generated_at")
            assert results[0] == results[1]
            said = [a["params"] for a in results[1]["assumptions"]]
            assert {"file": "logistics.csv", "column": "shipment", "text": "'=S-1",
                    "value": "=S-1"} in said  # fmt: skip
