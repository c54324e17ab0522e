"""Credit rows checked against a registry's public export: the serial range exists, was
retired (not only issued) in the stated quantity, to this event (its id, or its organiser, in
the beneficiary or the retirement details), on the stated date. Each mismatch names its row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonexpo.io.registry_export import RegistryExport, serial_parts
from carbonexpo.notes import Note, note
from carbonexpo.result import RegistryCheckOut, RegistryMismatch

REGISTRY_NAMES = {"VCS": "VCS", "VERRA": "VCS", "VCU": "VCS", "GS": "GS", "GOLD STANDARD": "GS",
                  "GOLD-STANDARD": "GS", "GOLDSTANDARD": "GS"}  # fmt: skip


@dataclass(frozen=True)
class Mismatch:
    row: int
    kind: str
    note: Note


@dataclass(frozen=True)
class RegistryCheck:
    export: RegistryExport
    checked_rows: list[int]
    mismatches: list[Mismatch]


def _mentions(text: object, names: list[str]) -> bool:
    folded = str(text or "").casefold()
    return any(n and n.casefold() in folded for n in names)


def check_against(
    credits: pd.DataFrame,
    export: RegistryExport,
    *,
    event_id: str,
    organiser: str | None,
    elsewhere: pd.Series | None = None,
) -> RegistryCheck:
    """`credits`: credits.csv as read (columns registry, serial_prefix, first, last,
    retired_on, _row). `elsewhere`: per credit row, another event that claimed an overlapping
    block in the ledger (calc.blocks.claimed_elsewhere), or None."""
    registry = credits["registry"].astype(str).str.strip().str.upper().map(REGISTRY_NAMES)
    in_export = (registry == export.registry).to_numpy()
    mine = credits[in_export]
    other = (
        elsewhere[in_export].to_numpy()
        if elsewhere is not None
        else np.full(len(mine), None, dtype=object)
    )
    by_identity = dict(list(export.blocks.groupby("identity", sort=False)))
    names = [event_id] + ([organiser] if organiser else [])
    checked: list[int] = []
    found: list[Mismatch] = []
    for row, prefix, first, last, retired_on, claimed_by in zip(
        mine["_row"].to_numpy(),
        mine["serial_prefix"].astype(object).fillna("").astype(str),
        mine["first"].to_numpy(),
        mine["last"].to_numpy(),
        mine["retired_on"] if "retired_on" in mine else [None] * len(mine),
        other,
        strict=True,
    ):  # credit rows: thousands at most; the export is grouped once above
        row = int(row)
        checked.append(row)
        if claimed_by is not None and not pd.isna(claimed_by):
            found.append(
                Mismatch(row, "claimed_elsewhere", note("claimed_elsewhere", other=str(claimed_by)))
            )
        if pd.isna(first) or pd.isna(last):
            found.append(Mismatch(row, "no_serials", note("registry_no_serials")))
            continue
        first, last = int(first), int(last)
        # a whole serial number (Verra's, with the block's range in it) or a prefix
        parts = serial_parts(prefix)
        identity = parts[0] if parts and parts[1:] == (first, last) else prefix.strip()
        units = last - first + 1
        blocks = by_identity.get(identity)
        if blocks is not None:
            blocks = blocks[
                (blocks["last"].to_numpy() >= first) & (blocks["first"].to_numpy() <= last)
            ]
        if blocks is None or blocks.empty:
            found.append(
                Mismatch(
                    row,
                    "not_in_registry",
                    note(
                        "registry_not_found", serial=f"{identity} {first}–{last}", file=export.file
                    ),
                )
            )
            continue
        overlap = (
            np.minimum(blocks["last"].to_numpy(), last)
            - np.maximum(blocks["first"].to_numpy(), first)
            + 1
        )
        retired = blocks["retired"].to_numpy(dtype=bool)
        done = int(overlap[retired].sum())
        if done == 0:
            found.append(
                Mismatch(
                    row,
                    "not_retired",
                    note("registry_not_retired", units=units, rows=_rows(blocks)),
                )
            )
            continue
        if done < units:
            found.append(
                Mismatch(
                    row,
                    "short_quantity",
                    note("registry_short", retired=done, units=units, rows=_rows(blocks)),
                )
            )
        gone = blocks[retired]
        if not any(
            _mentions(b, names) or _mentions(d, names)
            for b, d in zip(gone["beneficiary"], gone["details"], strict=True)
        ):
            found.append(
                Mismatch(
                    row,
                    "wrong_beneficiary",
                    note(
                        "registry_beneficiary",
                        beneficiary=" / ".join(sorted({str(b) for b in gone["beneficiary"]}))
                        or "–",
                        event=event_id,
                        rows=_rows(gone),
                    ),
                )
            )
        stated = (
            None if retired_on is None or pd.isna(retired_on) else pd.Timestamp(retired_on).date()
        )
        dates = sorted({d for d in gone["date"] if isinstance(d, dt.date)})
        if stated is not None and stated not in dates:
            found.append(
                Mismatch(
                    row,
                    "other_date",
                    note(
                        "registry_other_date",
                        stated=stated.isoformat(),
                        dates=[d.isoformat() for d in dates],
                        rows=_rows(gone),
                    ),
                )
            )
    return RegistryCheck(export, checked, found)


def check_out(check: RegistryCheck, checked_on: str) -> RegistryCheckOut:
    """A check as the result (and `credits check --json`) records it."""
    return RegistryCheckOut(
        export=check.export.file,
        registry=check.export.registry,
        sha256=check.export.sha256,
        checked_on=checked_on,
        rows=check.checked_rows,
        mismatches=[
            RegistryMismatch(row=m.row, kind=m.kind, note=m.note) for m in check.mismatches
        ],
    )


def _rows(blocks: pd.DataFrame) -> str:
    return ", ".join(str(int(r)) for r in blocks["_row"].to_numpy()[:10])
