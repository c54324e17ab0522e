"""What-if scenarios (spec §13): a documented YAML file of changes, applied to the text of an
event's tables so that the new folder is an ordinary event folder, computed the same way.

    name: Rail instead of short flights
    travel_shift:            # move a share of travellers to another mode
      - from: [air, car]     #   modes moved (rows of these modes)
        to: hsr              #   the mode they take instead
        share: 0.5           #   of the travellers of each such row (0–1)
        max_km: 1200         #   only rows whose one-way distance is at most this
        groups: [visitor]    #   optional: only these travel groups
    green_power_coverage: 1.0   # share of electricity covered by green power (a GEC row tops
                                # up what the event's instruments do not cover)
    materials_reuse: 0.3     # share of each virgin material moved to reused (or recycled,
                             # where the factor sets price no reuse of it)
    meal_mix: {vegan: 0.1, vegetarian: 0.3, standard: 0.4, meat: 0.2}  # servings kept, mix set

Rows are split, never edited in place: a shifted share is a new row beside the original, so
the new folder says exactly what the scenario moved. Distances given in a row stay with it;
computed ones are computed again for the new mode (rail and road detours differ from flights).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, field_validator

from carbonexpo.config import Strict
from carbonexpo.factors import keys
from carbonexpo.io.schema import SCHEMAS, TRAVEL_MODES
from carbonexpo.notes import Note, note

MEALS = SCHEMAS["catering"].column("meal").choices
TRAVEL_GROUPS = SCHEMAS["travel"].column("group").choices
SCENARIO_GEC = "SCENARIO-GEC"


class TravelShift(Strict):
    model_config = ConfigDict(populate_by_name=True)  # `from` in YAML, from_modes in code

    from_modes: tuple[str, ...] = Field(alias="from", min_length=1)
    to: str
    share: float = Field(gt=0, le=1)
    max_km: float | None = Field(default=None, gt=0)
    groups: tuple[str, ...] | None = None

    @field_validator("from_modes", "to", mode="before")
    @classmethod
    def known_modes(cls, v: Any) -> Any:
        values = [v] if isinstance(v, str) else list(v)
        for m in values:
            if str(m).strip().lower() not in TRAVEL_MODES:
                raise ValueError(f"unknown mode {m!r} (allowed: {', '.join(TRAVEL_MODES)})")
        return v if isinstance(v, str) else tuple(str(m).strip().lower() for m in values)

    @field_validator("to")
    @classmethod
    def lower(cls, v: str) -> str:
        return v.strip().lower()

    @field_validator("groups")
    @classmethod
    def known_groups(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for g in v or ():
            if g not in TRAVEL_GROUPS:
                raise ValueError(f"unknown group {g!r} (allowed: {', '.join(TRAVEL_GROUPS)})")
        return v


class Scenario(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    travel_shift: tuple[TravelShift, ...] = ()
    green_power_coverage: float | None = Field(default=None, ge=0, le=1)
    materials_reuse: float | None = Field(default=None, ge=0, le=1)
    meal_mix: dict[str, float] | None = None

    @field_validator("meal_mix")
    @classmethod
    def a_mix(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        for meal, share in v.items():
            if meal not in MEALS:
                raise ValueError(f"unknown meal {meal!r} (allowed: {', '.join(MEALS)})")
            if not 0 <= share <= 1:
                raise ValueError(f"share of {meal!r} must be between 0 and 1")
        if not math.isclose(sum(v.values()), 1.0, abs_tol=1e-6):
            raise ValueError(f"the meal shares add up to {sum(v.values()):g}, not 1")
        return v


def split_rows(
    df: pd.DataFrame,
    mask: np.ndarray,
    share: float,
    column: str,
    updates: dict[str, str | list[str]],
) -> pd.DataFrame:
    """Rows under `mask` keep (1 − share) of `column`; a copy of each, with `updates` (one
    text, or one per moved row) and the share, follows it. Text cells stay as written."""
    if not mask.any():
        return df
    value = pd.to_numeric(df[column], errors="coerce").to_numpy()
    moved = df[mask].copy()
    moved[column] = [number_text(v * share) for v in value[mask]]
    for key, text in updates.items():
        moved[key] = text
    kept = df.copy()
    kept.loc[mask, column] = [number_text(v * (1.0 - share)) for v in value[mask]]
    kept = kept.loc[~mask | (value * (1.0 - share) > 0)]
    out = pd.concat([kept, moved])
    # each moved row right after its original
    order = np.argsort(np.concatenate([kept.index.to_numpy() * 2, moved.index.to_numpy() * 2 + 1]))
    return out.iloc[order].reset_index(drop=True)


def number_text(value: float) -> str:
    """A number as a CSV cell: repr-exact, without a trailing .0 for whole numbers."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def shift_travel(travel: pd.DataFrame, shift: TravelShift) -> tuple[pd.DataFrame, Note]:
    """`travel` carries each row's one-way distance in `_km` (NaN where unknown)."""
    mode = travel["mode"].fillna("").str.strip().str.lower()
    mask = np.array(mode.isin(shift.from_modes), dtype=bool)
    if shift.max_km is not None:
        km = travel["_km"].to_numpy(dtype=np.float64)
        mask &= np.nan_to_num(km, nan=np.inf) <= shift.max_km
    if shift.groups:
        group = travel["group"] if "group" in travel else pd.Series("", index=travel.index)
        mask &= np.asarray(group.isin(shift.groups), dtype=bool)
    people = pd.to_numeric(travel["travellers"], errors="coerce").to_numpy()[mask].sum()
    updates: dict[str, str | list[str]] = {"mode": shift.to}
    if "cabin" in travel:
        updates["cabin"] = ""
    out = split_rows(travel, mask, shift.share, "travellers", updates)
    return out, note(
        "scenario_shift",
        moved=float(people * shift.share),
        people=float(people),
        share=shift.share,
        modes=list(shift.from_modes),
        to=shift.to,
        max_km=f"{shift.max_km:g}" if shift.max_km is not None else "∞",
        groups=list(shift.groups or ()) or ["all"],
        rows=int(mask.sum()),
    )


