"""Visitor travel estimated from registrations or badge scans and a survey (issue 37)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from carbonexpo.api import calculate, read_event, report_bytes, result_json
from carbonexpo.calc import visitor_travel as vt
from carbonexpo.constants import DETOUR
from carbonexpo.errors import InputError
from tests.conftest import EVENT_YAML, make_event, run_cli

VENUE = (40.07, 116.55)  # EVENT_YAML's venue
A, B, C = "40.0,116.4", "39.1,117.2", "38.5,115.0"  # ~15 km (local), ~121 and ~218 km (regional)


def km(origin: str) -> float:
    """Haversine, written out again: the test's own distance."""
    lat1, lon1 = map(math.radians, map(float, origin.split(",")))
    lat2, lon2 = map(math.radians, VENUE)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def yaml(extra: str = "visitor_travel: {min_responses: 3}\n") -> str:
    return EVENT_YAML + extra


REGISTRATIONS = (
    "attendee_id,origin,type,days\n"
    + "".join(f"a{i},{A!r},visitor,2\n".replace("'", '"') for i in range(4))
    + "".join(f'b{i},"{B}",visitor,1\n' for i in range(3))
    + "".join(f'c{i},"{C}",visitor,3\n' for i in range(2))
)
SURVEY = f"""origin,mode,party_size,hotel_nights,went_home,type
"{A}",metro,,0,yes,visitor
"{A}",metro,,0,yes,visitor
"{A}",car,2,0,yes,visitor
"{A}",bus,,0,yes,visitor
"{B}",hsr,,1,no,visitor
"{B}",hsr,,0,yes,visitor
"{C}",hsr,,2,no,visitor
"{B}",car,3,,yes,visitor
"{C}",car,3,1,no,visitor
"{B}",coach,,0,yes,visitor
"""


def hand_event(tmp_path: Path, extra: str = "visitor_travel: {min_responses: 3}\n") -> Path:
    return make_event(
        tmp_path / "ev",
        {"registrations": REGISTRATIONS, "survey": SURVEY},
        yaml(extra),
    )


def test_hand_computed_three_origins_two_bands_ten_responses(tmp_path):
    calc = calculate(hand_event(tmp_path)).calculation
    lines = calc.lines
    travel = lines[lines["category"] == "travel"]
    pkm = travel.groupby(travel["factor_key"].astype(str))["input_quantity"].sum()
    kg = travel.groupby(travel["factor_key"].astype(str))["kgco2e"].sum()
    factor = travel.groupby(travel["factor_key"].astype(str))["factor_value"].first()
    da, db, dc = km(A), km(B), km(C)
    assert da < 50 < db < dc < 300
    # local: 4 attendees × 2 days, all home each night: 8 round trips; metro ½, bus ¼, car ¼
    # in cars of 2
    local_trips = 8 * 2 * da
    # regional: half go home; B 3 × (½·1 + ½) = 3 trips, C 2 × (½·3 + ½) = 4 trips;
    # hsr ½, car ⅓ in cars of 3, coach ⅙
    regional = (3 * db + 4 * dc) * 2
    expected = {
        "passenger.metro": local_trips * 0.5 * DETOUR["metro"],
        "passenger.bus": local_trips * 0.25 * DETOUR["bus"],
        "passenger.car": local_trips * 0.25 / 2 * DETOUR["car"]
        + regional * (1 / 3) / 3 * DETOUR["car"],
        "passenger.hsr": regional * 0.5 * DETOUR["hsr"],
        "passenger.coach": regional / 6 * DETOUR["coach"],
    }
    assert set(pkm.index) == set(expected)
    for key, value in expected.items():
        assert pkm[key] == pytest.approx(value, rel=1e-3), key
        assert kg[key] == pytest.approx(value * factor[key], rel=1e-3), key
    # hotel nights: the regional band's 5 attendees × 0.8 nights (answers 1, 0, 2, 1, 0)
    hotels = lines[lines["category"] == "accommodation"]
    assert hotels["input_quantity"].sum() == pytest.approx(4.0)
    assert set(hotels["source_file"].astype(str)) == {"registrations.csv"}


