"""An event folder -> EventConfig + validated tables, or every problem found in it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from carbonexpo import geo
from carbonexpo.config import EventConfig
from carbonexpo.errors import InputError, Problem, raise_if, said_problem
from carbonexpo.factors.catalog import Factor, set_ids
from carbonexpo.io import prefetch
from carbonexpo.io.checks import check_tables
from carbonexpo.io.evidence import check_evidence
from carbonexpo.io.reduction import read_reduced
from carbonexpo.io.schema import SCHEMAS, TABLE_ORDER
from carbonexpo.io.streamed import streams
from carbonexpo.io.table_stream import NotStreamable
from carbonexpo.io.tables import Table, file_sha256, read_table, read_table_rows, without_rows
from carbonexpo.io.yaml_strict import load_yaml
from carbonexpo.words import Said, said

NEEDS_EVENT = said("detail.needs_event")

CONFIG_FILE = "event.yaml"
# tables whose places are resolved later: the city index and airports load on a thread meanwhile
PLACES_READ = ("travel", "logistics", "registrations", "scans", "survey")


@dataclass
class EventData:
    folder: Path
    config: EventConfig
    tables: dict[str, Table]
    config_sha256: str
    user_factors: list[Factor] = field(default_factory=list)
    # spreadsheet files in the folder that no table name matches, with the closest table
    unknown_files: list[tuple[str, str | None]] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    def unreduced(self) -> EventData:
        """The same data with every reduced table read whole (its rows one by one), for a
        step that must name rows (a factor missing for some of them)."""
        tables = dict(self.tables)
        for name, t in self.tables.items():
            if t.reduced:
                whole, problems = read_table_rows(
                    self.folder / t.file, SCHEMAS[name], t.file, self.config.timezone
                )
                assert whole is not None and not problems, problems  # it streamed: it reads
                tables[name] = whole
        return replace(self, tables=tables)

    @property
    def inputs(self) -> list[dict[str, Any]]:
        rows = [{"file": CONFIG_FILE, "rows": 1, "sha256": self.config_sha256}]
        rows += [
            {"file": t.file, "rows": t.rows, "sha256": t.sha256}
            for name in TABLE_ORDER
            if (t := self.tables.get(name))
        ]
        return rows


M = TypeVar("M", bound=BaseModel)


def load_yaml_model(
    path: Path, model: type[M], what: Said = NEEDS_EVENT
) -> tuple[M | None, dict[str, int], list[Problem]]:
    """A small YAML file read strictly (yaml_strict) into a pydantic model; each validation
    error becomes a problem at its key's line."""
    name = path.name
    if not path.is_file():
        return (
            None,
            {},
            [
                said_problem(
                    name,
                    1,
                    "",
                    said("detail.missing_file", what=what, name=name, folder=str(path.parent)),
                    "missing_file",
                )
            ],
        )
    data, lines, problems = load_yaml(path.read_bytes(), name)
    if problems:
        return None, lines, problems
    if not isinstance(data, dict):
        return (
            None,
            lines,
            [said_problem(name, 1, "", said("detail.not_mapping"), "bad_yaml")],
        )
    try:
        return model.model_validate(data), lines, []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path_ = ".".join(str(p) for p in err["loc"])
            line = lines.get(path_) or lines.get(path_.rsplit(".", 1)[0], 1)
            # pydantic's own sentence for the rest (English inside the catalog's frame)
            msg, code = said("detail.invalid_setting", message=err["msg"]), "invalid_setting"
            if err["type"] == "extra_forbidden":
                msg, code = said("detail.unknown_key", key=path_), "unknown_key"
            elif err["type"] == "missing":
                msg, code = said("detail.missing_key", key=path_), "missing_key"
            problems.append(said_problem(name, line, path_ or "(root)", msg, code))
        return None, lines, problems


def load_config(path: Path) -> tuple[EventConfig | None, list[Problem]]:
    config, lines, problems = load_yaml_model(path, EventConfig)
    if config is None:
        return None, problems
    name = path.name
    problems = []
    shipped = set(set_ids())
    for i, sid in enumerate(config.factor_sets):
        if sid not in shipped:
            problems.append(
                said_problem(
                    name,
                    lines.get(f"factor_sets.{i}", 1),
                    f"factor_sets.{i}",
                    said("detail.unknown_set", set_id=sid, shipped=", ".join(sorted(shipped))),
                    "unknown_factor_set",
                )
            )
    return (None if problems else config), problems


TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
# files that look like tables but are none: carbonexpo reads none of these suffixes
OTHER_TABLE_SUFFIXES = (".tsv", ".xls", ".xlsm", ".ods", ".txt")


def unknown_files(folder: Path) -> list[tuple[str, str | None]]:
    """(file, closest table or None) for each table-like file in the folder that carbonexpo does
    not read: 'travle.csv' (did you mean travel?), 'attendees.csv', 'energy.xls'. Such a
    file's rows would vanish from the inventory without a word."""
    import difflib

    out: list[tuple[str, str | None]] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return out
    for path in entries:
        suffix = path.suffix.lower()
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        if suffix not in TABLE_SUFFIXES + OTHER_TABLE_SUFFIXES:
            continue
        stem = path.stem
        if suffix in TABLE_SUFFIXES and stem in SCHEMAS:
            continue
        if stem.lower() in SCHEMAS:  # Travel.csv, energy.xls: the table, in a form not read
            out.append((path.name, stem.lower()))
            continue
        close = difflib.get_close_matches(stem.lower(), TABLE_ORDER, n=1, cutoff=0.75)
        out.append((path.name, close[0] if close else None))
    return out


