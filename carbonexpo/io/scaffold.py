"""`carbonexpo init`: a new event folder with every table's header and one example row."""

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
"""


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
        example = {**schema.example}
        if "beneficiary" in example:
            example["beneficiary"] = event_id
        w.writerow([example.get(c.name, "") for c in schema.columns])
        write_text_atomic(path, buf.getvalue())
        written.append(path)
    return written