def reuse_materials(
    materials: pd.DataFrame, share: float, priced: set[str]
) -> tuple[pd.DataFrame, Note]:
    """Move `share` of each virgin material's mass to `reused`, or to `recycled` where the
    factor sets price no reuse of that material (`priced`: the factor keys)."""
    out = materials.copy()
    if "origin" not in out:
        out["origin"] = ""
    name = out["material"].fillna("").str.strip().str.lower()
    virgin = np.array(
        out["origin"].fillna("").str.strip().str.lower().isin(["", "virgin"]), dtype=bool
    )

    def target(m: str) -> str:
        for t in ("reused", "recycled"):
            if keys.material(m, t) in priced:
                return t
        return ""

    targets = name.map(target).to_numpy()
    mask = virgin & (targets != "")
    masses = pd.to_numeric(out["mass_kg"], errors="coerce").to_numpy()
    moved = {t: float(masses[mask & (targets == t)].sum() * share) for t in ("reused", "recycled")}
    skipped = sorted(set(name[virgin & (targets == "")]))
    out = split_rows(out, mask, share, "mass_kg", {"origin": list(targets[mask])})
    return out, note(
        "scenario_reuse",
        share=share,
        reused_kg=moved["reused"],
        recycled_kg=moved["recycled"],
        unchanged=skipped or ["-"],
    )


def mix_meals(catering: pd.DataFrame, mix: dict[str, float]) -> tuple[pd.DataFrame, Note]:
    """Servings kept per exhibitor (or the event), shared out by the mix."""
    servings = pd.to_numeric(catering["servings"], errors="coerce").fillna(0.0)
    who = catering["exhibitor"] if "exhibitor" in catering else pd.Series("", index=catering.index)
    rows = []
    for exhibitor, total in servings.groupby(who.fillna(""), sort=False).sum().items():
        for meal, share in mix.items():
            if share > 0:
                rows.append(
                    {"meal": meal, "servings": number_text(total * share), "exhibitor": exhibitor}
                )
    out = pd.DataFrame(rows, columns=["meal", "servings", "exhibitor"])
    return out, note(
        "scenario_meals",
        servings=float(servings.sum()),
        mix=[f"{meal} {share:.0%}" for meal, share in mix.items()],
    )


