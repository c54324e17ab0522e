"""The exhibitor × category table (calc.allocation): by hand, against the plain grouping by name
it replaced (hypothesis), and the exhibitors named by lines without a booth."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo.calc.allocation import (
    MG_PER_KG,
    SHARED_CATEGORIES,
    allocate_to_exhibitors,
    largest_remainder,
)


def lines_of(rows: list[tuple[str | None, str, float]]) -> pd.DataFrame:
    exhibitor, category, kg = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "exhibitor": pd.Series(list(exhibitor), dtype="object"),
            "category": pd.Categorical(list(category)),
            "kgco2e": np.array(kg, dtype=np.float64),
        }
    )


def booths_of(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "exhibitor": pd.Categorical([e for e, _ in rows]),
            "area_m2": np.array([a for _, a in rows], dtype=np.float64),
        }
    )


def by_names(lines: pd.DataFrame, booths: pd.DataFrame) -> pd.DataFrame:
    """The table as it was computed before: grouped by the names themselves."""
    area = booths.groupby("exhibitor", sort=True, observed=True)["area_m2"].sum()
    named = lines["exhibitor"].notna()
    shared = lines[~named & lines["category"].isin(SHARED_CATEGORIES)]
    shared = shared.groupby("category", observed=True)["kgco2e"].sum()
    own = lines[named].groupby(["exhibitor", "category"], observed=True)["kgco2e"].sum()
    exhibitors = sorted(set(area.index) | set(own.index.get_level_values(0)))
    weights = area.reindex(exhibitors).fillna(0.0).to_numpy()
    parts = []
    for category, total_kg in shared.items():
        shares = largest_remainder(round(float(total_kg) * MG_PER_KG), weights)
        parts.append(
            pd.DataFrame(
                {
                    "exhibitor": np.array(exhibitors, dtype=object),
                    "category": str(category),
                    "own_kgco2e": 0.0,
                    "allocated_kgco2e": np.array([mg / MG_PER_KG for mg in shares])
                    if shares.dtype == object
                    else shares / MG_PER_KG,
                }
            )
        )
    parts.append(
        pd.DataFrame(
            {
                "exhibitor": own.index.get_level_values(0).astype(str).to_numpy(dtype=object),
                "category": own.index.get_level_values(1).astype(str).to_numpy(dtype=object),
                "own_kgco2e": own.to_numpy(dtype=np.float64),
                "allocated_kgco2e": 0.0,
            }
        )
    )
    table = pd.concat(parts, ignore_index=True)
    table = table.groupby(["exhibitor", "category"], as_index=False, sort=True).sum()
    table["area_m2"] = table["exhibitor"].map(area).fillna(0.0)
    return table


def test_a_table_by_hand():
    booths = booths_of([("A", 10.0), ("B", 30.0), ("A", 20.0)])
    lines = lines_of(
        [(None, "electricity", 100.0), (None, "waste", 10.0), (None, "travel", 7.0),
         ("A", "materials", 5.0), ("C", "travel", 3.0)]
    )  # fmt: skip
    got = allocate_to_exhibitors(lines, booths, value_column="kgco2e")
    rows = list(got.table.itertuples(index=False, name=None))
    assert rows == [
        ("A", "electricity", 0.0, 50.0, 30.0),
        ("A", "materials", 5.0, 0.0, 30.0),
        ("A", "waste", 0.0, 5.0, 30.0),
        ("B", "electricity", 0.0, 50.0, 30.0),
        ("B", "waste", 0.0, 5.0, 30.0),
        ("C", "electricity", 0.0, 0.0, 0.0),
        ("C", "travel", 3.0, 0.0, 0.0),
        ("C", "waste", 0.0, 0.0, 0.0),
    ]
    assert got.shared_totals == {"electricity": 100.0, "waste": 10.0}  # travel is not shared
    assert got.without_booth == ["C"]


NAMES = st.sampled_from(["A", "B", "Zeta Co.", "zeta co.", "展商甲", "é", "A B"])
AREAS = st.floats(0.01, 5000.0, allow_nan=False)
KG = st.floats(-50.0, 1e6, allow_nan=False)
CATEGORIES = st.sampled_from(
    ["electricity", "fuels", "waste", "catering", "travel", "materials", "logistics"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(NAMES, AREAS), max_size=12),
    st.lists(st.tuples(st.one_of(st.none(), NAMES), CATEGORIES, KG), max_size=20),
)
def test_the_table_is_the_one_grouping_by_names_gave(booth_rows, line_rows):
    """Numbers instead of names: the same rows, in the same order, to the last bit."""
    booths, lines = booths_of(booth_rows), lines_of(line_rows)
    got = allocate_to_exhibitors(lines, booths, value_column="kgco2e")
    want = by_names(lines, booths)
    assert list(got.table.columns) == list(want.columns)
    assert got.table.dtypes.to_dict() == want.dtypes.to_dict()
    assert got.table["exhibitor"].tolist() == want["exhibitor"].tolist()
    assert got.table["category"].tolist() == want["category"].tolist()
    for column in ("own_kgco2e", "allocated_kgco2e", "area_m2"):
        assert got.table[column].dtype == want[column].dtype == np.float64
        assert got.table[column].to_numpy().tobytes() == want[column].to_numpy().tobytes()
    booth_names = {e for e, _ in booth_rows}
    named = {e for e, _, _ in line_rows if e is not None}
    assert got.without_booth == sorted(named - booth_names)
