"""Hypothesis invariants: row order, scaling, unit choice, balance arithmetic, caps, shares."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonexpo.calc.allocation import largest_remainder
from carbonexpo.calc.balance import compute_balance
from carbonexpo.calc.calculate import calculate, totals
from carbonexpo.io.event import read_event
from carbonexpo.numbers import TCO2E_PARENTS, clean
from carbonexpo.units import multiplier
from tests.conftest import make_event

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MODES = ["metro", "bus", "car", "taxi", "hsr", "rail", "coach", "air"]

energy_rows = st.lists(
    st.tuples(
        st.sampled_from(["electricity", "diesel", "heat"]), st.floats(0, 1e6, allow_nan=False)
    ),
    min_size=1,
    max_size=12,
)
travel_rows = st.lists(
    st.tuples(
        st.sampled_from(MODES), st.integers(1, 10_000), st.floats(1, 12_000, allow_nan=False)
    ),
    min_size=1,
    max_size=12,
)


def folder_with(energy, travel, order=None) -> Path:
    root = Path(tempfile.mkdtemp())
    unit = {"electricity": "kWh", "diesel": "L", "heat": "GJ"}
    e_lines = [
        f"M{i},{c},2024-11-{21 + i % 12:02d}T08:00,2024-11-{21 + i % 12:02d}T09:00,{q!r},{unit[c]}"
        for i, (c, q) in enumerate(energy)
    ]
    e_lines = [line.replace("2024-11-33", "2024-12-03") for line in e_lines]
    e_lines = [
        line.replace("2024-11-31", "2024-12-01").replace("2024-11-32", "2024-12-02")
        for line in e_lines
    ]
    t_lines = [f"{m},{n},{d!r}" for m, n, d in travel]
    if order is not None:
        e_lines = [e_lines[i] for i in order(len(e_lines))]
        t_lines = [t_lines[i] for i in order(len(t_lines))]
    return make_event(
        root / "ev",
        {
            "energy": "meter,carrier,start,end,quantity,unit\n" + "\n".join(e_lines) + "\n",
            "travel": "mode,travellers,distance_km\n" + "\n".join(t_lines) + "\n",
        },
    )


def total_of(folder: Path) -> dict:
    try:
        return totals(calculate(read_event(folder)))
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


@SETTINGS
@given(energy_rows, travel_rows, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_no_total(energy, travel, rnd) -> None:
    a = total_of(folder_with(energy, travel))
    b = total_of(folder_with(energy, travel, order=lambda n: rnd.sample(range(n), n)))
    for key, value in a.items():
        if isinstance(value, float):
            assert b[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


@SETTINGS
@given(energy_rows, travel_rows, st.sampled_from([0.5, 2.0, 3.0, 10.0]))
def test_scaling_quantities_scales_every_line(energy, travel, k) -> None:
    base = folder_with(energy, travel)
    scaled = folder_with([(c, q * k) for c, q in energy], [(m, n, d) for m, n, d in travel])
    a = calculate(read_event(base)).lines
    b = calculate(read_event(scaled)).lines
    e_a, e_b = a[a["source_file"] == "energy.csv"], b[b["source_file"] == "energy.csv"]
    assert np.allclose(e_b["kgco2e"].to_numpy(), k * e_a["kgco2e"].to_numpy(), rtol=1e-12)
    travel_scaled = folder_with(energy, [(m, n * int(k) if k >= 1 else n, d) for m, n, d in travel])
    c = calculate(read_event(travel_scaled)).lines
    if k >= 1:
        t_a, t_c = a[a["source_file"] == "travel.csv"], c[c["source_file"] == "travel.csv"]
        assert np.allclose(t_c["kgco2e"].to_numpy(), int(k) * t_a["kgco2e"].to_numpy(), rtol=1e-12)
    for f in (base, scaled, travel_scaled):
        shutil.rmtree(f.parent, ignore_errors=True)


@SETTINGS
@given(st.floats(0.001, 1e7, allow_nan=False))
def test_same_energy_in_kwh_mwh_or_gj_gives_the_same_kgco2e(kwh) -> None:
    results = []
    for q, u in ((kwh, "kWh"), (kwh / 1000, "MWh"), (kwh * 0.0036, "GJ")):
        root = Path(tempfile.mkdtemp())
        folder = make_event(
            root / "ev",
            {
                "energy": "meter,carrier,start,end,quantity,unit\n"
                f"M1,electricity,2024-11-26T08:00,2024-11-26T09:00,"
                f"{q!r},{u}\n"
            },
        )
        results.append(total_of(folder)["location_based_tco2e"])
    assert results[1] == pytest.approx(results[0], rel=1e-12)
    assert results[2] == pytest.approx(results[0], rel=1e-12)


@given(
    st.sampled_from(["kWh", "MWh", "GJ", "MJ", "tce"]),
    st.sampled_from(["kWh", "MWh", "GJ"]),
    st.floats(1e-6, 1e9),
)
def test_unit_round_trip(a, b, x) -> None:
    assert x * multiplier(a, b) * multiplier(b, a) == pytest.approx(x, rel=1e-12)


@given(st.floats(0, 1e9, allow_nan=False), st.floats(0, 1e9, allow_nan=False))
def test_balance_arithmetic(gross, offsets) -> None:
    b = compute_balance(gross_tco2e=gross, offsets_tco2e=offsets, basis="market")
    assert b.net_tco2e >= 0 and b.surplus_tco2e >= 0
    assert b.net_tco2e - b.surplus_tco2e == pytest.approx(gross - offsets, abs=1e-6)
    assert b.neutral == (gross - offsets <= 0)
    assert (b.net_tco2e == 0) or (b.surplus_tco2e == 0)


@given(st.integers(0, 10**12), st.lists(st.floats(0.01, 1e5), min_size=1, max_size=50))
def test_shares_sum_exactly(total_mg, weights) -> None:
    shares = largest_remainder(total_mg, np.array(weights))
    assert int(shares.sum()) == total_mg
    assert (shares >= 0).all()


GP_HEAD = (
    "instrument_id,type,mwh,generation_start,generation_end,country,serial_prefix,first,"
    "last,beneficiary,retired_on\n"
)


@SETTINGS
@given(
    st.floats(1, 5000, allow_nan=False),
    st.lists(st.tuples(st.floats(0, 3000, allow_nan=False), st.booleans()), min_size=1, max_size=8),
)
def test_applied_never_exceeds_consumption(mwh, instruments) -> None:
    rows = [
        f"G{i},GEC,{q!r},2024-10-01,2024-10-31,{'CN' if ok else 'VN'},P{i},1,10,test-expo,"
        "2024-12-05"
        for i, (q, ok) in enumerate(instruments)
    ]
    root = Path(tempfile.mkdtemp())
    folder = make_event(
        root / "ev",
        {
            "energy": "meter,carrier,start,end,quantity,unit\n"
            f"M1,electricity,2024-11-26T08:00,2024-11-26T09:00,{mwh!r},MWh\n",
            "green_power": GP_HEAD + "\n".join(rows) + "\n",
        },
    )
    t = total_of(folder)
    eligible = sum(q for q, ok in instruments if ok)
    assert t["green_power_applied_mwh"] <= mwh * (1 + 1e-12)
    assert t["green_power_applied_mwh"] == pytest.approx(min(mwh, eligible), rel=1e-9, abs=1e-9)
    assert t["green_power_surplus_mwh"] == pytest.approx(max(eligible - mwh, 0), rel=1e-9, abs=1e-6)


CR = "registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary\n"


@SETTINGS
@given(
    st.sampled_from(
        [
            "VCS,P9,2024,V-9,1,500,2025-01-10,test-expo",
            "CCER,P9,2010,C-9,1,500,2025-01-10,test-expo",
            "CCER,P9,2024,C-9,1,500,,test-expo",
            "CCER,P9,2024,C-9,1,500,2025-01-10,other",
            "CCER,P9,2024,C-9,1,500,2026-06-01,test-expo",
        ]
    )
)
def test_adding_an_ineligible_block_changes_only_the_rejected_list(bad) -> None:
    good = "CCER,P1,2024,C-1,1,40,2025-01-10,test-expo"
    energy = (
        "meter,carrier,start,end,quantity,unit\n"
        "M1,electricity,2024-11-26T08:00,2024-11-26T09:00,100,MWh\n"
    )
    a = total_of(
        make_event(Path(tempfile.mkdtemp()) / "ev", {"energy": energy, "credits": CR + good + "\n"})
    )
    b = total_of(
        make_event(
            Path(tempfile.mkdtemp()) / "ev",
            {"energy": energy, "credits": CR + good + "\n" + bad + "\n"},
        )
    )
    assert b["offsets_rejected_tco2e"] == a["offsets_rejected_tco2e"] + 500
    for key in a:
        if key != "offsets_rejected_tco2e":
            assert a[key] == b[key], key


@pytest.mark.parametrize("text", ["unit", "units", "piece", "pcs", "item", "件", "个"])
def test_count_units_are_counts_not_micro_nits_or_parsecs(text) -> None:
    from carbonexpo.units import has_dimension, parse_unit

    assert str(parse_unit(text)) == "item"
    assert multiplier(text, "unit") == 1.0
    assert not has_dimension(text, "[length]") and not has_dimension(text, "[luminosity]")


@settings(max_examples=60, deadline=None)
@given(
    codes=st.lists(st.integers(0, 60), min_size=0, max_size=300),
    wide=st.booleans(),
)
def test_unique_codes_is_numpy_unique(codes: list[int], wide: bool) -> None:
    """Both ways (bincount for a small span, sort for a wide one) give np.unique's answer."""
    import numpy as np

    from carbonexpo.codes import unique_codes

    combo = np.array(codes, dtype=np.int64) * (10**9 if wide else 1)
    span = int(combo.max()) + 1 if len(combo) else 1
    uniq, inverse, counts = unique_codes(combo, span)
    want = np.unique(combo, return_inverse=True, return_counts=True)
    assert [list(x) for x in (uniq, inverse, counts)] == [list(x) for x in want]