def top_up_green_power(
    green: pd.DataFrame | None,
    coverage: float,
    electricity_mwh: float,
    applied_mwh: float,
    *,
    event_id: str,
    country: str,
    start: str,
    end: str,
) -> tuple[pd.DataFrame | None, Note]:
    """A GEC row for the MWh between what the instruments cover and the wanted coverage."""
    wanted = coverage * electricity_mwh
    missing = wanted - applied_mwh
    if missing <= 1e-9:
        return green, note(
            "scenario_green_enough",
            coverage=coverage,
            applied_mwh=applied_mwh,
            electricity_mwh=electricity_mwh,
        )
    columns = [c.name for c in SCHEMAS["green_power"].columns]
    row = dict.fromkeys(columns, "")
    row.update(
        instrument_id=SCENARIO_GEC,
        type="GEC",
        mwh=number_text(round(missing, 6)),
        generation_start=start,
        generation_end=end,
        country=country,
        technology="scenario: green electricity certificates to be bought",
        beneficiary=event_id,
        retired_on=end,
    )
    base = green if green is not None else pd.DataFrame(columns=columns)
    out = pd.concat([base, pd.DataFrame([row])], ignore_index=True)
    return out, note(
        "scenario_green_added",
        coverage=coverage,
        missing_mwh=missing,
        instrument=SCENARIO_GEC,
        applied_mwh=applied_mwh,
    )


def apply(
    data: Any, raw: dict[str, pd.DataFrame], scenario: Scenario, result: Any
) -> tuple[dict[str, pd.DataFrame], list[Note]]:
    """The scenario's changes on the text of the tables (`raw`: each table's cells as
    written, index i = file row i + 2) of the event `data` with base `result`. Returns the
    tables that changed and one sentence per change."""
    from carbonexpo.calc.activities import travel_activity
    from carbonexpo.factors.resolve import FactorResolver

    config = data.config
    changed: dict[str, pd.DataFrame] = {}
    said: list[Note] = []
    if scenario.travel_shift:
        table = data.tables.get("travel")
        if table is not None and table.reduced:  # its rows one by one, as `raw` holds them
            table = data.unreduced().tables["travel"]
        if table is None:
            said.append(note("scenario_no_table", change="travel_shift", table="travel"))
        else:
            km = np.full(len(raw["travel"]), np.nan)
            frame = travel_activity(table.df, config)
            km[table.df["_row"].to_numpy() - 2] = frame["one_way_km"].to_numpy()
            # the one-way distance rides along as a column, so split rows keep theirs
            travel = raw["travel"].assign(_km=km)
            for shift in scenario.travel_shift:
                travel, text = shift_travel(travel, shift)
                said.append(text)
            changed["travel"] = travel.drop(columns="_km")
    if scenario.green_power_coverage is not None:
        green, text = top_up_green_power(
            raw.get("green_power"),
            scenario.green_power_coverage,
            result.totals.electricity_mwh,
            result.totals.green_power_applied_mwh,
            event_id=config.id,
            country=config.venue.country,
            start=config.phases.start.isoformat(),
            end=config.phases.end.isoformat(),
        )
        if green is not None and green is not raw.get("green_power"):
            changed["green_power"] = green
        said.append(text)
    if scenario.materials_reuse is not None:
        if "materials" not in raw:
            said.append(note("scenario_no_table", change="materials_reuse", table="materials"))
        else:
            resolver = FactorResolver.for_event(list(config.factor_sets), data.user_factors)
            names = raw["materials"]["material"].fillna("").str.strip().str.lower().unique()
            priced = {
                keys.material(m, t)
                for m in names
                for t in ("reused", "recycled")
                if resolver.has_key(keys.material(m, t))
            }
            changed["materials"], text = reuse_materials(
                raw["materials"], scenario.materials_reuse, priced
            )
            said.append(text)
    if scenario.meal_mix is not None:
        if "catering" not in raw:
            said.append(note("scenario_no_table", change="meal_mix", table="catering"))
        else:
            changed["catering"], text = mix_meals(raw["catering"], scenario.meal_mix)
            said.append(text)
    return changed, said
