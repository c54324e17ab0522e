"""Every rule with a threshold or a date, called directly at limit − ε, at the limit and at
limit + ε (issue 32): air bands, GEC validity and its legacy date, the green-power vintage
window, credit vintage age, the retirement deadline, the exclusion share, serial blocks in a
file and against the ledger, meter intervals. The example's event ends 2024-12-02; its claim
allows credits 5 years old and green power generated within 24 months."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from carbonexpo.calc.activities import DOMESTIC_MAX_KM, LONG_HAUL_KM, air_band
from carbonexpo.calc.blocks import overlapping_claims
from carbonexpo.calc.completeness import assess
from carbonexpo.calc.offsets import RETIREMENT_WINDOW_MONTHS, apply_offsets
from carbonexpo.calc.reasons import Reasons
from carbonexpo.calc.scope2 import GEC_LEGACY_UNTIL, allocate_green_power, gec_expiry
from carbonexpo.io.checks import check_intervals, check_serial_blocks
from carbonexpo.io.event import load_config
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.tables import DATE_MAX, DATE_MIN, Table, read_rows
from tests.conftest import EXAMPLE

CONFIG, _ = load_config(EXAMPLE / "event.yaml")
assert CONFIG is not None
END = dt.date(2024, 12, 2)  # the example's last day
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("km", "band"),
    [
        (DOMESTIC_MAX_KM - 1e-9, 0),
        (DOMESTIC_MAX_KM, 1),
        (DOMESTIC_MAX_KM + 1e-9, 1),
        (LONG_HAUL_KM - 1e-9, 1),
        (LONG_HAUL_KM, 2),
        (LONG_HAUL_KM + 1e-9, 2),
    ],
)
def test_air_bands(km: float, band: int) -> None:
    assert int(air_band(np.array([km]))[0]) == band


def gec(generation_start: str, retired_on: str | None) -> bool:
    """Whether a Chinese GEC generated from `generation_start` and retired on `retired_on`
    (None: used on the event's last day) has expired."""
    df = pd.DataFrame(
        {
            "type": ["GEC"],
            "generation_start": pd.to_datetime([generation_start]),
            "retired_on": pd.to_datetime([retired_on]),
        }
    )
    why = Reasons(1)
    gec_expiry(why, df, np.array(["CN"]), CONFIG)
    return bool(why.any()[0])


@pytest.mark.parametrize(
    ("start", "used", "expired"),
    [
        # two years from the production month: 2023-03 -> valid to 2025-02-28... but pre-2024
        # generation is valid to GEC_LEGACY_UNTIL (2025-12-31)
        ("2023-03-10", "2025-12-30", False),
        ("2023-03-10", str(GEC_LEGACY_UNTIL), False),
        ("2023-03-10", "2026-01-01", True),
        # the first month of the new rule: 2024-01 -> valid to 2025-12-31
        ("2024-01-15", "2025-12-30", False),
        ("2024-01-15", "2025-12-31", False),
        ("2024-01-15", "2026-01-01", True),
        # a later month: 2024-06 -> valid to 2026-05-31
        ("2024-06-01", "2026-05-30", False),
        ("2024-06-01", "2026-05-31", False),
        ("2024-06-01", "2026-06-01", True),
    ],
)
def test_gec_validity_and_its_legacy_date(start: str, used: str, expired: bool) -> None:
    assert gec(start, used) is expired


def instruments(generation_start: dt.date) -> pd.DataFrame:
    rows = [
        {
            "instrument_id": "G",
            "type": "green_power_trade",
            "mwh": "1",
            "generation_start": generation_start.isoformat(),
            "generation_end": generation_start.isoformat(),
            "country": "CN",
            "retired_on": "2024-12-10",
            "beneficiary": CONFIG.id,
        }
    ]
    table, problems = read_rows(rows, SCHEMAS["green_power"], "green_power.csv")
    assert problems == [] and table is not None
    return table.df


@pytest.mark.parametrize(
    ("start", "applied"),
    [
        (dt.date(2022, 12, 2) - DAY, False),  # 24 months before the last day, one day earlier
        (dt.date(2022, 12, 2), True),
        (dt.date(2022, 12, 2) + DAY, True),
        (END - DAY, True),
        (END, True),
        (END + DAY, False),  # generated after the reporting period
    ],
)
def test_green_power_vintage_window(start: dt.date, applied: bool) -> None:
    result = allocate_green_power(instruments(start), config=CONFIG, consumption_mwh=10.0)
    assert (result.instruments["status"].iloc[0] == "applied") is applied


def credits(vintage: int, retired_on: dt.date) -> pd.DataFrame:
    rows = [
        {
            "registry": "CCER",
            "project_id": "P",
            "vintage": str(vintage),
            "serial_prefix": "CCER-P",
            "first": "1",
            "last": "10",
            "retired_on": retired_on.isoformat(),
            "beneficiary": CONFIG.id,
        }
    ]
    table, problems = read_rows(rows, SCHEMAS["credits"], "credits.csv")
    assert problems == [] and table is not None
    return table.df


OLDEST = 2024 - CONFIG.claim.credit_vintage_max_age_years


@pytest.mark.parametrize(
    ("vintage", "eligible"), [(OLDEST - 1, False), (OLDEST, True), (OLDEST + 1, True)]
)
def test_credit_vintage_age(vintage: int, eligible: bool) -> None:
    result = apply_offsets(credits(vintage, END), config=CONFIG)
    assert (result.credits["status"].iloc[0] == "eligible") is eligible


DEADLINE = (pd.Timestamp(END) + pd.DateOffset(months=RETIREMENT_WINDOW_MONTHS)).date()


@pytest.mark.parametrize(
    ("retired_on", "eligible"),
    [(DEADLINE - DAY, True), (DEADLINE, True), (DEADLINE + DAY, False)],
)
def test_retirement_deadline(retired_on: dt.date, eligible: bool) -> None:
    result = apply_offsets(credits(2024, retired_on), config=CONFIG)
    assert (result.credits["status"].iloc[0] == "eligible") is eligible


@pytest.mark.parametrize(
    ("excluded", "over"),
    [(4.999999, False), (5.0, False), (5.000001, True)],  # of 100 t, at most 5 %
)
def test_exclusion_share(excluded: float, over: bool) -> None:
    data = CONFIG.model_dump()
    data["exclusions"] = {"catering": {"reason": "not measured", "estimate_tco2e": excluded}}
    data["claim"]["max_excluded_share"] = 0.05
    config = type(CONFIG).model_validate(data)
    present = {"electricity", "travel"}
    completeness = assess(config, present, 100.0)
    assert completeness.over_threshold is over
    assert ("exclusions_over_threshold" in [n.code for n in completeness.problems()]) is over


def table(name: str, rows: list[dict[str, str]]) -> Table:
    t, problems = read_rows(rows, SCHEMAS[name], f"{name}.csv", "UTC")
    assert problems == [] and t is not None
    return t


@pytest.mark.parametrize(
    ("second_first", "overlap"), [(10, True), (11, False), (12, False)]
)  # the first block is 1–10: a second one starting at 10 shares serial 10
def test_serial_blocks_in_a_file(second_first: int, overlap: bool) -> None:
    rows = [
        {"registry": "CCER", "project_id": "P", "vintage": "2024", "serial_prefix": "X",
         "first": str(first), "last": str(last)}
        for first, last in ((1, 10), (second_first, 20))
    ]  # fmt: skip
    problems = check_serial_blocks(table("credits", rows), ("registry", "serial_prefix"), False)
    assert bool(problems) is overlap


@pytest.mark.parametrize(("first", "overlap"), [(10, True), (11, False)])
def test_serial_blocks_against_the_ledger(first: int, overlap: bool) -> None:
    claims = pd.DataFrame(
        {"kind": ["credit"], "prefix": ["x"], "first": [1], "last": [10], "event_id": ["other"]}
    )
    ours = pd.DataFrame({"serial_prefix": ["X"], "first": [first], "last": [20]})
    hit = overlapping_claims(ours, claims, kind="credit", event_id=CONFIG.id)
    assert (not hit.empty) is overlap


@pytest.mark.parametrize(
    ("end", "bad"),
    [("2024-11-26T07:59:59", True), ("2024-11-26T08:00", True), ("2024-11-26T08:00:01", False)],
)  # an interval must end after it starts (08:00)
def test_an_interval_ends_after_it_starts(end: str, bad: bool) -> None:
    rows = [
        {"meter": "M", "carrier": "electricity", "start": "2024-11-26T08:00", "end": end,
         "quantity": "1", "unit": "kWh"}
    ]  # fmt: skip
    assert bool(check_intervals(table("energy", rows))) is bad


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (DATE_MIN - DAY, False),
        (DATE_MIN, True),
        (DATE_MAX, True),
        (DATE_MAX + DAY, False),
    ],
)
def test_the_range_of_dates(day: dt.date, ok: bool) -> None:
    rows = [{"instrument_id": "G", "type": "GEC", "mwh": "1", "country": "CN",
             "generation_start": day.isoformat(), "generation_end": day.isoformat()}]  # fmt: skip
    _, problems = read_rows(rows, SCHEMAS["green_power"], "green_power.csv")
    assert (problems == []) is ok