def test_used_labels_are_the_categories_some_row_has() -> None:
    import pandas as pd

    from carbonexpo.codes import used_labels

    cat = pd.Categorical(["b", None, "b"], categories=["a", "b", "c"])
    assert used_labels(pd.Series(cat)) == ["b"]
    assert used_labels(pd.Categorical([], categories=["a"])) == []


def _clean_tree_by_path(value, path="result", *, tco2e=False):
    """numbers.clean_tree as first written (a path string per node): the definition the fast
    walk must keep."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path} is {value}: results hold finite numbers only")
        return clean(value, "tco2e" if tco2e or path.endswith("tco2e") else "")
    if isinstance(value, dict):
        inner = tco2e or path.rsplit(".", 1)[-1] in TCO2E_PARENTS
        return {k: _clean_tree_by_path(v, f"{path}.{k}", tco2e=inner) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_tree_by_path(v, f"{path}[{i}]", tco2e=tco2e) for i, v in enumerate(value)]
    return value


_KEYS = st.sampled_from(
    [
        "gross_tco2e",
        "tco2e",
        "mwh",
        "by_category",
        "by_phase",
        "x.by_scope",
        "by_scope.x",
        "own_by_category",
        "a.b",
        "kgco2e",
        "share",
        "",
        "electricity",
    ]
)
_LEAVES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(),
    st.text(max_size=3),
    st.booleans(),
    st.none(),
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@given(tree=_TREES, path=st.sampled_from(["result", "by_category", "x_tco2e", "a.by_phase"]))
@settings(max_examples=400, deadline=None)
def test_clean_tree_is_its_path_definition(tree, path) -> None:
    import copy

    from carbonexpo.numbers import clean_tree

    given = copy.deepcopy(tree)
    fast = clean_tree(tree, path)
    assert fast == _clean_tree_by_path(tree, path)
    assert repr(fast) == repr(_clean_tree_by_path(tree, path))  # -0.0 and 0.0 alike
    assert repr(tree) == repr(given)  # a copy: the tree given is left as it was
    in_place = clean_tree(tree, path, in_place=True)
    assert repr(in_place) == repr(fast)
    if isinstance(tree, dict | list):
        assert in_place is tree and repr(tree) == repr(fast)  # its own containers changed


@given(tree=_TREES, bad=st.sampled_from([float("nan"), float("inf"), float("-inf")]))
@settings(max_examples=200, deadline=None)
def test_clean_tree_names_the_first_non_finite_number(tree, bad) -> None:
    from carbonexpo.numbers import clean_tree

    doc = {"totals": {"a": [1.5, {"by_phase": tree}], "gross_tco2e": bad}, "z": bad}
    with pytest.raises(ValueError) as fast:
        clean_tree(doc)
    with pytest.raises(ValueError) as reference:
        _clean_tree_by_path(doc)
    assert str(fast.value) == str(reference.value)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
@settings(max_examples=500, deadline=None)
def test_round_sig_keeps_every_finite_number_finite_and_close(x) -> None:
    from carbonexpo.numbers import round_sig

    (r,) = round_sig(np.array([x]))
    assert np.isfinite(r)  # 3.3e-304 was NaN: 10**315 overflowed
    assert abs(r - x) <= 1e-11 * abs(x)


@given(
    chunks=st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", " c", "Ä", ""])), max_size=8),
        max_size=5,
    )
)
@settings(max_examples=300, deadline=None)
def test_dictionary_codes_are_those_of_unified_chunks(chunks) -> None:
    import pyarrow as pa

    from carbonexpo.io.tables import _dictionary_codes

    column = pa.chunked_array(
        [pa.array(c, pa.string()).dictionary_encode() for c in chunks],
        type=pa.dictionary(pa.int32(), pa.string()),
    )
    dictionary, codes = _dictionary_codes(column)
    if column.num_chunks:
        unified = column.unify_dictionaries().combine_chunks()
        assert dictionary.to_pylist() == unified.dictionary.to_pylist()
        assert codes.tolist() == unified.indices.fill_null(-1).to_pylist()
    else:
        assert len(codes) == 0
    assert codes.dtype == np.int8  # the width pandas keeps for < 127 categories


@given(st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), max_size=30))
@settings(max_examples=200, deadline=None)
def test_utc_series_is_pandas_public_construction_without_the_copies(seconds) -> None:
    import pandas as pd

    from carbonexpo.io.tables import UTC, utc_series

    raw = np.array([np.iinfo(np.int64).min if s is None else s for s in seconds], np.int64)
    ours = utc_series(raw)
    public = pd.Series(pd.array(raw.view("datetime64[s]"), dtype=UTC))
    pd.testing.assert_series_equal(ours, public)
    if len(raw):
        assert np.shares_memory(ours.array.asi8, raw)  # no copy was made


@given(
    rows=st.lists(
        st.tuples(
            st.integers(-3 * 86400, 16 * 86400),  # seconds from the first local midnight
            st.one_of(st.none(), st.sampled_from(["build_up", "open", "tear_down"])),
        ),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_energy_phase_is_the_given_one_else_the_phase_of_the_local_start_date(rows) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import pandas as pd

    from carbonexpo.calc.activities import energy_phase
    from carbonexpo.io.tables import utc_series

    config = _example_config()
    first = config.local_midnight_epoch(config.phases.start)
    seconds = np.array([first + s for s, _ in rows], dtype=np.int64)
    given = [p for _, p in rows]
    zone = ZoneInfo(config.timezone)
    phases = config.phases.items()

    def by_date(s: int) -> str:
        day = dt.datetime.fromtimestamp(s, zone).date()
        hits = [n for n, r in phases if r.start <= day <= r.end]
        return hits[0] if hits else (phases[0][0] if day < phases[0][1].start else phases[-1][0])

    expected = [g or by_date(int(s)) for s, g in zip(seconds, given, strict=True)]
    for frame in (
        pd.DataFrame({"start": utc_series(seconds.copy())}),
        pd.DataFrame({"start": utc_series(seconds.copy()), "phase": pd.Categorical(given)}),
    ):
        got = energy_phase(frame, config)
        want = expected if "phase" in frame else [by_date(int(s)) for s in seconds]
        assert [str(x) for x in got] == want


def _example_config():
    from carbonexpo.io.event import load_config
    from tests.conftest import EXAMPLE

    config, problems = load_config(EXAMPLE / "event.yaml")
    assert not problems
    return config


def test_a_cached_category_dtype_keeps_each_values_type() -> None:
    """codes.categorical reuses the dtype of a small category set: 1, 1.0 and True are equal
    keys but different labels, so each keeps its own."""
    from carbonexpo import codes

    one = np.array([0])
    assert codes.categorical(one, [1]).categories.dtype == np.int64
    assert list(codes.categorical(one, [1.0])) == [1.0]
    assert codes.categorical(one, [1.0]).categories.dtype == np.float64
    assert codes.categorical(one, [True]).categories.dtype == bool
    assert list(codes.categorical(np.arange(300) % 300, list(range(300)))) == list(range(300))


@given(
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**20)),
    st.lists(st.floats(0, 1e4), min_size=1, max_size=60),
)
def test_the_int64_split_is_the_exact_split(total_mg, weights) -> None:
    """Whichever path largest_remainder takes (int64 when it fits), the exact split's result."""
    from carbonexpo.calc.allocation import _largest_remainder_exact

    w = np.array(weights)
    fast = largest_remainder(total_mg, w)
    assert [int(x) for x in fast] == [int(x) for x in _largest_remainder_exact(total_mg, w)]


@given(
    st.lists(st.integers(1727730000, 1735700000), min_size=1, max_size=60),
    st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"]),
)
def test_monthly_electricity_is_the_local_month_sum(starts, timezone) -> None:
    """Per local month (DST changes and month ends included), the same sums as grouping the
    local dates with pandas."""
    import pandas as pd
    import yaml

    from carbonexpo.calc.calculate import monthly_electricity_mwh
    from carbonexpo.config import EventConfig
    from tests.conftest import EVENT_YAML

    config = EventConfig.model_validate({**yaml.safe_load(EVENT_YAML), "timezone": timezone})
    start = np.array(starts, dtype=np.int64)
    kwh = np.arange(1, len(start) + 1, dtype=np.float64) * 10.0
    got = monthly_electricity_mwh(config, (start, kwh))
    local = pd.to_datetime(start, unit="s", utc=True).tz_convert(timezone).tz_localize(None)
    want = pd.Series(kwh / 1000.0, index=local.to_period("M").to_timestamp()).groupby(level=0).sum()
    assert list(got.index) == list(want.index)
    assert np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, atol=0)
