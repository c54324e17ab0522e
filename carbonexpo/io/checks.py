"""Rules that span rows or tables: intervals, serial blocks, units by carrier, origins.

Each rule is one function taking typed tables and returning the problems it found; all are
vectorised (sorts, group-wise shifts, per-distinct-value lookups), never a loop over rows.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

import numpy as np
import pandas as pd

from carbonexpo.codes import as_categorical, epoch_seconds, keys_of
from carbonexpo.config import EventConfig
from carbonexpo.errors import Problem, said_problem
from carbonexpo.geo import closest_countries, closest_names, country_code, resolve_place
from carbonexpo.identifiers import other_spellings
from carbonexpo.io.schema import ENERGY_ONLY_CARRIERS, FOREST_SINK, SERIAL_COLUMNS
from carbonexpo.io.tables import MAX_LISTED, Table, listed_problems
from carbonexpo.units import ENERGY, MASS, VOLUME, UnitProblem, has_dimension
from carbonexpo.words import Said, said


def check_tables(config: EventConfig, tables: dict[str, Table]) -> list[Problem]:
    problems: list[Problem] = []
    if (t := tables.get("energy")) and not t.reduced:  # a reduced one was checked as it read
        problems += check_energy_units(t)
        problems += check_intervals(t)
        problems += check_reporting_period(t, config)
        problems += check_meter_overlaps(t)
    if t := tables.get("refrigerants"):
        problems += check_unit_dimension(t, "unit", (MASS,), said("detail.units_mass"))
    if t := tables.get("green_power"):
        problems += check_date_order(t, "generation_start", "generation_end")
        problems += check_serial_blocks(t, ("serial_prefix",), optional=True)
    if t := tables.get("credits"):
        found, with_serials = check_credit_rows(t)
        problems += found
        if len(with_serials.df):
            problems += check_serial_blocks(
                with_serials, ("registry", "serial_prefix"), optional=False
            )
    if t := tables.get("travel"):
        problems += check_distance_or_origin(t, ("origin",))
        problems += check_air_distance(t)
        problems += check_origins(t, "origin")
    if t := tables.get("logistics"):
        problems += check_distance_or_origin(t, ("origin", "destination"))
        problems += check_origins(t, "origin")
        problems += check_origins(t, "destination")
    if t := tables.get("visitors"):
        problems += check_distance_or_origin(t, ("origin",))
        problems += check_origins(t, "origin")
    if t := tables.get("scans"):
        problems += check_in_period(t, "date", config)
    if t := tables.get("generation"):
        problems += check_intervals(t)
        problems += check_hourly(t)
        problems += check_known_instruments(t, tables.get("green_power"))
    own_hotels: set[str] = set()  # countries with a hotel factor of the event's own
    if (f := tables.get("factors")) is not None:
        own_hotels = {
            str(k)[6:].upper() for k in f.df["key"].unique() if str(k).startswith("hotel.")
        }
    for name in ("accommodation", "green_power"):
        if t := tables.get(name):
            problems += check_countries(t, "country", own_hotels)
    if t := tables.get("reported"):
        problems += check_reported_period(t, config)
    for name in ("energy", "booths", "travel"):
        # a reduced energy table's sites were checked batch by batch
        if (t := tables.get(name)) is not None and not (t.reduced and name == "energy"):
            problems += check_sites(t, config, required=name == "energy")
    if t := tables.get("booths"):
        problems += check_unique(t, ["exhibitor", "booth"])
        problems += check_one_spelling(t, "exhibitor")
    if t := tables.get("factors"):
        problems += check_unique(t, ["key", "unit"])
    return problems


def _report(
    problems: list[Problem],
    table: Table,
    mask: pd.Series | np.ndarray,
    column: str,
    message: str | pd.Series | Said,
    code: str,
) -> None:
    detail = message if isinstance(message, Said) else None
    if isinstance(message, Said):
        message = message.text()
    mask = np.asarray(mask, dtype=bool)
    rows = table.df["_row"].to_numpy()[mask]
    messages = (
        message[mask].tolist()
        if isinstance(message, pd.Series)
        else [str(message)] * min(len(rows), MAX_LISTED + 1)
    )
    problems += listed_problems(
        table.file,
        rows,
        column,
        messages,
        code,
        len(rows),
        said("detail.more_same_problem"),
        detail,
    )


def check_unit_dimension(
    t: Table, column: str, dims: tuple[str, ...], wanted: Said, where: pd.Series | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    units = t.df[column]
    for text in units[where if where is not None else slice(None)].dropna().unique():
        try:
            ok = has_dimension(text, *dims)
        except UnitProblem:
            continue  # already reported by the reader
        if not ok:
            mask = units == text
            if where is not None:
                mask &= where
            _report(
                problems,
                t,
                mask,
                column,
                said("detail.wrong_dimension", unit=text, wanted=wanted),
                "wrong_dimension",
            )
    return problems


NAT = np.iinfo(np.int64).min  # an empty time, as epoch_seconds gives it
ENERGY_UNITS = ((ENERGY,), said("detail.units_energy"))
FUEL_UNITS = ((ENERGY, VOLUME, MASS), said("detail.units_fuel"))


def check_energy_units(t: Table) -> list[Problem]:
    """Electricity, heat and cooling in energy units; fuels in energy, volume or mass. Each
    distinct (kind of carrier, unit) is checked once, found by one count over the codes."""
    carrier = as_categorical(t.df["carrier"], len(t.df))
    unit = as_categorical(t.df["unit"], len(t.df))
    width = len(unit.categories) + 1
    # per carrier code: 0 or width (energy-only); code -1 (missing) -> the trailing 0
    energy_only = np.array(
        [width if str(c) in ENERGY_ONLY_CARRIERS else 0 for c in carrier.categories] + [0],
        dtype=np.int32,
    ).take(np.asarray(carrier.codes))
    combo = energy_only
    combo += np.asarray(unit.codes)
    combo += 1
    present = np.flatnonzero(np.bincount(combo, minlength=2 * width))
    problems: list[tuple[int, int, list[Problem]]] = []
    for value in present:
        only, code = divmod(int(value), width)
        if code == 0:
            continue  # an empty unit: reported by the reader
        text = str(unit.categories[code - 1])
        dims, wanted = ENERGY_UNITS if only else FUEL_UNITS
        try:
            ok = has_dimension(text, *dims)
        except UnitProblem:
            continue  # already reported by the reader
        if not ok:
            mask = combo == value
            found: list[Problem] = []
            _report(
                found,
                t,
                mask,
                "unit",
                said("detail.wrong_dimension", unit=text, wanted=wanted),
                "wrong_dimension",
            )
            # the order of before: energy-only carriers first, units by first appearance
            problems.append((1 - only, int(np.argmax(mask)), found))
    return [p for *_, found in sorted(problems, key=lambda x: x[:2]) for p in found]


def check_intervals(t: Table) -> list[Problem]:
    problems: list[Problem] = []
    # as epoch seconds: one integer comparison a row (pandas compares zoned times far slower)
    start, end = epoch_seconds(t.df["start"]), epoch_seconds(t.df["end"])
    bad = end <= start
    if bad.any():
        bad &= (start != NAT) & (end != NAT)  # an empty time is the reader's to name
        _report(problems, t, bad, "end", "end is not after start", "end_before_start")
    return problems


def check_hourly(t: Table) -> list[Problem]:
    """Hourly matching needs intervals of at most one hour (spec §14)."""
    problems: list[Problem] = []
    long = (t.df["end"] - t.df["start"]) > pd.Timedelta(hours=1)
    _report(problems, t, long, "end", "interval longer than one hour", "range")
    return problems


def check_known_instruments(t: Table, green: Table | None) -> list[Problem]:
    problems: list[Problem] = []
    known = set(green.df["instrument_id"].astype(str)) if green is not None else set()
    ids = t.df["instrument_id"].astype(str)
    _report(
        problems,
        t,
        ~ids.isin(known),
        "instrument_id",
        "not an instrument of green_power.csv",
        "unknown_value",
    )
    return problems


def check_reporting_period(t: Table, config: EventConfig) -> list[Problem]:
    problems: list[Problem] = []
    first, after = config.period_epoch()
    period = {"start": config.phases.start, "end": config.phases.end, "timezone": config.timezone}
    start, end = epoch_seconds(t.df["start"]), epoch_seconds(t.df["end"])
    early = (start < first) & (start != NAT)  # an empty time is the reader's to name
    late = end > after
    if early.any():
        _report(problems, t, early, "start", said("detail.before_period", **period),
                "outside_period")  # fmt: skip
    if late.any():
        _report(problems, t, late, "end", said("detail.after_period", **period),
                "outside_period")  # fmt: skip
    return problems


def check_in_period(t: Table, column: str, config: EventConfig) -> list[Problem]:
    """Instants (a badge scan) on a local day of the event: build-up to tear-down."""
    problems: list[Problem] = []
    first, after = config.period_epoch()
    period = {"start": config.phases.start, "end": config.phases.end, "timezone": config.timezone}
    # as epoch seconds, as check_reporting_period (one way to compare times with the period)
    stamps = epoch_seconds(t.df[column])
    early = (stamps < first) & (stamps != NAT)  # an empty time is the reader's to name
    late = stamps >= after
    if early.any():
        _report(problems, t, early, column, said("detail.before_period", **period),
                "outside_period")  # fmt: skip
    if late.any():
        _report(problems, t, late, column, said("detail.after_period", **period),
                "outside_period")  # fmt: skip
    return problems


def sink_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows of a forestry sink (registry FOREST-SINK, any case)."""
    registry = df["registry"].astype(object).fillna("").astype(str).str.strip().str.upper()
    return registry.eq(FOREST_SINK).to_numpy()


