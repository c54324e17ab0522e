"""What the ledger commands do: each is one transaction with one audit entry."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc.blocks import overlapping_claims
from carbonexpo.errors import (
    ClaimRefused,
    InputError,
    LedgerError,
    Problem,
    raise_if,
    said_problem,
)
from carbonexpo.identifiers import id_key
from carbonexpo.io.schema import BMS_EXPORT, CARRIERS, ENERGY_ONLY_CARRIERS
from carbonexpo.io.streamed import large
from carbonexpo.io.table_stream import NotStreamable, batches
from carbonexpo.io.tables import file_sha256, read_table
from carbonexpo.ledger.bms import MeterInfo, to_intervals
from carbonexpo.ledger.store import Ledger, lines_digest
from carbonexpo.numbers import round_sig
from carbonexpo.units import ENERGY, MASS, VOLUME, UnitProblem, has_dimension
from carbonexpo.words import said

CHUNK = 100_000


def add_meter(
    ledger: Ledger,
    meter_id: str,
    *,
    carrier: str,
    unit: str,
    hall: str | None,
    cumulative: bool,
    rollover: float | None,
) -> None:
    """Register one meter (its carrier, unit, hall; cumulative readings roll over at
    `rollover`); LedgerError when the settings do not fit together."""
    if problem := meter_problem(carrier, unit, cumulative, rollover):
        raise LedgerError(problem[1])

    def command() -> None:
        with ledger.transaction():
            if ledger.conn.execute("SELECT 1 FROM meters WHERE id = ?", (meter_id,)).fetchone():
                raise LedgerError(f"meter {meter_id!r} already exists")
            seq = ledger.next_seq()
            ledger.conn.execute(
                "INSERT INTO meters VALUES (?, ?, ?, ?, ?, ?, ?)",
                (meter_id, carrier, unit, hall, int(cumulative), rollover, seq),
            )
            ledger.record("meter_add", {"meter": meter_id}, ("meters",))

    ledger.atomic(command)


def meter_problem(
    carrier: str, unit: str, cumulative: bool, rollover: float | None
) -> tuple[str, str, str] | None:
    """(column, message, problem code) of the first thing wrong with a meter, or None."""
    if carrier not in CARRIERS:
        return (
            "carrier",
            f"unknown carrier {carrier!r} (allowed: {', '.join(CARRIERS)})",
            "unknown_value",
        )
    try:
        dims = (ENERGY,) if carrier in ENERGY_ONLY_CARRIERS else (ENERGY, VOLUME, MASS)
        if not has_dimension(unit, *dims):
            return (
                "unit",
                f"unit {unit!r} has the wrong dimension for {carrier}",
                "wrong_dimension",
            )
    except UnitProblem as exc:
        return "unit", str(exc), "unknown_unit"
    if rollover is not None and (not cumulative or rollover <= 0):
        return "rollover", "a rollover needs a cumulative meter and a value > 0", "range"
    return None


METER_COLUMNS = ("meter", "carrier", "unit", "hall", "cumulative", "rollover")
TRUE = frozenset({"1", "true", "yes", "y", "cumulative", "是"})


def add_meters_from(ledger: Ledger, path: Path) -> int:
    """Add every meter of a CSV (meter, carrier, unit[, hall, cumulative, rollover]) in one
    transaction; every bad row is reported as FILE:ROW:COLUMN and nothing is added."""
    from carbonexpo.io.normalise import choice

    file = path.name
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.columns = [str(c).strip().lower() for c in table.columns]
    problems = [
        said_problem(file, 1, c, said("detail.missing_column", column=c), "missing_column")
        for c in ("meter", "carrier", "unit")
        if c not in table
    ]
    problems += [
        said_problem(
            file,
            1,
            c,
            said("detail.unknown_column", name=c, expected=", ".join(METER_COLUMNS), hint=""),
            "unknown_column",
        )
        for c in table.columns
        if c not in METER_COLUMNS
    ]
    raise_if(problems)
    existing = {r[0] for r in ledger.conn.execute("SELECT id FROM meters")}
    rows = []
    for i, rec in enumerate(table.to_dict("records")):  # a few hundred meters at most
        row = i + 2
        meter = str(rec["meter"]).strip()
        carrier = choice("carrier", str(rec["carrier"]), CARRIERS)[0] or str(rec["carrier"])
        cumulative = str(rec.get("cumulative", "")).strip().lower() in TRUE
        text = str(rec.get("rollover", "")).strip()
        try:
            rollover = float(text) if text else None
        except ValueError:
            problems.append(
                said_problem(
                    file,
                    row,
                    "rollover",
                    said("detail.not_a_number_text", text=text),
                    "not_numeric",
                )
            )
            continue
        if not meter:
            problems.append(said_problem(file, row, "meter", said("detail.empty"), "empty"))
        elif meter in existing:
            problems.append(
                said_problem(
                    file, row, "meter", said("detail.meter_exists", meter=meter), "duplicate"
                )
            )
        if bad := meter_problem(carrier, str(rec["unit"]).strip(), cumulative, rollover):
            problems.append(Problem(file, row, *bad))
        existing.add(meter)
        hall = str(rec.get("hall", "")).strip() or None
        rows.append((meter, carrier, str(rec["unit"]).strip(), hall, int(cumulative), rollover))
    raise_if(problems)

    def command() -> None:
        with ledger.transaction():
            seq = ledger.next_seq()
            ledger.conn.executemany(
                "INSERT INTO meters VALUES (?, ?, ?, ?, ?, ?, ?)", [(*r, seq) for r in rows]
            )
            ledger.record("meter_add", {"meters": len(rows), "file": file}, ("meters",))

    ledger.atomic(command)
    return len(rows)


def meters(ledger: Ledger) -> pd.DataFrame:
    """The ledger's meters with their settings and how many readings each holds."""
    return ledger.frame(
        "SELECT m.id, m.carrier, m.unit, m.hall, m.cumulative, m.rollover, "
        "COUNT(r.start) AS readings FROM meters m LEFT JOIN readings r "
        "ON r.meter_id = m.id GROUP BY m.id ORDER BY m.id"
    )


