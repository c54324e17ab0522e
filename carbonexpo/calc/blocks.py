"""Serial blocks claimed elsewhere (the ledger): which of our blocks overlap another event's."""

from __future__ import annotations

import numpy as np
import pandas as pd

CLAIM_COLUMNS = ["kind", "prefix", "first", "last", "event_id"]


def claimed_elsewhere(
    blocks: pd.DataFrame, claims: pd.DataFrame | None, *, kind: str, event_id: str
) -> pd.Series:
    """For each block (serial_prefix, first, last), the id of another event that already claimed
    an overlapping block of the same kind and prefix, or None."""
    out = pd.Series(None, index=blocks.index, dtype=object)
    if claims is None or claims.empty or blocks.empty or "serial_prefix" not in blocks:
        return out
    theirs = claims[(claims["kind"] == kind) & (claims["event_id"] != event_id)]
    if theirs.empty:
        return out
    ours = blocks[["serial_prefix", "first", "last"]].dropna().reset_index()
    merged = ours.merge(
        theirs, left_on="serial_prefix", right_on="prefix", suffixes=("", "_claimed")
    )
    hit = merged[
        (merged["first"] <= merged["last_claimed"]) & (merged["first_claimed"] <= merged["last"])
    ]
    if hit.empty:
        return out
    first_hit = hit.drop_duplicates("index").set_index("index")["event_id"]
    out.loc[first_hit.index] = first_hit.to_numpy()
    return out


def block_sizes(first: pd.Series, last: pd.Series) -> np.ndarray:
    return (last.to_numpy(dtype=np.int64) - first.to_numpy(dtype=np.int64) + 1).astype(np.int64)