def check_credit_rows(t: Table) -> tuple[list[Problem], Table]:
    """Every credit block has its vintage and serials; a forestry sink (FOREST-SINK) may have
    none, but then its quantity_tco2e, the year it was measured (vintage or period_end) and its
    verification document (evidence). Returns the problems and the rows with serials (whose
    blocks are checked next)."""
    problems: list[Problem] = []
    df = t.df
    sink = sink_rows(df)
    others = ~sink
    if others.any():
        for column in SERIAL_COLUMNS:
            if column not in df:
                problems.append(
                    said_problem(
                        t.file,
                        1,
                        column,
                        said("detail.missing_column", column=column),
                        "missing_column",
                    )
                )
            else:
                _report(problems, t, others & df[column].isna().to_numpy(), column,
                        said("detail.empty"), "empty")  # fmt: skip
    if sink.any():

        def missing(column: str) -> np.ndarray:
            return df[column].isna().to_numpy() if column in df else np.ones(len(df), bool)

        serials = ~missing("first") & ~missing("last")
        _report(problems, t, sink & missing("quantity_tco2e") & ~serials, "quantity_tco2e",
                said("detail.sink_quantity"), "empty")  # fmt: skip
        _report(problems, t, sink & missing("evidence"), "evidence",
                said("detail.sink_evidence"), "empty")  # fmt: skip
        _report(problems, t, sink & missing("vintage") & missing("period_end"), "period_end",
                said("detail.sink_year"), "empty")  # fmt: skip
    if "period_start" in df and "period_end" in df:
        problems += check_date_order(t, "period_start", "period_end")
    if all(c in df for c in ("serial_prefix", "first", "last")):
        keep = df[["serial_prefix", "first", "last"]].notna().any(axis=1).to_numpy() | others
    else:
        keep = np.zeros(len(df), dtype=bool)
    return problems, Table(t.name, t.file, df[keep], t.sha256)


