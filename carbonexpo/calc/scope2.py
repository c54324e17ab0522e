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

from carbonexpo.calc.blocks import claimed_elsewhere
from carbonexpo.config import EventConfig


@dataclass(frozen=True)
class GreenPowerResult:
    instruments: pd.DataFrame  # instrument_id, type, status, mwh, mwh_applied, reason, _row
    applied_mwh: float
    surplus_mwh: float


def vintage_window(config: EventConfig) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Timestamp(config.phases.end)
    return end - pd.DateOffset(months=config.claim.green_power_vintage_months), end


def allocate_green_power(
    instruments: pd.DataFrame | None,
    *,
    config: EventConfig,
    consumption_mwh: float,
    claims: pd.DataFrame | None = None,
) -> GreenPowerResult:
    if instruments is None or instruments.empty:
        empty = pd.DataFrame(
            columns=["instrument_id", "type", "status", "mwh", "mwh_applied", "reason", "_row"]
        )
        return GreenPowerResult(empty, 0.0, 0.0)
    df = instruments
    onsite = df["type"] == "onsite"
    reasons: list[pd.Series] = []

    wrong_market = ~onsite & (df["country"].str.upper() != config.venue.country)
    reasons.append(
        pd.Series(
            np.where(
                wrong_market,
                "market boundary: generated in "
                + df["country"].astype(str)
                + ", outside the venue's market "
                + config.venue.country,
                "",
            ),
            index=df.index,
        )
    )

    earliest, latest = vintage_window(config)
    too_old = df["generation_start"] < earliest
    too_new = df["generation_start"] > latest
    start_text = df["generation_start"].dt.strftime("%Y-%m-%d")
    reasons.append(
        pd.Series(
            np.select(
                [too_old, too_new],
                [
                    "vintage: generation starts " + start_text + ", more than "
                    f"{config.claim.green_power_vintage_months} months before the reporting "
                    "period ends "
                    f"({latest:%Y-%m-%d}, earliest allowed {earliest:%Y-%m-%d})",
                    "vintage: generation starts "
                    + start_text
                    + f", after the reporting period ends "
                    f"({latest:%Y-%m-%d})",
                ],
                "",
            ),
            index=df.index,
        )
    )

    retired = df["retired_on"].notna() if "retired_on" in df else pd.Series(False, df.index)
    beneficiary = (
        df["beneficiary"].astype(object)
        if "beneficiary" in df
        else pd.Series(None, index=df.index, dtype=object)
    )
    not_retired = ~onsite & ~retired
    other = ~onsite & retired & (beneficiary.fillna("") != config.id)
    reasons.append(
        pd.Series(
            np.select(
                [not_retired, other],
                [
                    "not retired: retired_on is empty",
                    "retired for "
                    + beneficiary.fillna("(no beneficiary)").astype(str).map(repr)
                    + ", not for this event "
                    + repr(config.id),
                ],
                "",
            ),
            index=df.index,
        )
    )

    elsewhere = claimed_elsewhere(df, claims, kind="green_power", event_id=config.id)
    reasons.append(
        pd.Series(
            np.where(
                elsewhere.notna(),
                "serial block already claimed by event "
                + elsewhere.astype(str).map(repr)
                + " in the ledger",
                "",
            ),
            index=df.index,
        )
    )

    reason = _join(reasons)
    eligible = reason == ""
    mwh = df["mwh"].astype(float)
    eligible_mwh = mwh.where(eligible, 0.0)
    before = eligible_mwh.cumsum() - eligible_mwh
    applied = np.clip(consumption_mwh - before, 0.0, eligible_mwh)
    partial = eligible & (applied < eligible_mwh) & (applied > 0)
    unused = eligible & (applied == 0) & (eligible_mwh > 0)
    reason = reason.mask(
        partial, "applied in part: reaches the consumption cap, the rest is surplus"
    )
    reason = reason.mask(unused, "eligible but not needed: consumption already covered (surplus)")
    out = pd.DataFrame(
        {
            "instrument_id": df["instrument_id"].astype(str),
            "type": df["type"].astype(str),
            "status": np.where(eligible, "applied", "rejected"),
            "mwh": mwh,
            "mwh_applied": applied.astype(float),
            "reason": reason,
            "_row": df["_row"],
        }
    )
    applied_total = float(applied.sum())
    return GreenPowerResult(out, applied_total, float(eligible_mwh.sum()) - applied_total)


def _join(parts: list[pd.Series]) -> pd.Series:
    joined = parts[0]
    for p in parts[1:]:
        joined = np.where((joined != "") & (p != ""), joined + "; " + p, joined + p)
        joined = pd.Series(joined, index=parts[0].index)
    return joined.astype(str)