def _meter_infos(ledger: Ledger) -> dict[str, MeterInfo]:
    rows = ledger.conn.execute("SELECT id, carrier, unit, hall, cumulative, rollover FROM meters")
    return {r[0]: MeterInfo(r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows}


def import_file(
    ledger: Ledger,
    path: Path,
    *,
    force_cumulative: bool = False,
    progress: Callable[[int], None] | None = None,
    rename: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Import a BMS export; the same file twice adds nothing. Returns a summary."""
    sha = file_sha256(path)
    if ledger.conn.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha,)).fetchone():
        return {"file": path.name, "added": 0, "already_imported": True, "notes": []}
    if large(path):
        infos = _meter_infos(ledger)

        def streamed() -> dict[str, Any]:
            with ledger.transaction():
                if ledger.conn.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha,)).fetchone():
                    return {"file": path.name, "added": 0, "already_imported": True, "notes": []}
                return _import_streamed(
                    ledger, path, sha, infos, force_cumulative, progress, rename
                )

        with contextlib.suppress(NotStreamable):  # rolled back; read whole: it names why
            return ledger.atomic(streamed)
    table, problems = read_table(path, BMS_EXPORT, path.name, ledger.timezone, rename)
    raise_if(problems)
    assert table is not None
    infos = _meter_infos(ledger)

    def command() -> dict[str, Any]:
        with ledger.transaction():
            # again inside the transaction: a concurrent import of the same file may have won
            if ledger.conn.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha,)).fetchone():
                return {"file": path.name, "added": 0, "already_imported": True, "notes": []}
            return _import(ledger, table, path, sha, infos, force_cumulative, progress)

    return ledger.atomic(command)


class RowBatches:
    """The readings as (meter id, start, end, quantity) tuples, made CHUNK rows at a time
    from the columns: ten million rows are never ten million tuples at once (3.6 GB)."""

    def __init__(self, readings: pd.DataFrame):
        codes, uniques = pd.factorize(readings["meter_id"])
        self.codes = np.asarray(codes)
        self.ids = np.array([str(u) for u in uniques], dtype=object)
        self.start = readings["start"].to_numpy(dtype=np.int64)
        self.end = readings["end"].to_numpy(dtype=np.int64)
        self.quantity = readings["quantity"].to_numpy(dtype=np.float64)

    def __len__(self) -> int:
        return len(self.codes)

    def sorted_order(self) -> np.ndarray:
        """Rows in the order Python sorts their tuples (ids as text, then the numbers)."""
        rank = np.empty(len(self.ids), dtype=np.int64)
        rank[np.argsort(self.ids, kind="stable")] = np.arange(len(self.ids))
        return np.lexsort((self.quantity, self.end, self.start, rank[self.codes]))

    def batches(
        self, order: np.ndarray | None = None
    ) -> Iterator[list[tuple[str, int, int, float]]]:
        for i in range(0, len(self), CHUNK):
            sel = slice(i, i + CHUNK) if order is None else order[i : i + CHUNK]
            yield list(
                zip(
                    self.ids[self.codes[sel]].tolist(),
                    self.start[sel].tolist(),
                    self.end[sel].tolist(),
                    self.quantity[sel].tolist(),
                    strict=True,
                )
            )


def _import(
    ledger: Ledger,
    table: Any,
    path: Path,
    sha: str,
    infos: dict[str, MeterInfo],
    force_cumulative: bool,
    progress: Callable[[int], None] | None,
) -> dict[str, Any]:
    last = _last_counters(ledger)
    result = to_intervals(
        table.df, infos, file=path.name, force_cumulative=force_cumulative, last_counter=last
    )
    raise_if(result.problems)
    readings = result.readings
    _check_overlaps(ledger, readings, path.name)
    seq = ledger.next_seq()
    rows = RowBatches(readings)
    added = _insert_readings(ledger, rows, seq, progress)
    known: dict[str, str] = {}
    if added == len(rows):  # every row landed: the stored rows of this entry are `rows`
        # ORDER BY meter_id, start (then end, quantity: as Python sorts the tuples)
        digest = lines_digest("readings", rows.batches(rows.sorted_order()))
        if digest is not None:
            known["readings"] = digest
    _insert_counters(ledger, result.counters, seq)
    ledger.conn.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?)", (sha, path.name, table.rows, seq)
    )
    ledger.record(
        "import",
        {
            "file": path.name,
            "sha256": sha,
            "rows": table.rows,
            "intervals_added": added,
            "notes": result.notes[:200],
        },
        ("imports", "readings", "counters"),
        known,
    )
    return {
        "file": path.name,
        "added": added,
        "ignored": len(readings) - added,
        "already_imported": False,
        "notes": result.notes,
    }


def _import_streamed(
    ledger: Ledger,
    path: Path,
    sha: str,
    infos: dict[str, MeterInfo],
    force_cumulative: bool,
    progress: Callable[[int], None] | None,
    rename: dict[str, str] | None,
) -> dict[str, Any]:
    """A large export imported batch by batch (io.table_stream): each meter's run of rows,
    once complete, turned into intervals, checked against the stored ones and inserted; the
    entry's digest read back from the database. An export whose meters are not in runs (a
    meter's rows apart), or any problem, raises NotStreamable: the caller's transaction rolls
    back and the whole read names every problem as for a small file. Notes come in the whole
    read's order (by meter)."""
    last = _last_counters(ledger)
    seq = ledger.next_seq()
    done: set[str] = set()
    carry: pd.DataFrame | None = None
    notes: list[tuple[str, int, str]] = []  # (meter, order said, note)
    added = intervals = rows = 0

    def complete(df: pd.DataFrame) -> None:
        nonlocal added, intervals
        result = to_intervals(
            df, infos, file=path.name, force_cumulative=force_cumulative, last_counter=last
        )
        if result.problems:
            raise NotStreamable("problem")
        notes.extend(
            (m, len(notes) + i, n)
            for i, (m, n) in enumerate(zip(result.note_meters, result.notes, strict=True))
        )
        readings = result.readings
        try:
            _check_overlaps(ledger, readings, path.name)
        except InputError:
            raise NotStreamable("overlap") from None
        batches = RowBatches(readings)
        added += _insert_readings(ledger, batches, seq)
        intervals += len(batches)
        _insert_counters(ledger, result.counters, seq)

    carried = ""  # the meter of `carry`: the batch's last run, which the next may continue
    for batch in batches(path, BMS_EXPORT, path.name, ledger.timezone, [], rename=rename):
        df = batch.df.assign(meter=batch.df["meter"].astype(str))
        rows += len(df)
        names = df["meter"].to_numpy()
        starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
        runs = names[starts].tolist()
        continuing = carry is not None and runs[0] == carried
        if carry is not None and not continuing:
            complete(carry)
            done.add(carried)
            carry = None
        if len(set(runs)) < len(runs) or done.intersection(runs):
            raise NotStreamable("meters apart")  # a meter's rows in two places
        head, tail = df.iloc[: starts[-1]], df.iloc[starts[-1] :]
        if carry is not None and len(runs) == 1:
            carry = pd.concat([carry, tail], ignore_index=True)
        else:
            if carry is not None:
                head = pd.concat([carry, head], ignore_index=True)
            if len(head):
                complete(head)
            carry = tail
        done.update(runs[:-1])
        carried = runs[-1]
        if progress:
            progress(len(df))
    if carry is not None:
        complete(carry)
    ledger.conn.execute("INSERT INTO imports VALUES (?, ?, ?, ?)", (sha, path.name, rows, seq))
    said = [n for _, _, n in sorted(notes)]
    ledger.record(
        "import",
        {
            "file": path.name,
            "sha256": sha,
            "rows": rows,
            "intervals_added": added,
            "notes": said[:200],
        },
        ("imports", "readings", "counters"),
    )
    return {
        "file": path.name,
        "added": added,
        "ignored": intervals - added,
        "already_imported": False,
        "notes": said,
    }


def _last_counters(ledger: Ledger) -> dict[str, tuple[int, float]]:
    """Each cumulative meter's latest stored counter value (its baseline for the next)."""
    return {
        m: tuple(r)
        for m, *r in ledger.conn.execute(
            "SELECT c.meter_id, c.ts, c.value FROM counters c JOIN (SELECT meter_id, "
            "MAX(ts) AS ts FROM counters GROUP BY meter_id) x "
            "ON c.meter_id = x.meter_id AND c.ts = x.ts"
        )
    }


def _insert_readings(
    ledger: Ledger, rows: RowBatches, seq: int, progress: Callable[[int], None] | None = None
) -> int:
    """Insert the intervals CHUNK at a time (a reading already stored is left); the number
    that landed."""
    added = 0
    for batch in rows.batches():
        added += ledger.conn.bulk_insert("readings", 'meter_id, start, "end", quantity', batch, seq)
        if progress:
            progress(len(batch))
    return added


def _insert_counters(ledger: Ledger, counters: pd.DataFrame, seq: int) -> None:
    if len(counters):
        ledger.conn.bulk_insert(
            "counters",
            "meter_id, ts, value",
            list(
                zip(
                    counters["meter_id"].astype(str).tolist(),
                    counters["ts"].astype(np.int64).tolist(),
                    counters["value"].astype(float).tolist(),
                    strict=True,
                )
            ),
            seq,
        )


def _check_overlaps(ledger: Ledger, readings: pd.DataFrame, file: str) -> None:
    """New intervals must not overlap stored ones of the same meter (an identical start is
    the same interval, ignored)."""
    problems = []
    for meter, part in readings.groupby("meter_id", sort=True):
        lo, hi = int(part["start"].min()), int(part["end"].max())
        # a plain cursor (an indexed range read): pandas' read_sql_query cost ~0.4 ms a meter
        found = ledger.conn.execute(
            'SELECT start, "end" FROM readings WHERE meter_id = ? AND start < ? AND "end" > ? '
            "ORDER BY start",
            (meter, hi, lo),
        ).fetchall()
        if not found:
            continue
        stored = np.array(found, dtype=np.int64)
        starts, ends = stored[:, 0], stored[:, 1]
        new = part.sort_values("start")
        pos = np.searchsorted(starts, new["start"].to_numpy(), side="right")
        prev_end = np.where(pos > 0, ends[np.maximum(pos - 1, 0)], -1)
        prev_start = np.where(pos > 0, starts[np.maximum(pos - 1, 0)], -1)
        nxt_start = np.where(
            pos < len(stored), starts[np.minimum(pos, len(stored) - 1)], np.iinfo(np.int64).max
        )
        same = prev_start == new["start"].to_numpy()
        clash = ~same & ((prev_end > new["start"].to_numpy()) | (nxt_start < new["end"].to_numpy()))
        if clash.any():
            first = dt.datetime.fromtimestamp(int(new["start"].to_numpy()[clash][0]), dt.UTC)
            when = first.strftime("%Y-%m-%d %H:%M")
            problems.append(
                said_problem(
                    file,
                    0,
                    "timestamp",
                    said("detail.ledger_overlap", meter=meter, count=int(clash.sum()), when=when),
                    "overlap_ledger",
                )
            )
    raise_if(problems)


def export_energy(ledger: Ledger, folder: Path, *, force: bool = False) -> Path:
    """Write FOLDER/energy.csv for the event's reporting period from stored readings."""
    from carbonexpo.io.event import load_config
    from carbonexpo.io.writers import write_atomic

    config, problems = load_config(folder / "event.yaml")
    raise_if(problems)
    assert config is not None
    target = folder / "energy.csv"
    if target.exists() and not force:
        raise LedgerError(f"{target} exists; pass --force to replace it")
    tz = config.timezone
    lo, hi = config.period_epoch()
    df = ledger.frame(
        'SELECT r.meter_id AS meter, m.carrier, r.start, r."end", r.quantity, m.unit, m.hall '
        'FROM readings r JOIN meters m ON m.id = r.meter_id WHERE r.start >= ? AND r."end" <= ? '
        "ORDER BY r.meter_id, r.start",
        (lo, hi),
    )
    if df.empty:
        raise LedgerError(
            f"no readings in the reporting period {config.phases.start} – {config.phases.end}"
        )
    for col in ("start", "end"):
        local = pd.to_datetime(df[col], unit="s", utc=True).dt.tz_convert(tz)
        df[col] = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
    df["phase"] = ""
    df["quantity"] = round_sig(df["quantity"].to_numpy(dtype=np.float64))
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(df, preserve_index=False)  # floats in shortest round-trip form
    write_atomic(
        target, lambda p: pacsv.write_csv(table, p, pacsv.WriteOptions(quoting_style="needed"))
    )
    return target


def claim_event(ledger: Ledger, folder: Path) -> dict[str, int]:
    """Record the event's applied green-power blocks and eligible credit blocks; refuse the
    whole claim when any block of the event overlaps a block claimed by another event."""
    from carbonexpo.calc.calculate import calculate
    from carbonexpo.io.event import read_event

    data = read_event(folder)
    event_id = data.config.id
    blocks = []
    if gp := data.tables.get("green_power"):
        df = gp.df
        if "serial_prefix" in df:
            df = df[df["serial_prefix"].notna()]
            blocks += [
                ("green_power", str(p), int(f), int(la), str(i), r)
                for p, f, la, i, r in zip(
                    df["serial_prefix"],
                    df["first"],
                    df["last"],
                    df["instrument_id"],
                    df["_row"],
                    strict=True,
                )
            ]
    if cr := data.tables.get("credits"):
        df = cr.df
        if "first" in df:  # a forestry sink without serials has no block to claim
            df = df[df["first"].notna() & df["last"].notna()]
        else:
            df = df.iloc[0:0]
        blocks += [
            ("credit", str(p), int(f), int(la), f"{g} {pid}", r)
            for p, f, la, g, pid, r in zip(
                df["serial_prefix"],
                df["first"],
                df["last"],
                df["registry"],
                df["project_id"],
                df["_row"],
                strict=True,
            )
        ]

    def command() -> tuple[int, int]:
        with ledger.transaction():
            claims = ledger.claims_frame()
            calc = calculate(data, claims=claims)
            clashes = _clashes(claims, blocks, event_id)
            if clashes:
                raise ClaimRefused("claim refused: " + "; ".join(clashes))
            gp = calc.green_power.instruments
            applied = set(
                gp.loc[(gp["status"] == "applied") & (gp["mwh_applied"] > 0), "instrument_id"]
            )
            eligible = calc.offsets.credits[calc.offsets.credits["status"] == "eligible"]
            eligible_keys = set(zip(eligible["serial_prefix"], eligible["first"], strict=True))
            chosen = [
                b
                for b in blocks
                if (b[0] == "green_power" and b[4] in applied)
                or (b[0] == "credit" and (b[1], b[2]) in eligible_keys)
            ]
            mine = claims[claims["event_id"] == event_id]
            have = set(zip(mine["kind"], mine["prefix"], mine["first"], mine["last"], strict=True))
            new = [b for b in chosen if (b[0], b[1], b[2], b[3]) not in have]
            seq = ledger.next_seq()
            ledger.conn.executemany(
                "INSERT INTO claims (kind, prefix, first, last, event_id, detail, audit_seq, "
                "prefix_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(k, p, f, la, event_id, d, seq, id_key(p)) for k, p, f, la, d, _ in new],
            )
            ledger.record("claim", {"event": event_id, "blocks": len(new)}, ("claims",))
            return len(new), len(chosen)

    claimed, chosen = ledger.atomic(command)
    return {
        "claimed": claimed,
        "already": chosen - claimed,
        "not_claimable": len(blocks) - chosen,
    }


def _clashes(claims: pd.DataFrame, blocks: list[tuple], event_id: str) -> list[str]:
    """Every block of the event that overlaps another event's claim (calc.blocks' rule)."""
    frame = pd.DataFrame(
        blocks, columns=["kind", "serial_prefix", "first", "last", "detail", "row"]
    )
    out: list[str] = []
    for kind, file in (("green_power", "green_power.csv"), ("credit", "credits.csv")):
        mine = frame[frame["kind"] == kind]
        hit = overlapping_claims(mine, claims, kind=kind, event_id=event_id)
        named = mine.loc[hit.index].join(hit)  # the clashes only, to be named
        for b in named.to_dict("records"):
            out.append(
                f"{file} row {b['row']} ({b['serial_prefix']} {b['first']}–{b['last']}) "
                f"overlaps block {b['first_claimed']}–{b['last_claimed']} claimed by event "
                f"{b['event_id']!r}"
            )
    return out


# what a migration copies, in the order foreign keys need (every column but claims' id)
MIGRATED = {
    "audit": "seq, ts, action, payload, prev_hash, hash",
    "meters": "id, carrier, unit, hall, cumulative, rollover, audit_seq",
    "imports": "sha256, file, rows, audit_seq",
    "readings": 'meter_id, start, "end", quantity, audit_seq',
    "counters": "meter_id, ts, value, audit_seq",
    "claims": "kind, prefix, first, last, event_id, detail, audit_seq, prefix_key",
}


def migrate(source: Ledger, target: Ledger) -> dict[str, int]:
    """Copy every entry and row of `source` into the new, empty `target` in one transaction;
    both must then verify (the audit chain is copied, not rebuilt)."""
    if (
        target.has_table("audit")
        and target.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    ):
        raise LedgerError(f"{target.name} already holds a ledger: migrate into an empty one")
    if (broken := source.verify()) is not None:
        raise LedgerError(
            f"{source.name} does not verify (entry {broken.seq}: {broken.why}): not copied"
        )
    target._create(source.timezone, audit=False, mark=False)
    counts: dict[str, int] = {}
    with target.transaction():  # the copy, and last of all the mark of a whole ledger
        for table, columns in MIGRATED.items():
            cursor = source.conn.execute(
                f"SELECT {columns} FROM {table} ORDER BY {ORDER_OF[table]}"  # noqa: S608
            )
            n = 0
            while batch := cursor.fetchmany(CHUNK):
                target.conn.copy_rows(table, columns, [tuple(r) for r in batch])
                n += len(batch)
            counts[table] = n
        target.mark(source.timezone)
    if (broken := target.verify()) is not None:
        raise LedgerError(f"{target.name}: the copy does not verify ({broken.why})")
    return counts


ORDER_OF = {
    "audit": "seq",
    "meters": "id",
    "imports": "sha256",
    "readings": "meter_id, start",
    "counters": "meter_id, ts",
    "claims": "kind, prefix, first",
}