def settings_of(folder: Path) -> tuple[EventConfig, list[Factor]]:
    """The event's settings and its own factors (factors.csv or .xlsx), read as a calculation
    reads them, without the activity tables (an exhibitor's entry, a booth estimate)."""
    config, problems = load_config(folder / CONFIG_FILE)
    raise_if(problems)
    assert config is not None
    path = find_table_file(folder, "factors")
    if path is None:
        return config, []
    table, problems = read_table(path, SCHEMAS["factors"], path.name)
    raise_if(problems)
    return config, user_factors(table)


def table_files(folder: Path, name: str) -> list[Path]:
    """Every file of the folder that holds table `name` (more than one is refused)."""
    return [p for s in TABLE_SUFFIXES if (p := folder / f"{name}{s}").exists()]


def find_table_file(folder: Path, name: str) -> Path | None:
    for suffix in TABLE_SUFFIXES:
        p = folder / f"{name}{suffix}"
        if p.exists():
            return p
    return None


def read_event(folder: Path, *, stream: bool = True) -> EventData:
    """Read and validate a whole event folder; raise InputError with every problem found.
    Large energy, travel and logistics tables are streamed and reduced (io.reduction) unless
    `stream` is False; a problem in one is always named by reading it whole."""
    folder = Path(folder)
    try:
        return _read_event(folder, stream)
    finally:
        prefetch.forget(folder)


def _read_event(folder: Path, stream: bool) -> EventData:
    if any(find_table_file(folder, n) for n in PLACES_READ):
        geo.warm_up()
    if not folder.is_dir():
        raise InputError(
            [said_problem(str(folder), 0, "", said("detail.not_a_folder"), "missing_folder")]
        )
    config, problems = load_config(folder / CONFIG_FILE)
    timezone = config.timezone if config else "UTC"
    tables: dict[str, Table] = {}
    for name in TABLE_ORDER:
        forms = table_files(folder, name)
        if len(forms) > 1:
            problems.append(
                said_problem(
                    forms[1].name,
                    0,
                    "",
                    said("detail.both_files", files=", ".join(p.name for p in forms)),
                    "ambiguous_file",
                )
            )
            continue
        path = find_table_file(folder, name)
        if path is None:
            continue
        table: Table | None = None
        table_problems: list[Problem] = []
        if stream and config is not None and streams(path, name):
            with contextlib.suppress(NotStreamable):  # read whole below: it names the problems
                table = read_reduced(path, SCHEMAS[name], path.name, config)
        if table is None:
            table, table_problems = read_table_rows(path, SCHEMAS[name], path.name, timezone)
        problems += table_problems
        if table is not None:
            tables[name] = table
    if config is not None:
        tables, problems = checked_across(config, tables, problems)
        found = check_evidence(folder, tables)
        problems += found
        if found:
            tables = without_problem_rows(tables, found)
    unknown = unknown_files(folder)
    reduced = {t.file for t in tables.values() if t.reduced}
    if reduced and any(p.file in reduced for p in problems):
        return _read_event(folder, stream=False)  # the rows a problem names, one by one
    if problems:
        raise InputError(
            problems,
            partial=EventData(
                folder, config, tables, "", user_factors(tables.get("factors")), unknown
            )
            if config is not None
            else None,
        )
    assert config is not None
    user = user_factors(tables.get("factors"))
    return EventData(folder, config, tables, file_sha256(folder / CONFIG_FILE), user, unknown)


def checked_across(
    config: EventConfig, tables: dict[str, Table], problems: list[Problem]
) -> tuple[dict[str, Table], list[Problem]]:
    """The rules across rows and tables (io.checks) run on the rows that read; the tables come
    back without every row a problem names, for the checks that follow."""
    problems = [*problems, *check_tables(config, tables)]
    return (without_problem_rows(tables, problems) if problems else tables), problems


def without_problem_rows(tables: dict[str, Table], problems: list[Problem]) -> dict[str, Table]:
    """The tables without the rows a problem names: a row that broke one rule is not checked
    against the next (its factor cannot be looked up for a unit it does not have)."""
    rows: dict[str, set[int]] = {}
    for p in problems:
        if p.row >= 2:
            rows.setdefault(p.file, set()).add(p.row)
    out = {}
    for name, t in tables.items():
        named = rows.get(t.file)
        if named:
            bad = t.df["_row"].isin(named).to_numpy()
            if bad.any():
                counts = None if t.counts is None else t.counts[~bad]
                t = replace(t, df=without_rows(t.df, bad), counts=counts)
        out[name] = t
    return out


def user_factors(table: Table | None) -> list[Factor]:
    if table is None:
        return []
    df = table.df
    years = df["year"] if "year" in df else pd.Series(np.nan, index=df.index)
    return [
        Factor(
            key=str(k),
            unit=str(u),
            kgco2e_per_unit=float(v),
            gas_basis="CO2e",
            year=None if pd.isna(y) else int(y),
            source_id="user",
            source_ref=str(s),
            proxy_for="",
            note=f"factors.csv row {r}",
            set_id="factors.csv",
        )
        for k, u, v, s, y, r in zip(
            df["key"],
            df["unit"],
            df["kgco2e_per_unit"],
            df["source"],
            years,
            df["_row"],
            strict=True,
        )
    ]
