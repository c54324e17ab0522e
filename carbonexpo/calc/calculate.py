"""The whole calculation: event data -> inventory lines -> Scope 2, offsets, balance, result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from carbonexpo.calc import activities as act
from carbonexpo.calc import visitor_travel as vt
from carbonexpo.calc.allocation import allocate_to_exhibitors
from carbonexpo.calc.balance import Balance, basis_column, compute_balance
from carbonexpo.calc.carbon_inclusive import Rewards, rewards
from carbonexpo.calc.completeness import Completeness, assess
from carbonexpo.calc.hourly import Hourly, match
from carbonexpo.calc.lines import CATEGORIES, LineBuilder, RowsAgain
from carbonexpo.calc.odds import Odds, odds
from carbonexpo.calc.offsets import OffsetResult, apply_offsets, removals_tco2e
from carbonexpo.calc.registry_check import RegistryCheck
from carbonexpo.calc.scope2 import (
    GreenPowerResult,
    allocate_green_power,
    gec_ccer_overlap,
    instruments_effect_kgco2e,
    market_based_kgco2e,
    residual_factor,
)
from carbonexpo.calc.uncertainty import UncertaintyResult, simulate
from carbonexpo.calc.visitor_travel import Estimate
from carbonexpo.codes import as_categorical, cat_map, epoch_seconds, lookup, used_labels
from carbonexpo.config import CATEGORY_NAMES, PHASES, EventConfig
from carbonexpo.errors import Problem, raise_if, said_problem
from carbonexpo.factors import keys
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.geo import country_code, resolve_place, sea_route
from carbonexpo.identifiers import name_key
from carbonexpo.io.event import EventData
from carbonexpo.io.tables import Table
from carbonexpo.notes import Note, note
from carbonexpo.units import multiplier
from carbonexpo.words import said


@dataclass
class Calculation:
    """Everything a renderer needs; renderers never compute a number."""

    data: EventData
    resolver: FactorResolver
    groups: pd.DataFrame
    builder: LineBuilder
    green_power: GreenPowerResult
    offsets: OffsetResult
    balance: Balance
    electricity_kwh: float
    residual_key: str
    completeness: Completeness
    assumptions: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    exhibitors: pd.DataFrame | None = None
    factors_used: list[dict[str, Any]] = field(default_factory=list)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    uncertainty: UncertaintyResult | None = None
    hourly: Hourly | None = None
    metered: tuple[np.ndarray, np.ndarray] | None = None  # electricity rows: start, kWh
    carbon_inclusive: Rewards | None = None
    registry: list[RegistryCheck] = field(default_factory=list)  # exports credits were checked in
    visitor_travel: Estimate | None = None  # travel estimated from registrations and a survey
    odds: Odds | None = None  # the probability of neutrality and the offset buffer

    @cached_property
    def lines(self) -> pd.DataFrame:
        """One inventory line per activity row with both totals, built on first use: the
        totals, balance and statements come from `groups`, so a calculation that writes no
        lines never holds millions of them."""
        return self._with_market(self.builder.lines())

    @cached_property
    def records(self) -> pd.DataFrame:
        """`lines`, but a reduced table's records stand for their rows (LineBuilder.lines):
        the same totals by every label of the records, without reading the rows again."""
        if not any(t.reduced for t in self.data.tables.values()):
            return self.lines
        return self._with_market(self.builder.lines(records=True))

    def line_batches(self, rows: int = 100_000) -> Iterator[pd.DataFrame]:
        """The lines of `lines`, in its order, `rows` at a time (a writer of --lines holds one
        batch, not the whole inventory: scale 1's 6.2 M lines took 1.7 GB as one frame)."""
        for batch in self.builder.line_batches(rows):
            yield self._with_market(batch)

    def _with_market(self, lines: pd.DataFrame) -> pd.DataFrame:
        """Lines with their market-based total: a value of each line alone, so a batch of
        lines gets the figures the whole would."""
        elec = np.asarray(lines["category"] == "electricity")
        kwh = in_kwh(lines["input_quantity"].to_numpy()[elec], lines["input_unit"].array[elec])
        lines["kgco2e_market"] = market_based_kgco2e(
            lines["kgco2e"].to_numpy(dtype=np.float64),
            elec,
            kwh,
            applied_mwh=self.green_power.applied_mwh,
            per_kwh=self.resolver.resolve(self.residual_key, "kWh"),
            total_kwh=self.electricity_kwh,
        )
        return lines


def read_as(file: str, column: str, raw: object, value: object, code: str = "read_value") -> Note:
    """The note for a value of the user's read as a canonical one ('China' as 'CN'; an
    exhibitor's name as booths.csv writes it: code read_exhibitor)."""
    return note(code, file=file, column=column, text=str(raw), value=str(value))


def align_exhibitors(
    tables: dict[str, Table], canonical: dict[str, str] | None, assumptions: list[Note]
) -> dict[str, Table]:
    """Exhibitor names written in another case or spacing than in booths.csv ('acme  co.' for
    'Acme Co.') are read as the booth's name (`canonical`: booth_names), once per distinct name,
    and said."""
    if canonical is None:
        return tables
    out = dict(tables)
    for name, t in tables.items():
        if name == "booths" or "exhibitor" not in t.df:
            continue
        df, renames = with_booth_names(t.df, canonical)
        for raw, named in renames.items():
            assumptions.append(read_as(t.file, "exhibitor", raw, named, "read_exhibitor"))
        if renames:
            out[name] = replace(t, df=df)
    return out


def booth_names(tables: dict[str, Table]) -> dict[str, str] | None:
    """booths.csv's exhibitor names by their name key (None without booths.csv)."""
    booths = tables.get("booths")
    if booths is None:
        return None
    return {name_key(n): str(n) for n in booths.df["exhibitor"].unique()}


def with_booth_names(
    df: pd.DataFrame, canonical: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """`df` with its exhibitor names as booths.csv writes them, and the names changed."""
    if "exhibitor" not in df:
        return df, {}
    column = df["exhibitor"].astype("category")
    renames = {}
    for raw in column.cat.categories:
        match = canonical.get(name_key(raw))
        if match is not None and match != raw:
            renames[raw] = match
    if not renames:
        return df, {}
    fixed = column.map(lambda v, r=renames: r.get(v, v)).astype("category")
    return df.assign(exhibitor=fixed), renames


class Built(NamedTuple):
    """The lines of an event folder and what was said while building them."""

    builder: LineBuilder
    assumptions: list[Note]
    warnings: list[Note]
    visitor_travel: Estimate | None


def build_lines(data: EventData, resolver: FactorResolver) -> Built:
    config = data.config
    builder = LineBuilder(resolver)
    assumptions: list[Note] = []
    warnings: list[Note] = []
    names = booth_names(data.tables)  # for these tables and for lines made again
    tables = align_exhibitors(data.tables, names, assumptions)
    for file, table in data.unknown_files:
        if table:
            warnings.append(note("unknown_file", file=file, table=f"{table}.csv"))
        else:
            warnings.append(note("unknown_file_unmatched", file=file))
    if t := tables.get("energy"):
        frame, category = energy_lines(t.df, config)
        again = rows_again(t, lambda df: energy_lines(df, config), names)
        if t.reduced:
            frame["_count"] = t.counts
        builder.add(frame, source_file=t.file, category=category, rows_again=again)
        if config.claim.well_to_tank:
            add_upstream(builder, frame, t.file, assumptions, again)
    if t := tables.get("refrigerants"):
        builder.add(act.refrigerant_activity(t.df), source_file=t.file, category="refrigerants")
    if t := tables.get("travel"):
        frame = act.travel_activity(t.df, config)
        again = rows_again(t, lambda df: (act.travel_activity(df, config), "travel"), names)
        if t.reduced:
            frame["_count"] = t.counts
        builder.add(frame, source_file=t.file, category="travel", rows_again=again)
        if config.claim.well_to_tank:
            add_upstream(builder, frame, t.file, assumptions, again)
        if n := rows_where(frame, "distance_computed"):
            assumptions.append(note("travel_distance_computed", rows=n))
        if any(str(k).startswith("passenger.air.") for k in used_labels(frame["factor_key"])):
            assumptions.append(note("air_bands"))
        if n := rows_where(frame, "default_cabin"):
            assumptions.append(note("default_cabin", rows=n))
        if n := rows_where(frame, "short_flight"):
            warnings.append(note("short_flights", rows=n))
        assumptions += place_notes(t.df, "travel", ("origin",))
    estimate = add_visitor_travel(builder, tables, config, assumptions, warnings)
    if t := tables.get("logistics"):
        frame = act.logistics_activity(t.df, config)
        again = rows_again(t, lambda df: (act.logistics_activity(df, config), "logistics"), names)
        if t.reduced:
            frame["_count"] = t.counts
        builder.add(frame, source_file=t.file, category="logistics", rows_again=again)
        if n := rows_where(frame, "distance_computed"):
            assumptions.append(note("logistics_distance_computed", rows=n))
        assumptions += place_notes(t.df, "logistics", ("origin", "destination"))
        assumptions += sea_route_notes(t.df, frame["sea_lane"].to_numpy(), config)
    for name, fn in (
        ("accommodation", act.accommodation_activity),
        ("catering", act.catering_activity),
        ("waste", act.waste_activity),
        ("materials", act.materials_activity),
    ):
        if t := tables.get(name):
            builder.add(fn(t.df), source_file=t.file, category=name)
    if t := tables.get("reported"):
        builder.add(
            act.reported_activity(t.df),
            source_file=t.file,
            category=as_categorical(t.df["category"], len(t.df)),
        )
        verified = t.df["verifier"].notna().sum() if "verifier" in t.df else 0
        assumptions.append(
            note(
                "reported_footprints",
                rows=len(t.df),
                tco2e=float(t.df["tco2e"].sum()),
                verified=int(verified),
            )
        )
    for name in ("accommodation", "green_power"):
        if (t := tables.get(name)) is not None:
            for text in t.df["country"].dropna().unique():
                code, named = country_code(str(text))
                if named:
                    assumptions.append(read_as(t.file, "country", text, code))
    for t in tables.values():
        for r in t.readings:
            counted = {"rows": r.rows} if r.rows else {}
            if r.code:
                said = dict(r.params)
                assumptions.append(note(r.code, file=t.file, column=r.column, **counted, **said))
                continue
            code = "input_read_as" if r.rows else "input_synonym"
            assumptions.append(
                note(code, file=t.file, column=r.column, what=r.what, how=r.how, **counted)
            )
    assumptions.append(note("wtt_on" if config.claim.well_to_tank else "wtt_off"))
    if (s := config.scenario) is not None:
        assumptions.append(
            note(
                "scenario_applied",
                name=s.name,
                base=s.base,
                made=s.made.isoformat(),
                base_gross=f"{s.base_gross_tco2e:,.3f}",
                gross=f"{s.gross_tco2e:,.3f}",
            )
        )
        assumptions += [
            c if isinstance(c, Note) else note("scenario_change", text=c) for c in s.changes
        ]
    for name, phase in act.DEFAULT_PHASE.items():
        t = tables.get(name)
        if t is not None and ("phase" not in t.df or t.df["phase"].isna().any()):
            assumptions.append(note("default_phase", table=name, phase=phase))
    if builder.problems and any(t.reduced for t in data.tables.values()):
        return build_lines(data.unreduced(), resolver)  # problems name rows one by one
    raise_if(builder.problems)
    return Built(builder, assumptions, warnings, estimate)


def energy_lines(df: pd.DataFrame, config: EventConfig) -> tuple[pd.DataFrame, pd.Categorical]:
    """energy.csv's activity and each row's category (by carrier)."""
    frame = act.energy_activity(df, config)
    return frame, cat_map(frame["carrier"], act.ENERGY_CATEGORY.__getitem__, len(frame))


def rows_again(
    t: Table,
    activity: Callable[[pd.DataFrame], tuple[pd.DataFrame, object]],
    names: dict[str, str] | None,
) -> RowsAgain | None:
    """A reduced table's activity and category row by row, batch by batch (its lines), its
    exhibitors named as booths.csv names them; None for a table read whole."""
    batches = t.batches
    if batches is None:
        return None

    def again() -> Iterator[tuple[pd.DataFrame, object]]:
        for df in batches():
            yield activity(with_booth_names(df, names)[0] if names else df)

    return again


def rows_where(frame: pd.DataFrame, flag: str) -> int:
    """The rows an activity frame flags (a reduced table's records count their rows)."""
    mask = frame[flag].to_numpy(dtype=bool)
    if "_count" in frame:
        return int(frame["_count"].to_numpy()[mask].sum())
    return int(mask.sum())


def read_checked(folder: Path) -> EventData:
    """`read_event`, and when it fails, every check the calculation makes run on the rows that
    did read (places, factor keys, units against factors): validate and calc raise the same
    complete set of problems, in one pass."""
    from carbonexpo.errors import InputError
    from carbonexpo.io.event import read_event

    try:
        return read_event(folder)
    except InputError as exc:
        if exc.partial is None:
            raise
        more = line_problems(cast("EventData", exc.partial))
        raise InputError([*exc.problems, *more], partial=exc.partial) from None


def line_problems(data: EventData) -> list[Problem]:
    """What the calculation's own steps find in tables that read (places, factor keys, units
    against factors): for rows checked before a calculation (a folder that failed, an
    exhibitor's entry)."""
    from carbonexpo.errors import InputError

    try:
        build_lines(
            data, FactorResolver.for_event(list(data.config.factor_sets), data.user_factors)
        )
    except InputError as exc:
        return exc.problems
    return []


def check_event(folder: Path) -> tuple[EventData, list[Note], list[Note]]:
    """`read_event` plus every check the calculation makes (places, factor keys): (data,
    assumptions, warnings), or InputError with every independent problem in one pass — the
    rows that did read are checked further, so that a folder is not fixed in several rounds."""
    data = read_checked(folder)
    resolver = FactorResolver.for_event(list(data.config.factor_sets), data.user_factors)
    built = build_lines(data, resolver)
    return data, built.assumptions, built.warnings


def add_visitor_travel(
    builder: LineBuilder,
    tables: dict[str, Table],
    config: EventConfig,
    assumptions: list[Note],
    warnings: list[Note],
) -> Estimate | None:
    """Travel (and hotel nights) of the attendees of registrations.csv or scans.csv, by the
    survey's split per distance band (calc.visitor_travel), as lines beside travel.csv's. The
    attendee types travel.csv names are left to it; a travel.csv row without a group would be
    counted twice, and is refused."""
    reg, scans, survey = (tables.get(n) for n in ("registrations", "scans", "survey"))
    if reg is None and scans is None:
        if survey is not None:
            warnings.append(note("survey_unused"))
        return None
    travel = tables.get("travel")
    covered: list[str] = []
    if travel is not None:
        group = travel.df.get("group")
        if group is None or group.isna().any():
            rows = travel.df["_row"].to_numpy()
            unnamed = rows if group is None else rows[group.isna().to_numpy()]
            builder.problems.append(
                said_problem(
                    travel.file,
                    int(unnamed[0]),
                    "group",
                    said("detail.travel_group_needed", file=travel.file),
                    "travel_group_needed",
                )
            )
            return None
        covered = sorted(str(g) for g in group.unique())
    att = vt.attendance(
        reg.df if reg else None,
        scans.df if scans else None,
        config,
        registrations_file=reg.file if reg else "registrations.csv",
        scans_file=scans.file if scans else "scans.csv",
    )
    for file, count in att.raw_ids.items():
        warnings.append(note("attendee_ids_raw", file=file, count=count))
    resolver = builder.resolver

    def per_unit(key: str, unit: str) -> float | None:
        factor = resolver.resolve(key, unit)
        if factor is None:
            return None
        return factor.per(unit)

    hotels = config.visitor_travel.hotels
    if hotels is None:
        hotels = "accommodation" not in tables
        if not hotels:
            assumptions.append(note("visitor_travel_hotels_skipped"))
    est = vt.estimate(
        att,
        survey.df if survey else None,
        config,
        lambda key: per_unit(key, "passenger_km"),
        hotel_factor=per_unit(keys.hotel(config.venue.country), "room_night"),
        excluded_types=covered,
        hotels=hotels,
    )
    if est.unplaced:
        builder.problems.append(
            said_problem(
                att.source_file,
                int(att.groups["row"].min()),
                "origin",
                said("detail.visitor_travel_unplaced", count=round(est.unplaced)),
                "visitor_travel_unplaced",
            )
        )
        return None
    frame = act.travel_activity(est.travel, config)
    builder.add(frame, source_file=att.source_file, category="travel")
    if config.claim.well_to_tank:
        add_upstream(builder, frame, att.source_file, assumptions)
    if not est.hotels.empty:
        builder.add(
            act.accommodation_activity(est.hotels),
            source_file=att.source_file,
            category="accommodation",
        )
    assumptions.extend(visitor_travel_notes(est, config, warnings))
    return est


def visitor_travel_notes(est: Estimate, config: EventConfig, warnings: list[Note]) -> list[Note]:
    att, r = est.attendance, est.responses
    attendees = att.attendees - est.excluded_attendees
    out = [
        note(
            "visitor_travel_estimated",
            attendees=f"{attendees:,}",
            visits=f"{att.visits:,}",
            file=att.source_file,
            responses=r.total,
            rate=f"{r.total / attendees:.1%}" if attendees else "–",
        )
    ]
    if att.duplicates:
        out.append(note("visitor_travel_duplicates", count=att.duplicates, file=att.source_file))
    if att.days_from == "default":
        out.append(note("visitor_travel_days_default", file=att.source_file))
    if att.no_shows:
        out.append(note("visitor_travel_no_shows", count=att.no_shows))
    if att.unregistered:
        out.append(note("visitor_travel_unregistered", count=att.unregistered))
    if est.excluded_types:
        out.append(
            note(
                "visitor_travel_excluded",
                types=est.excluded_types,
                count=est.excluded_attendees,
            )
        )
    if est.unresolved:
        g = att.groups
        unplaced = np.asarray(g["origin"] >= 0) & np.isin(
            g["origin"].to_numpy(), np.flatnonzero(np.isnan(est.origins.km))
        )
        examples = sorted({est.origins.labels[int(o)] for o in g["origin"][unplaced]})[:3]
        out.append(
            note(
                "visitor_travel_unresolved",
                count=est.unresolved,
                share=f"{est.unresolved / attendees:.1%}" if attendees else "–",
                examples=examples or ["(no origin)"],
            )
        )
    if est.origins.capitals:
        out.append(note("visitor_travel_capitals", count=est.origins.capitals))
    if r.unresolved:
        out.append(note("survey_unresolved", count=r.unresolved))
    minimum = config.visitor_travel.min_responses
    for c, s in sorted(est.splits.items()):
        if s.source == "default":
            out.append(
                note(
                    "visitor_travel_default_split",
                    band=vt.CELLS[c],
                    responses=int((r.cell % len(vt.BANDS) == c % len(vt.BANDS)).sum()),
                    minimum=minimum,
                    attendees=f"{est.cell_attendees[c]:,.0f}",
                    mode=vt.DEFAULT_MODE[vt.BANDS[c % len(vt.BANDS)]],
                )
            )
        elif s.source == "band":
            out.append(
                note(
                    "visitor_travel_borrowed",
                    band=vt.CELLS[c],
                    own=int((r.cell == c).sum()),
                    minimum=minimum,
                    responses=s.responses,
                )
            )
    if config.visits and att.visits < config.visits and not est.excluded_types:
        warnings.append(
            note(
                "visitor_travel_visits_gap",
                visits=f"{config.visits:,}",
                derived=f"{att.visits:,}",
                gap=f"{config.visits - att.visits:,}",
            )
        )
    return out


def add_upstream(
    builder: LineBuilder,
    frame: pd.DataFrame,
    file: str,
    assumptions: list[Note],
    again: RowsAgain | None = None,
) -> None:
    """Well-to-tank lines (claim.well_to_tank; GHG Protocol Scope 3 category 3, and within
    category 6 for travel), in their own category; `again`: the activity row by row (a
    reduced table's)."""
    has = builder.resolver.has_key
    wtt = act.upstream(frame, has)
    upstream_again: RowsAgain | None = None
    if again is not None:
        rows = again

        def upstream_again() -> Iterator[tuple[pd.DataFrame, object]]:
            for activity, _ in rows():
                yield act.upstream(activity, has), "well_to_tank"

    builder.add(wtt, source_file=file, category="well_to_tank", rows_again=upstream_again)
    if wtt.attrs["missing"]:
        assumptions.append(note("wtt_missing", file=file, keys=wtt.attrs["missing"]))


MAX_PLACE_NOTES = 30  # per table; the summary counts them all


def place_notes(df: pd.DataFrame, table: str, columns: tuple[str, ...]) -> list[Note]:
    """How places were read where it is worth saying: several same-name places (the most
    populous taken, the others named), a retired airport code, an ICAO code, an unknown region.
    Once per distinct text, from the resolver's cache."""
    out: list[Note] = []
    ambiguous = 0
    for column in columns:
        if column not in df:
            continue
        for text in df[column].dropna().unique():
            place = resolve_place(str(text))
            if place is None:
                continue
            if place.note_code:
                said = dict(place.note_params)
                out.append(
                    note(place.note_code, table=table, column=column, text=str(text), **said)
                )
            if place.ambiguous:
                ambiguous += 1
                if ambiguous <= MAX_PLACE_NOTES:
                    out.append(
                        note(
                            "place_ambiguous",
                            table=table,
                            column=column,
                            text=str(text),
                            picked=place.label,
                            alternatives=list(place.alternatives),
                        )
                    )
    if ambiguous:
        out.append(note("places_ambiguous_summary", count=ambiguous))
    return out


def sea_route_notes(df: pd.DataFrame, sea: np.ndarray, config: EventConfig) -> list[Note]:
    """Each distinct sea leg whose distance was computed: the route length, and the inland
    legs to and from the lanes that the row does not price (spec §3)."""
    if not sea.any():
        return []
    venue = (config.venue.latitude, config.venue.longitude)
    out = []
    legs = df.loc[sea, [c for c in ("origin", "destination") if c in df]].astype(object)
    for origin, destination in (
        legs.drop_duplicates().reindex(columns=["origin", "destination"]).itertuples(index=False)
    ):
        ends = []
        for text in (origin, destination):
            place = resolve_place(str(text)) if isinstance(text, str) else None
            ends.append((place.latitude, place.longitude) if place else venue)
        (lat1, lon1), (lat2, lon2) = ends
        route = sea_route(round(lat1, 4), round(lon1, 4), round(lat2, 4), round(lon2, 4))
        out.append(
            note(
                "sea_route",
                origin=str(origin) if isinstance(origin, str) else "the venue",
                destination=str(destination) if isinstance(destination, str) else "the venue",
                km=round(route.km, 1),
                inland=round(route.inland_start_km + route.inland_end_km, 1),
            )
        )
        if len(out) >= MAX_PLACE_NOTES:
            break
    return out


def calculate(
    data: EventData,
    *,
    claims: pd.DataFrame | None = None,
    uncertainty_runs: int | None = None,
    seed: int = 0,
    registry: list[RegistryCheck] = (),  # type: ignore[assignment]
) -> Calculation:
    """The whole calculation. With `uncertainty_runs` (or claim.offset_to: upper, which
    needs it: 1,000 runs by default) the 95 % intervals are computed too. `registry`: credit
    rows checked against registry exports; a row that does not match counts for nothing."""
    config = data.config
    resolver = FactorResolver.for_event(list(config.factor_sets), data.user_factors)
    builder, assumptions, warnings, estimate = build_lines(data, resolver)
    groups = builder.groups()

    elec = np.asarray(groups["category"] == "electricity")
    group_kwh = in_kwh(groups["input_quantity"].to_numpy()[elec], groups["input_unit"].array[elec])
    electricity_kwh = float(group_kwh.sum())

    gp_table = data.tables.get("green_power")
    credits_table = data.tables.get("credits")
    gp_double, credit_double = gec_ccer_overlap(
        gp_table.df if gp_table else None, credits_table.df if credits_table else None
    )
    metered = metered_electricity(data)
    green = allocate_green_power(
        gp_table.df if gp_table else None,
        config=config,
        consumption_mwh=electricity_kwh / 1000.0,
        claims=claims,
        double=gp_double,
        monthly_mwh=monthly_electricity_mwh(config, metered),
    )
    residual_key, fallback = residual_factor(resolver, config)
    if fallback is not None and elec.any():
        assumptions.append(fallback)
    grid_key = keys.grid(config.venue.grid)
    if fallback is None and elec.any() and residual_key != keys.residual(config.venue.grid):
        residual, grid = resolver.resolve(residual_key, "kWh"), resolver.resolve(grid_key, "kWh")
        if residual is not None and grid is not None:
            warnings.append(
                note(
                    "factor_boundaries",
                    residual_key=residual_key,
                    residual=residual.kgco2e_per_unit,
                    grid_key=grid_key,
                    grid=grid.kgco2e_per_unit,
                )
            )
    groups["kgco2e_market"] = market_based_kgco2e(
        groups["kgco2e"].to_numpy(dtype=np.float64),
        elec,
        group_kwh,
        applied_mwh=green.applied_mwh,
        per_kwh=resolver.resolve(residual_key, "kWh"),
    )

    hourly = hourly_matching(data, green, resolver.resolve(residual_key, "kWh"), warnings, metered)
    phc = None
    if (v := data.tables.get("visitors")) is not None:
        phc = rewards(v.df, config, resolver, file=v.file)
        assumptions.append(
            note("phc_not_deducted", tco2e=f"{phc.summary()['reduction_tco2e']:,.3f}")
        )

    offsets = apply_offsets(
        credits_table.df if credits_table else None,
        config=config,
        claims=claims,
        double=credit_double,
        registry_checks=list(registry),
    )
    basis_col = basis_column(config.claim.basis)
    summary = summarise(groups)
    gross_t = float(summary[basis_col].sum()) / 1000.0
    present = set(summary["category"])
    intervals = None
    runs = uncertainty_runs or 1000
    sampled = {}
    if estimate is not None:
        travel, hotels = estimate.bootstrap(runs, seed)  # also the report's split intervals
        sampled = {(estimate.attendance.source_file, "travel"): travel}
        sampled[(estimate.attendance.source_file, "accommodation")] = hotels
    asked = config.claim.offset_to == "upper" or config.claim.min_confidence is not None
    if uncertainty_runs is not None or asked:
        intervals = simulate(
            groups, basis_col, list(CATEGORIES), runs=runs, seed=seed, sampled=sampled
        )
    tested = None
    if config.claim.offset_to == "upper" and intervals is not None:
        tested = max(intervals.total.high, gross_t)
        assumptions.append(
            note(
                "offset_to_upper",
                upper=f"{tested:,.3f}",
                gross=f"{gross_t:,.3f}",
                runs=intervals.runs,
                seed=intervals.seed,
            )
        )
    chances = None
    if intervals is not None:
        chances = odds(
            intervals.draws,
            offsets.eligible_tco2e,
            config.claim.confidence,
            point_tco2e=gross_t,
            approach1_half_width=intervals.approach1_total.high - gross_t,
        )
    balance = compute_balance(
        gross_tco2e=gross_t,
        offsets_tco2e=offsets.eligible_tco2e,
        basis=config.claim.basis,
        has_data=bool(present),
        tested_tco2e=tested,
    )
    completeness = assess(config, present, gross_t)
    if groups.empty:
        warnings.append(note("empty_inventory"))
    warnings += completeness.warnings()
    if green.surplus_mwh > 0:
        warnings.append(note("green_power_surplus", mwh=green.surplus_mwh))
    for (key, year, used, set_id), rows in sorted(builder.year_fallbacks.items()):
        assumptions.append(
            note("factor_year_fallback", key=key, year=year, used_year=used, set=set_id, rows=rows)
        )
    if groups["proxy"].any():
        proxies = sorted(str(k) for k in groups["factor_key"][groups["proxy"].to_numpy()].unique())
        assumptions.append(note("proxy_factors", keys=proxies))

    exhibitors = None
    if b := data.tables.get("booths"):
        allocation = allocate_to_exhibitors(groups, b.df, value_column=basis_col)
        exhibitors, unknown = allocation.table, allocation.without_booth
        if unknown:
            warnings.append(note("exhibitors_without_booth", names=[str(u) for u in unknown[:20]]))
    elif groups["exhibitor"].notna().any():
        assumptions.append(note("no_booths"))
    return Calculation(
        data=data,
        resolver=resolver,
        groups=groups,
        builder=builder,
        green_power=green,
        offsets=offsets,
        balance=balance,
        electricity_kwh=electricity_kwh,
        residual_key=residual_key,
        completeness=completeness,
        assumptions=assumptions,
        warnings=warnings,
        exhibitors=exhibitors,
        summary=summary,
        uncertainty=intervals,
        hourly=hourly,
        metered=metered,
        carbon_inclusive=phc,
        registry=list(registry),
        visitor_travel=estimate,
        odds=chances,
        factors_used=sorted(builder.factors_used.values(), key=lambda f: (f["key"], f["set"])),
    )


def metered_electricity(data: EventData) -> tuple[np.ndarray, np.ndarray] | None:
    """(interval start in epoch seconds, kWh) of every electricity row, or None: converted once
    for the daily profile and hourly matching."""
    energy = data.tables.get("energy")
    if energy is None:
        return None
    df = energy.df
    elec = np.asarray(df["carrier"] == "electricity")
    if not elec.any():
        return None
    kwh = in_kwh(df["quantity"].to_numpy()[elec], df["unit"].array[elec])
    return epoch_seconds(df["start"])[elec], kwh


def hourly_matching(
    data: EventData,
    green: GreenPowerResult,
    residual: Any,
    warnings: list[Note],
    metered: tuple[np.ndarray, np.ndarray] | None,
) -> Hourly | None:
    """Hourly matching when generation.csv gives hourly generation and every electricity
    interval is at most an hour long (spec §14); else None (with a warning when it was asked
    for by generation.csv but the meters are coarser)."""
    gen = data.tables.get("generation")
    energy = data.tables.get("energy")
    if gen is None or gen.rows == 0 or energy is None or residual is None:
        return None  # an empty generation.csv (as `init` writes it) asks for nothing
    df = energy.df
    elec = np.asarray(df["carrier"] == "electricity")
    long = elec & np.asarray((df["end"] - df["start"]) > pd.Timedelta(hours=1))
    if long.any():
        rows = long.sum() if energy.counts is None else energy.counts[long].sum()
        warnings.append(note("hourly_not_possible", rows=int(rows)))
        return None
    start, kwh = metered if metered is not None else (np.zeros(0, np.int64), np.zeros(0))
    table = green.instruments
    applied = {
        str(i): float(m)
        for i, m, st in zip(
            table["instrument_id"], table["mwh_applied"], table["status"], strict=True
        )
        if st == "applied"
    }
    with_hours = set(gen.df["instrument_id"].astype(str))
    profile = (
        sum(m for i, m in applied.items() if i not in with_hours)
        if data.config.claim.hourly_profile_allocation
        else 0.0
    )
    return match(
        start,
        kwh,
        gen.df,
        applied,
        timezone=data.config.timezone,
        residual_kg_per_kwh=residual.per("kWh"),
        profile_mwh=profile,
    )


def monthly_electricity_mwh(
    config: EventConfig, metered: tuple[np.ndarray, np.ndarray] | None
) -> pd.Series | None:
    """Electricity used per local calendar month (index: the months' first days), from the
    electricity rows' starts and kWh (metered_electricity); None without electricity rows.
    Months as UTC-second edges and one bincount: a boolean copy of the whole energy table and
    its dates as periods made this step the calculation's peak of memory (+0.5 GB at 5 M rows)."""
    if metered is None:
        return None
    start, kwh = metered
    tz = ZoneInfo(config.timezone)
    first = dt.datetime.fromtimestamp(int(start.min()), tz).date().replace(day=1)
    last = dt.datetime.fromtimestamp(int(start.max()), tz).date().replace(day=1)
    months = [first]
    while months[-1] < last:
        m = months[-1]
        months.append(dt.date(m.year + m.month // 12, m.month % 12 + 1, 1))
    after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    edges = np.array([config.local_midnight_epoch(m) for m in [*months, after]], dtype=np.int64)
    month = np.searchsorted(edges, start, side="right") - 1
    sums = np.bincount(month, weights=kwh / 1000.0, minlength=len(months))
    used = np.bincount(month, minlength=len(months)) > 0
    index = pd.DatetimeIndex([pd.Timestamp(m) for m, u in zip(months, used, strict=True) if u])
    return pd.Series(sums[used], index=index)


def in_kwh(quantity: np.ndarray, units: object) -> np.ndarray:
    """Quantities in kWh, one pint multiplier per distinct unit."""
    cat = as_categorical(units, len(quantity))
    # the units these rows use (others belong to other carriers): a count, not a sort
    used = np.bincount(np.asarray(cat.codes, dtype=np.int64) + 1, minlength=len(cat.categories) + 1)
    per_unit = {
        str(u): multiplier(str(u), "kWh")
        for u, n in zip(cat.categories, used[1:], strict=True)
        if n
    }
    return quantity * lookup(cat, per_unit, len(cat))


def recode(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Positions of a categorical column's values in `categories` (every value must be one)."""
    cat = values.array
    mapping = np.array([categories.index(str(c)) for c in cat.categories], dtype=np.int64)
    return mapping[np.asarray(cat.codes)] if len(mapping) else np.zeros(len(values), np.int64)


def summarise(lines: pd.DataFrame) -> pd.DataFrame:
    """Sums of both totals by category × phase × scope, in one pass over the lines (or
    their groups)."""
    category = recode(lines["category"], CATEGORIES)
    phase = recode(lines["phase"], list(PHASES))
    scope = lines["scope"].to_numpy(dtype=np.int64)
    key = (category * len(PHASES) + phase) * 4 + scope
    size = len(CATEGORIES) * len(PHASES) * 4
    rows = []
    loc = np.bincount(key, weights=lines["kgco2e"].to_numpy(), minlength=size)
    mkt = np.bincount(key, weights=lines["kgco2e_market"].to_numpy(), minlength=size)
    for k in np.flatnonzero((loc != 0) | (mkt != 0) | (np.bincount(key, minlength=size) > 0)):
        c, rest = divmod(int(k), len(PHASES) * 4)
        p, sc = divmod(rest, 4)
        rows.append((CATEGORIES[c], PHASES[p], sc, loc[k], mkt[k]))
    return pd.DataFrame(rows, columns=["category", "phase", "scope", "kgco2e", "kgco2e_market"])


def totals(calc: Calculation) -> dict[str, Any]:
    sums = calc.summary
    t = 1000.0
    scopes = sums["scope"].to_numpy()
    values = {c: sums[c].to_numpy(dtype=np.float64) for c in ("kgco2e", "kgco2e_market")}

    def s(col: str = "kgco2e", scope: int | None = None) -> float:
        v = values[col]
        return float((v if scope is None else v[scopes == scope]).sum()) / t

    b = calc.balance
    per = intensities(calc)  # the same figures as result.intensities, computed once
    return {
        "location_based_tco2e": s(),
        "market_based_tco2e": s("kgco2e_market"),
        "scope1_tco2e": s(scope=1),
        "scope2_location_tco2e": s(scope=2),
        "scope2_market_tco2e": s("kgco2e_market", scope=2),
        "scope3_tco2e": s(scope=3),
        "electricity_mwh": calc.electricity_kwh / 1000.0,
        "green_power_applied_mwh": calc.green_power.applied_mwh,
        "green_power_surplus_mwh": calc.green_power.surplus_mwh,
        "offsets_eligible_tco2e": calc.offsets.eligible_tco2e,
        "offsets_rejected_tco2e": calc.offsets.rejected_tco2e,
        "offsets_removals_tco2e": removals_tco2e(calc.offsets.credits),
        "gross_tco2e": b.gross_tco2e,
        "neutrality_tested_tco2e": b.tested_tco2e,
        "net_tco2e": b.net_tco2e,
        "surplus_tco2e": b.surplus_tco2e,
        "neutral": b.neutral,
        "status": b.status,
        "per_visit_kgco2e": per["per_visit_kgco2e"],
        "per_m2_kgco2e": per["per_m2_kgco2e"],
        # the instruments' effect: market-based without them − with them (never negative);
        # location − market also holds the difference between the two bases' factors
        "green_power_avoided_tco2e": instruments_effect_kgco2e(
            calc.green_power.applied_mwh,
            calc.electricity_kwh,
            calc.resolver.resolve(calc.residual_key, "kWh"),
        )
        / 1000.0,
        "location_minus_market_tco2e": s(scope=2) - s("kgco2e_market", scope=2),
    }


def boundary(calc: Calculation) -> dict[str, Any]:
    """Categories with at least one inventory line are included; the others had no data and are
    either declared exclusions (with reason and estimate) or missing."""
    c = calc.completeness
    return {
        "included": list(c.included),
        "excluded": [c_ for c_ in CATEGORY_NAMES if c_ not in c.included],
        "exclusions": [
            {"category": e.category, "reason": e.reason, "estimate_tco2e": e.estimate_tco2e}
            for e in c.exclusions
        ],
        "missing": list(c.missing),
        "excluded_estimate_tco2e": c.excluded_tco2e,
        "excluded_share": c.excluded_share if c.excluded_share != float("inf") else None,
        "max_excluded_share": c.max_excluded_share,
        "complete": c.complete,
        "problems": c.problems(),
    }


def intensities(calc: Calculation) -> dict[str, float | None]:
    """Gross (claim basis) per visit, per m² of venue, per exhibitor of booths.csv and per
    open day."""
    config = calc.data.config
    gross_t = calc.balance.gross_tco2e
    booths = calc.data.tables.get("booths")
    exhibitors = int(booths.df["exhibitor"].nunique()) if booths is not None else 0
    open_days = (config.phases.open.end - config.phases.open.start).days + 1
    return {
        "per_visit_kgco2e": gross_t * 1000.0 / config.visits if config.visits else None,
        "per_m2_kgco2e": gross_t * 1000.0 / config.venue.area_m2 if config.venue.area_m2 else None,
        "per_exhibitor_tco2e": gross_t / exhibitors if exhibitors else None,
        "per_open_day_tco2e": gross_t / open_days if open_days > 0 else None,
    }


def data_quality(calc: Calculation) -> dict[str, Any]:
    """How much of the claim-basis total rests on proxy factors or computed distances."""
    col = _basis_column(calc)
    groups = calc.groups
    total = float(calc.summary[col].sum())
    proxy = float(groups[col].to_numpy()[groups["proxy"].to_numpy()].sum())
    return {
        "proxy_tco2e": proxy / 1000.0,
        "proxy_share": (proxy / total) if total else 0.0,
        "lines": int(groups["rows"].sum()),
    }


def _basis_column(calc: Calculation) -> str:
    return basis_column(calc.balance.basis)


def by_category(calc: Calculation) -> dict[str, float]:
    sums = calc.summary.groupby("category")[_basis_column(calc)].sum()
    shown = CATEGORIES if calc.data.config.claim.well_to_tank else CATEGORY_NAMES
    return {c: float(sums.get(c, 0.0)) / 1000.0 for c in shown}


def by_phase(calc: Calculation) -> dict[str, float]:
    sums = calc.summary.groupby("phase")[_basis_column(calc)].sum()
    return {p: float(sums.get(p, 0.0)) / 1000.0 for p in PHASES}


def by_scope(calc: Calculation) -> dict[str, dict[str, float]]:
    out = {}
    for col, name in (("kgco2e", "location"), ("kgco2e_market", "market")):
        sums = calc.summary.groupby("scope")[col].sum()
        out[name] = {f"scope{k}": float(sums.get(k, 0.0)) / 1000.0 for k in (1, 2, 3)}
    return out


def daily_electricity_kwh(calc: Calculation) -> dict[str, float]:
    """Electricity per local day of interval start (for the daily profile chart)."""
    if calc.metered is None:
        return {}
    start, kwh = calc.metered
    config = calc.data.config
    # local days as UTC-second edges (exact across DST changes), one searchsorted per row
    first_day = dt.datetime.fromtimestamp(int(start.min()), ZoneInfo(config.timezone)).date()
    last_day = dt.datetime.fromtimestamp(int(start.max()), ZoneInfo(config.timezone)).date()
    edges = np.array(config.local_midnights(first_day, last_day), dtype=np.int64)
    sums = np.bincount(np.searchsorted(edges, start, side="right") - 1, weights=kwh)
    return {
        (first_day + dt.timedelta(days=i)).isoformat(): float(v) for i, v in enumerate(sums) if v
    }
