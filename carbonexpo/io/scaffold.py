"""`carbonexpo init`: a new event folder with every table's header, and TABLES.md beside them
with each table's columns and an example row. Scaffolds are not data (spec §9): the tables
`init` writes hold no row, so nothing it writes can reach a result."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from carbonexpo.errors import CarbonExpoError
from carbonexpo.io.schema import SCHEMAS
from carbonexpo.io.writers import write_text_atomic

EVENT_YAML = """\
# carbonexpo event configuration. Unknown keys are an error (a typo must not change a claim).
id: {event_id}                     # [a-z0-9-]+, the beneficiary name on retirements
name: My Expo 2025 / 我的博览会
organiser: Organiser Ltd.
timezone: Asia/Shanghai            # date-times without an offset are local to this zone
venue:
  name: Example Exhibition Centre
  country: CN                      # ISO 3166-1 alpha-2: the market boundary for green power
  grid: CN-North                   # selects electricity.grid.<grid> (location-based)
  latitude: 40.07
  longitude: 116.55
  area_m2: 100000                  # exhibition area, for intensity per m2
phases:                            # inclusive local dates; together the reporting period
  build_up:  {{start: 2025-11-21, end: 2025-11-25}}
  open:      {{start: 2025-11-26, end: 2025-11-30}}
  tear_down: {{start: 2025-12-01, end: 2025-12-02}}
visits: 150000                     # optional: per-visit intensity
factor_sets: [cn-mee-2023, desnz-2024, ipcc-ar5-gwp100]  # priority order; factors.csv wins
claim:
  standard: mee-2019               # mee-2019 | iso-14068-1 | pas-2060
  basis: market                    # market (default) or location
  # accepted_registries: [CCER, CEA, PHCER, CDM-CER]   # default depends on the standard
  credit_vintage_max_age_years: 5
  green_power_vintage_months: 24
  radiative_forcing: true
  max_excluded_share: 0.05         # excluded estimates may be at most this share of gross
  # markets: [EU]                  # an EU market: offset-based claims are worded "compensated"
# Every category (electricity, fuels, heat_cooling, refrigerants, travel, accommodation,
# logistics, catering, waste, materials) needs data or an exclusion, e.g.:
# exclusions:
#   heat_cooling: {{reason: "the hall has no district heat or cooling", estimate_tco2e: 0}}
"""


REFERENCE_FILE = "TABLES.md"


def table_reference() -> str:
    """Markdown: every table's purpose, columns (required ones marked) and an example row."""
    out = [
        "# The tables of this event folder",
        "",
        "Each table is optional; fill the ones that apply and leave the rest with their header.",
        "A category with no data must be listed under `exclusions:` in event.yaml with a reason",
        "and an estimate, or no certificate can be issued. Required columns are marked *.",
        "The example rows below are examples only: copy a row into the table to use it.",
        "",
    ]
    for name, schema in SCHEMAS.items():
        cols = [c.name + ("*" if c.required else "") for c in schema.columns]
        out += [
            f"## {name}.csv — {schema.description}",
            "",
            "| " + " | ".join(cols) + " |",
            "|" + "---|" * len(cols),
            "| " + " | ".join(schema.example.get(c.name, "") for c in schema.columns) + " |",
            "",
        ]
    return "\n".join(out)


def init_event(folder: Path, event_id: str = "my-event") -> list[Path]:
    folder = Path(folder)
    if (folder / "event.yaml").exists():
        raise CarbonExpoError(f"{folder / 'event.yaml'} already exists; not overwriting")
    written = []
    write_text_atomic(folder / "event.yaml", EVENT_YAML.format(event_id=event_id))
    written.append(folder / "event.yaml")
    for name, schema in SCHEMAS.items():
        path = folder / f"{name}.csv"
        if path.exists():
            continue
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.name for c in schema.columns])
        write_text_atomic(path, buf.getvalue())
        written.append(path)
    write_text_atomic(folder / REFERENCE_FILE, table_reference())
    written.append(folder / REFERENCE_FILE)
    return written
