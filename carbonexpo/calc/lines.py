"""Turn activity frames into inventory lines: resolve each distinct (factor key, unit) pair
once, convert the activity to the factor's unit with one multiplier per pair, multiply
column-wise. Text columns stay Categoricals (codes + a few labels)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc import frames
from carbonexpo.codes import (
    as_categorical,
    categorical,
    from_labels,
    lookup,
    to_categorical,
    unique_codes,
)
from carbonexpo.config import CATEGORY_NAMES
from carbonexpo.errors import Problem, said_problem
from carbonexpo.factors import keys
from carbonexpo.factors.resolve import OWN_LAYERS, FactorResolver, set_year
from carbonexpo.units import UnitProblem, multiplier
from carbonexpo.words import said

LINE_COLUMNS = [n for n in frames.LINES.names if n != "kgco2e_market"]  # added by scope2
TEXT_COLUMNS = [
    "source_file",
    "category",
    "phase",
    "activity_unit",
    "factor_key",
    "factor_source",
    "exhibitor",
    "input_unit",
    "factor_set",
]
# a reduced table's activity again, row by row: (activity, category) per batch of rows
RowsAgain = Callable[[], Iterator[tuple[pd.DataFrame, object]]]
# the boundary's ten categories, then the optional upstream (well-to-tank) lines
CATEGORIES = [*CATEGORY_NAMES, "well_to_tank"]
SCOPE_OF = {
    "electricity": 2,
    "fuels": 1,
    "heat_cooling": 2,
    "refrigerants": 1,
    "travel": 3,
    "accommodation": 3,
    "logistics": 3,
    "catering": 3,
    "waste": 3,
    "materials": 3,
    "well_to_tank": 3,
}


@dataclass
class LineBuilder:
    """Collects lines of all categories, the problems met and the factors used."""

    resolver: FactorResolver
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    factors_used: dict[tuple[str, str], dict] = field(default_factory=dict)
    # (key, activity year, year used, set) -> rows: a year missing from a listed series
    year_fallbacks: dict[tuple[str, int, int, str], int] = field(default_factory=dict)

    def add(
        self,
        activity: pd.DataFrame,
        *,
        source_file: str,
        category: str | pd.Categorical,
        rows_again: RowsAgain | None = None,
    ) -> None:
        """`activity` holds `_row`, `factor_key`, `quantity`, `unit`, `phase`, `exhibitor`;
        `category` is one name or one per row. An activity of a reduced table holds `_count`
        (the rows each record stands for) and comes with `rows_again`, which gives the same
        activity row by row, batch by batch, for the lines.

        A key (or key/unit pair) that resolves nowhere becomes one problem naming the rows that
        need it; those rows produce no line.
        """
        n = len(activity)
        if n == 0:
            return
        key = as_categorical(activity["factor_key"], n)
        unit = as_categorical(activity["unit"], n)
        width = len(unit.categories) + 1
        pair = (key.codes.astype(np.int64) + 1) * width + unit.codes + 1
        # the activity's year (energy rows: the local year of their start), when it has one:
        # a series of yearly factor sets is chosen from by it (FactorResolver.resolve)
        dated = "year" in activity
        years = activity["year"].to_numpy(dtype=np.int64) if dated else np.zeros(n, np.int64)
        span = int(years.max() - years.min() + 1) if n else 1
        base = int(years.min()) if n else 0
        inverse, uniq3 = pd.factorize(pair * span + (years - base), sort=False)
        uniq = uniq3 // span
        uniq_year = uniq3 % span + base
        m = len(uniq)
        value, conv = np.full(m, np.nan), np.full(m, np.nan)
        factor_units: list[str | None] = [None] * m
        sources: list[str | None] = [None] * m
        sets: list[str | None] = [None] * m
        proxy = np.zeros(m, dtype=bool)
        rows = activity["_row"].to_numpy()
        counts = activity["_count"].to_numpy() if "_count" in activity else None

        def rows_of(where: np.ndarray) -> int:
            return int(where.sum() if counts is None else counts[where].sum())

        for i, p in enumerate(uniq):
            k_code, u_code = int(p // width) - 1, int(p % width) - 1
            k = str(key.categories[k_code]) if k_code >= 0 else ""
            u = str(unit.categories[u_code]) if u_code >= 0 else ""
            mismatch = self.resolver.user_mismatch(k, u)
            if mismatch:
                where = inverse == i
                self.problems.append(
                    said_problem(
                        source_file,
                        int(rows[where][0]),
                        "factor_key",
                        said(
                            "detail.factor_unit",
                            key=k,
                            given=mismatch[0].unit,
                            note=mismatch[0].note,
                            unit=u,
                            rows=rows_of(where),
                        ),
                        "factor_unit",
                    )
                )
                continue
            year = int(uniq_year[i]) if dated else None
            factor = self.resolver.resolve(k, u, year)
            if factor is not None and year is not None and factor.set_id not in OWN_LAYERS:
                used = set_year(factor)
                if used != year and len(self.resolver.series_of(factor.set_id)) > 1:
                    self.year_fallbacks.setdefault((k, year, used, factor.set_id), 0)
                    self.year_fallbacks[(k, year, used, factor.set_id)] += rows_of(inverse == i)
            if factor is None:
                self._missing(k, u, rows[inverse == i], source_file)
                continue
            try:
                conv[i] = multiplier(u, factor.unit)
            except UnitProblem as exc:
                self.problems.append(
                    said_problem(
                        source_file,
                        int(rows[inverse == i][0]),
                        "unit",
                        exc.detail,
                        "wrong_dimension",
                    )
                )
                continue
            value[i] = factor.kgco2e_per_unit
            factor_units[i] = factor.unit
            sources[i] = self.resolver.source_label(factor)
            sets[i] = factor.set_id
            proxy[i] = bool(factor.proxy_for)
            self.factors_used[(factor.set_id, factor.key + "|" + factor.unit)] = {
                "key": factor.key,
                "unit": factor.unit,
                "kgco2e_per_unit": factor.kgco2e_per_unit,
                "set": factor.set_id,
                "source": sources[i],
                "source_id": factor.source_id,
                "proxy_for": factor.proxy_for,
            }
        ok = ~np.isnan(value[inverse])
        if not ok.any():
            return
        everything = bool(ok.all())

        def keep(values: Any) -> Any:
            return values if everything else values[ok]

        self.blocks.append(
            Block(
                source_file=source_file,
                rows=keep(rows),
                pair=keep(inverse).astype(np.int32),
                quantity=keep(activity["quantity"].to_numpy(dtype=np.float64)),
                category=keep(as_categorical(category, n)),
                phase=keep(as_categorical(activity["phase"], n)),
                exhibitor=keep(as_categorical(activity["exhibitor"], n)),
                quality=keep(as_categorical(activity.get("quality"), n)),
                key_categories=list(key.categories),
                unit_categories=list(unit.categories),
                pair_key=(uniq // width - 1).astype(np.int64),
                pair_unit=(uniq % width - 1).astype(np.int64),
                pair_year=uniq_year if dated else None,
                conv=conv,
                value=value,
                factor_units=factor_units,
                sources=sources,
                sets=sets,
                proxy=proxy,
                counts=None if counts is None else keep(counts),
                rows_again=rows_again,
            )
        )

    def _missing(self, key: str, unit: str, rows: np.ndarray, source_file: str) -> None:
        listed = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
        sets = ", ".join(s.set_id for s in self.resolver.sets)
        what = keys.describe(key)
        if self.resolver.has_key(key):
            what = said("detail.activity_in_other_units", what=what, unit=unit)
        self.problems.append(
            said_problem(
                source_file,
                int(rows[0]),
                "factor_key",
                said(
                    "detail.missing_factor",
                    what=what, sets=sets, key=key, unit=unit, count=len(rows), rows=listed,
                ),
                "missing_factor",
            )
        )  # fmt: skip

    def lines(self, *, records: bool = False) -> pd.DataFrame:
        """One line per activity row (what `--lines` writes and statements list). `records`:
        one line per record instead, a reduced table's records standing for their rows (the
        same totals by any label the records keep; `row` their first row)."""
        if records or not any(b.rows_again for b in self.blocks):
            return _concat([b.lines() for b in self.blocks], row_column=True)
        return _concat([b.lines(part) for b, part in self._parts(None)], row_column=True)

    def line_batches(self, rows: int = 100_000) -> Iterator[pd.DataFrame]:
        """The same lines, at most `rows` at a time, in the same order: a writer never holds
        them all (6 M lines are ~1 GB as one frame)."""
        for block, part in self._parts(rows):
            yield _concat([block.lines(part)], row_column=True)

    def _parts(self, rows: int | None) -> Iterator[tuple[Block, slice]]:
        """(block, slice of its lines), `rows` lines at most (None: as they come); a reduced
        table's block is made again, row by row, from its rows read again."""
        for block in self.blocks:
            for b in block.row_blocks():
                step = rows or max(len(b.rows), 1)
                for start in range(0, len(b.rows), step):
                    yield b, slice(start, start + step)

    def groups(self) -> pd.DataFrame:
        """The lines summed over rows that share every label (factor pair, category, phase,
        exhibitor, file): a few thousand groups instead of millions of lines, with `rows` the
        number of lines in each. Totals of any labelled subset are the same as over the lines
        (up to the order of floating-point additions)."""
        return _concat([b.groups() for b in self.blocks], row_column=False)


