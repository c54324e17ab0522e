"""The `evidence` column (green_power.csv, credits.csv, reported.csv, energy.csv): a relative
path to the proof of a row — a GEC cancellation record, a green-power trade settlement, a
registry retirement statement, a BMS export. A cell that reads as a path (it names a folder or
ends in a file extension) must name a readable file inside the event folder; prose or a bare
reference ("verification statement 2025-12-10, no. 123", "invoice", as before issue 36) is
kept as a description and is not a file (claim.require_evidence asks for files). Distinct
values are checked once, so a million meter readings naming one BMS export cost one lookup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from carbonexpo.errors import Problem
from carbonexpo.io.tables import MAX_LISTED, Table, listed_problems
from carbonexpo.words import said

EVIDENCE_TABLES = ("green_power", "credits", "reported", "energy")
# a path: it names a folder (a separator) or ends in a file extension; a bare word
# ("invoice", "CQC-2025-123") is a reference, kept as a description
PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def is_path(text: str) -> bool:
    return bool(PATH_LIKE.search(text.strip()))


def _relative(text: str) -> PurePosixPath:
    return PurePosixPath(text.strip().replace("\\", "/"))


def evidence_problem(folder: Path, text: str) -> str | None:
    """Why `text` is not a readable file of the event folder (a catalog key), or None."""
    rel = _relative(text)
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


def _named(tables: dict[str, Table]) -> Iterator[tuple[Table, np.ndarray, list[str]]]:
    """Per table with an evidence column: each row's code into the distinct cells, and the
    distinct cells (codes -1: empty)."""
    for name in EVIDENCE_TABLES:
        t = tables.get(name)
        if t is not None and "evidence" in t.df:
            codes, uniques = pd.factorize(t.df["evidence"], use_na_sentinel=True)
            yield t, codes, [str(u) for u in uniques]


def check_evidence(folder: Path, tables: dict[str, Table]) -> list[Problem]:
    """Every evidence cell that reads as a path names a readable file inside the folder. Each
    distinct cell is looked up once; the rows of the failing ones are found in one pass."""
    problems: list[Problem] = []
    for t, codes, texts in _named(tables):
        failing = {
            i: key
            for i, text in enumerate(texts)
            if text.strip() and is_path(text) and (key := evidence_problem(folder, text))
        }
        if not failing:
            continue
        hit = np.flatnonzero(np.isin(codes, list(failing)))
        hit = hit[np.argsort(codes[hit], kind="stable")]  # by value, file order within
        starts = np.flatnonzero(np.r_[True, codes[hit][1:] != codes[hit][:-1]])
        for a, b in zip(starts, [*starts[1:], len(hit)], strict=True):
            i = int(codes[hit[a]])
            rows = t.df["_row"].to_numpy()[hit[a:b]]
            detail = said(failing[i], path=texts[i].strip())
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


def evidence_files(tables: dict[str, Table]) -> list[str]:
    """The distinct evidence files the tables name (relative POSIX paths), sorted. The tables
    are those that passed check_evidence: every path-like cell is a readable file."""
    return sorted(
        {
            str(_relative(text))
            for _, _, texts in _named(tables)
            for text in texts
            if text.strip() and is_path(text)
        }
    )


def rows_without_file(evidence: object) -> np.ndarray:
    """Rows whose evidence is empty or a description, not a file."""
    cells = pd.Series(np.asarray(evidence, dtype=object), dtype="string").str.strip()
    return ~cells.str.contains(PATH_LIKE, na=False).to_numpy(dtype=bool)
