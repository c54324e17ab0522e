"""The venue ledger: meters, readings, serial-block claims and a hash-chained audit log
(spec §7), in one SQLite file or in PostgreSQL (spec §15; ledger.db).

Every command is one transaction (SQLite: BEGIN IMMEDIATE, writers queue behind each other,
readers go on; WAL journal, foreign keys on, a busy timeout. PostgreSQL: SERIALIZABLE, retried
when it loses a race). Each audit entry carries the digest of the rows its change wrote, and the
hash of the previous entry, so that `verify` notices both an edited log and a row edited behind
the ledger's back. In PostgreSQL the database itself refuses overlapping claims (an exclusion
constraint over serial ranges) and any UPDATE, DELETE or TRUNCATE of the append-only tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from carbonexpo.errors import LedgerError
from carbonexpo.identifiers import id_key
from carbonexpo.ledger.db import Database, Retry, connect, display_name, is_postgres

T = TypeVar("T")

SCHEMA_VERSION = "2"  # 2: claims carry prefix_key (identifiers.id_key), constrained on it
GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS meters (
    id TEXT PRIMARY KEY, carrier TEXT NOT NULL, unit TEXT NOT NULL, hall TEXT,
    cumulative INTEGER NOT NULL CHECK (cumulative IN (0, 1)), rollover REAL,
    audit_seq INTEGER NOT NULL REFERENCES audit(seq));
CREATE TABLE IF NOT EXISTS imports (
    sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL REFERENCES audit(seq));
CREATE TABLE IF NOT EXISTS readings (
    meter_id TEXT NOT NULL REFERENCES meters(id), start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    quantity REAL NOT NULL, audit_seq INTEGER NOT NULL REFERENCES audit(seq),
    PRIMARY KEY (meter_id, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (
    meter_id TEXT NOT NULL REFERENCES meters(id), ts INTEGER NOT NULL, value REAL NOT NULL,
    audit_seq INTEGER NOT NULL REFERENCES audit(seq),
    PRIMARY KEY (meter_id, ts)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('green_power', 'credit')),
    prefix TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL CHECK (last >= first),
    event_id TEXT NOT NULL, detail TEXT NOT NULL,
    audit_seq INTEGER NOT NULL REFERENCES audit(seq), prefix_key TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS claims_key ON claims (kind, prefix_key, first);
"""
PG_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY,
    ts TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS meters (
    id TEXT PRIMARY KEY, carrier TEXT NOT NULL, unit TEXT NOT NULL, hall TEXT,
    cumulative INTEGER NOT NULL CHECK (cumulative IN (0, 1)), rollover DOUBLE PRECISION,
    audit_seq BIGINT NOT NULL REFERENCES audit(seq) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE IF NOT EXISTS imports (
    sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, rows BIGINT NOT NULL,
    audit_seq BIGINT NOT NULL REFERENCES audit(seq) DEFERRABLE INITIALLY DEFERRED);
-- readings and counters (millions of rows) carry no foreign keys here: two per-row checks
-- took 7 of 10.6 s of a 1 M-reading import. The import admits known meters only, and
-- `verify` refuses rows of a missing audit entry or of an unknown meter.
CREATE TABLE IF NOT EXISTS readings (
    meter_id TEXT NOT NULL, start BIGINT NOT NULL, "end" BIGINT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL, audit_seq BIGINT NOT NULL,
    PRIMARY KEY (meter_id, start));
CREATE TABLE IF NOT EXISTS counters (
    meter_id TEXT NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
    audit_seq BIGINT NOT NULL, PRIMARY KEY (meter_id, ts));
CREATE TABLE IF NOT EXISTS claims (
    id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('green_power', 'credit')),
    prefix TEXT NOT NULL, first BIGINT NOT NULL, last BIGINT NOT NULL CHECK (last >= first),
    event_id TEXT NOT NULL, detail TEXT NOT NULL,
    audit_seq BIGINT NOT NULL REFERENCES audit(seq) DEFERRABLE INITIALLY DEFERRED,
    prefix_key TEXT NOT NULL CONSTRAINT claims_key_given CHECK (prefix_key <> ''),
    CONSTRAINT claims_key_no_overlap EXCLUDE USING gist
        (kind WITH =, prefix_key WITH =, int8range(first, last, '[]') WITH &&));