@pytest.mark.parametrize(
    ("second_start", "overlap"),
    [("2024-11-26T08:59:59", True), ("2024-11-26T09:00", False), ("2024-11-26T09:00:01", False)],
)  # intervals are half-open: [08:00, 09:00) and one starting at 09:00 meet, they do not overlap
def test_meter_intervals_meet_without_overlapping(second_start: str, overlap: bool) -> None:
    from carbonexpo.io.checks import check_meter_overlaps

    rows = [
        {"meter": "M", "carrier": "electricity", "start": start, "end": end, "quantity": "1",
         "unit": "kWh"}
        for start, end in (("2024-11-26T08:00", "2024-11-26T09:00"),
                           (second_start, "2024-11-26T10:00"))
    ]  # fmt: skip
    assert bool(check_meter_overlaps(table("energy", rows))) is overlap


def test_the_credits_frame_has_one_shape_empty_or_not() -> None:
    from carbonexpo.calc.offsets import CREDIT_COLUMNS

    empty = apply_offsets(None, config=CONFIG).credits
    full = apply_offsets(credits(2024, END), config=CONFIG).credits
    assert tuple(empty.columns) == tuple(full.columns) == CREDIT_COLUMNS


# -- the reader's and the messages' bounds (issue 31) ------------------------------------------


