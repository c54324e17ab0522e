"""The venue ledger on both backends — a real SQLite file and a real PostgreSQL server
(tests/pg_server.py): idempotent imports, crash safety, concurrency, cross-event claims,
tamper detection, counters with rollover and reset."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, ROOT, make_event, run_cli
from tests.pg_server import pg_server  # noqa: F401  (the PostgreSQL fixture)

BMS = (
    "meter,timestamp,value\n"
    "E1,2024-11-26T08:00,10\nE1,2024-11-26T08:15,12\nE1,2024-11-26T08:30,11\n"
    "G1,2024-11-26T08:00,9990\nG1,2024-11-26T09:00,9995\nG1,2024-11-26T10:00,3\n"
    "G1,2024-11-26T11:00,8\nG1,2024-11-26T12:00,1\n"
)


def ledger(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return run_cli("ledger", *args, "--db", str(db))


def started(*args: str, db: str) -> subprocess.Popen[str]:
    """`carbonexpo ledger ARGS --db DB` running in a process of its own (output captured)."""
    return subprocess.Popen(
        [sys.executable, "-m", "carbonexpo", "ledger", *args, "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def is_pg(db: str | Path) -> bool:
    return str(db).startswith("postgresql://")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path: Path) -> str:
    """Where a new ledger goes: an SQLite file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "venue.db")
    from tests.pg_server import new_database

    return new_database(request.getfixturevalue("pg_server"))


class Raw:
    """A plain DB-API connection to the ledger's database, for looking behind its back."""

    def __init__(self, db: str):
        self.pg = is_pg(db)
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(db, autocommit=True)
        else:
            self.conn = sqlite3.connect(db, isolation_level=None)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql, params or None) if self.pg else self.conn.execute(sql, params)

    def allow_edits(self, table: str) -> None:
        if self.pg:
            self.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        else:
            self.execute(f"DROP TRIGGER {table}_no_update")

    def close(self) -> None:
        self.conn.close()


def query(db: str, sql: str) -> list[tuple[Any, ...]]:
    raw = Raw(db)
    try:
        return [tuple(r) for r in raw.execute(sql).fetchall()]
    finally:
        raw.close()


@pytest.fixture
def db(empty: str) -> str:
    path = empty
    assert ledger("init", "--timezone", "Asia/Shanghai", db=path).returncode == 0
    assert (
        ledger(
            "meters",
            "add",
            "E1",
            "--carrier",
            "electricity",
            "--unit",
            "kWh",
            "--hall",
            "A",
            db=path,
        ).returncode
        == 0
    )
    assert (
        ledger(
            "meters",
            "add",
            "G1",
            "--carrier",
            "natural_gas",
            "--unit",
            "m3",
            "--cumulative",
            "--rollover",
            "10000",
            db=path,
        ).returncode
        == 0
    )
    return path


def content(db: str) -> str:
    h = hashlib.sha256()
    for table in ("meters", "readings", "counters", "claims", "imports", "audit"):
        for row in query(db, f"SELECT * FROM {table} ORDER BY 1, 2"):
            h.update(repr(row).encode())
    return h.hexdigest()


def integrity(db: str) -> str:
    if is_pg(db):  # the server keeps its own consistency: it must answer
        return "ok" if query(db, "SELECT 1") == [(1,)] else "no answer"
    return str(query(db, "PRAGMA integrity_check")[0][0])


def test_import_is_idempotent_and_counters_come_out_right(db, tmp_path) -> None:
    f = tmp_path / "bms.csv"
    f.write_text(BMS, encoding="utf-8")
    r = ledger("import", str(f), db=db)
    assert r.returncode == 0, r.stderr
    assert "rollover: meter G1 row 7: counter wrapped at 10000 (9995 -> 3), counted 8" in r.stdout
    assert (
        "reset: meter G1 row 9: counter restarted (8 -> 1), counted 1 since the reset" in r.stdout
    )
    before = content(db)
    r = ledger("import", str(f), db=db)
    assert "already imported, nothing added" in r.stdout
    assert content(db) == before
    g1 = query(db, "SELECT quantity FROM readings WHERE meter_id = 'G1' ORDER BY start")
    assert [q for (q,) in g1] == [5.0, 8.0, 5.0, 1.0]