def test_result_reports_bands_rates_and_interval(tmp_path):
    run = calculate(hand_event(tmp_path), uncertainty_runs=500, seed=3)
    r = json.loads(result_json(run.result))
    v = r["visitor_travel"]
    assert v["method"] == "registration + survey"
    assert v["attendees"] == 9 and v["visits"] == 4 * 2 + 3 + 2 * 3
    assert v["survey_responses"] == 10 and v["response_rate"] == pytest.approx(10 / 9)
    local, regional = v["bands"]
    assert local["band"] == "local/domestic" and local["split_source"] == "own"
    assert local["split"]["metro"] == pytest.approx(0.5)
    assert regional["went_home_share"] == pytest.approx(0.5)
    assert regional["hotel_nights_per_attendee"] == pytest.approx(0.8)
    assert regional["split_low"]["hsr"] < 0.5 < regional["split_high"]["hsr"]
    low, high = v["sampling_interval"]["low"], v["sampling_interval"]["high"]
    assert low < v["travel_tco2e"] + v["hotel_tco2e"] < high
    # the survey's bootstrap is the travel lines' own component in the Monte Carlo
    assert "travel" in r["uncertainty"]["by_category"]
    assert v["runs"] == 500 and v["seed"] == 3


def test_uncertainty_runs_are_reproducible_and_unchanged_elsewhere(tmp_path):
    folder = hand_event(tmp_path)
    one = calculate(folder, uncertainty_runs=300, seed=1).calculation.uncertainty
    two = calculate(folder, uncertainty_runs=300, seed=1).calculation.uncertainty
    assert one == two


@pytest.mark.parametrize(("minimum", "source"), [(5, "own"), (6, "own"), (7, "band")])
def test_min_responses_limit(tmp_path, minimum, source):
    # the regional band has 6 responses of its own: own at 6, borrowed above (none abroad,
    # so the band pool is the same 6 responses and too few too: the default at 7)
    folder = hand_event(tmp_path, f"visitor_travel: {{min_responses: {minimum}}}\n")
    est = calculate(folder).calculation.visitor_travel
    assert est is not None
    regional = est.splits[vt.CELLS.index("regional/domestic")]
    assert regional.source == (source if minimum <= 6 else "default")
    if minimum == 7:
        assert regional.share[vt.MODES.index("car")] == 1.0  # the conservative default


def survey_of(n: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    modes = rng.choice(["hsr", "car", "coach"], size=n, p=[0.5, 0.3, 0.2])
    return "origin,mode\n" + "".join(f'"{B}",{m}\n' for m in modes)


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=20, max_value=60), st.integers(min_value=0, max_value=10_000))
def test_bootstrap_interval_narrows_as_responses_grow(tmp_path_factory, n, seed):
    widths = []
    for size in (n, 16 * n):
        folder = make_event(
            tmp_path_factory.mktemp("ev"),
            {
                "registrations": 'attendee_id,origin\nx,"39.1,117.2"\n',
                "survey": survey_of(size, seed),
            },
            yaml("visitor_travel: {min_responses: 5}\n"),
        )
        est = calculate(folder).calculation.visitor_travel
        assert est is not None
        s = est.splits[vt.CELLS.index("regional/domestic")]
        widths.append(float(np.max(s.high - s.low)))
    assert widths[1] < widths[0]


def test_unresolved_origins_are_named_and_estimated_not_dropped(tmp_path):
    rows = "".join(f'r{i},"{B}"\n' for i in range(90)) + "".join(
        f"u{i},Xyzzyville-{i}\n" for i in range(10)
    )
    survey = "origin,mode\n" + "".join(f'"{B}",hsr\n' for _ in range(30))
    folder = make_event(
        tmp_path / "ev",
        {"registrations": "attendee_id,origin\n" + rows, "survey": survey},
        yaml(""),
    )
    calc = calculate(folder).calculation
    est = calc.visitor_travel
    assert est is not None and est.unresolved == 10
    travel = calc.lines[calc.lines["category"] == "travel"]
    # all 100 attendees travel: 100 round trips of B's distance by hsr
    assert travel["input_quantity"].sum() == pytest.approx(100 * 2 * km(B) * DETOUR["hsr"])
    said = [a for a in calc.assumptions if a.code == "visitor_travel_unresolved"]
    assert said and said[0].params["share"] == "10.0%"
    assert "Xyzzyville-0" in said[0].params["examples"]


