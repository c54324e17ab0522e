"""Making a scenario folder (spec §13): the base folder copied, the scenario's changes written
into the copy's tables, and the copy's event.yaml recording what was changed and the gross
emissions of both. The calculation is passed in (the API's), so that base and copy are
calculated exactly as `calc` calculates them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from carbonexpo.errors import ArgumentError, CarbonExpoError, raise_if
from carbonexpo.io.event import find_table_file, load_yaml_model
from carbonexpo.io.schema import TABLE_ORDER
from carbonexpo.io.writers import write_frame_csv, write_text_atomic
from carbonexpo.planning.scenario import Scenario, apply
from carbonexpo.words import said


def make_scenario(
    folder: Path, scenario_file: Path, out: Path, calculate: Callable[[Path], Any]
) -> None:
    """Write the scenario folder `out`; `calculate` gives a folder's Run (api.calculate)."""
    plan, _, problems = load_yaml_model(
        Path(scenario_file), Scenario, said("detail.needs_scenario")
    )
    raise_if(problems)
    assert plan is not None
    if out.exists() and any(out.iterdir()):
        raise ArgumentError("out", f"{out} exists and is not empty: name a new folder")
    base = calculate(folder)
    data, base_result = base.calculation.data, base.result
    config = data.config
    if config.scenario is not None:
        raise CarbonExpoError(
            f"{folder} is itself a scenario ({config.scenario.name!r}): apply scenarios to "
            f"its base, {config.scenario.base}"
        )
    raw: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        path = find_table_file(folder, name)
        if path is not None and path.suffix.lower() == ".csv":
            raw[name] = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    changed, changes = apply(data, raw, plan, base_result)
    for name in changed:
        if find_table_file(folder, name) not in (None, folder / f"{name}.csv"):
            raise CarbonExpoError(f"{name}.xlsx: a scenario changes CSV tables only")
    shutil.copytree(
        folder, out, ignore=shutil.ignore_patterns(".carbonexpo", ".*"), dirs_exist_ok=True
    )
    for name, table in changed.items():
        write_frame_csv(out / f"{name}.csv", table)
    new_result = calculate(out).result
    record = {
        "scenario": {
            "name": plan.name,
            "base": str(folder),
            "made": dt.date.today().isoformat(),
            "changes": [n.model_dump() for n in changes],
            "base_gross_tco2e": round(base_result.totals.gross_tco2e, 6),
            "gross_tco2e": round(new_result.totals.gross_tco2e, 6),
        }
    }
    text = (folder / "event.yaml").read_text(encoding="utf-8").rstrip("\n")
    block = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=1000)
    write_text_atomic(
        out / "event.yaml",
        f"{text}\n\n# written by `carbonexpo scenario` ({Path(scenario_file).name})\n{block}",
    )