def check_sites(t: Table, config: EventConfig, *, required: bool) -> list[Problem]:
    """A `site` names one of event.yaml's sites (any case); with several sites an energy row
    must name one (which grid prices it?). Without `sites:` the column must stay empty."""
    problems: list[Problem] = []
    ids = [s.id for s in config.sites]
    column = t.df.get("site", None)
    if column is not None:
        text = column.astype(object).fillna("").astype(str).str.strip()
        known = text.str.lower().isin([i.lower() for i in ids]) | text.eq("")
        for value in sorted(set(text[~known])):
            close = difflib.get_close_matches(value, ids, n=2, cutoff=0.6)
            hint = said("detail.hint_close", close=" or ".join(close)) if close else ""
            told = (
                said("detail.unknown_site", value=value, sites=", ".join(ids), hint=hint)
                if ids
                else said("detail.unknown_site_none", value=value)
            )
            _report(problems, t, (text == value).to_numpy(), "site", told, "unknown_value")
    if required and len(ids) > 1:
        empty = column.isna().to_numpy() if column is not None else np.ones(len(t.df), dtype=bool)
        _report(problems, t, empty, "site",
                said("detail.site_required", sites=", ".join(ids)), "empty")  # fmt: skip
    return problems


def check_reported_period(t: Table, config: EventConfig) -> list[Problem]:
    """A reported footprint's period (optional) lies within the event's dates and ends after
    it starts: a footprint of another time is not this event's."""
    problems: list[Problem] = []
    first, last = pd.Timestamp(config.phases.start), pd.Timestamp(config.phases.end)
    period = said("detail.outside_dates", start=config.phases.start, end=config.phases.end)
    for column in ("period_start", "period_end"):
        if column in t.df:
            dates = t.df[column]
            outside = dates.notna() & ((dates < first) | (dates > last))
            _report(problems, t, outside, column, period, "outside_period")
    if "period_start" in t.df and "period_end" in t.df:
        problems += check_date_order(t, "period_start", "period_end")
    return problems


