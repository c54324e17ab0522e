"""BMS exports -> meter intervals (pure, vectorised per meter).

Interval meters: each row is a quantity from `timestamp` to `end` (or to the meter's next
timestamp). Cumulative meters: each row is a counter value; consecutive values become intervals
of their difference. Detected and reported: counter rollover (a drop explained by the meter's
rollover value), resets (a drop to near zero), gaps (never zero-filled), spikes (> 10 × the
meter's median interval). A counter that runs backwards with no such explanation is bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonexpo.codes import epoch_seconds
from carbonexpo.errors import Problem, said_problem
from carbonexpo.numbers import decimals_of
from carbonexpo.words import said

SPIKE_FACTOR = 10.0
GAP_FACTOR = 1.5
RESET_FACTOR = 10.0  # a drop to at most this many median deltas counts as a reset


@dataclass
class MeterInfo:
    carrier: str
    unit: str
    hall: str | None
    cumulative: bool
    rollover: float | None


@dataclass
class Intervals:
    readings: pd.DataFrame  # meter_id, start, end, quantity (epoch seconds)
    counters: pd.DataFrame  # meter_id, ts, value (cumulative meters' raw values)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note_meters: list[str] = field(default_factory=list)  # the meter each note is about


def _median_step(ts: np.ndarray) -> float:
    steps = np.diff(ts)
    steps = steps[steps > 0]
    return float(np.median(steps)) if len(steps) else 900.0


def to_intervals(
    df: pd.DataFrame,
    meters: dict[str, MeterInfo],
    *,
    file: str,
    force_cumulative: bool,
    last_counter: dict[str, tuple[int, float]],
) -> Intervals:
    """`df` is a validated BMS table (_row, meter, timestamp[, end], value)."""
    out = Intervals(
        pd.DataFrame(columns=["meter_id", "start", "end", "quantity"]),
        pd.DataFrame(columns=["meter_id", "ts", "value"]),
    )
    names = df["meter"].astype(str)
    unknown = sorted(set(names.unique().tolist()) - set(meters))
    for m in unknown:
        rows = df.loc[names == m, "_row"].to_numpy()
        out.problems.append(
            said_problem(
                file,
                int(rows[0]),
                "meter",
                said("detail.unknown_meter", meter=m, count=len(rows)),
                "unknown_meter",
            )
        )
    if out.problems:
        return out
    ts_all = epoch_seconds(df["timestamp"])
    end_all = epoch_seconds(df["end"]) if "end" in df else None
    parts, counter_parts = [], []
    value_all, row_all = df["value"].to_numpy(), df["_row"].to_numpy()  # once, not per meter
    meter = ""
    for key, idx in df.groupby(names, sort=True).indices.items():
        out.note_meters += [meter] * (len(out.notes) - len(out.note_meters))  # the last one's
        meter = str(key)
        info = meters[meter]
        order = idx[np.argsort(ts_all[idx], kind="stable")]
        ts = ts_all[order]
        values = value_all[order]
        rows = row_all[order]
        dup = np.flatnonzero(np.diff(ts) == 0)
        for i in dup:
            out.problems.append(
                said_problem(
                    file,
                    int(rows[i + 1]),
                    "timestamp",
                    said("detail.second_reading", meter=meter, row=int(rows[i])),
                    "duplicate_reading",
                )
            )
        if len(dup):
            continue
        step = _median_step(ts)
        if info.cumulative or force_cumulative:
            part = _cumulative(
                meter, info, ts, values, rows, step, file, out, last_counter.get(meter)
            )
            counter_parts.append(pd.DataFrame({"meter_id": meter, "ts": ts, "value": values}))
        else:
            ends = end_all[order] if end_all is not None else None
            part = _interval(meter, ts, values, rows, ends, step, file, out)
        if part is not None:
            parts.append(part)
    out.note_meters += [meter] * (len(out.notes) - len(out.note_meters))
    if parts:
        out.readings = pd.concat(parts, ignore_index=True)
    if counter_parts:
        out.counters = pd.concat(counter_parts, ignore_index=True)
    return out


def _gap_notes(meter: str, ts: np.ndarray, rows: np.ndarray, step: float, out: Intervals) -> None:
    gaps = np.flatnonzero(np.diff(ts) > GAP_FACTOR * step)
    for i in gaps[:50]:
        out.notes.append(
            f"gap: meter {meter} has no reading for {int(ts[i + 1] - ts[i])} s "
            f"between rows {int(rows[i])} and {int(rows[i + 1])} (not filled)"
        )
    if len(gaps) > 50:
        out.notes.append(f"gap: meter {meter} has {len(gaps) - 50} more gaps")


def _spike_notes(meter: str, delta: np.ndarray, rows: np.ndarray, out: Intervals) -> None:
    positive = delta[delta > 0]
    if not len(positive):
        return
    median = float(np.median(positive))
    spikes = np.flatnonzero(delta > SPIKE_FACTOR * median)
    for i in spikes[:50]:
        out.notes.append(
            f"spike: meter {meter} row {int(rows[i])}: {delta[i]:g} is more than "
            f"{SPIKE_FACTOR:g}× the median interval ({median:g})"
        )


def _interval(
    meter: str,
    ts: np.ndarray,
    values: np.ndarray,
    rows: np.ndarray,
    ends: np.ndarray | None,
    step: float,
    file: str,
    out: Intervals,
) -> pd.DataFrame:
    nxt = np.append(ts[1:], ts[-1] + step)
    regular = (nxt - ts) <= GAP_FACTOR * step
    default_end = np.where(regular, nxt, ts + step).astype(np.int64)
    if ends is not None:
        nat = ends == np.iinfo(np.int64).min
        end = np.where(nat, default_end, ends)
    else:
        end = default_end
    bad = end <= ts
    for i in np.flatnonzero(bad)[:50]:
        out.problems.append(
            said_problem(
                file, int(rows[i]), "end", said("detail.end_not_after"), "end_before_start"
            )
        )
    _gap_notes(meter, ts, rows, step, out)
    _spike_notes(meter, values, rows, out)
    return pd.DataFrame({"meter_id": meter, "start": ts, "end": end, "quantity": values})


def _cumulative(
    meter: str,
    info: MeterInfo,
    ts: np.ndarray,
    values: np.ndarray,
    rows: np.ndarray,
    step: float,
    file: str,
    out: Intervals,
    previous: tuple[int, float] | None,
) -> pd.DataFrame | None:
    if previous is not None and previous[0] < ts[0]:
        ts = np.append(previous[0], ts)
        values = np.append(previous[1], values)
        rows = np.append(0, rows)
    if len(ts) < 2:
        out.notes.append(
            f"meter {meter}: one counter value only; it is the baseline, no interval yet"
        )
        return None
    # differences of counters at the counter's own precision (1024.5 − 1000.1 is 24.4, not
    # 24.4000000000001)
    delta = np.round(np.diff(values), decimals_of(values))
    positive = delta[delta >= 0]
    median = float(np.median(positive)) if len(positive) else 0.0
    quantity = delta.copy()
    for i in np.flatnonzero(delta < 0):
        before, after = values[i], values[i + 1]
        row = int(rows[i + 1])
        wrapped = round(after + (info.rollover or 0.0) - before, decimals_of(values))
        plausible = SPIKE_FACTOR * median if median > 0 else (info.rollover or 0.0)
        if info.rollover and 0 <= wrapped <= plausible:
            quantity[i] = wrapped
            out.notes.append(
                f"rollover: meter {meter} row {row}: counter wrapped at "
                f"{info.rollover:g} ({before:g} -> {after:g}), counted {wrapped:g}"
            )
        elif after <= RESET_FACTOR * max(median, 0.0) or after == 0:
            quantity[i] = after
            out.notes.append(
                f"reset: meter {meter} row {row}: counter restarted ({before:g} -> "
                f"{after:g}), counted {after:g} since the reset"
            )
        else:
            out.problems.append(
                said_problem(
                    file,
                    row,
                    "value",
                    said(
                        "detail.meter_backwards",
                        meter=meter,
                        after=after,
                        before=before,
                        row=int(rows[i]),
                    ),
                    "meter_backwards",
                )
            )
    _gap_notes(meter, ts, rows, step, out)
    _spike_notes(meter, quantity, rows[1:], out)
    return pd.DataFrame({"meter_id": meter, "start": ts[:-1], "end": ts[1:], "quantity": quantity})