def test_no_origin_resolves_is_a_problem(tmp_path):
    folder = make_event(
        tmp_path / "ev",
        {
            "registrations": "attendee_id,origin\nx,Xyzzyville\n",
            "survey": "origin,mode\nXyzzyville,car\n",
        },
        yaml(""),
    )
    with pytest.raises(InputError) as exc:
        calculate(folder)
    assert exc.value.problems[0].code == "visitor_travel_unplaced"
    assert exc.value.problems[0].file == "registrations.csv"


def test_scans_give_days_no_shows_and_unregistered(tmp_path):
    scans = (
        "attendee_id,date\n"
        "a0,2024-11-26T09:00\na0,2024-11-26T15:00\na0,2024-11-27\n"  # two days
        "b0,2024-11-28T10:00\n"  # one day
        "zz,2024-11-29T10:00\n"  # not registered
    )
    folder = make_event(
        tmp_path / "ev",
        {"registrations": REGISTRATIONS, "survey": SURVEY, "scans": scans},
        yaml(),
    )
    att = calculate(folder).calculation.visitor_travel.attendance
    assert att.days_from == "scans"
    assert att.visits == 2 + 1 + 1
    assert att.no_shows == 9 - 2 and att.unregistered == 1


def test_scan_outside_the_event_names_its_row(tmp_path):
    folder = make_event(
        tmp_path / "ev",
        {
            "registrations": REGISTRATIONS,
            "scans": "attendee_id,date\na0,2024-11-26\na1,2024-12-03T09:00\n",
        },
        yaml(),
    )
    with pytest.raises(InputError) as exc:
        read_event(folder)
    p = exc.value.problems[0]
    assert (p.file, p.row, p.column, p.code) == ("scans.csv", 3, "date", "outside_period")


