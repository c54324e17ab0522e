"""The whole calculation: event data -> inventory lines -> Scope 2, offsets, balance, result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonexpo.calc import activities as act
from carbonexpo.calc.allocation import allocate_to_exhibitors
from carbonexpo.calc.balance import Balance, compute_balance
from carbonexpo.calc.lines import CATEGORIES, LineBuilder
from carbonexpo.calc.offsets import OffsetResult, apply_offsets
from carbonexpo.calc.scope2 import GreenPowerResult, allocate_green_power
from carbonexpo.errors import raise_if
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.io.event import EventData
from carbonexpo.units import multiplier

PHASE_NAMES = ("build_up", "open", "tear_down")


@dataclass
class Calculation:
    """Everything a renderer needs; renderers never compute a number."""

    data: EventData
    resolver: FactorResolver
    lines: pd.DataFrame
    green_power: GreenPowerResult
    offsets: OffsetResult
    balance: Balance
    electricity_kwh: float
    residual_key: str
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exhibitors: pd.DataFrame | None = None
    factors_used: list[dict[str, Any]] = field(default_factory=list)


def build_lines(
    data: EventData, resolver: FactorResolver
) -> tuple[pd.DataFrame, LineBuilder, list[str], list[str]]:
    config = data.config
    builder = LineBuilder(resolver)
    assumptions: list[str] = []
    warnings: list[str] = []
    tables = data.tables
    if t := tables.get("energy"):
        frame = act.energy_activity(t.df, config)
        for carrier, category in act.ENERGY_CATEGORY.items():
            part = frame[frame["carrier"] == carrier]
            builder.add(part, source_file=t.file, category=category)
    if t := tables.get("refrigerants"):
        builder.add(act.refrigerant_activity(t.df), source_file=t.file, category="refrigerants")
    if t := tables.get("travel"):
        frame = act.travel_activity(t.df, config)
        builder.add(frame, source_file=t.file, category="travel")
        n = int(frame["distance_computed"].sum())
        if n:
            assumptions.append(
                f"travel: {n} row(s) had no distance_km; distances computed from "
                "the origin's coordinates (great-circle × detour: rail 1.2, road "
                "1.3, bus 1.5, air/ferry 1.0)"
            )
        n = int(frame["air_no_origin"].sum())
        if n:
            warnings.append(
                f"travel: {n} air row(s) without a resolvable origin were treated as "
                "international (short- or long-haul by distance)"
            )
    if t := tables.get("logistics"):
        frame = act.logistics_activity(t.df, config)
        builder.add(frame, source_file=t.file, category="logistics")
        n = int(frame["distance_computed"].sum())
        if n:
            assumptions.append(
                f"logistics: {n} row(s) had no distance_km; distances computed "
                "from coordinates (destination defaults to the venue; road 1.3, "
                "rail 1.2, sea/air/barge great-circle)"
            )
    for name, fn in (
        ("accommodation", act.accommodation_activity),
        ("catering", act.catering_activity),
        ("waste", act.waste_activity),
        ("materials", act.materials_activity),
    ):
        if t := tables.get(name):
            builder.add(fn(t.df), source_file=t.file, category=name)
    for name, phase in act.DEFAULT_PHASE.items():
        t = tables.get(name)
        if t is not None and ("phase" not in t.df or t.df["phase"].isna().any()):
            assumptions.append(f"{name}: rows without a phase are counted in '{phase}'")
    raise_if(builder.problems)
    return builder.lines(), builder, assumptions, warnings


def calculate(data: EventData, *, claims: pd.DataFrame | None = None) -> Calculation:
    config = data.config
    resolver = FactorResolver.for_event(list(config.factor_sets), data.user_factors)
    lines, builder, assumptions, warnings = build_lines(data, resolver)

    elec = lines["category"] == "electricity"
    kwh_per_unit = {u: multiplier(u, "kWh") for u in lines.loc[elec, "input_unit"].unique()}
    line_kwh = (
        lines.loc[elec, "input_quantity"].to_numpy()
        * lines.loc[elec, "input_unit"].map(kwh_per_unit).astype(float).to_numpy()
    )
    electricity_kwh = float(line_kwh.sum())

    gp_table = data.tables.get("green_power")
    green = allocate_green_power(
        gp_table.df if gp_table else None,
        config=config,
        consumption_mwh=electricity_kwh / 1000.0,
        claims=claims,
    )
    coverage = min(green.applied_mwh * 1000.0 / electricity_kwh, 1.0) if electricity_kwh else 0.0

    country = config.venue.country
    residual_key = f"electricity.residual.{country}"
    residual = resolver.resolve(residual_key, "kWh")
    if residual is None:
        residual_key = f"electricity.grid.{config.venue.grid}"
        residual = resolver.resolve(residual_key, "kWh")
        if elec.any():
            assumptions.append(
                f"market-based: no residual-mix factor '{residual_key}' for "
                f"{country}; uncovered electricity valued at the grid factor "
                f"'{config.venue.grid}'"
            )
    lines["kgco2e_market"] = lines["kgco2e"].astype(float)
    if elec.any() and residual is not None:
        per_kwh = residual.kgco2e_per_unit * multiplier("kWh", residual.unit)
        lines.loc[elec, "kgco2e_market"] = line_kwh * (1.0 - coverage) * per_kwh

    offsets = apply_offsets(
        data.tables["credits"].df if "credits" in data.tables else None,
        config=config,
        claims=claims,
    )
    basis_col = "kgco2e_market" if config.claim.basis == "market" else "kgco2e"
    gross_t = float(lines[basis_col].sum()) / 1000.0
    balance = compute_balance(
        gross_tco2e=gross_t, offsets_tco2e=offsets.eligible_tco2e, basis=config.claim.basis
    )
    if green.surplus_mwh > 0:
        warnings.append(
            f"green power: {green.surplus_mwh:.3f} MWh of eligible instruments exceed "
            "consumption; the surplus is not carried to offsets"
        )
    if lines["proxy"].any():
        keys = sorted(lines.loc[lines["proxy"], "factor_key"].astype(str).unique())
        assumptions.append("proxy factors used (see factor notes): " + ", ".join(keys))

    exhibitors = None
    if b := data.tables.get("booths"):
        exhibitors, _ = allocate_to_exhibitors(lines, b.df, value_column=basis_col)
        unknown = sorted(set(lines["exhibitor"].dropna()) - set(b.df["exhibitor"]))
        if unknown:
            warnings.append(
                "exhibitors named in the tables but absent from booths.csv (no "
                "shared share): " + ", ".join(unknown[:20])
            )
    elif lines["exhibitor"].notna().any():
        assumptions.append("no booths.csv: shared venue emissions are not allocated to exhibitors")
    return Calculation(
        data=data,
        resolver=resolver,
        lines=lines,
        green_power=green,
        offsets=offsets,
        balance=balance,
        electricity_kwh=electricity_kwh,
        residual_key=residual_key,
        assumptions=assumptions,
        warnings=warnings,
        exhibitors=exhibitors,
        factors_used=sorted(builder.factors_used.values(), key=lambda f: (f["key"], f["set"])),
    )


def totals(calc: Calculation) -> dict[str, Any]:
    lines = calc.lines
    t = 1000.0

    def s(mask: pd.Series | slice, col: str = "kgco2e") -> float:
        return float(lines.loc[mask, col].sum()) / t

    scope = lines["scope"]
    location = s(slice(None))
    market = s(slice(None), "kgco2e_market")
    visits = calc.data.config.visits
    b = calc.balance
    return {
        "location_based_tco2e": location,
        "market_based_tco2e": market,
        "scope1_tco2e": s(scope == 1),
        "scope2_location_tco2e": s(scope == 2),
        "scope2_market_tco2e": s(scope == 2, "kgco2e_market"),
        "scope3_tco2e": s(scope == 3),
        "electricity_mwh": calc.electricity_kwh / 1000.0,
        "green_power_applied_mwh": calc.green_power.applied_mwh,
        "green_power_surplus_mwh": calc.green_power.surplus_mwh,
        "offsets_eligible_tco2e": calc.offsets.eligible_tco2e,
        "offsets_rejected_tco2e": calc.offsets.rejected_tco2e,
        "gross_tco2e": b.gross_tco2e,
        "net_tco2e": b.net_tco2e,
        "surplus_tco2e": b.surplus_tco2e,
        "neutral": b.neutral,
        "per_visit_kgco2e": (b.gross_tco2e * 1000.0 / visits) if visits else None,
    }


def by_category(calc: Calculation) -> dict[str, float]:
    col = "kgco2e_market" if calc.balance.basis == "market" else "kgco2e"
    sums = calc.lines.groupby("category", observed=True)[col].sum()
    return {c: float(sums.get(c, 0.0)) / 1000.0 for c in CATEGORIES}


def by_phase(calc: Calculation) -> dict[str, float]:
    col = "kgco2e_market" if calc.balance.basis == "market" else "kgco2e"
    sums = calc.lines.groupby("phase", observed=True)[col].sum()
    return {p: float(sums.get(p, 0.0)) / 1000.0 for p in PHASE_NAMES}


def by_scope(calc: Calculation) -> dict[str, dict[str, float]]:
    out = {}
    for col, name in (("kgco2e", "location"), ("kgco2e_market", "market")):
        sums = calc.lines.groupby("scope")[col].sum()
        out[name] = {f"scope{k}": float(sums.get(k, 0.0)) / 1000.0 for k in (1, 2, 3)}
    return out


def daily_electricity_kwh(calc: Calculation) -> dict[str, float]:
    """Electricity per local day of interval start (for the daily profile chart)."""
    energy = calc.data.tables.get("energy")
    if energy is None:
        return {}
    df = energy.df
    elec = df["carrier"] == "electricity"
    if not elec.any():
        return {}
    factors = {u: multiplier(u, "kWh") for u in df.loc[elec, "unit"].unique()}
    kwh = df.loc[elec, "quantity"] * df.loc[elec, "unit"].map(factors).astype(float)
    day = df.loc[elec, "start"].dt.tz_convert(calc.data.config.timezone).dt.strftime("%Y-%m-%d")
    sums = kwh.groupby(day).sum()
    return {str(k): float(v) for k, v in sums.items()}
