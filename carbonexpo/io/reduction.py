"""Large tables reduced while they stream (io.table_stream): each batch checked, then summed
into records of rows that share every value the calculation reads, so that the table held is
a few thousand records however many rows the file has (docs/large-tables.md).

A record sums one column (the table's additive one: energy's quantity, travel's travellers,
logistics' mass) over rows equal in every other column the calculation reads; it keeps its
first row's number and counts its rows (Table.counts). Columns nothing downstream reads are
checked as they pass and not kept (a meter's id, a shipment's). Energy's times are kept as
buckets: rows are summed together when they start within the same bucket, cut at every UTC
hour and every local midnight of the event, and are alike in being longer than an hour or not,
so that each record lies within one hour (hourly matching bins by the UTC hour of a start) and
one local day (the daily profile, the phase derived from the date, the month and year of annual
factors); a record keeps its first row's start and end.

What is checked across rows of energy — a meter's intervals must not overlap — is checked as the
rows pass, per meter, against the latest end seen: an export sorted by meter or by time passes
in one pass; rows out of order within a meter, like any problem, stop the stream
(NotStreamable) and the file is read whole, where every problem is named. Travel's and
logistics' rules are each about one row's values, which a record shares with its rows: they run
on the records, and a problem there reads the file whole again (io.event), so a message names
rows, never records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carbonexpo import memory
from carbonexpo.codes import as_categorical, categorical, epoch_seconds, unique_codes
from carbonexpo.config import EventConfig
from carbonexpo.errors import Problem
from carbonexpo.hashes import SEEDS, mix
from carbonexpo.io.checks import (
    check_energy_units,
    check_intervals,
    check_reporting_period,
    check_sites,
)
from carbonexpo.io.normalise import Reading
from carbonexpo.io.schema import TableSchema
from carbonexpo.io.table_stream import NotStreamable, batches
from carbonexpo.io.tables import Table, hash_later, utc_series

HOUR = 3600


def _energy_checks(t: Table, config: EventConfig) -> list[Problem]:
    return [
        *check_energy_units(t),
        *check_intervals(t),
        *check_reporting_period(t, config),
        *check_sites(t, config, required=True),
    ]


@dataclass(frozen=True)
class Reducible:
    """How one table is reduced: the column summed, the text columns checked and not kept
    (nothing downstream reads them), whether rows carry intervals (energy: a meter's rows
    checked for overlaps, then its times kept as buckets), the rules checked on every batch."""

    additive: str
    apart: tuple[str, ...] = ()
    timed: bool = False
    checks: Callable[[Table, EventConfig], list[Problem]] | None = None


REDUCIBLE = {
    "energy": Reducible("quantity", timed=True, checks=_energy_checks),
    "travel": Reducible("travellers"),
    "logistics": Reducible("mass_kg", apart=("shipment",)),
}


def read_reduced(path: Path, schema: TableSchema, display: str, config: EventConfig) -> Table:
    """The table streamed, checked and reduced; raises NotStreamable."""
    how = REDUCIBLE[schema.name]
    digest = hash_later(path)
    readings: list[Reading] = []
    reduction = Reduction(schema, how, config)
    for batch in batches(path, schema, display, config.timezone, readings, how.apart):
        if how.checks is not None and how.checks(batch, config):
            raise NotStreamable("problem")
        reduction.add(batch.df)
    df, counts = reduction.records()
    memory.give_back()  # the blocks' temporaries, before the next table is read

    def again() -> Iterator[pd.DataFrame]:
        for batch in batches(path, schema, display, config.timezone, [], how.apart):
            yield batch.df

    return Table(
        schema.name,
        display,
        df,
        digest.result(),
        readings,
        counts=counts,
        source_rows=reduction.rows,
        batches=again,
    )


def _distinct(
    parts: list[tuple[np.ndarray, np.ndarray | None]], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of a batch's rows, as rows of ids (one column per part), and
    each row's combination. Parts are (id of each local code, each row's local code or None
    for a column the file lacks)."""
    span = 1
    for ids, _ in parts:
        span *= len(ids)
    if span < 1 << 62:  # the codes of every part in one int64: a count or one sort
        combo = np.zeros(n, dtype=np.int64)
        for ids, local in parts:
            combo *= len(ids)
            if local is not None:
                combo += local
        uniq, inverse, _ = unique_codes(combo, span)
        columns = []
        for ids, _ in reversed(parts):
            uniq, code = np.divmod(uniq, len(ids))
            columns.append(ids[code])
        return np.stack(columns[::-1], axis=1), inverse
    every = np.stack(  # too many values to count: the rows of ids, sorted
        [ids[local] if local is not None else np.zeros(n, np.int64) for ids, local in parts],
        axis=1,
    )
    distinct, inverse = np.unique(every, axis=0, return_inverse=True)
    return distinct, inverse.reshape(-1)


