"""Market-based Scope 2 (GHG Protocol Scope 2 Guidance): which green-power instruments apply.

Rules, each with its own reason text (spec §3.1):
1. market boundary: the instrument's country is the venue's (onsite generation excepted);
2. vintage: generation starts no earlier than N months before the reporting period ends, and no
   later than its end;
3. retirement: retired (`retired_on`) for this event (`beneficiary` = event id), except onsite;
4. uniqueness: the serial block was not claimed by another event in the ledger.
Eligible instruments are applied in file order up to the electricity consumed; the one that
reaches the cap is applied in part; the rest is surplus, never carried to offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonexpo import constants
from carbonexpo.calc import frames
from carbonexpo.calc.blocks import claimed_elsewhere
from carbonexpo.calc.reasons import Reasons
from carbonexpo.codes import cat_map
from carbonexpo.config import EventConfig
from carbonexpo.factors import keys
from carbonexpo.factors.catalog import Factor
from carbonexpo.factors.resolve import FactorResolver
from carbonexpo.geo import country_code
from carbonexpo.notes import Note, note, render_all
from carbonexpo.numbers import SIGNIFICANT
from carbonexpo.rules.named import InstrumentCutoff
from carbonexpo.rules.pack import pack_for, pack_ids


@dataclass(frozen=True)
class GreenPowerResult:
    # frames.INSTRUMENTS
    instruments: pd.DataFrame
    applied_mwh: float
    surplus_mwh: float


def by_month(eligible_mwh: np.ndarray, reach: np.ndarray, monthly_mwh: pd.Series) -> np.ndarray:
    """Each instrument (file order) applied to the months of use it may cover (those up to its
    `reach`), earliest first, up to what each month consumed. Instruments are few (hundreds)
    and months fewer: a loop over instruments, each step a vectorised one over months."""
    months = monthly_mwh.index.to_numpy()
    left = monthly_mwh.to_numpy(dtype=np.float64).copy()
    applied = np.zeros(len(eligible_mwh))
    for i, (want, last) in enumerate(zip(eligible_mwh, reach, strict=True)):
        if want <= 0:
            continue
        open_ = np.flatnonzero((months <= last) & (left > 0))
        take = np.minimum(left[open_], np.maximum(want - (np.cumsum(left[open_]) - left[open_]), 0))
        left[open_] -= take
        applied[i] = float(take.sum())
    return applied


def vintage_window(config: EventConfig) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Timestamp(config.phases.end)
    return end - pd.DateOffset(months=config.claim.green_power_vintage_months), end


def allocate_green_power(
    instruments: pd.DataFrame | None,
    *,
    config: EventConfig,
    consumption_mwh: float,
    claims: pd.DataFrame | None = None,
    double: np.ndarray | None = None,
    monthly_mwh: pd.Series | None = None,
) -> GreenPowerResult:
    """`double`: rows whose project also earned CCERs for the same year's generation
    (gec_ccer_overlap). `monthly_mwh` (electricity used per local month, index the months'
    first days): with claim.green_power_vintage_from: use, an instrument covers the consumption
    of the months no more than green_power_vintage_months after its generation starts."""
    if instruments is None or instruments.empty:
        empty = frames.empty_frame(frames.INSTRUMENTS)
        return GreenPowerResult(empty, 0.0, 0.0)
    df = instruments
    onsite = (df["type"] == "onsite").to_numpy()
    why = Reasons(len(df))
    codes = cat_map(df["country"], lambda c: country_code(c)[0] or c.upper(), len(df))
    country = np.asarray(codes.astype(str))
    why.add(
        ~onsite & (country != config.venue.country),
        "gp_market",
        country=country,
        venue_country=config.venue.country,
    )
    earliest, latest = vintage_window(config)
    start_text = df["generation_start"].dt.strftime("%Y-%m-%d").to_numpy()
    window = {"end": f"{latest:%Y-%m-%d}", "earliest": f"{earliest:%Y-%m-%d}"}
    months = config.claim.green_power_vintage_months
    by_use = (
        config.claim.green_power_vintage_from == "use"
        and monthly_mwh is not None
        and float(monthly_mwh.sum()) > 0
    )
    if by_use:
        assert monthly_mwh is not None
        # the last month of use an instrument may cover: N months after generation starts
        reach = df["generation_start"].dt.to_period("M").dt.to_timestamp() + pd.DateOffset(
            months=months
        )
        first_use = monthly_mwh[monthly_mwh > 0].index.min()
        why.add(
            (reach < first_use).to_numpy(),
            "gp_too_old_for_use",
            start=start_text,
            months=months,
            first_use=f"{first_use:%Y-%m}",
        )
    else:
        why.add(
            df["generation_start"] < earliest,
            "gp_too_old",
            start=start_text,
            months=months,
            **window,
        )
    why.add(df["generation_start"] > latest, "gp_too_new", start=start_text, end=window["end"])
    gec_expiry(why, df, country, config)
    instrument_cutoffs(why, df, config)
    if double is not None:
        why.add(
            double,
            "gec_ccer_double",
            project=df["project_id"].astype(str).to_numpy() if "project_id" in df else "",
            year=df["generation_start"].dt.year.astype("Int64").astype(str).to_numpy(),
        )
    retirement_reasons(why, df, config, exempt=onsite)
    elsewhere = claimed_elsewhere(df, claims, kind="green_power", event_id=config.id)
    why.add(elsewhere.notna(), "claimed_elsewhere", other=elsewhere.to_numpy())

    eligible = ~why.any()
    mwh = df["mwh"].astype(float)
    eligible_mwh = mwh.where(eligible, 0.0)
    if by_use:
        assert monthly_mwh is not None
        applied = pd.Series(
            by_month(eligible_mwh.to_numpy(), reach.to_numpy(), monthly_mwh), index=df.index
        )
    else:
        before = eligible_mwh.cumsum() - eligible_mwh
        applied = (consumption_mwh - before).clip(lower=0.0, upper=eligible_mwh)
    why.add(eligible & (applied < eligible_mwh) & (applied > 0), "gp_partial")
    why.add(eligible & (applied == 0) & (eligible_mwh > 0), "gp_unused")
    notes = why.notes()
    out = pd.DataFrame(
        {
            "instrument_id": df["instrument_id"].astype(str),
            "type": df["type"].astype(str),
            "status": np.where(eligible, "applied", "rejected"),
            "mwh": mwh,
            "mwh_applied": applied.astype(float),
            "reason": pd.Series([render_all(n) for n in notes], index=df.index, dtype=object),
            "reasons": pd.Series(notes, index=df.index, dtype=object),
            "_row": df["_row"],
        }
    )
    applied_total = float(applied.sum())
    return GreenPowerResult(out, applied_total, float(eligible_mwh.sum()) - applied_total)


GEC_LEGACY_UNTIL = np.datetime64(constants.GEC_LEGACY_UNTIL.isoformat())
GEC_LEGACY_BEFORE = np.datetime64(constants.GEC_LEGACY_BEFORE.isoformat()[:7], "M")
GEC_VALID_MONTHS = constants.GEC_VALID_MONTHS
WHOLE = 10.0**-SIGNIFICANT  # a coverage this close to 1 is 1 (float noise of two sums)


def gec_expiry(why: Reasons, df: pd.DataFrame, country: np.ndarray, config: EventConfig) -> None:
    """A Chinese GEC is valid two years from its production month (the month generation
    starts); GECs of pre-2024 generation until the end of 2025. It must be used (retired, or
    else the event's last day) while valid."""
    gec = (df["type"].astype(str) == "GEC").to_numpy() & (country == "CN")
    if not gec.any():
        return
    month = df["generation_start"].to_numpy().astype("datetime64[M]")
    until = (month + GEC_VALID_MONTHS).astype("datetime64[D]") - np.timedelta64(1, "D")
    until = np.where(month < GEC_LEGACY_BEFORE, np.maximum(until, GEC_LEGACY_UNTIL), until)
    last_day = np.datetime64(config.phases.end.isoformat())
    used = (
        df["retired_on"].to_numpy().astype("datetime64[D]")
        if "retired_on" in df
        else np.full(len(df), np.datetime64("NaT"), "datetime64[D]")
    )
    used = np.where(np.isnat(used), last_day, used)
    why.add(
        gec & (used > until),
        "gec_expired",
        month=month.astype(str),
        until=until.astype(str),
        used=used.astype(str),
    )


def gec_ccer_overlap(
    instruments: pd.DataFrame | None, credits: pd.DataFrame | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Rows of a GEC and of a CCER block from one project (project_id) whose generation years
    meet: one output claimed twice (NEA/MEE 2024 notice). Both sides are marked."""
    if (
        instruments is None
        or credits is None
        or "project_id" not in instruments
        or instruments.empty
        or credits.empty
    ):
        return None, None
    gec = instruments["type"].astype(str).eq("GEC").to_numpy()
    project = instruments["project_id"].astype(object).fillna("").astype(str).str.strip()
    first = instruments["generation_start"].dt.year.to_numpy()
    last = instruments["generation_end"].dt.year.to_numpy()
    ccer = credits["registry"].astype(str).str.upper().eq("CCER").to_numpy()
    c_project = credits["project_id"].astype(str).str.strip().to_numpy()
    vintage = credits["vintage"].to_numpy()
    g_hit = np.zeros(len(instruments), dtype=bool)
    c_hit = np.zeros(len(credits), dtype=bool)
    for i in np.flatnonzero(gec & (project != "").to_numpy()):
        same = ccer & (c_project == project.iloc[i]) & (vintage >= first[i]) & (vintage <= last[i])
        if same.any():
            g_hit[i] = True
            c_hit |= same
    return g_hit, c_hit


def instrument_cutoffs(why: Reasons, df: pd.DataFrame, config: EventConfig) -> None:
    """An instrument type that can no longer cover consumption in the venue's country (the
    rule packs' instrument_cutoff in force on the event's last day: an I-REC for consumption
    in mainland China from March 2025) is rejected, naming the pack."""
    end = config.phases.end
    for pack_id in pack_ids():
        pack = pack_for(pack_id, end)
        rule = pack.rule("instrument_cutoff") if pack else None
        if pack is None or rule is None:
            continue
        p = InstrumentCutoff.model_validate(rule.params)
        if config.venue.country not in p.countries or end < p.consumption_from:
            continue
        why.add(
            (df["type"] == p.type).to_numpy(),
            "gp_type_cut_off",
            type=p.type,
            date=p.consumption_from.isoformat(),
            pack=f"{pack.id} ({pack.document})",
        )


def retirement_reasons(
    why: Reasons, df: pd.DataFrame, config: EventConfig, *, exempt: np.ndarray | None = None
) -> np.ndarray:
    """Rule 3 of §3.1 and the retirement rule of §3.2: retired (`retired_on`) for this event
    (`beneficiary` = event id). Returns the rows that are retired."""
    n = len(df)
    exempt = np.zeros(n, dtype=bool) if exempt is None else exempt
    retired = df["retired_on"].notna().to_numpy() if "retired_on" in df else np.zeros(n, bool)
    beneficiary = (
        df["beneficiary"].astype(object).fillna("").astype(str).to_numpy()
        if "beneficiary" in df
        else np.full(n, "", dtype=object)
    )
    why.add(~exempt & ~retired, "not_retired")
    why.add(
        ~exempt & retired & (beneficiary != config.id),
        "retired_for_other",
        beneficiary=np.where(beneficiary == "", "(no beneficiary)", beneficiary),
        event=config.id,
    )
    return retired


def residual_factor(resolver: FactorResolver, config: EventConfig) -> tuple[str, Note | None]:
    """The factor key for uncovered electricity: the residual mix of the venue's country, else
    the grid factor, said in a note (spec §3.1)."""
    key = keys.residual(config.venue.country)
    if resolver.resolve(key, "kWh") is not None:
        return key, None
    grid = keys.grid(config.venue.grid)
    return grid, note("residual_fallback", missing_key=key, used_key=grid)


def instruments_effect_kgco2e(
    applied_mwh: float, consumption_kwh: float, per_kwh: Factor | None
) -> float:
    """What the instruments change: market-based Scope 2 without them minus with them, i.e. the
    covered kWh (never more than the consumption) valued at the residual factor. Never
    negative; 0 without instruments, whatever the location and residual factors are."""
    if per_kwh is None or consumption_kwh <= 0 or applied_mwh <= 0:
        return 0.0
    factor = per_kwh.per("kWh")
    return max(min(applied_mwh * 1000.0, consumption_kwh) * factor, 0.0)


def market_based_kgco2e(
    location_kgco2e: np.ndarray,
    electricity: np.ndarray,
    electricity_kwh: np.ndarray,
    *,
    applied_mwh: float,
    per_kwh: Factor | None,
    total_kwh: float | None = None,
) -> np.ndarray:
    """Market-based kgCO2e of every line: electricity lines are (consumption − applied) valued
    at the residual factor, spread over the lines in proportion to their kWh; other lines keep
    their location-based value. `total_kwh` is the consumption the green power was applied to
    (default: the sum of `electricity_kwh`), so that lines and their groups share one coverage.
    A coverage within the sums' rounding of whole (12 significant digits, numbers.round_sig)
    is whole: green power applied up to consumption leaves no residual of float noise."""
    market = location_kgco2e.copy()
    if total_kwh is None:
        total_kwh = float(electricity_kwh.sum())
    if electricity.any() and per_kwh is not None and total_kwh:
        coverage = min(applied_mwh * 1000.0 / total_kwh, 1.0)
        if coverage > 1.0 - WHOLE:
            coverage = 1.0
        factor = per_kwh.per("kWh")
        market[electricity] = electricity_kwh * (1.0 - coverage) * factor
    return market