CREATE INDEX IF NOT EXISTS readings_audit ON readings (audit_seq);
CREATE INDEX IF NOT EXISTS counters_audit ON counters (audit_seq);
CREATE OR REPLACE FUNCTION carbonexpo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
"""
APPEND_ONLY = ("audit", "readings", "counters", "claims", "imports")
# what each table's rows are digested by, in audit order
DIGEST_COLUMNS = {
    "meters": "id, carrier, unit, hall, cumulative, rollover",
    "imports": "sha256, file, rows",
    "readings": 'meter_id, start, "end", quantity',
    "counters": "meter_id, ts, value",
    "claims": "kind, prefix, first, last, event_id, detail",
}
ORDER = {
    "meters": "id",
    "imports": "sha256",
    "readings": "meter_id, start",
    "counters": "meter_id, ts",
    "claims": "kind, prefix, first",
}


# the tables holding millions of rows, digested as streamed lines (same bytes as rows_digest)
STREAMED = {"readings": "%s,%d,%d,%.17g\n", "counters": "%s,%d,%.17g\n"}
QUOTED = re.compile(r'[,"\r\n]')


def lines_digest(table: str, batches: Iterable[Sequence[tuple[Any, ...]]]) -> str | None:
    """rows_digest of readings or counters rows, sorted as ORDER says, without a DataFrame:
    the same bytes (text id, integers, a float as %.17g), hashed batch by batch. None when an
    id would need CSV quoting; the DataFrame path then decides."""
    line = STREAMED[table]
    h = hashlib.sha256()
    for batch in batches:
        ids = {r[0] for r in batch}
        if any(not i or QUOTED.search(i) for i in ids):
            return None
        h.update("".join([line % r for r in batch]).encode("utf-8"))
    return h.hexdigest()


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rows_digest(rows: pd.DataFrame) -> str:
    """sha256 over the rows as CSV (fixed column order, floats by repr)."""
    text = rows.to_csv(index=False, header=False, float_format="%.17g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Broken:
    seq: int
    why: str


class Ledger:
    def __init__(self, db: Database, name: str):
        self.conn = db
        self.name = name  # the file name, or the URL without its password

    @property
    def kind(self) -> str:
        return self.conn.kind

    # -- opening --------------------------------------------------------------------------
    @classmethod
    @contextmanager
    def open(
        cls,
        target: str | Path,
        *,
        create: bool = False,
        timezone: str | None = None,
        migrate: bool = False,
    ) -> Iterator[Ledger]:
        """A ledger in an SQLite file or at a `postgresql://` URL. `migrate`: a new database
        for `operations.migrate`, which writes the schema and the copied entries itself."""
        name = display_name(target)
        if not is_postgres(target) and not create and not Path(target).exists():
            raise LedgerError(f"no ledger at {target} (create one with `carbonexpo ledger init`)")
        try:
            db = connect(target)
        except Exception as exc:  # psycopg.OperationalError, sqlite3.Error: cannot connect
            raise LedgerError(f"{name}: cannot open the ledger: {exc}") from exc
        try:
            ledger = cls(db, name)
            if migrate:
                pass
            elif create:
                ledger._create(timezone or "UTC")
            elif ledger.meta("schema_version") == "1":
                ledger._upgrade_from_1()
            elif ledger.meta("schema_version") != SCHEMA_VERSION:
                found = ledger.meta("schema_version")
                raise LedgerError(
                    f"no ledger at {name} (create one with `carbonexpo ledger init`)"
                    if found is None
                    else f"{name} is not a carbonexpo ledger (schema {found!r})"
                )
            yield ledger
        except (sqlite3.DatabaseError, Retry) as exc:
            raise LedgerError(f"{name}: {exc}") from exc
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise LedgerError(f"{name}: {exc}") from exc
            raise
        finally:
            db.close()

    def _create(self, timezone: str, *, audit: bool = True, mark: bool = True) -> None:
        """The schema (idempotent); with `mark`, the meta rows that make it a ledger, and with
        `audit` the first entry of a new ledger. A copy (`migrate`) marks its target in the
        transaction that copies the entries, last, so that an interrupted copy is no ledger."""
        with self.transaction():
            if self.kind == "postgresql":
                self.conn.execute(PG_SCHEMA)
                for table in APPEND_ONLY:
                    self.conn.execute(
                        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                        f"ON {table} FOR EACH ROW EXECUTE FUNCTION carbonexpo_append_only()"
                    )
                    self.conn.execute(
                        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
                        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION carbonexpo_append_only()"
                    )
            else:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                for table in APPEND_ONLY:
                    for op in ("UPDATE", "DELETE"):
                        self.conn.execute(
                            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} "
                            f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                        )
            if mark and self.meta("schema_version") is None:
                self.mark(timezone)
                if audit:
                    self.append_audit(
                        "init", {"timezone": timezone, "schema_version": SCHEMA_VERSION}
                    )

    def mark(self, timezone: str) -> None:
        """The meta rows of a whole ledger (inside the caller's transaction)."""
        self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        self.conn.execute("INSERT INTO meta VALUES ('timezone', ?)", (timezone,))

    def _upgrade_from_1(self) -> None:
        """Schema 1 -> 2: every claim gets its canonical prefix key (identifiers.id_key) and the
        database constrains overlaps on the key, not on the text as written. The claims rows
        keep their digests (the key is not digested; verify checks it against the prefix). An
        overlap between two events that only the canonical form reveals is refused here: the
        ledger cannot promise one claim per block until someone resolves it."""
        with self.transaction():
            rows = self.conn.execute("SELECT id, prefix FROM claims").fetchall()
            if self.kind == "postgresql":
                self.conn.execute("ALTER TABLE claims DISABLE TRIGGER claims_append_only")
                self.conn.execute(
                    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS prefix_key TEXT NOT NULL "
                    "DEFAULT ''"
                )
            else:
                self.conn.execute("DROP TRIGGER IF EXISTS claims_no_update")
                self.conn.execute(
                    "ALTER TABLE claims ADD COLUMN prefix_key TEXT NOT NULL DEFAULT ''"
                )
            self.conn.executemany(
                "UPDATE claims SET prefix_key = ? WHERE id = ?",
                [(id_key(prefix), i) for i, prefix in rows],
            )
            clash = self.conn.execute(
                "SELECT a.event_id, a.prefix, a.first, a.last, b.event_id, b.prefix, b.first, "
                "b.last FROM claims a JOIN claims b ON a.kind = b.kind AND a.prefix_key = "
                "b.prefix_key AND a.id < b.id AND a.first <= b.last AND b.first <= a.last "
                "LIMIT 1"
            ).fetchone()
            if clash is not None:
                raise LedgerError(
                    f"{self.name}: upgrading the ledger found one block claimed twice once "
                    f"prefixes are compared in their canonical form: {clash[0]} claimed "
                    f"{clash[1]} {clash[2]}–{clash[3]}, {clash[4]} claimed {clash[5]} "
                    f"{clash[6]}–{clash[7]}; resolve it with the registry before using this "
                    "ledger (nothing was changed)"
                )
            if self.kind == "postgresql":
                self.conn.execute("ALTER TABLE claims ENABLE TRIGGER claims_append_only")
                self.conn.execute("ALTER TABLE claims ALTER COLUMN prefix_key DROP DEFAULT")
                self.conn.execute(
                    "ALTER TABLE claims ADD CONSTRAINT claims_key_given CHECK (prefix_key <> '')"
                )
                self.conn.execute("ALTER TABLE claims DROP CONSTRAINT IF EXISTS claims_no_overlap")
                self.conn.execute(
                    "ALTER TABLE claims ADD CONSTRAINT claims_key_no_overlap EXCLUDE USING gist "
                    "(kind WITH =, prefix_key WITH =, int8range(first, last, '[]') WITH &&)"
                )
            else:
                self.conn.execute(
                    "CREATE TRIGGER IF NOT EXISTS claims_no_update BEFORE UPDATE ON claims "
                    "BEGIN SELECT RAISE(ABORT, 'claims is append-only'); END"
                )
                self.conn.execute("DROP INDEX IF EXISTS claims_block")
                self.conn.execute(
                    "CREATE INDEX IF NOT EXISTS claims_key ON claims (kind, prefix_key, first)"
                )
            self.conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,)
            )
            self.append_audit(
                "upgrade", {"schema_version": SCHEMA_VERSION, "claims_keyed": len(rows)}
            )

    def meta(self, key: str) -> str | None:
        if not self.has_table("meta"):
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def has_table(self, table: str) -> bool:
        if self.kind == "postgresql":
            sql = "SELECT 1 FROM information_schema.tables WHERE table_name = ?"
        else:
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.conn.execute(sql, (table,)).fetchone() is not None

    @property
    def timezone(self) -> str:
        return self.meta("timezone") or "UTC"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One command = one transaction: all of it lands, or none of it."""
        self.conn.begin()
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()

    def atomic(self, command: Callable[[], T], attempts: int = 12) -> T:
        """Run `command` (which opens its transaction) again when PostgreSQL's SERIALIZABLE
        isolation made it lose a race with a concurrent writer; SQLite writers queue instead."""
        for attempt in range(attempts):
            try:
                return command()
            except Retry:
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 (jitter)
        raise AssertionError("unreachable")

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        cursor = self.conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)

    # -- audit ----------------------------------------------------------------------------
    def next_seq(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM audit").fetchone()[0]) + 1

    def record(
        self,
        action: str,
        payload: dict[str, Any],
        tables: tuple[str, ...],
        known: dict[str, str] | None = None,
    ) -> int:
        """Append the audit entry for rows already written with audit_seq = next_seq(), with
        the digest of those rows as read back from the database. `known` holds digests the
        caller computed from the very rows it wrote (all of them landed: see lines_digest)."""
        seq = self.next_seq()
        digests = {t: (known or {}).get(t) or self.table_digest(t, seq) for t in tables}
        written = self.append_audit(action, {**payload, "digests": digests})
        assert written == seq
        return seq

    def append_audit(self, action: str, payload: dict[str, Any]) -> int:
        row = self.conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        prev = row[0] if row else GENESIS
        seq = self.next_seq()
        ts = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        body = canonical({"seq": seq, "ts": ts, "action": action, "payload": payload, "prev": prev})
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        self.conn.execute(
            "INSERT INTO audit (seq, ts, action, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (seq, ts, action, canonical(payload), prev, digest),
        )
        return seq

    def table_digest(self, table: str, seq: int) -> str:
        """The digest of the rows one audit entry wrote, as stored: streamed for the large
        tables, through a DataFrame for the rest (and for ids that need CSV quoting)."""
        sql = (
            f"SELECT {DIGEST_COLUMNS[table]} FROM {table} WHERE audit_seq = ? "  # noqa: S608
            f"ORDER BY {ORDER[table]}"
        )
        if table in STREAMED:
            cursor = self.conn.execute(sql, (seq,))
            digest = lines_digest(table, iter(lambda: cursor.fetchmany(1 << 16), []))
            if digest is not None:
                return digest
        return rows_digest(self.frame(sql, (seq,)))

    def verify(self) -> Broken | None:
        """Recompute the chain and each entry's row digests, and hold meta and the claims' keys
        to what the log recorded; the first broken entry, if any."""
        if (broken := self.verify_meta()) is not None:
            return broken
        prev = GENESIS
        entries = self.conn.execute(
            "SELECT seq, ts, action, payload, prev_hash, hash FROM audit ORDER BY seq"
        ).fetchall()
        for seq, ts, action, payload_text, prev_hash, digest in entries:
            try:
                payload = json.loads(payload_text)
            except json.JSONDecodeError:
                return Broken(seq, "payload is not JSON")
            if prev_hash != prev:
                return Broken(seq, "does not follow the previous entry's hash")
            body = canonical(
                {"seq": seq, "ts": ts, "action": action, "payload": payload, "prev": prev_hash}
            )
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != digest:
                return Broken(seq, "its content no longer matches its hash")
            for table, expected in payload.get("digests", {}).items():
                if self.table_digest(table, seq) != expected:
                    return Broken(
                        seq, f"rows of table {table!r} written by this entry were changed"
                    )
            prev = digest
        # rows that no entry accounts for
        for table in DIGEST_COLUMNS:
            orphan = self.conn.execute(
                f"SELECT audit_seq FROM {table} WHERE audit_seq NOT IN "  # noqa: S608
                "(SELECT seq FROM audit) LIMIT 1"
            ).fetchone()
            if orphan:
                return Broken(int(orphan[0]), f"table {table!r} holds rows of a missing entry")
        for table in ("readings", "counters"):
            stray = self.conn.execute(
                f"SELECT audit_seq, meter_id FROM {table} WHERE meter_id NOT IN "  # noqa: S608
                "(SELECT id FROM meters) LIMIT 1"
            ).fetchone()
            if stray:
                return Broken(
                    int(stray[0]), f"table {table!r} holds rows of unknown meter {stray[1]!r}"
                )
        return None

    def verify_meta(self) -> Broken | None:
        """meta under the chain: the timezone and schema version the audit entries recorded
        (init, then upgrades) must be what meta holds now; each claim's key must be its
        prefix's (a forged key would slip past the overlap constraint)."""
        timezone: str | None = None
        version, seq = "1", 0
        for seq_, action, payload_text in self.conn.execute(
            "SELECT seq, action, payload FROM audit WHERE action IN ('init', 'upgrade') "
            "ORDER BY seq"
        ).fetchall():
            try:
                payload = json.loads(payload_text)
            except json.JSONDecodeError:
                return Broken(int(seq_), "payload is not JSON")
            if action == "init" and timezone is None:
                timezone = str(payload.get("timezone"))
            version = str(payload.get("schema_version", version))
            seq = int(seq_)
        if timezone is None:
            return Broken(0, "no init entry: not a whole ledger (an interrupted copy?)")
        for key, recorded in (("timezone", timezone), ("schema_version", version)):
            if self.meta(key) != recorded:
                return Broken(
                    seq, f"meta.{key} is {self.meta(key)!r} where the log says {recorded!r}"
                )
        for prefix, key in self.conn.execute("SELECT prefix, prefix_key FROM claims"):
            if id_key(prefix) != key:
                return Broken(0, f"claim prefix {prefix!r} carries a key that is not its own")
        return None

    def check_head(self, expected: tuple[int, str]) -> Broken | None:
        """The ledger still holds the entry an earlier run or a certificate anchored to: seq and
        hash as recorded. Catches a log cut short or rewritten and re-hashed after that point,
        which the chain alone cannot."""
        seq, digest = expected
        row = self.conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        head_seq, _ = self.head()
        if row is None:
            return Broken(seq, f"the ledger ends at entry {head_seq}: entries up to {seq} were "
                          "removed (truncated)")  # fmt: skip
        if str(row[0]) != digest:
            return Broken(seq, f"entry {seq} has another hash than the one expected: the log was "
                          "rewritten")  # fmt: skip
        return None

    def head(self) -> tuple[int, str]:
        """The last audit entry (seq, hash): what a certificate anchors to."""
        row = self.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    # -- claims ---------------------------------------------------------------------------
    def claims_frame(self) -> pd.DataFrame:
        return self.frame("SELECT kind, prefix, first, last, event_id FROM claims")