def test_travel_csv_groups_are_not_estimated_twice(tmp_path):
    travel = "group,origin,mode,travellers\nvisitor,Shanghai,hsr,5\n"
    folder = make_event(
        tmp_path / "ev",
        {"registrations": REGISTRATIONS, "survey": SURVEY, "travel": travel},
        yaml(),
    )
    calc = calculate(folder).calculation
    est = calc.visitor_travel
    assert est.excluded_types == ["visitor"] and est.excluded_attendees == 9
    assert set(calc.lines["source_file"].astype(str)) == {"travel.csv"}
    ungrouped = "origin,mode,travellers\nShanghai,hsr,5\n"
    (folder / "travel.csv").write_text(ungrouped, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        calculate(folder)
    p = exc.value.problems[0]
    assert (p.file, p.row, p.column, p.code) == ("travel.csv", 2, "group", "travel_group_needed")


def test_no_attendee_id_and_no_small_origin_in_any_output(tmp_path):
    folder = hand_event(tmp_path)
    run = calculate(folder)
    text = result_json(run.result) + report_bytes(run, ".md", lang="en").decode()
    text += run.lines.to_csv()
    for attendee in ("a0", "b1", "c1"):
        assert f'"{attendee}"' not in text and f" {attendee} " not in text
    r = json.loads(result_json(run.result))
    assert [o["origin"] for o in r["visitor_travel"]["origins"]] == ["(other places, CN)"]
    assert any(w["code"] == "attendee_ids_raw" for w in r["warnings"])


def test_privacy_threshold_is_configurable(tmp_path):
    folder = hand_event(tmp_path, "visitor_travel: {min_responses: 3, min_origin_count: 3}\n")
    r = json.loads(result_json(calculate(folder).result))
    shown = {o["origin"]: o["attendees"] for o in r["visitor_travel"]["origins"]}
    assert shown == {A: 4, B: 3, "(other places, CN)": 2}


EXPORT = """参会人编号,姓名,邮箱,来源城市,身份类型
X001,张三,z@example.cn,杭州,观众
X002,李四,l@example.cn,南京,专业观众
X003,王五,w@example.cn,Tokyo,媒体
"""
SCAN_EXPORT = """证件号,扫码时间
X001,2024/11/26 09:12
X001,2024/11/27 10:00
X002,2024/11/27 09:30
"""


def test_chinese_export_goes_through_with_a_mapping(tmp_path):
    folder = make_event(tmp_path / "ev", {"survey": SURVEY}, yaml())
    (tmp_path / "报名.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "扫码.csv").write_text(SCAN_EXPORT, encoding="utf-8")
    refused = run_cli(
        "travel", "import", str(tmp_path / "报名.csv"), str(folder), "--as", "registrations"
    )
    assert refused.returncode == 2
    assert "missing column" in refused.stdout + refused.stderr or "attendee_id" in refused.stderr
    ok = run_cli(
        "travel", "import", str(tmp_path / "报名.csv"), str(folder), "--as", "registrations",
        "--map", "参会人编号=attendee_id", "--map", "来源城市=origin", "--map", "身份类型=type",
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "姓名, 邮箱" in ok.stdout  # left out, and said
    written = (folder / "registrations.csv").read_text(encoding="utf-8")
    assert "X001" not in written and "张三" not in written and "example.cn" not in written
    scans = run_cli(
        "travel", "import", str(tmp_path / "扫码.csv"), str(folder), "--as", "scans",
        "--map", "证件号=attendee_id", "--map", "扫码时间=date",
    )  # fmt: skip
    assert scans.returncode == 0, scans.stderr
    assert "Y/M/D" in scans.stdout
    calc = calculate(folder).calculation
    att = calc.visitor_travel.attendance
    assert att.days_from == "scans" and att.visits == 3 and att.no_shows == 1
    assert att.unregistered == 0  # the same pseudonyms in both files
    assert not any(w.code == "attendee_ids_raw" for w in calc.warnings)
    again = run_cli(
        "travel", "import", str(tmp_path / "扫码.csv"), str(folder), "--as", "scans",
        "--map", "证件号=attendee_id", "--map", "扫码时间=date",
    )  # fmt: skip
    assert again.returncode == 2 and "--replace" in again.stderr


def test_map_refuses_an_unknown_column(tmp_path):
    folder = make_event(tmp_path / "ev", {}, yaml())
    (tmp_path / "x.csv").write_text(EXPORT, encoding="utf-8")
    out = run_cli(
        "travel", "import", str(tmp_path / "x.csv"), str(folder), "--as", "registrations",
        "--map", "来源城市=place",
    )  # fmt: skip
    assert out.returncode == 2 and "attendee_id, origin, type, days" in out.stderr


def test_band_edges_at_their_limits():
    """local < visitor_travel.local_km ≤ regional < 300 km ≤ medium < 1,000 km ≤ long; a
    distance exactly at an edge belongs to the farther band."""
    import yaml

    from carbonexpo.config import EventConfig

    config = EventConfig.model_validate(yaml.safe_load(EVENT_YAML))
    eps = 1e-6
    km = np.array([50 - eps, 50, 50 + eps, 300 - eps, 300, 300 + eps, 1000 - eps, 1000, 1000 + eps])
    got = [vt.CELLS[c] for c in vt.cells(km, ["CN"] * len(km), config)]
    assert got == [
        "local/domestic", "regional/domestic", "regional/domestic",
        "regional/domestic", "medium/domestic", "medium/domestic",
        "medium/domestic", "long/domestic", "long/domestic",
    ]  # fmt: skip
    abroad = vt.cells(np.array([10.0, np.nan]), ["JP", ""], config)
    assert vt.CELLS[abroad[0]] == "local/international" and abroad[1] == -1


@pytest.mark.parametrize(
    ("stamp", "refused"),
    [
        ("2024-11-20T23:59:59", True),  # a second before build-up (local time)
        ("2024-11-21T00:00:00", False),  # build-up's first second
        ("2024-12-02T23:59:59", False),  # tear-down's last second
        ("2024-12-03T00:00:00", True),  # the first second after
        # a scanner's milliseconds: read to the second (floored, said), the limits exact
        ("2024-11-20T23:59:59.999", True),
        ("2024-11-21T00:00:00.001", False),
        ("2024-12-02T23:59:59.999", False),
        ("2024-12-03T00:00:00.000", True),
        ("2024-12-02T16:59:59.5+01:00", False),  # 23:59:59.5 in Shanghai, the last day
        ("2024-12-02T17:00:00.5+01:00", True),  # 00:00:00.5 the day after, in Shanghai
    ],
)
def test_scans_at_the_event_period_limits(tmp_path, stamp, refused):
    folder = make_event(
        tmp_path / "ev",
        {"registrations": REGISTRATIONS, "scans": f"attendee_id,date\na0,{stamp}\n"},
        yaml(),
    )
    if refused:
        with pytest.raises(InputError) as exc:
            read_event(folder)
        assert exc.value.problems[0].code == "outside_period"
    else:
        scans = read_event(folder).tables["scans"]
        assert len(scans.df) == 1
        fraction = "." in stamp
        assert [(r.code, r.rows) for r in scans.readings] == ([("read_to_second", 1)] * fraction)
        assert scans.df["date"].iloc[0].second == int(stamp[17:19])  # the fraction dropped


def test_ids_that_share_a_hash_are_told_apart_by_their_texts(tmp_path):
    """Attendees are grouped by two 64-bit hashes of their ids; should the first collide, the
    ids are numbered by their texts and nothing changes (a hashing whose first hash is the
    same for every id forces it)."""
    scans = (
        "attendee_id,date\n"
        "a0,2024-11-26T09:00\na0,2024-11-26T15:00\na0,2024-11-27\n"
        "b0,2024-11-28T10:00\nzz,2024-11-29T10:00\nzy,2024-11-29T11:00\n"
    )
    folder = make_event(
        tmp_path / "ev",
        {"registrations": REGISTRATIONS, "survey": SURVEY, "scans": scans},
        yaml(),
    )
    data = read_event(folder)
    reg, sc = data.tables["registrations"].df, data.tables["scans"].df

    def colliding(values):
        _, second = vt.id_hashes(values)
        return np.zeros(len(values), np.uint64), second

    plain = vt.attendance(reg, sc, data.config)
    forced = vt.attendance(reg, sc, data.config, hashing=colliding)
    assert forced.groups.equals(plain.groups)
    assert (forced.no_shows, forced.unregistered, forced.duplicates) == (
        plain.no_shows,
        plain.unregistered,
        plain.duplicates,
    )
    assert plain.unregistered == 2 and plain.visits == 2 + 1 + 1 + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=60), st.integers(0, 5))
@example(["", "\x01"], 0)  # the length was xor-ed into the seed, and the first byte undid it
@example(["A", "B\x00"], 0)  # the same flaw: length xor first word equal
@example(["\x01", "\x01\x00"], 0)  # one text a prefix of another, padded with a zero
def test_text_hashes_depend_on_the_text_alone(texts, cut):
    """A text's hash is the same whatever array holds it (fixed or uneven lengths, a slice,
    large_string, a dictionary, chunks) and equal texts hash alike."""
    import pyarrow as pa

    from carbonexpo.hashes import texts_hashed

    def hashed(values: pa.Array) -> np.ndarray:
        return np.stack(texts_hashed(values), axis=1)  # both seeds: (texts, 2)

    arr = pa.array(texts, pa.string())
    whole = hashed(arr)
    alone = np.concatenate([hashed(pa.array([t])) for t in texts])
    assert (whole == alone).all()
    sliced = arr.slice(min(cut, len(texts) - 1))
    assert (hashed(sliced) == whole[len(whole) - len(sliced) :]).all()
    assert (hashed(arr.cast(pa.large_string())) == whole).all()
    assert (hashed(arr.dictionary_encode()) == whole).all()
    parts = pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string())
    assert (hashed(parts) == whole).all()  # chunk by chunk, as one array
    assert (hashed(pa.chunked_array([arr.dictionary_encode()])) == whole).all()
    for seed in range(whole.shape[1]):
        for i, t in enumerate(texts):
            same = [j for j, u in enumerate(texts) if u == t]
            assert len(set(whole[same, seed].tolist())) == 1
            others = [j for j in range(len(texts)) if texts[j] != t]
            assert (whole[i, seed] != whole[others, seed]).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"p-[0-9a-f]{20}", fullmatch=True),
            st.text(alphabet="p-0123456789abcdefgABCDEF/:`", min_size=22, max_size=22),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_pseudonyms_are_told_by_their_bytes_as_by_the_regex(ids):
    import pyarrow as pa

    from carbonexpo.io.attendance_import import PSEUDONYM, _pseudonym_shaped

    shaped = _pseudonym_shaped(pa.array(ids))
    assert shaped is not None
    assert shaped.tolist() == [bool(PSEUDONYM.match(i)) for i in ids]


