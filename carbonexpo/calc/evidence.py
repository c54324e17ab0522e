"""Which instruments and credits the balance uses without an evidence file, and whether the
event must have one for each (claim.require_evidence, or a rule pack that applies and asks)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc.calculate import Calculation
from carbonexpo.io.evidence import evidence_files, rows_without_file
from carbonexpo.result import EvidenceRows
from carbonexpo.rules.check import ClaimCheck


def _missing(
    calc: Calculation, name: str, frame: pd.DataFrame, used: str, label: str
) -> Iterator[dict[str, Any]]:
    """The used rows of `frame` without an evidence file, one at a time."""
    t = calc.data.tables.get(name)
    if t is None or frame.empty:
        return iter(())
    rows = frame.loc[(frame["status"] == used).to_numpy(), ["_row", label]]
    if "evidence" in t.df:
        by_row = pd.Series(
            t.df["evidence"].astype(object).to_numpy(), index=t.df["_row"].to_numpy()
        )
        evidence = by_row.reindex(rows["_row"].to_numpy()).to_numpy(dtype=object)
    else:
        evidence = np.full(len(rows), None, dtype=object)
    lacking = rows_without_file(evidence)
    return (
        {"file": t.file, "row": r, "item": str(item)}
        for r, item in zip(
            rows["_row"].to_numpy()[lacking].tolist(),
            rows[label].to_numpy()[lacking].tolist(),
            strict=True,
        )
    )


def evidence_status(calc: Calculation, checks: list[ClaimCheck]) -> dict[str, Any]:
    config = calc.data.config
    required_by = ["claim.require_evidence"] if config.claim.require_evidence else []
    required_by += [
        f"{c.pack.id} {c.pack.version}" for c in checks if c.applies and c.pack.require_evidence
    ]
    missing = EvidenceRows(
        chain(
            _missing(calc, "green_power", calc.green_power.instruments, "applied", "instrument_id"),
            _missing(calc, "credits", calc.offsets.credits, "eligible", "project_id"),
        )
    )
    return {
        "required": bool(required_by),
        "required_by": required_by,
        "files": evidence_files(calc.data.tables),
        "missing": missing,
    }