def check_meter_overlaps(t: Table) -> list[Problem]:
    """Two intervals of one meter overlap: name both rows.

    BMS exports are usually sorted by meter and time; that is checked in one pass, and only an
    unsorted table is sorted. Within a meter, an interval overlaps an earlier one when it starts
    before the latest end seen so far (a running maximum, kept per meter by offsetting each
    meter's times so that the maximum never leaks from one meter into the next)."""
    problems: list[Problem] = []
    meter = t.df["meter"].array
    codes = np.asarray(meter.codes)  # as pandas keeps them (int16 for 4,000 meters)
    start = epoch_seconds(t.df["start"])
    end = epoch_seconds(t.df["end"])
    n = len(codes)
    if n < 2:
        return problems
    same_meter = codes[1:] == codes[:-1]
    ordered = (codes[1:] > codes[:-1]) | (same_meter & (start[1:] >= start[:-1]))
    if ordered.all():
        # sorted: if each interval starts no earlier than the previous one of its meter ends,
        # no interval can overlap any earlier one (ends are bounded by the next start)
        if not (same_meter & (start[1:] < end[:-1])).any():
            return problems
        order = np.arange(n)
    else:
        order = np.lexsort((np.arange(n), start, codes))
    c, s, e = codes[order].astype(np.int64), start[order], end[order]
    base = s.min()
    span = int(max(e.max(), s.max()) - base) + 1
    shifted_end = (e - base) + c * span
    run_max = np.maximum.accumulate(shifted_end)
    prev_max = np.concatenate(([np.iinfo(np.int64).min], run_max[:-1]))
    same = np.concatenate(([False], c[1:] == c[:-1]))
    bad = same & ((s - base) + c * span < prev_max)
    if not bad.any():
        return problems
    # the row that set the running maximum, for the message
    setter_pos = np.maximum.accumulate(np.where(shifted_end == run_max, np.arange(n), 0))
    prev_setter = np.concatenate(([0], setter_pos[:-1]))
    rows = t.df["_row"].to_numpy()
    hits = np.flatnonzero(bad)
    shown = hits[: MAX_LISTED + 1]
    messages = [
        said("detail.meter_overlap", row=int(rows[order[prev_setter[i]]]),
             meter=meter.categories[c[i]])
        for i in shown
    ]  # fmt: skip
    problems += listed_problems(
        t.file,
        rows[order[shown]],
        "start",
        messages,
        "meter_overlap",
        len(hits),
        said("detail.more_overlaps"),
    )
    return problems