def test_same_rows_in_another_file_add_nothing(db, tmp_path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(BMS, encoding="utf-8")
    b.write_text(
        BMS.replace("meter,timestamp,value\n", "meter,timestamp,value\n") + "\n", encoding="utf-8"
    )
    assert ledger("import", str(a), db=db).returncode == 0
    r = ledger("import", str(b), db=db)
    assert r.returncode == 0, r.stderr
    assert "0 interval(s) added" in r.stdout


def test_meter_running_backwards_is_bad_input(db, tmp_path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "meter,timestamp,value\nG1,2024-11-26T08:00,5000\nG1,2024-11-26T09:00,5010\n"
        "G1,2024-11-26T10:00,4000\n",
        encoding="utf-8",
    )
    before = content(db)
    r = ledger("import", str(f), db=db)
    assert r.returncode == 2
    assert "bad.csv:4:value: meter G1 runs backwards: 4000 after 5010 (row 3)" in r.stderr
    assert content(db) == before


def test_unknown_meter_and_gaps(db, tmp_path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("meter,timestamp,value\nX9,2024-11-26T08:00,1\n", encoding="utf-8")
    r = ledger("import", str(f), db=db)
    assert r.returncode == 2 and "u.csv:2:meter: unknown meter 'X9'" in r.stderr


def big_export(path: Path, meters: int, per_meter: int) -> None:
    start = np.datetime64("2024-11-21T00:00")
    rows = meters * per_meter
    idx = np.arange(rows)
    ts = start + (idx % per_meter) * np.timedelta64(15, "m")
    pd.DataFrame(
        {
            "meter": np.char.add("B", (idx // per_meter).astype(str)),
            "timestamp": np.datetime_as_string(ts, unit="m"),
            "value": np.round(np.random.default_rng(1).uniform(1, 50, rows), 2),
        }
    ).to_csv(path, index=False)


def add_meters(db: str, names: list[str]) -> None:
    code = (  # quick setup through the library
        "import sys; from carbonexpo.ledger.store import Ledger;"
        "from carbonexpo.ledger.operations import add_meter\n"
        "with Ledger.open(sys.argv[1]) as s:\n"
        " [add_meter(s, m, carrier='electricity', unit='kWh', hall=None, cumulative=False,"
        " rollover=None) for m in sys.argv[2:]]"
    )
    subprocess.run([sys.executable, "-c", code, str(db), *names], check=True, cwd=ROOT)


def writing_readings(db: str) -> bool:
    if is_pg(db):
        return bool(
            query(
                db,
                "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND "
                "(query LIKE 'COPY stage_readings%' OR query LIKE 'INSERT INTO readings%')",
            )
        )
    wal = Path(db + "-wal")
    return wal.exists() and wal.stat().st_size > 2_000_000


def test_killed_import_leaves_the_database_as_before(db, tmp_path) -> None:
    add_meters(db, [f"B{i}" for i in range(80)])
    f = tmp_path / "big.csv"
    big_export(f, 80, 5000)  # 400,000 readings
    before = content(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbonexpo", "ledger", "import", str(f), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if writing_readings(db):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert integrity(db) == "ok"
    assert content(db) == before
    assert ledger("verify", db=db).returncode == 0


def test_two_concurrent_importers_lose_no_row(db, tmp_path) -> None:
    add_meters(db, [f"B{i}" for i in range(20)])
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    big_export(a, 10, 3000)
    frame = pd.read_csv(a)
    frame["meter"] = frame["meter"].str.replace("B", "B1", n=1)  # B0..B9 -> B10..B19
    frame.to_csv(b, index=False)
    procs = [started("import", str(p), db=db) for p in (a, b)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert query(db, "SELECT COUNT(*) FROM readings") == [(60_000,)]
    assert ledger("verify", db=db).returncode == 0


def test_editing_a_row_behind_the_ledgers_back_fails_verify(db, tmp_path) -> None:
    f = tmp_path / "bms.csv"
    f.write_text(BMS, encoding="utf-8")
    assert ledger("import", str(f), db=db).returncode == 0
    assert ledger("verify", db=db).returncode == 0
    raw = Raw(db)
    seq = raw.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
    raw.allow_edits("readings")
    raw.execute("UPDATE readings SET quantity = quantity * 0.5 WHERE meter_id = 'E1'")
    raw.close()
    r = ledger("verify", db=db)
    assert r.returncode == 1
    assert f"BROKEN at audit entry {seq}: rows of table 'readings'" in r.stderr


def test_editing_the_audit_log_fails_verify(db) -> None:
    raw = Raw(db)
    raw.allow_edits("audit")
    raw.execute('UPDATE audit SET payload = \'{"meter":"E9"}\' WHERE seq = 2')
    raw.close()
    r = ledger("verify", db=db)
    assert r.returncode == 1 and "BROKEN at audit entry 2" in r.stderr


def test_append_only_triggers_refuse_updates(db) -> None:
    raw = Raw(db)
    try:
        for sql in ("DELETE FROM audit", "UPDATE audit SET ts = ts"):
            with pytest.raises(Exception, match="append-only"):
                raw.execute(sql)
        if raw.pg:
            with pytest.raises(Exception, match="append-only"):
                raw.execute("TRUNCATE claims")
    finally:
        raw.close()


def test_claims_across_events(db, tmp_path) -> None:
    r = ledger("claim", str(EXAMPLE), db=db)
    assert r.returncode == 0, r.stderr
    assert "claimed 5 block(s)" in r.stdout  # 2 applied instruments with blocks + 3 credits
    r = ledger("claim", str(EXAMPLE), db=db)  # the same event again: nothing new
    assert "claimed 0 block(s) (5 already claimed" in r.stdout
    other = tmp_path / "other"
    make_event(
        other,
        {"credits": (EXAMPLE / "credits.csv").read_text(encoding="utf-8")},
        (EXAMPLE / "event.yaml")
        .read_text(encoding="utf-8")
        .replace("id: cisce-2024", "id: other-expo"),
    )
    r = ledger("claim", str(other), db=db)
    assert r.returncode == 1
    assert "claimed by event 'cisce-2024'" in r.stderr
    r = run_cli("calc", str(other), "--ledger", str(db), "--json", "-")
    import json

    credits = json.loads(r.stdout)["credits"]
    assert any(
        "already claimed by event 'cisce-2024' in the ledger" in c["reason"] for c in credits
    )
    assert ledger("verify", db=db).returncode == 0


def test_export_energy_round_trip(db, tmp_path) -> None:
    f = tmp_path / "bms.csv"
    f.write_text(BMS, encoding="utf-8")
    assert ledger("import", str(f), db=db).returncode == 0
    folder = make_event(tmp_path / "ev", {}, (EXAMPLE / "event.yaml").read_text(encoding="utf-8"))
    r = run_cli("ledger", "export-energy", "--event", str(folder), "--db", str(db))
    assert r.returncode == 0, r.stderr
    energy = pd.read_csv(folder / "energy.csv")
    assert len(energy) == 7 and energy["start"].iloc[0] == "2024-11-26T08:00:00"
    r = run_cli("calc", str(folder), "--json", "-")
    assert r.returncode == 0, r.stderr
    r = run_cli("ledger", "export-energy", "--event", str(folder), "--db", str(db))
    assert r.returncode == 2 and "--force" in r.stderr


def test_green_power_block_claimed_by_another_event_is_rejected_naming_it(db, tmp_path) -> None:
    import json

    assert ledger("claim", str(EXAMPLE), db=db).returncode == 0
    other = tmp_path / "other"
    make_event(
        other,
        {
            "energy": (EXAMPLE / "energy.csv").read_text(encoding="utf-8"),
            "green_power": (EXAMPLE / "green_power.csv").read_text(encoding="utf-8"),
        },
        (EXAMPLE / "event.yaml")
        .read_text(encoding="utf-8")
        .replace("id: cisce-2024", "id: other-expo")
        .replace("cisce-2024", "other-expo"),
    )
    gp = (other / "green_power.csv").read_text(encoding="utf-8").replace("cisce-2024", "other-expo")
    (other / "green_power.csv").write_text(gp, encoding="utf-8")
    r = run_cli("calc", str(other), "--ledger", str(db), "--json", "-")
    assert r.returncode == 0, r.stderr
    instruments = {i["instrument_id"]: i for i in json.loads(r.stdout)["instruments"]}
    trade = instruments["BJ-GPT-2024-11-0087"]
    assert trade["status"] == "rejected"
    assert trade["reason"] == "serial block already claimed by event 'cisce-2024' in the ledger"
    r = ledger("claim", str(other), db=db)
    assert r.returncode == 1 and "claimed by event 'cisce-2024'" in r.stderr


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=0, max_size=6),
            st.integers(-(2**40), 2**40),
            st.integers(-(2**40), 2**40),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        max_size=30,
    )
)
def test_streamed_digest_is_the_dataframe_digest(rows) -> None:
    """The fast digest of readings (import and verify) hashes the very bytes of the pandas
    CSV digest every older ledger entry was written with, or declines (None)."""
    from carbonexpo.ledger.store import lines_digest, rows_digest

    rows = sorted(rows)
    frame = pd.DataFrame(
        {
            "meter_id": pd.Series([r[0] for r in rows], dtype=object),
            "start": pd.Series([r[1] for r in rows], dtype="int64"),
            "end": pd.Series([r[2] for r in rows], dtype="int64"),
            "quantity": pd.Series([r[3] for r in rows], dtype="float64"),
        }
    )
    fast = lines_digest("readings", [rows[:7], rows[7:]])
    quoted = any(not r[0] or any(c in r[0] for c in ',"\r\n') for r in rows)
    assert fast is None if quoted else fast == rows_digest(frame)


# the same serial prefix as eight people (or one attacker) might write it: each must be read
# as the one prefix it is (issue 31: 7 of 26 variants made a "new" block)
PREFIX_VARIANTS = (
    lambda p: p,
    str.lower,
    lambda p: p.title(),
    lambda p: p.replace("-", "\u2010"),  # Unicode hyphen
    lambda p: p.replace("-", " - ", 1),  # inner spaces
    lambda p: p[:2] + "\u200b" + p[2:],  # a zero-width space
    lambda p: "".join(chr(ord(c) + 0xFEE0) if "A" <= c <= "Z" else c for c in p),  # full-width
    lambda p: p.replace("-", "\uff0d"),  # full-width hyphen-minus
)


def test_eight_processes_claiming_the_same_blocks_one_wins(db, tmp_path) -> None:
    """Eight events hold the same credit blocks, each writing the serial prefixes its own way
    (case, Unicode hyphens, spaces, full-width or invisible characters), and claim at the same
    moment: exactly one claim lands, the seven others are refused naming the winner, and
    nothing is half-written."""
    credits = (EXAMPLE / "credits.csv").read_text(encoding="utf-8")
    yaml = (EXAMPLE / "event.yaml").read_text(encoding="utf-8")
    prefixes = [line.split(",")[3] for line in credits.splitlines()[1:]]
    folders = []
    for i, variant in enumerate(PREFIX_VARIANTS):
        folder = tmp_path / f"ev{i}"
        text = yaml.replace("id: cisce-2024", f"id: expo-{i}")
        mine = credits.replace("cisce-2024", f"expo-{i}")
        for prefix in prefixes:
            mine = mine.replace(f",{prefix},", f",{variant(prefix)},")
        make_event(folder, {"credits": mine}, text)
        folders.append(folder)
    procs = [started("claim", str(f), db=db) for f in folders]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    winners = [i for i, (code, _, _) in enumerate(results) if code == 0]
    assert len(winners) == 1, [r[2][-300:] for r in results]
    winner = f"expo-{winners[0]}"
    for code, _, err in results:
        if code != 0:
            assert code == 1 and f"claimed by event '{winner}'" in err, err[-500:]
    claims = query(db, "SELECT DISTINCT event_id FROM claims")
    assert claims == [(winner,)]
    assert query(db, "SELECT COUNT(*) FROM claims") == [(3,)]  # the three eligible blocks
    assert ledger("verify", db=db).returncode == 0


def test_migrate_copies_a_ledger_that_both_verify(db, tmp_path, request) -> None:
    f = tmp_path / "bms.csv"
    f.write_text(BMS, encoding="utf-8")
    assert ledger("import", str(f), db=db).returncode == 0
    assert ledger("claim", str(EXAMPLE), db=db).returncode == 0
    # across backends: SQLite -> PostgreSQL, PostgreSQL -> SQLite
    if is_pg(db):
        target = str(tmp_path / "copy.db")
    else:
        from tests.pg_server import new_database

        target = new_database(request.getfixturevalue("pg_server"))
    r = run_cli("ledger", "migrate", "--from", str(db), "--to", target)
    assert r.returncode == 0, r.stderr
    assert "both verify" in r.stdout and "password" not in r.stdout
    assert ledger("verify", db=target).returncode == 0
    for sql in (
        "SELECT seq, hash FROM audit ORDER BY seq",
        "SELECT meter_id, start, quantity FROM readings ORDER BY meter_id, start",
        "SELECT kind, prefix, first, last, event_id FROM claims ORDER BY kind, prefix, first",
    ):
        assert query(target, sql) == query(db, sql), sql
    # the copy goes on working: a second claim by another event is refused there too
    r = run_cli("calc", str(EXAMPLE), "--ledger", target, "--json", "-")
    assert r.returncode == 0, r.stderr
    again = run_cli("ledger", "migrate", "--from", str(db), "--to", target)
    assert again.returncode != 0 and "already holds a ledger" in again.stderr


@pytest.mark.parametrize("empty", ["postgresql"], indirect=True)
def test_the_database_itself_refuses_overlapping_claims(db) -> None:
    """PostgreSQL: an exclusion constraint over (kind, canonical prefix key, serial range);
    even a writer that bypasses carbonexpo cannot store a second claim on a serial, nor one
    under a case variant of the prefix, nor one without a key. (SQLite has no exclusion
    constraints: there the ledger checks inside its transaction.)"""
    from carbonexpo.identifiers import id_key

    assert ledger("claim", str(EXAMPLE), db=db).returncode == 0
    raw = Raw(db)
    try:
        prefix, first = raw.execute("SELECT prefix, first FROM claims LIMIT 1").fetchone()
        variant = prefix.lower().replace("-", "\u2010")
        for text, key, wanted in (
            (prefix, id_key(prefix), "claims_key_no_overlap"),
            (variant, id_key(variant), "claims_key_no_overlap"),
            (variant, "", "claims_key_given"),
        ):
            with pytest.raises(Exception, match=wanted):
                raw.execute(
                    "INSERT INTO claims (kind, prefix, first, last, event_id, detail, "
                    "audit_seq, prefix_key) SELECT kind, %s, first + 0, first + 0, 'intruder', "
                    f"'x', audit_seq, %s FROM claims WHERE prefix = %s AND first = {first}",
                    (text, key, prefix),
                )
    finally:
        raw.close()


def test_the_same_file_imported_twice_at_once_lands_once(db, tmp_path) -> None:
    add_meters(db, [f"B{i}" for i in range(10)])
    f = tmp_path / "same.csv"
    big_export(f, 10, 2000)
    procs = [started("import", str(f), db=db) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert query(db, "SELECT COUNT(*) FROM readings") == [(20_000,)]
    assert query(db, "SELECT COUNT(*) FROM imports") == [(1,)]
    assert ledger("verify", db=db).returncode == 0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["M1", "m1", "Ü-2", "A10", "A9", "电表3"]),
            st.integers(0, 5),
            st.integers(0, 5),
            st.floats(0, 10, allow_nan=False),
        ),
        max_size=40,
    )
)
def test_row_batches_come_in_pythons_tuple_order(rows):
    from carbonexpo.ledger import operations

    frame = pd.DataFrame(rows, columns=["meter_id", "start", "end", "quantity"])
    batches = operations.RowBatches(frame)
    streamed = [r for b in batches.batches(batches.sorted_order()) for r in b]
    assert streamed == sorted(rows)
    assert [r for b in batches.batches() for r in b] == rows
