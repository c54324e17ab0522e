"""Who has entered what: per exhibitor of booths.csv, its booths, area, rows in each data table
and when it last saved from the web (the organiser's view of the exhibitors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from carbonexpo.booth.entry import submissions
from carbonexpo.booth.forms import same_exhibitor

DATA_TABLES = ("travel", "logistics", "accommodation", "materials")


def exhibitor_progress(folder: Path) -> list[dict[str, Any]]:
    """Per exhibitor of booths.csv: booths, area, rows in each data table, and when they
    saved from the web (None if never)."""
    path = folder / "booths.csv"
    if not path.exists():
        return []
    booths = pd.read_csv(path, dtype=str, keep_default_na=False)
    counts: dict[str, dict[str, int]] = {}
    for table in DATA_TABLES:
        p = folder / f"{table}.csv"
        if not p.exists():
            continue
        df = pd.read_csv(p, dtype=str, keep_default_na=False, usecols=lambda c: c == "exhibitor")
        if "exhibitor" not in df:
            continue
        for name, n in df["exhibitor"].map(same_exhibitor).value_counts().items():
            if name:
                counts.setdefault(str(name), {})[table] = int(n)
    saved = {same_exhibitor(k): v for k, v in submissions(folder).items()}
    out = []
    for name, rows in booths.groupby("exhibitor", sort=True):
        key = same_exhibitor(name)
        area = pd.to_numeric(rows["area_m2"], errors="coerce").sum()
        out.append(
            {
                "exhibitor": str(name),
                "booths": ", ".join(rows["booth"]),
                "area_m2": float(area),
                "rows": counts.get(key, {}),
                "saved": (saved.get(key) or {}).get("saved"),
            }
        )
    return out