def check_date_order(t: Table, start: str, end: str) -> list[Problem]:
    problems: list[Problem] = []
    _report(
        problems,
        t,
        t.df[end] < t.df[start],
        end,
        said("detail.end_before_start", end=end, start=start),
        "end_before_start",
    )
    return problems


def check_serial_blocks(t: Table, group: tuple[str, ...], optional: bool) -> list[Problem]:
    """Blocks first..last (inclusive) of one prefix must not repeat or overlap."""
    problems: list[Problem] = []
    df = t.df
    cols = ["serial_prefix", "first", "last"]
    if optional:
        present = [c for c in cols if c in df]
        if not present:
            return problems
        if len(present) < 3:
            for c in set(cols) - set(present):
                problems.append(
                    said_problem(
                        t.file, 1, c, said("detail.block_column", column=c), "missing_column"
                    )
                )
            return problems
        given = df[cols].notna()
        partial = given.any(axis=1) & ~given.all(axis=1)
        for c in cols:
            _report(
                problems,
                t,
                partial & ~given[c],
                c,
                said("detail.block_incomplete"),
                "incomplete_block",
            )
        df = df[given.all(axis=1)]
    last_lt_first = df["last"] < df["first"]
    sub = Table(t.name, t.file, df, t.sha256)
    _report(problems, sub, last_lt_first, "last", said("detail.last_before_first"), "bad_block")
    # compared in their canonical form (identifiers.id_key): 'ccer-x' and 'CCER‐X' are one
    # prefix, so a variant spelling cannot make a second block of the same serials
    key_columns = [f"_key_{g}" for g in group]
    df = df[~last_lt_first].assign(
        **{k: keys_of(df.loc[~last_lt_first, g]) for k, g in zip(key_columns, group, strict=True)}
    )
    df = df.sort_values([*key_columns, "first", "_row"], kind="stable")
    keys = [df[g] for g in key_columns]
    same = np.ones(len(df), dtype=bool)
    for g in key_columns:
        same &= df[g].eq(df[g].shift()).to_numpy()
    grouped = df.groupby(keys, sort=False, observed=True)
    run_max = grouped["last"].cummax()
    setter = (
        df["_row"].where(df["last"] == run_max).groupby(keys, sort=False, observed=True).ffill()
    )
    prev_max = run_max.groupby(keys, sort=False, observed=True).shift()
    prev_row = setter.groupby(keys, sort=False, observed=True).shift()
    bad = same & (df["first"] <= prev_max).to_numpy()
    if bad.any():
        hits = df[bad]
        dup = (hits["first"] == df["first"].shift()[bad]) & (
            hits["last"] == df["last"].shift()[bad]
        )
        shown = slice(0, MAX_LISTED + 1)
        messages = [
            said(
                "detail.block_duplicate" if same_block else "detail.block_overlap",
                row=int(row),
                prefix=str(prefix),
                first=str(first),
                last=str(last),
            )
            for same_block, row, prefix, first, last in zip(
                dup.to_numpy()[shown],
                prev_row[bad].to_numpy()[shown],
                hits["serial_prefix"].to_numpy()[shown],
                hits["first"].to_numpy()[shown],
                hits["last"].to_numpy()[shown],
                strict=True,
            )
        ]
        problems += listed_problems(
            t.file,
            hits["_row"].to_numpy(),
            "first",
            messages,
            "serial_overlap",
            len(hits),
            said("detail.more_same_problem"),
        )
    return problems


