"""The `evidence` column (green_power.csv, credits.csv, reported.csv, energy.csv): a relative
path to the proof of a row — a GEC cancellation record, a green-power trade settlement, a
registry retirement statement, a BMS export. A cell that reads as a path (it names a folder or
ends in a file extension) must name a readable file inside the event folder; prose or a bare
reference ("verification statement 2025-12-10, no. 123", "invoice", as before issue 36) is
kept as a description and is not a file (claim.require_evidence asks for files). Distinct
values are checked once, so a million meter readings naming one BMS export cost one lookup."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import numpy as np

from carbonexpo.errors import Problem
from carbonexpo.io.tables import MAX_LISTED, Table, listed_problems
from carbonexpo.words import said

EVIDENCE_TABLES = ("green_power", "credits", "reported", "energy")
# a path: it names a folder (a separator) or ends in a file extension; a bare word
# ("invoice", "CQC-2025-123") is a reference, kept as a description
PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def is_path(text: str) -> bool:
    return bool(PATH_LIKE.search(text.strip()))


def evidence_problem(folder: Path, text: str) -> str | None:
    """Why `text` is not a readable file of the event folder (a catalog key), or None."""
    rel = PurePosixPath(text.strip().replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or re.match(r"^[A-Za-z]:", text.strip()):
        return "detail.evidence_outside"
    path = folder / rel
    try:  # a link may not lead out of the folder either
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return "detail.evidence_outside"
    if not path.is_file():
        return "detail.evidence_missing"
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError:
        return "detail.evidence_unreadable"
    return None


def check_evidence(folder: Path, tables: dict[str, Table]) -> list[Problem]:
    """Every evidence cell that reads as a path names a readable file inside the folder."""
    problems: list[Problem] = []
    for name in EVIDENCE_TABLES:
        t = tables.get(name)
        if t is None or "evidence" not in t.df:
            continue
        column = t.df["evidence"]
        for text in column.dropna().unique():
            text = str(text)
            if not text.strip() or not is_path(text):
                continue
            key = evidence_problem(folder, text)
            if key is None:
                continue
            rows = t.df["_row"].to_numpy()[(column == text).to_numpy(dtype=bool, na_value=False)]
            detail = said(key, path=text.strip())
            problems += listed_problems(
                t.file,
                rows,
                "evidence",
                [detail] * min(len(rows), MAX_LISTED + 1),
                "evidence_file",
                len(rows),
                said("detail.more_same_file"),
            )
    return problems


def evidence_files(folder: Path, tables: dict[str, Table]) -> list[str]:
    """The distinct evidence files the tables name (relative POSIX paths), sorted."""
    out: set[str] = set()
    for name in EVIDENCE_TABLES:
        t = tables.get(name)
        if t is None or "evidence" not in t.df:
            continue
        for text in t.df["evidence"].dropna().unique():
            text = str(text).strip()
            if text and is_path(text) and evidence_problem(folder, text) is None:
                out.add(str(PurePosixPath(text.replace("\\", "/"))))
    return sorted(out)


def rows_without_file(df_evidence: object) -> np.ndarray:
    """Rows whose evidence is empty or a description, not a file."""
    values = np.asarray(df_evidence, dtype=object)
    return np.array(
        [not (isinstance(v, str) and v.strip() and is_path(v)) for v in values], dtype=bool
    )