def test_pseudonyms_and_raw_ids_are_keyed_alike_in_every_table(tmp_path):
    """One id gets the same keys whatever else its table holds: registrations of pseudonyms
    only, scans mixing them with a raw id (a badge number): every scan finds its attendee, the
    raw id is one unregistered attendee, and ids alike but for their last digits are apart."""
    p1, p2, p3 = "p-0123456789abcdef0001", "p-0123456789abcdef0002", "p-ffffffffffffffff0000"
    registrations = f"attendee_id,origin\n{p1},Shanghai\n{p2},Beijing\n{p3},Tokyo\n"
    scans = (
        f"attendee_id,date\n{p1},2024-11-26\n{p2},2024-11-26\n{p2},2024-11-27\n"
        f"{p3},2024-11-28\nraw-badge-7,2024-11-28\n"
    )
    folder = make_event(tmp_path / "ev", {"registrations": registrations, "scans": scans}, yaml())
    data = read_event(folder)
    reg, sc = data.tables["registrations"].df, data.tables["scans"].df
    k1, k2 = vt.id_hashes(sc["attendee_id"])
    assert len(set(k1.tolist())) == 5 - 1 and k2[0] != k2[1]  # p2 twice; p1, p2 apart
    att = vt.attendance(reg, sc, data.config)
    assert (att.registered, att.unregistered, att.no_shows) == (3, 1, 0)
    assert (att.attendees, att.visits) == (4, 5)


