"""Per-row reasons built column-wise: each rule adds a mask, a catalog code and parameters
(scalars, or arrays with one value per row). Notes are made only for the rows a rule hits, so a
table of 10,000 credit blocks with few rejections costs few objects."""

from __future__ import annotations

from typing import Any

import numpy as np

from carbonexpo.notes import Note, note


class Reasons:
    def __init__(self, rows: int):
        self.rows = rows
        self._hits: list[tuple[np.ndarray, str, dict[str, Any]]] = []

    def add(self, mask: Any, code: str, **params: Any) -> None:
        """Rows where `mask` holds get the note `code`; a numpy-array parameter gives each row
        its own value, anything else (a list too) is the same for every row."""
        m = np.asarray(mask, dtype=bool)
        if m.any():
            self._hits.append((m, code, params))

    def add_notes(self, positions: list[int], notes: list[Note]) -> None:
        """Notes made elsewhere, one per row position (a registry mismatch and its figures)."""
        self._made = [*getattr(self, "_made", []), *zip(positions, notes, strict=True)]

    def any(self) -> np.ndarray:
        out = np.zeros(self.rows, dtype=bool)
        for m, _, _ in self._hits:
            out |= m
        for i, _ in getattr(self, "_made", []):
            out[i] = True
        return out

    def notes(self) -> list[list[Note]]:
        per_row: list[list[Note]] = [[] for _ in range(self.rows)]
        for m, code, params in self._hits:
            per_row_params = {k for k, v in params.items() if isinstance(v, np.ndarray)}
            for i in np.flatnonzero(m):
                values = {k: _plain(v[i]) if k in per_row_params else v for k, v in params.items()}
                per_row[i].append(note(code, **values))
        for i, made in getattr(self, "_made", []):
            per_row[i].append(made)
        return per_row


def _plain(value: Any) -> Any:
    """numpy scalars -> Python, missing -> None."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
