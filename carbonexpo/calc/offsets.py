"""Which retired carbon-credit blocks are eligible offsets (spec §3.2), each rejection with why.

Rules: registry accepted for the chosen standard (or as configured); vintage no older than
event year − N; retired for this event; retired no later than 12 months after the reporting
period ends (ISO 14068-1 §11; PAS 2060 §9); not claimed by another event in the ledger.
One unit = 1 tCO2e; a block counts last − first + 1 units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonexpo.calc import frames
from carbonexpo.calc.blocks import block_sizes, claimed_elsewhere
from carbonexpo.calc.reasons import Reasons
from carbonexpo.calc.registry_check import RegistryCheck
from carbonexpo.calc.scope2 import retirement_reasons
from carbonexpo.config import EventConfig
from carbonexpo.io.checks import sink_rows
from carbonexpo.notes import render_all

RETIREMENT_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class OffsetResult:
    credits: pd.DataFrame  # frames.CREDITS
    eligible_tco2e: float
    rejected_tco2e: float


def retirement_deadline(config: EventConfig) -> pd.Timestamp:
    return pd.Timestamp(config.phases.end) + pd.DateOffset(months=RETIREMENT_WINDOW_MONTHS)


CREDIT_COLUMNS = frames.columns(frames.CREDITS)  # of OffsetResult.credits, empty or not


def apply_offsets(
    credits: pd.DataFrame | None,
    *,
    config: EventConfig,
    claims: pd.DataFrame | None = None,
    double: np.ndarray | None = None,
    registry_checks: list[RegistryCheck] = (),  # type: ignore[assignment]
) -> OffsetResult:
    """`double`: CCER blocks of a project whose GECs for the same year's generation the event
    also holds (scope2.gec_ccer_overlap)."""
    if credits is None or credits.empty:
        return OffsetResult(frames.empty_frame(frames.CREDITS), 0.0, 0.0)
    df = credits
    accepted = config.claim.registries
    registry = df["registry"].astype(str)
    why = Reasons(len(df))
    sink = sink_rows(df)
    not_accepted = ~registry.str.upper().isin([r.upper() for r in accepted]).to_numpy()
    why.add(
        not_accepted & ~sink,
        "registry_not_accepted",
        registry=registry.to_numpy(),
        standard=config.claim.standard,
        accepted=list(accepted),
    )
    why.add(not_accepted & sink, "sink_not_accepted", standard=config.claim.standard)
    # a forestry sink without a vintage: the year its measurement period ends
    period_end = df["period_end"] if "period_end" in df else pd.Series(pd.NaT, index=df.index)
    given_vintage = df["vintage"] if "vintage" in df else pd.Series(np.nan, index=df.index)
    vintage_f = given_vintage.astype("float64").fillna(
        pd.to_datetime(period_end).dt.year.astype("float64")
    )
    oldest = config.event_year - config.claim.credit_vintage_max_age_years
    vintage = vintage_f.fillna(0).astype(np.int64)
    why.add(
        vintage < oldest,
        "credit_too_old",
        vintage=vintage.to_numpy(),
        oldest=oldest,
        year=config.event_year,
        age=config.claim.credit_vintage_max_age_years,
    )
    retired_on = (
        df["retired_on"]
        if "retired_on" in df
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[s]")
    )
    retired = retirement_reasons(why, df, config)
    deadline = retirement_deadline(config)
    why.add(
        retired & (retired_on > deadline).to_numpy(),
        "retired_late",
        retired_on=retired_on.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        months=RETIREMENT_WINDOW_MONTHS,
        deadline=f"{deadline:%Y-%m-%d}",
    )
    elsewhere = claimed_elsewhere(df, claims, kind="credit", event_id=config.id)
    why.add(elsewhere.notna(), "claimed_elsewhere", other=elsewhere.to_numpy())
    if double is not None:
        why.add(
            double,
            "gec_ccer_double",
            project=df["project_id"].astype(str).to_numpy(),
            year=vintage.astype(str).to_numpy(),
        )
    programme = config.carbon_inclusive.programme_id if config.carbon_inclusive else None
    if programme:
        why.add(
            df["project_id"].astype(str).str.strip().eq(programme.strip()).to_numpy(),
            "phc_own_programme",
            programme=programme,
        )
    if registry_checks:  # rows that do not match a registry's export count for nothing
        position = {int(r): i for i, r in enumerate(df["_row"].to_numpy())}
        found = [m for c in registry_checks for m in c.mismatches if m.row in position]
        why.add_notes([position[m.row] for m in found], [m.note for m in found])
    eligible = pd.Series(~why.any(), index=df.index)
    notes = why.notes()
    beneficiary = (
        df["beneficiary"].astype(object)
        if "beneficiary" in df
        else pd.Series(None, index=df.index, dtype=object)
    )
    first = column_or(df, "first", np.nan)
    last = column_or(df, "last", np.nan)
    serials = first.notna().to_numpy() & last.notna().to_numpy()
    tco2e = np.zeros(len(df))
    if serials.any():
        tco2e[serials] = block_sizes(first[serials], last[serials]).astype(float)
    quantity = column_or(df, "quantity_tco2e", np.nan).astype("float64").to_numpy()
    tco2e[~serials] = np.nan_to_num(quantity[~serials])
    kind = column_or(df, "kind", None).astype(object)
    kind = kind.where(kind.notna(), np.where(sink, "removal", "reduction"))
    out = pd.DataFrame(
        {
            "registry": registry,
            "project_id": df["project_id"].astype(str),
            "vintage": vintage,
            "serial_prefix": column_or(df, "serial_prefix", "")
            .astype(object)
            .fillna("")
            .astype(str),
            "first": first.fillna(0).astype(np.int64),
            "last": last.fillna(0).astype(np.int64),
            "tco2e": tco2e,
            "status": np.where(eligible, "eligible", "rejected"),
            "reason": pd.Series([render_all(n) for n in notes], index=df.index, dtype=object),
            "reasons": pd.Series(notes, index=df.index, dtype=object),
            "retired_on": retired_on.dt.strftime("%Y-%m-%d"),
            "beneficiary": beneficiary,
            "project_type": df.get("project_type", None),
            "kind": kind.astype(str),
            "_row": df["_row"],
        }
    )
    assert tuple(out.columns) == CREDIT_COLUMNS
    return OffsetResult(
        out, float(tco2e[eligible.to_numpy()].sum()), float(tco2e[~eligible.to_numpy()].sum())
    )


def column_or(df: pd.DataFrame, name: str, default: object) -> pd.Series:
    """A column, or one of `default` where the file has none."""
    return df[name] if name in df else pd.Series(default, index=df.index)


def removals_tco2e(credits: pd.DataFrame) -> float:
    """The eligible credits that are removals (forestry sinks, unless a row says otherwise)."""
    if credits.empty:
        return 0.0
    mask = credits["status"].eq("eligible") & credits["kind"].eq("removal")
    return float(credits.loc[mask, "tco2e"].sum())