def test_raw_ids_are_counted_once_per_file_each_id_once(tmp_path):
    """The privacy warning counts each file's distinct ids that are not pseudonyms: a raw id
    registered twice is one; scans count the registered raw ids scanned (not the one never
    scanned) and the unregistered raw ids, a pseudonym never."""
    p1, p2 = "p-0123456789abcdef0001", "p-0123456789abcdef0002"
    registrations = (
        f"attendee_id,origin\nraw-1,Shanghai\nraw-1,Shanghai\nraw-2,Beijing\n{p1},Tokyo\n"
    )
    scans = (
        f"attendee_id,date\nraw-1,2024-11-26\nraw-1,2024-11-27\n{p1},2024-11-26\n"
        f"badge-9,2024-11-28\nbadge-9,2024-11-29\n{p2},2024-11-28\n"
    )
    folder = make_event(tmp_path / "ev", {"registrations": registrations, "scans": scans}, yaml())
    calc = calculate(folder).calculation
    said = {w.params["file"]: w.params["count"] for w in calc.warnings
            if w.code == "attendee_ids_raw"}  # fmt: skip
    assert said == {"registrations.csv": 2, "scans.csv": 2}
    assert calc.visitor_travel.attendance.raw_ids == said


def test_ids_of_other_lengths_are_told_by_the_regex():
    import pyarrow as pa

    from carbonexpo.io.attendance_import import not_pseudonyms

    ids = ["p-0123456789abcdef0001", "p-0123456789ABCDEF0001", "X1", "", "p-0123456789abcdef00011"]
    assert not_pseudonyms(pa.array(ids)).tolist() == [False, True, True, True, True]
    assert not_pseudonyms(pa.array([], pa.string())).tolist() == []


def test_an_empty_scan_date_is_named_empty_and_nothing_else(tmp_path):
    """check_in_period compares epoch seconds, where an empty time is the int64 minimum: it is
    the reader's to name (empty), never 'before the event' — in a folder, and in the check
    itself given a table that still holds the empty time."""
    scans = "attendee_id,date\na0,\na0,2024-11-20T23:59:59.5\n"
    folder = make_event(tmp_path / "ev", {"registrations": REGISTRATIONS, "scans": scans}, yaml())
    with pytest.raises(InputError) as exc:
        read_event(folder)
    found = [(p.file, p.row, p.column, p.code) for p in exc.value.problems]
    assert found == [("scans.csv", 2, "date", "empty"), ("scans.csv", 3, "date", "outside_period")]

    import pandas as pd

    from carbonexpo.io.checks import check_in_period
    from carbonexpo.io.tables import Table

    stamps = pd.Series(pd.to_datetime([None, "2024-11-20T15:59:59Z", "2024-11-21T12:00:00Z"]))
    table = Table("scans", "scans.csv", pd.DataFrame({"_row": [2, 3, 4], "date": stamps}), "")
    config = read_event(make_event(tmp_path / "ok", {}, yaml())).config
    assert [p.row for p in check_in_period(table, "date", config)] == [3]
