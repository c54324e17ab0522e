"""What people naturally type, read when it is unambiguous (spec §10): thousands separators,
dates written with slashes, dots or 年月日, quantities with their unit in a unit-named column,
synonyms of enumerations. Each reading is recorded (file, column, what, how many rows) so that
it can be listed in `assumptions`; what stays ambiguous (08/06/2025, 1,5) is refused with a hint.

These run only on the text path, i.e. for a column whose fast typed parse failed: a clean file
pays nothing for them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carbonexpo.numbers import round_sig

THOUSANDS = r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"  # 1,200 and 12,345.6; not 1,5 nor 1,20
YMD = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?P<rest>(?:[T ]\s*\d.*)?)$"
)
COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?P<rest>(?:[T ]\s*\d.*)?)$"  # 20250608
DMY = r"^\d{1,2}[/.]\d{1,2}[/.]\d{4}"  # 08/06/2025: day or month first? refused
QUANTITY_UNIT = (
    r"^\s*(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>[^\d\s].*?)\s*$"
)
UNIT_OF_COLUMN = {"mass_kg": "kg", "distance_km": "km", "area_m2": "m**2", "mwh": "MWh"}
DIMENSION_OF_UNIT = {"kg": "mass", "km": "length", "m**2": "area", "MWh": "energy"}
EXAMPLE_OF_UNIT = {"kg": "2.5 t", "km": "12 mi", "m**2": "36 m²", "MWh": "1,500 kWh"}

# documented synonyms (docs/event-folder.md), matched after folding case, spaces and hyphens
SYNONYMS: dict[str, dict[str, str]] = {
    "carrier": {
        "gas": "natural_gas", "natural_gas": "natural_gas", "ng": "natural_gas",
        "天然气": "natural_gas", "power": "electricity", "电": "electricity",
        "电力": "electricity", "gasoline": "petrol", "柴油": "diesel", "汽油": "petrol",
        "district_heat": "heat", "heating": "heat", "district_cooling": "cooling",
    },
    "mode": {
        "truck": "hgv", "lorry": "hgv", "hgv": "hgv", "train": "rail", "railway": "rail",
        "high_speed_rail": "hsr", "high_speed_train": "hsr", "高铁": "hsr", "动车": "hsr",
        "plane": "air", "flight": "air", "airplane": "air", "飞机": "air", "subway": "metro",
        "underground": "metro", "地铁": "metro", "cab": "taxi", "出租车": "taxi",
        "automobile": "car", "private_car": "car", "electric_car": "ev_car", "ev": "ev_car",
        "bicycle": "bike", "cycling": "bike", "on_foot": "walk", "walking": "walk",
        "ship": "sea", "ocean": "sea", "sea_freight": "sea", "boat": "ferry", "公交": "bus",
        "airfreight": "air", "air_freight": "air", "自驾": "car", "私家车": "car",
        "开车": "car", "火车": "rail", "大巴": "coach", "步行": "walk", "自行车": "bike",
        "网约车": "taxi", "轮渡": "ferry", "公交车": "bus",
    },
    "cabin": {"economy_class": "economy", "business_class": "business", "unknown": "average"},
    "type": {
        "观众": "visitor", "专业观众": "visitor", "参观者": "visitor", "访客": "visitor",
        "attendee": "visitor", "trade_visitor": "visitor", "exhibitor": "exhibitor_staff",
        "展商": "exhibitor_staff", "参展商": "exhibitor_staff", "展商人员": "exhibitor_staff",
        "organiser": "organiser_staff", "organizer": "organiser_staff",
        "主办方": "organiser_staff", "media": "press", "journalist": "press", "媒体": "press",
        "记者": "press", "嘉宾": "vip", "贵宾": "vip", "guest": "vip", "演讲嘉宾": "speaker",
        "采购商": "buyer",
    },
    "went_home": {
        "y": "yes", "n": "no", "true": "yes", "false": "no", "1": "yes", "0": "no",
        "是": "yes", "否": "no",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """One normalisation applied to a column: `rows` cells read `what` as `how`."""

    column: str
    what: str
    how: str
    rows: int
    # the catalog note that says it (note.<code>) and its parameters, for every language
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()


def fold(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def choice(column: str, label: str, choices: tuple[str, ...]) -> tuple[str | None, bool]:
    """(canonical value or None, whether a synonym was needed) for one distinct label."""
    canonical = {c.lower(): c for c in choices}
    if label.lower() in canonical:
        return canonical[label.lower()], False
    folded = fold(label)
    if folded in canonical:
        return canonical[folded], True
    mapped = SYNONYMS.get(column, {}).get(folded)
    if mapped in choices:
        return mapped, True
    return None, False


def closest(label: str, options: list[str], n: int = 3, column: str = "") -> list[str]:
    """Up to n valid values that look most like `label`, synonyms included ('gaz' ->
    natural_gas through 'gas')."""
    synonyms = {k: v for k, v in SYNONYMS.get(column, {}).items() if v in options}
    hits = difflib.get_close_matches(fold(label), [*options, *synonyms], n=n * 2, cutoff=0.6)
    out: list[str] = []
    for h in hits:
        value = synonyms.get(h, h)
        if value not in out:
            out.append(value)
    return out[:n]


def numbers(values: pa.Array, column: str) -> tuple[pa.Array, list[Reading]]:
    """Thousands separators dropped; `2.5 t` in a unit-named column converted to its unit."""
    readings: list[Reading] = []
    sep = _mask(pc.match_substring_regex(values, THOUSANDS))
    if sep.any():
        values = pc.if_else(pa.array(sep), pc.replace_substring(values, ",", ""), values)
        readings.append(
            Reading(
                column,
                "thousands separators",
                "removed (1,200 = 1200)",
                int(sep.sum()),
                "read_thousands",
            )
        )
    target = UNIT_OF_COLUMN.get(column)
    if target is None:
        return values, readings
    parts = pc.extract_regex(values, QUANTITY_UNIT)
    has_unit = ~_mask(pc.is_null(parts))
    if not has_unit.any():
        return values, readings
    from carbonexpo.units import UnitProblem, multiplier

    number = pc.struct_field(parts, [0]).to_numpy(zero_copy_only=False)
    unit = pc.struct_field(parts, [1]).to_numpy(zero_copy_only=False)
    converted = np.full(len(values), None, dtype=object)
    for u in sorted({str(x) for x in unit[has_unit]}):
        try:
            factor = multiplier(u, target)
        except UnitProblem:
            continue  # left as it is: reported as "not a number"
        rows = has_unit & (unit == u)
        in_target = round_sig(number[rows].astype(np.float64) * factor)
        converted[rows] = [repr(float(x)) for x in in_target]
        readings.append(
            Reading(
                column,
                f"values in {u}",
                f"converted to {target}",
                int(rows.sum()),
                "read_unit",
                (("unit", u), ("target", target)),
            )
        )
    done = np.array([c is not None for c in converted])
    if done.any():
        values = pc.if_else(pa.array(done), pa.array(converted, pa.string()), values)
    return values, readings


def dates(values: pa.Array, column: str) -> tuple[pa.Array, np.ndarray, list[Reading]]:
    """YYYY/MM/DD, YYYY.MM.DD, YYYY-M-D, YYYY年M月D日 and YYYYMMDD to ISO (a time after a space or
    T kept); returns the rows written day/month first, which stay refused."""
    readings: list[Reading] = []
    for pattern, what in ((YMD, "dates as Y/M/D"), (COMPACT, "dates as YYYYMMDD")):
        parts = pc.extract_regex(values, pattern)
        hit = ~_mask(pc.is_null(parts))
        iso = _mask(pc.match_substring_regex(values, r"^\d{4}-\d{2}-\d{2}([T ]|$)"))
        hit &= ~iso
        if not hit.any():
            continue
        y, m, d, rest = (pc.struct_field(parts, [i]) for i in range(4))
        text = pc.binary_join_element_wise(
            y,
            pc.utf8_lpad(m, 2, "0"),
            pc.utf8_lpad(d, 2, "0"),
            "-",
        )
        rest = pc.utf8_trim_whitespace(rest)
        text = pc.binary_join_element_wise(text, rest, "T")
        text = pc.replace_substring_regex(text, r"T(T|$)", r"\1")
        values = pc.if_else(pa.array(hit), text, values)
        shape = what.removeprefix("dates as ")
        readings.append(
            Reading(
                column, what, "read as ISO dates", int(hit.sum()), "read_dates", (("shape", shape),)
            )
        )
    dmy = _mask(pc.match_substring_regex(values, DMY))
    return values, dmy, readings


def _mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)
