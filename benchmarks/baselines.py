"""The same totals as carbonexpo's calc, by DuckDB (SQL) and by Polars (lazy), for
benchmarks/run.py --baselines (issue 38). Not part of carbonexpo: `pip install duckdb polars`.

Both compute what calc reduces the large tables to: energy quantity and rows per carrier × unit
× hall × local day of the start (the event's time zone) with the earliest start and latest end,
travel's passenger trips (travellers × round trips) per group × origin × mode × distance, and
logistics' mass per mode × origin × destination × distance. Neither checks a cell, a unit, an
overlap or a place; they are the floor of an engine that only sums.

    python benchmarks/baselines.py duckdb DIR
    python benchmarks/baselines.py polars DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

TZ = "Asia/Shanghai"
TRAVEL_BY = ("group", "origin", "mode", "distance_km")
LOGISTICS_BY = ("mode", "origin", "destination", "distance_km")


def present(path: Path, columns: tuple[str, ...]) -> list[str]:
    """The grouping columns the file has (a generated folder leaves some out)."""
    with path.open(encoding="utf-8") as f:
        header = [c.strip().strip('"') for c in f.readline().split(",")]
    return [c for c in columns if c in header]


def duckdb_totals(folder: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{TZ}'")
    out = {}
    energy = con.execute(
        f"""
        SELECT carrier, unit, hall, CAST(timezone('{TZ}', start::TIMESTAMPTZ) AS DATE) AS day,
               sum(quantity) AS quantity, count(*) AS rows, min(start), max("end")
        FROM read_csv('{folder / "energy.csv"}', header = true)
        GROUP BY ALL
        """
    ).fetchall()
    out["energy"] = len(energy)
    if (folder / "travel.csv").exists():
        by = ", ".join(f'"{c}"' for c in present(folder / "travel.csv", TRAVEL_BY))
        travel = con.execute(
            f"""
            SELECT {by}, sum(travellers * coalesce(round_trips, 1)) AS trips, count(*) AS rows
            FROM read_csv('{folder / "travel.csv"}', header = true)
            GROUP BY ALL
            """
        ).fetchall()
        out["travel"] = len(travel)
    if (folder / "logistics.csv").exists():
        by = ", ".join(f'"{c}"' for c in present(folder / "logistics.csv", LOGISTICS_BY))
        logistics = con.execute(
            f"""
            SELECT {by}, sum(mass_kg) AS kg, count(*) AS rows
            FROM read_csv('{folder / "logistics.csv"}', header = true)
            GROUP BY ALL
            """
        ).fetchall()
        out["logistics"] = len(logistics)
    return out


def polars_totals(folder: Path) -> dict[str, int]:
    import polars as pl

    out = {}
    start = pl.col("start").str.to_datetime("%Y-%m-%dT%H:%M").dt.replace_time_zone(TZ)
    energy = (
        pl.scan_csv(folder / "energy.csv")
        .with_columns(day=start.dt.date())
        .group_by("carrier", "unit", "hall", "day")
        .agg(
            pl.col("quantity").sum(),
            pl.len().alias("rows"),
            pl.col("start").min(),
            pl.col("end").max(),
        )
        .collect()
    )
    out["energy"] = energy.height
    if (folder / "travel.csv").exists():
        travel = (
            pl.scan_csv(folder / "travel.csv")
            .group_by(*present(folder / "travel.csv", TRAVEL_BY))
            .agg(
                (pl.col("travellers") * pl.col("round_trips").fill_null(1)).sum().alias("trips"),
                pl.len().alias("rows"),
            )
            .collect()
        )
        out["travel"] = travel.height
    if (folder / "logistics.csv").exists():
        logistics = (
            pl.scan_csv(folder / "logistics.csv")
            .group_by(*present(folder / "logistics.csv", LOGISTICS_BY))
            .agg(pl.col("mass_kg").sum(), pl.len().alias("rows"))
            .collect()
        )
        out["logistics"] = logistics.height
    return out


if __name__ == "__main__":
    engine, folder = sys.argv[1], Path(sys.argv[2])
    totals = {"duckdb": duckdb_totals, "polars": polars_totals}[engine](folder)
    print(totals)