@dataclass
class Block:
    """The lines of one `LineBuilder.add` call, kept as codes: per row its factor pair and
    labels, per pair the factor, its unit conversion and its source."""

    source_file: str
    rows: np.ndarray
    pair: np.ndarray
    quantity: np.ndarray
    category: pd.Categorical
    phase: pd.Categorical
    exhibitor: pd.Categorical
    quality: pd.Categorical  # data-quality tier given in the row (missing: table default)
    key_categories: list[str]  # the factor key and the unit as given: per pair, codes into these
    unit_categories: list[str]
    pair_key: np.ndarray
    pair_unit: np.ndarray
    conv: np.ndarray
    value: np.ndarray
    factor_units: list[str | None]
    sources: list[str | None]
    sets: list[str | None]
    proxy: np.ndarray
    pair_year: np.ndarray | None = None  # the activity year of each pair (a dated activity)
    counts: np.ndarray | None = None  # rows each record stands for (a reduced table)
    rows_again: RowsAgain | None = None  # the activity again, row by row (a reduced table)

    def row_blocks(self) -> Iterator[Block]:
        """This block, or for a reduced table's block the same lines row by row, a block
        per batch of rows read again: each row's pair found by its (key, unit, year) labels,
        its factor, conversion and source this block's."""
        if self.rows_again is None:
            yield self
            return
        pair_year = self.pair_year
        dated = pair_year is not None
        years_of = [None] * len(self.pair_key) if pair_year is None else pair_year.tolist()
        pairs = {
            (self.key_categories[k], self.unit_categories[u], y): i
            for i, (k, u, y) in enumerate(
                zip(self.pair_key.tolist(), self.pair_unit.tolist(), years_of, strict=True)
            )
        }
        for activity, category in self.rows_again():
            n = len(activity)
            key = as_categorical(activity["factor_key"], n)
            unit = as_categorical(activity["unit"], n)
            years = activity["year"].to_numpy(dtype=np.int64) if dated else np.zeros(n, np.int64)
            width = len(unit.categories) + 1
            span = int(years.max() - years.min() + 1) if n else 1
            base = int(years.min()) if n else 0
            pair = (key.codes.astype(np.int64) + 1) * width + unit.codes + 1
            combo = pair * span + years - base
            inverse, uniq = pd.factorize(combo, sort=False)
            to_pair = np.empty(len(uniq), dtype=np.int32)
            for i, c in enumerate(uniq.tolist()):
                p, year = divmod(c, span)
                k, u = divmod(p, width)
                to_pair[i] = pairs[
                    (
                        str(key.categories[k - 1]) if k else "",
                        str(unit.categories[u - 1]) if u else "",
                        year + base if dated else None,
                    )
                ]
            yield replace(
                self,
                rows=activity["_row"].to_numpy(),
                pair=to_pair[inverse],
                quantity=activity["quantity"].to_numpy(dtype=np.float64),
                category=as_categorical(category, n),
                phase=as_categorical(activity["phase"], n),
                exhibitor=as_categorical(activity["exhibitor"], n),
                quality=as_categorical(activity.get("quality"), n),
                counts=None,
                rows_again=None,
            )

    def lines(self, part: slice = slice(None)) -> dict[str, Any]:
        return self._columns(
            self.pair[part],
            self.quantity[part],
            self.rows[part],
            self.category[part],
            self.phase[part],
            self.exhibitor[part],
        )

    def groups(self) -> dict[str, Any]:
        labels = [self.category, self.phase, self.exhibitor, self.quality]
        sizes = [len(c.categories) + 1 for c in labels]
        span = int(np.prod(sizes, dtype=np.float64) * (int(self.pair.max()) + 1))
        combo: np.ndarray[Any, np.dtype[np.signedinteger[Any]]] = self.pair.astype(
            np.int32 if span < (1 << 31) else np.int64
        )
        for c, size in zip(labels, sizes, strict=True):
            combo *= size
            combo += c.codes
            combo += 1
        uniq, inverse, counts = unique_codes(combo, span)
        quantity = np.bincount(inverse, weights=self.quantity, minlength=len(uniq))
        if self.counts is not None:  # records of a reduced table: the rows they stand for
            counts = np.bincount(inverse, weights=self.counts, minlength=len(uniq))
        rest = uniq.copy()
        codes = []
        for size in reversed(sizes):
            rest, code = np.divmod(rest, size)
            codes.append(code - 1)
        quality, exhibitor, phase, category = codes
        pair = rest.astype(np.int32)
        out = self._columns(
            pair,
            quantity,
            counts.astype(np.int64),
            categorical(category, list(self.category.categories)),
            categorical(phase, list(self.phase.categories)),
            categorical(exhibitor, list(self.exhibitor.categories)),
        )
        out["rows"] = out.pop("row")
        out["quality"] = categorical(quality, list(self.quality.categories))
        return out

    def _columns(
        self,
        pair: np.ndarray,
        quantity: np.ndarray,
        rows: np.ndarray,
        category: pd.Categorical,
        phase: pd.Categorical,
        exhibitor: pd.Categorical,
    ) -> dict[str, Any]:
        n = len(pair)
        key = categorical(self.pair_key[pair], self.key_categories)
        unit = categorical(self.pair_unit[pair], self.unit_categories)
        converted = quantity * self.conv[pair]
        fv = self.value[pair]
        return {
            "source_file": as_categorical(self.source_file, n),
            "row": rows,
            "category": category,
            "scope": lookup(category, SCOPE_OF, n, default=0, dtype=np.int8),
            "phase": phase,
            "activity_quantity": converted,
            "activity_unit": from_labels(self.factor_units, pair),
            "factor_key": key,
            "factor_value": fv,
            "factor_source": from_labels(self.sources, pair),
            "kgco2e": converted * fv,
            "exhibitor": exhibitor,
            "input_quantity": quantity,
            "input_unit": unit,
            "factor_set": from_labels(self.sets, pair),
            "proxy": self.proxy[pair],
        }


