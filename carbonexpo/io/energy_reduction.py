"""A large energy.csv reduced while it streams: each batch checked with the rules of io.checks
and summed into records of rows that share every label the calculation reads, so that the
table held is a few thousand records however many rows the file has.

Rows are summed together when they share carrier, unit, hall, phase, quality, site and
evidence, start within the same bucket of time, and are alike in being longer than an hour or
not. Buckets are cut at every UTC hour and every local midnight of the event, so that each
record lies within one hour (hourly matching bins by the UTC hour of a start), one local day
(the daily profile, the phase derived from the date, the month and year of annual factors).
A record keeps its first row's number, start and end, the sum of the quantities and the count
of rows (Table.counts). What is checked across rows — a meter's intervals must not overlap —
is checked as the rows pass, per meter, against the latest end seen: an export sorted by meter
or by time passes in one pass; rows out of order within a meter, like any problem, stop the
stream (NotStreamable) and the file is read whole, where every problem is named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from carbonexpo.codes import as_categorical, categorical, epoch_seconds, unique_codes
from carbonexpo.config import EventConfig
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

LABELS = ("carrier", "unit", "hall", "phase", "quality", "site", "evidence")
HOUR = 3600


def read_reduced_energy(
    path: Path, schema: TableSchema, display: str, config: EventConfig
) -> Table:
    """energy.csv (or .parquet) streamed, checked and reduced; raises NotStreamable."""
    digest = hash_later(path)
    readings: list[Reading] = []
    reduction = Reduction(config)
    for batch in batches(path, schema, display, config.timezone, readings):
        if (
            check_energy_units(batch)
            or check_intervals(batch)
            or check_reporting_period(batch, config)
            or check_sites(batch, config, required=True)
        ):
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
    """The records of the rows added so far, and each meter's latest end. A record is found
    in two steps: the row's labels (a few dozen combinations, looked up once per batch each),
    then its slot in a table of label combination × time bucket × longer than an hour."""

    def __init__(self, config: EventConfig):
        self.edges = bucket_edges(config)
        self.width = 2 * (len(self.edges) + 1)  # slots of one label combination
        self.rows = 0
        self.labels: dict[str, dict[str, int]] = {name: {} for name in LABELS}  # text -> id
        self.present: set[str] = set()  # the label columns the file has
        self.combos: dict[tuple[int, ...], int] = {}  # label ids -> label combination
        self.slots = np.zeros(0, dtype=np.int64)  # combination × bucket × long -> record, -1
        self.quantity = np.zeros(0)
        self.count = np.zeros(0, dtype=np.int64)
        self.combo = np.zeros(0, dtype=np.int64)  # per record: its label combination
        self.first = np.zeros(0, dtype=np.int64)  # row number, start, end of the first row
        self.start = np.zeros(0, dtype=np.int64)
        self.end = np.zeros(0, dtype=np.int64)
        self.meters: dict[str, int] = {}
        self.latest_end = np.zeros(0, dtype=np.int64)

    def add(self, df: pd.DataFrame) -> None:
        n = len(df)
        if n == 0:
            return
        start, end = epoch_seconds(df["start"]), epoch_seconds(df["end"])
        self._check_meters(df["meter"], start, end)
        slot = self._label_combos(df) * self.width
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
            self.quantity = np.append(self.quantity, zeros.astype(np.float64))
            self.count = np.append(self.count, zeros)
            self.combo = np.append(self.combo, fresh // self.width)
            self.first = np.append(self.first, df["_row"].to_numpy()[at])
            self.start = np.append(self.start, start[at])
            self.end = np.append(self.end, end[at])
        size = len(self.count)
        self.quantity += np.bincount(record, weights=df["quantity"].to_numpy(), minlength=size)
        self.count += np.bincount(record, minlength=size)
        self.rows += n

    def _label_combos(self, df: pd.DataFrame) -> np.ndarray:
        """Each row's label combination (ids kept across batches)."""
        n = len(df)
        combo = np.zeros(n, dtype=np.int64)
        parts = []
        for name in LABELS:
            ids = self.labels[name]
            if name in df:
                self.present.add(name)
                cat = as_categorical(df[name], n)
                to_id = np.array(
                    [0] + [ids.setdefault(str(c), len(ids) + 1) for c in cat.categories],
                    dtype=np.int64,
                )
                local = np.asarray(cat.codes, dtype=np.int64) + 1
                size = len(to_id)
            else:
                to_id, local, size = np.zeros(1, dtype=np.int64), None, 1
            parts.append(to_id)
            combo *= size
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
        """The records in the order of their first rows (as the rows came), and the count of
        rows each stands for."""
        order = np.argsort(self.first, kind="stable")
        keys = np.array(list(self.combos), dtype=np.int64).reshape(-1, len(LABELS))
        keys = keys[self.combo[order]]
        data: dict[str, object] = {"_row": self.first[order]}
        for j, name in enumerate(LABELS):
            if name not in self.present:
                continue
            texts = list(self.labels[name])  # ids 1.. in the order given
            data[name] = pd.Series(categorical(keys[:, j] - 1, texts), copy=False)
        data["start"] = utc_series(self.start[order])
        data["end"] = utc_series(self.end[order])
        data["quantity"] = self.quantity[order]
        return pd.DataFrame(data, copy=False), self.count[order]