def _hash(keys: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of ids."""
    return mix(keys, SEEDS[0])


def bucket_edges(config: EventConfig) -> np.ndarray:
    """UTC seconds of every hour and every local midnight from the event's first day to the
    day after its last: a bucket between two edges is within one UTC hour and one local day."""
    first, after = config.period_epoch()
    hours = np.arange(first // HOUR * HOUR, after + HOUR, HOUR, dtype=np.int64)
    days = config.local_midnights(config.phases.start, config.phases.end)
    return np.union1d(hours, np.array(days, dtype=np.int64))


class Reduction:
    """The records of the rows added so far (and energy meters' latest ends). A batch's rows
    are first told apart by their values' codes in the batch (one count, or one sort when the
    values are many); each distinct combination is then named by its values' ids, which are
    kept across batches, and found among the records by a 64-bit hash of those ids (the ids
    themselves compared, so that two combinations never share a record)."""

    def __init__(self, schema: TableSchema, how: Reducible, config: EventConfig):
        self.how = how
        skip = {how.additive, *how.apart, *(("meter", "start", "end") if how.timed else ())}
        self.columns = [c for c in schema.columns if c.name not in skip]
        self.order = [c.name for c in schema.columns]
        self.edges = bucket_edges(config) if how.timed else np.zeros(0, dtype=np.int64)
        self.rows = 0
        # per column: value -> id (1..; 0 is an empty cell), in the order met
        self.values: dict[str, dict[object, int]] = {c.name: {} for c in self.columns}
        self.present: set[str] = set()  # the columns the file has
        width = len(self.columns) + (2 if how.timed else 0)  # + time bucket, longer than 1 h
        self.keys = np.zeros((0, width), dtype=np.int64)  # per record: its ids
        self.hashes = np.zeros(0, dtype=np.uint64)  # sorted; record_at: the record of each
        self.record_at = np.zeros(0, dtype=np.int64)
        self.amount = np.zeros(0)
        self.count = np.zeros(0, dtype=np.int64)
        self.first = np.zeros(0, dtype=np.int64)  # row number, start, end of the first row
        self.start = np.zeros(0, dtype=np.int64)
        self.end = np.zeros(0, dtype=np.int64)
        self.meters: dict[str, int] = {}
        self.latest_end = np.zeros(0, dtype=np.int64)

    def add(self, df: pd.DataFrame) -> None:
        n = len(df)
        if n == 0:
            return
        parts: list[tuple[np.ndarray, np.ndarray | None]] = []  # (ids of local codes, codes)
        for col in self.columns:
            if col.name in df:
                self.present.add(col.name)
                parts.append(self._ids(col.name, df[col.name], col.kind in ("float", "int")))
            else:
                parts.append((np.zeros(1, dtype=np.int64), None))
        start = end = np.zeros(0, dtype=np.int64)
        if self.how.timed:
            start, end = epoch_seconds(df["start"]), epoch_seconds(df["end"])
            self._check_meters(df["meter"], start, end)
            buckets = np.arange(len(self.edges) + 1, dtype=np.int64)
            parts.append((buckets, np.searchsorted(self.edges, start, side="right")))
            parts.append((np.arange(2, dtype=np.int64), ((end - start) > HOUR).astype(np.int64)))
        distinct, inverse = _distinct(parts, n)
        record = self._records(distinct)  # per distinct combination
        new = record < 0
        if new.any():
            at = np.flatnonzero(new[inverse])  # rows of new records: their first rows
            which, first = np.unique(inverse[at], return_index=True)
            at = at[first]
            made = np.arange(len(self.count), len(self.count) + len(which))
            record[which] = made
            self._remember(distinct[which], made)
            zeros = np.zeros(len(which), dtype=np.int64)
            self.amount = np.append(self.amount, zeros.astype(np.float64))
            self.count = np.append(self.count, zeros)
            self.first = np.append(self.first, df["_row"].to_numpy()[at])
            if self.how.timed:
                self.start = np.append(self.start, start[at])
                self.end = np.append(self.end, end[at])
        of_row = record[inverse]
        size = len(self.count)
        amount = df[self.how.additive].to_numpy(dtype=np.float64)
        self.amount += np.bincount(of_row, weights=amount, minlength=size)
        self.count += np.bincount(of_row, minlength=size)
        self.rows += n

    def _records(self, distinct: np.ndarray) -> np.ndarray:
        """The record of each distinct combination of ids (rows of `distinct`), -1 if new."""
        # two combinations of one hash are safe: each new one gets its own record (by its
        # row of `distinct`), and a hash found is trusted only when the ids are equal too
        h = _hash(distinct)
        record = np.full(len(h), -1, dtype=np.int64)
        if len(self.hashes):
            pos = np.minimum(np.searchsorted(self.hashes, h), len(self.hashes) - 1)
            found = self.hashes[pos] == h
            record[found] = self.record_at[pos[found]]
            if (self.keys[record[found]] != distinct[found]).any():
                raise NotStreamable("hash")
        return record

    def _remember(self, keys: np.ndarray, made: np.ndarray) -> None:
        h = _hash(keys)
        self.keys = np.concatenate([self.keys, keys])
        hashes = np.concatenate([self.hashes, h])
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.record_at = np.concatenate([self.record_at, made])[order]

    def _ids(self, name: str, column: pd.Series, number: bool) -> tuple[np.ndarray, np.ndarray]:
        """(id of each distinct value in this batch, with 0 first for an empty cell; each row's
        position in that list)."""
        ids = self.values[name]
        if number:
            values = column.to_numpy(dtype=np.float64)
            empty = np.isnan(values)
            distinct, local = np.unique(np.where(empty, 0.0, values), return_inverse=True)
            local = np.where(empty, 0, local.reshape(-1) + 1)
            labels: list[object] = distinct.tolist()
        else:
            cat = as_categorical(column, len(column))
            local = np.asarray(cat.codes, dtype=np.int64) + 1
            labels = [str(c) for c in cat.categories]
        to_id = np.array([0] + [ids.setdefault(v, len(ids) + 1) for v in labels], dtype=np.int64)
        return to_id, local

    def _check_meters(self, meter: pd.Series, start: np.ndarray, end: np.ndarray) -> None:
        """Each row starts no earlier than the previous row of its meter ended (in this batch
        or before): then no interval overlaps any earlier one. Else NotStreamable: overlaps, or
        rows out of order that only a sort of the whole table can check."""
        cat = as_categorical(meter, len(meter))
        to_id = np.array(
            [self.meters.setdefault(str(c), len(self.meters)) for c in cat.categories] + [-1],
            dtype=np.int64,
        )
        ids = to_id[np.asarray(cat.codes, dtype=np.int64)]
        if (ids < 0).any():
            raise NotStreamable("meter")
        if len(self.latest_end) < len(self.meters):
            grown = np.full(len(self.meters), np.iinfo(np.int64).min, dtype=np.int64)
            grown[: len(self.latest_end)] = self.latest_end
            self.latest_end = grown
        order = np.argsort(ids, kind="stable")
        m, s, e = ids[order], start[order], end[order]
        first = np.ones(len(m), dtype=bool)
        first[1:] = m[1:] != m[:-1]
        before = np.empty_like(e)
        before[1:] = e[:-1]
        before[first] = self.latest_end[m[first]]
        if (s < before).any():
            raise NotStreamable("meter order")
        last = np.ones(len(m), dtype=bool)
        last[:-1] = first[1:]
        self.latest_end[m[last]] = e[last]

    def records(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The records in the order of their first rows (as the rows came), in the schema's
        column order, and the count of rows each stands for."""
        order = np.argsort(self.first, kind="stable")
        keys = self.keys[order]
        made: dict[str, object] = {}
        for j, col in enumerate(self.columns):
            if col.name not in self.present:
                continue
            values = list(self.values[col.name])  # ids 1.. in the order met
            if col.kind in ("float", "int"):
                made[col.name] = np.array([np.nan, *values], dtype=np.float64)[keys[:, j]]
            else:
                texts = [str(v) for v in values]
                made[col.name] = pd.Series(categorical(keys[:, j] - 1, texts), copy=False)
        made[self.how.additive] = self.amount[order]
        if self.how.timed:
            made["start"] = utc_series(self.start[order])
            made["end"] = utc_series(self.end[order])
        data: dict[str, object] = {"_row": self.first[order]}
        data.update({name: made[name] for name in self.order if name in made})
        return pd.DataFrame(data, copy=False), self.count[order]