@pytest.mark.parametrize(("columns", "refused"), [(199, False), (200, False), (201, True)])
def test_the_number_of_columns(tmp_path, columns: int, refused: bool) -> None:
    from carbonexpo.io.tables import MAX_COLUMNS, read_table

    assert MAX_COLUMNS == 200
    path = tmp_path / "waste.csv"
    names = ["stream", "treatment", "mass_kg", *(f"c{i}" for i in range(columns - 3))]
    path.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n", "utf-8")
    _, problems = read_table(path, SCHEMAS["waste"], "waste.csv")
    assert any("columns or more" in p.message for p in problems) is refused


@pytest.mark.parametrize(("length", "refused"), [(9_999, False), (10_000, False), (10_001, True)])
def test_the_length_of_a_cell(length: int, refused: bool) -> None:
    from carbonexpo.io.tables import MAX_CELL_CHARS

    assert MAX_CELL_CHARS == 10_000
    rows = [{"meal": "x" * length, "servings": "1"}]
    _, problems = read_rows(rows, SCHEMAS["catering"], "catering.csv")
    assert any("characters: a cell holds at most" in p.message for p in problems) is refused


@pytest.mark.parametrize(("length", "shortened"), [(599, False), (600, False), (601, True)])
def test_the_length_of_a_message(length: int, shortened: bool) -> None:
    from carbonexpo.errors import MAX_MESSAGE, Problem

    assert MAX_MESSAGE == 600
    p = Problem("t.csv", 2, "x", "m" * length, "not_numeric")
    assert len(p.message) <= MAX_MESSAGE
    assert p.message.endswith("characters, shortened)") is shortened


@pytest.mark.parametrize(("count", "summary"), [(999, False), (1000, False), (1001, True)])
def test_the_number_of_problems_listed_per_file(count: int, summary: bool) -> None:
    from carbonexpo.errors import MAX_PER_FILE, InputError, Problem

    assert MAX_PER_FILE == 1000
    error = InputError(Problem("t.csv", r, "x", "bad", "not_numeric") for r in range(2, 2 + count))
    assert len(error.problems) == min(count, MAX_PER_FILE) + summary
    assert (error.problems[-1].code == "more_problems") is summary


@pytest.mark.parametrize(
    ("value", "refused"), [(2**53 - 2, False), (2**53, False), (2**53 + 2, True)]
)  # a whole-number column without a maximum: beyond 2^53 a float no longer counts by one
def test_whole_numbers_count_exactly(value: int, refused: bool) -> None:
    _, problems = read_rows([{"key": "k", "unit": "kg", "kgco2e_per_unit": "1", "source": "s",
                              "year": str(value)}], SCHEMAS["factors"], "factors.csv")  # fmt: skip
    assert any("too large to count exactly" in p.message for p in problems) is refused


@pytest.mark.parametrize(("unpacked", "refused"), [(-1, False), (0, False), (1, True)])
def test_the_unpacked_size_of_an_xlsx(tmp_path, monkeypatch, unpacked: int, refused: bool) -> None:
    """Against a bound lowered to 1 MiB (the shipped one is 256 MB): limit − 1 byte, the
    limit, limit + 1 byte, stored uncompressed so the packing ratio does not decide."""
    import zipfile

    from carbonexpo.io import tables

    monkeypatch.setattr(tables, "MAX_XLSX_BYTES", 2**20)
    path = tmp_path / "catering.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "x" * (2**20 + unpacked))
    assert (tables.xlsx_problem(path, "catering.xlsx") is not None) is refused


@pytest.mark.parametrize(("ratio", "refused"), [(199, False), (200, False), (201, True)])
def test_the_packing_ratio_of_an_xlsx(ratio: int, refused: bool) -> None:
    """The ratio rule, on the numbers xlsx_problem compares (a real file cannot be packed to
    an exact ratio): over 16 MB unpacked, more than 200 times the packed size is refused."""
    from carbonexpo.io.tables import MAX_XLSX_RATIO, xlsx_refused

    assert MAX_XLSX_RATIO == 200
    packed = 100_000
    assert xlsx_refused(packed * ratio, packed) is refused


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("visits", 10**10 - 1, True),
        ("visits", 10**10, True),
        ("visits", 10**10 + 1, False),
        ("area_m2", 1e7 * (1 - 1e-12), True),
        ("area_m2", 1e7, True),
        ("area_m2", 1e7 * (1 + 1e-12), False),
    ],
)
def test_event_sizes(key: str, value: float, ok: bool) -> None:
    from pydantic import ValidationError

    data = CONFIG.model_dump()
    if key == "area_m2":
        data["venue"]["area_m2"] = value
    else:
        data[key] = value
    try:
        type(CONFIG).model_validate(data)
    except ValidationError:
        assert not ok
    else:
        assert ok
