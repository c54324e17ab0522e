"""Serial blocks claimed elsewhere (the ledger): which of our blocks overlap another event's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonexpo.codes import keys_of

CLAIM_COLUMNS = ["kind", "prefix", "first", "last", "event_id"]


def overlapping_claims(
    blocks: pd.DataFrame, claims: pd.DataFrame | None, *, kind: str, event_id: str
) -> pd.DataFrame:
    """The first claim of another event overlapping each block (serial_prefix, first, last) of
    the same kind and prefix: indexed by the block's index, with the claim's first_claimed,
    last_claimed and event_id. One vectorised join, the rule both calc and ledger apply."""
    columns = ["first_claimed", "last_claimed", "event_id"]
    if claims is None or claims.empty or blocks.empty or "serial_prefix" not in blocks:
        return pd.DataFrame(columns=columns)
    theirs = claims[(claims["kind"] == kind) & (claims["event_id"] != event_id)]
    if theirs.empty:
        return pd.DataFrame(columns=columns)
    ours = blocks[["serial_prefix", "first", "last"]].dropna().reset_index()
    # prefixes compared in their canonical form: 'ccer-x', 'CCER‐X' and 'ＣＣＥＲ-X' are one
    ours["key"] = keys_of(ours["serial_prefix"])
    theirs = theirs.assign(key=keys_of(theirs["prefix"]))
    merged = ours.merge(theirs.drop(columns=["prefix"]), on="key", suffixes=("", "_claimed"))
    hit = merged[
        (merged["first"] <= merged["last_claimed"]) & (merged["first_claimed"] <= merged["last"])
    ]
    return hit.drop_duplicates("index").set_index("index")[columns]


def claimed_elsewhere(
    blocks: pd.DataFrame, claims: pd.DataFrame | None, *, kind: str, event_id: str
) -> pd.Series:
    """For each block, the id of another event that already claimed an overlapping block of
    the same kind and prefix, or None."""
    out = pd.Series(None, index=blocks.index, dtype=object)
    hit = overlapping_claims(blocks, claims, kind=kind, event_id=event_id)
    out.loc[hit.index] = hit["event_id"].to_numpy()
    return out


def block_sizes(first: pd.Series, last: pd.Series) -> np.ndarray:
    return (last.to_numpy(dtype=np.int64) - first.to_numpy(dtype=np.int64) + 1).astype(np.int64)