def check_distance_or_origin(t: Table, places: tuple[str, ...]) -> list[Problem]:
    """A row needs distance_km or a place to compute it from (the other end is the venue)."""
    problems: list[Problem] = []
    df = t.df
    has = df["distance_km"].notna() if "distance_km" in df else pd.Series(False, df.index)
    for p in places:
        if p in df:
            has = has | df[p].notna()
    _report(
        problems,
        t,
        ~has,
        "distance_km",
        said("detail.no_distance", places=" or ".join(places)),
        "no_distance",
    )
    return problems


def check_air_distance(t: Table) -> list[Problem]:
    problems: list[Problem] = []
    if "distance_km" in t.df:
        bad = (t.df["mode"] == "air") & (t.df["distance_km"] == 0)
        _report(problems, t, bad, "distance_km", said("detail.air_zero"), "air_zero")
    return problems


def check_origins(t: Table, column: str) -> list[Problem]:
    """Every distinct place name must resolve (IATA code, city, 'City, CC' or 'lat,lon')."""
    problems: list[Problem] = []
    if column not in t.df:
        return problems
    values = t.df[column]
    needed = values.notna()
    if "distance_km" in t.df:
        needed &= t.df["distance_km"].isna() | (column == "origin")
    unknown = [text for text in values[needed].unique() if resolve_place(str(text)) is None]
    for i, text in enumerate(unknown):
        # suggestions cost a fuzzy search over 40,000 names: for the first few places only
        close = closest_names(str(text)) if i < SUGGESTED_PLACES else []
        hint = said("detail.hint_close", close=", ".join(close)) if close else ""
        _report(
            problems,
            t,
            needed & (values == text),
            column,
            said("detail.unknown_place", text=text, hint=hint),
            "unknown_place",
        )
    return problems


SUGGESTED_PLACES = 20


def check_countries(t: Table, column: str, own: Collection[str] = ()) -> list[Problem]:
    """Every distinct country must be an ISO 3166-1 alpha-2 code or a country's English or
    Chinese name ('CN', 'China', '中国'), or have a factor of the event's own (`own`, e.g. a
    region 'GB-LND'); others are named with the closest countries."""
    problems: list[Problem] = []
    if column not in t.df:
        return problems
    values = t.df[column]
    for text in values.dropna().unique():
        if country_code(str(text))[0] is not None or str(text).strip().upper() in own:
            continue
        close = closest_countries(str(text))
        hint = said("detail.hint_close_paren", close=" or ".join(close)) if close else ""
        _report(
            problems,
            t,
            values == text,
            column,
            said("detail.unknown_country", text=str(text), hint=hint),
            "unknown_country",
        )
    return problems


def check_one_spelling(t: Table, column: str) -> list[Problem]:
    """Names that are one name written two ways ('Acme Co.' and 'ACME  Co.', a full-width or
    an invisible character) would be two exhibitors with one identity: each later spelling is
    named with the first."""
    problems: list[Problem] = []
    spellings = [str(v) for v in t.df[column].dropna().unique()]
    for _, text, first in other_spellings(spellings):
        _report(
            problems,
            t,
            (t.df[column] == text).to_numpy(),
            column,
            said("detail.other_spelling", text=text, first=first),
            "duplicate",
        )
    return problems


def check_unique(t: Table, columns: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    if not all(c in t.df for c in columns):
        return problems
    dup = t.df.duplicated(columns, keep="first").to_numpy()
    if not dup.any():
        return problems
    first_row = t.df.groupby(columns, sort=False, observed=True)["_row"].transform("first")
    rows = t.df["_row"].to_numpy()[dup]
    firsts = first_row.to_numpy()[dup][: MAX_LISTED + 1]  # only the listed rows get a text
    said_rows = [said("detail.duplicate_of_row", row=int(r)) for r in firsts]
    return listed_problems(
        t.file,
        rows,
        columns[0],
        said_rows,
        "duplicate",
        len(rows),
        said("detail.more_same_problem"),
    )
