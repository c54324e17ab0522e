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

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carbonexpo.codes import as_categorical, categorical, epoch_seconds, unique_codes
from carbonexpo.config import EventConfig
from carbonexpo.errors import Problem
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
    """How one table is reduced: the column summed, the columns checked and not kept, whether
    rows carry intervals (energy), the rules checked on every batch."""

    additive: str
    apart: tuple[str, ...] = ()
    timed: bool = False
    checks: Callable[[Table, EventConfig], list[Problem]] | None = None


REDUCIBLE = {
    "energy": Reducible("quantity", apart=("meter",), timed=True, checks=_energy_checks),
    "travel": Reducible("travellers"),
    "logistics": Reducible("mass_kg", apart=("shipment",)),
}


def read_reduced(path: Path, schema: TableSchema, display: str, config: EventConfig) -> Table:
    """The table streamed, checked and reduced; raises NotStreamable."""
    how = REDUCIBLE[schema.name]
    digest = hash_later(path)
    readings: list[Reading] = []
    reduction = Reduction(schema, how, config)
    for batch in batches(path, schema, display, config.timezone, readings):
        if how.checks is not None and how.checks(batch, config):
            raise NotStreamable("problem")
        reduction.add(batch.df)
    df, counts = reduction.records()

    def again() -> Iterator[pd.DataFrame]:
        for batch in batches(path, schema, display, config.timezone, []):
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


def bucket_edges(config: EventConfig) -> np.ndarray:
    """UTC seconds of every hour and every local midnight from the event's first day to the
    day after its last: a bucket between two edges is within one UTC hour and one local day."""
    first, after = config.period_epoch()
    hours = np.arange(first // HOUR * HOUR, after + HOUR, HOUR, dtype=np.int64)
    days = []
    day = config.phases.start
    while (midnight := config.local_midnight_epoch(day)) <= after:
        days.append(midnight)
        day += dt.timedelta(days=1)
    return np.union1d(hours, np.array(days, dtype=np.int64))


class Reduction:
    """The records of the rows added so far (and energy meters' latest ends). A record is
    found in two steps: the row's values (a few dozen combinations, each looked up once per
    batch), then its slot in a table of value combination × time bucket × longer than an hour
    (one slot per combination for a table without times)."""

    def __init__(self, schema: TableSchema, how: Reducible, config: EventConfig):
        self.how = how
        skip = {how.additive, *how.apart, *(("start", "end") if how.timed else ())}
        self.columns = [c for c in schema.columns if c.name not in skip]
        self.order = [c.name for c in schema.columns]
        self.edges = bucket_edges(config) if how.timed else np.zeros(0, dtype=np.int64)
        self.width = 2 * (len(self.edges) + 1) if how.timed else 1
        self.rows = 0
        # per column: value -> id (1..; 0 is an empty cell), in the order met
        self.values: dict[str, dict[object, int]] = {c.name: {} for c in self.columns}
        self.present: set[str] = set()  # the columns the file has
        self.combos: dict[tuple[int, ...], int] = {}  # value ids -> combination
        self.slots = np.zeros(0, dtype=np.int64)  # combination × bucket × long -> record, -1
        self.amount = np.zeros(0)
        self.count = np.zeros(0, dtype=np.int64)
        self.combo = np.zeros(0, dtype=np.int64)  # per record: its value combination
        self.first = np.zeros(0, dtype=np.int64)  # row number, start, end of the first row
        self.start = np.zeros(0, dtype=np.int64)
        self.end = np.zeros(0, dtype=np.int64)
        self.meters: dict[str, int] = {}
        self.latest_end = np.zeros(0, dtype=np.int64)

    def add(self, df: pd.DataFrame) -> None:
        n = len(df)
        if n == 0:
            return
        slot = self._combos(df) * self.width
        start = end = np.zeros(0, dtype=np.int64)
        if self.how.timed:
            start, end = epoch_seconds(df["start"]), epoch_seconds(df["end"])
            self._check_meters(df["meter"], start, end)
            slot += 2 * np.searchsorted(self.edges, start, side="right")
            slot += (end - start) > HOUR
        if len(self.slots) < len(self.combos) * self.width:
            grown = np.full(len(self.combos) * self.width, -1, dtype=np.int64)
            grown[: len(self.slots)] = self.slots
            self.slots = grown
        record = self.slots[slot]
        new = record < 0
        if new.any():
            fresh, at = np.unique(slot[new], return_index=True)
            at = np.flatnonzero(new)[at]  # the first row of each new record
            self.slots[fresh] = np.arange(len(self.count), len(self.count) + len(fresh))
            record = self.slots[slot]
            zeros = np.zeros(len(fresh), dtype=np.int64)
            self.amount = np.append(self.amount, zeros.astype(np.float64))
            self.count = np.append(self.count, zeros)
            self.combo = np.append(self.combo, fresh // self.width)
            self.first = np.append(self.first, df["_row"].to_numpy()[at])
            if self.how.timed:
                self.start = np.append(self.start, start[at])
                self.end = np.append(self.end, end[at])
        size = len(self.count)
        amount = df[self.how.additive].to_numpy(dtype=np.float64)
        self.amount += np.bincount(record, weights=amount, minlength=size)
        self.count += np.bincount(record, minlength=size)
        self.rows += n

    def _combos(self, df: pd.DataFrame) -> np.ndarray:
        """Each row's combination of values (ids kept across batches)."""
        n = len(df)
        combo = np.zeros(n, dtype=np.int64)
        parts = []
        for col in self.columns:
            if col.name in df:
                self.present.add(col.name)
                to_id, local = self._ids(col.name, df[col.name], col.kind in ("float", "int"))
            else:
                to_id, local = np.zeros(1, dtype=np.int64), None
            parts.append(to_id)
            combo *= len(to_id)
            if local is not None:
                combo += local
        span = int(np.prod([len(t) for t in parts], dtype=np.float64))
        uniq, inverse, _ = unique_codes(combo, span)
        global_of = np.empty(len(uniq), dtype=np.int64)
        for i, c in enumerate(uniq.tolist()):
            ids_of = []
            for to_id in reversed(parts):
                c, code = divmod(c, len(to_id))
                ids_of.append(int(to_id[code]))
            key = tuple(reversed(ids_of))
            global_of[i] = self.combos.setdefault(key, len(self.combos))
        return global_of[inverse]

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
        keys = np.array(list(self.combos), dtype=np.int64).reshape(-1, len(self.columns))
        keys = keys[self.combo[order]]
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