def _concat(frames: list[dict[str, Any]], *, row_column: bool) -> pd.DataFrame:
    columns = (
        LINE_COLUMNS
        if row_column
        else [*(c if c != "row" else "rows" for c in LINE_COLUMNS), "quality"]
    )
    if not frames:
        empty = {c: pd.Series(dtype=object) for c in columns}
        for c in ("activity_quantity", "factor_value", "kgco2e", "input_quantity"):
            empty[c] = pd.Series(dtype=np.float64)
        empty["scope"] = pd.Series(dtype=np.int8)
        empty[columns[1]] = pd.Series(dtype=np.int64)
        empty["proxy"] = pd.Series(dtype=bool)
        for c in (*TEXT_COLUMNS, "quality"):
            empty[c] = pd.Series(to_categorical([]))
        return pd.DataFrame(empty)[columns]
    out: dict[str, Any] = {}
    for c in columns:
        parts = [f[c] for f in frames]
        if c in TEXT_COLUMNS or c == "quality":
            out[c] = concat_categoricals(parts)
        else:
            out[c] = np.concatenate([np.asarray(p) for p in parts])
    return pd.DataFrame(out, copy=False)


def concat_categoricals(parts: list[object]) -> pd.Categorical:
    """Concatenate Categoricals with different categories by recoding each part's codes into
    one shared list of labels (numpy takes, no re-hashing of rows)."""
    labels: dict[str, int] = {}
    recoded = []
    for part in parts:
        cat = to_categorical(part)
        # a trailing -1 in the mapping: code -1 (missing) indexes it and stays missing
        mapping = np.array(
            [labels.setdefault(str(c), len(labels)) for c in cat.categories] + [-1], dtype=np.int32
        )
        recoded.append(mapping[cat.codes])
    return categorical(np.concatenate(recoded), categories=list(labels))
