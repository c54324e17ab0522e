"""The two databases a ledger lives in (spec §7, §15): an SQLite file (the embedded default) or
PostgreSQL (`postgresql://…`, for many venues and a shared registry of claims).

`Database` gives both the few calls the ledger makes, in SQLite's SQL: `?` parameters,
`INSERT OR IGNORE` (PostgreSQL: `ON CONFLICT DO NOTHING`), and `bulk_insert` for millions of
readings (PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING).
Transactions: SQLite `BEGIN IMMEDIATE` (writers queue); PostgreSQL `SERIALIZABLE`, and the
ledger retries a command that lost a serialization race (`Ledger.atomic`)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(PG_SCHEMES)


def display_name(target: str | Path) -> str:
    """A name to show and to record in results: the file name, or the URL without its
    password."""
    text = str(target)
    if not is_postgres(text):
        return Path(text).name
    parts = urlsplit(text)
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1]
    user = netloc[0].split(":", 1)[0] + "@" if len(netloc) == 2 else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


class Retry(Exception):
    """A PostgreSQL transaction lost a serialization race: run the command again."""


class Database:
    kind = "sqlite"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        raise NotImplementedError

    def bulk_insert(
        self, table: str, columns: str, rows: list[tuple[Any, ...]], audit_seq: int
    ) -> int:
        """Insert rows (with `audit_seq` on each), ignoring those whose key is already stored;
        the number that landed."""
        raise NotImplementedError

    def copy_rows(self, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        """Plain insert of rows into an empty table (migration)."""
        raise NotImplementedError

    def begin(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    kind = "sqlite"

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, timeout=60.0, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout = 60000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        before = self.conn.total_changes
        self.conn.executemany(sql, rows)
        return self.conn.total_changes - before

    def bulk_insert(
        self, table: str, columns: str, rows: list[tuple[Any, ...]], audit_seq: int
    ) -> int:
        marks = ", ".join("?" * len(columns.split(",")))
        sql = (
            f"INSERT OR IGNORE INTO {table} ({columns}, audit_seq) "  # noqa: S608
            f"VALUES ({marks}, {int(audit_seq)})"
        )
        return self.executemany(sql, rows)

    def copy_rows(self, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns.split(",")))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.conn.executemany(sql, rows)

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        # rows reference the audit entry that is appended after them: check at commit
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def close(self) -> None:
        self.conn.close()


PARAM = re.compile(r"\?")
IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.IGNORECASE)


def pg_sql(sql: str, params: bool = True) -> str:
    """SQLite's SQL as PostgreSQL's: %s parameters (a literal % doubled when there are
    parameters), ON CONFLICT DO NOTHING."""
    out = PARAM.sub("%s", sql.replace("%", "%%")) if params else sql
    if IGNORE.match(out):
        out = IGNORE.sub("INSERT INTO", out) + " ON CONFLICT DO NOTHING"
    return out


class PostgresDatabase(Database):
    kind = "postgresql"

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            from carbonexpo.errors import LedgerError

            raise LedgerError(
                "a PostgreSQL ledger needs psycopg: pip install 'carbonexpo[postgresql]'"
            ) from exc
        self.psycopg = psycopg
        self.conn = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(pg_sql(sql, bool(params)), tuple(params) or None)
        except self.races as exc:
            raise Retry(str(exc)) from exc

    @property
    def races(self) -> tuple[type[Exception], ...]:
        """Errors of a transaction that lost to a concurrent one: the command is run again
        (a real duplicate is then found by the command's own checks)."""
        e = self.psycopg.errors
        return (e.SerializationFailure, e.DeadlockDetected, e.ExclusionViolation, e.UniqueViolation)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        try:
            with self.conn.cursor() as cur:
                cur.executemany(pg_sql(sql), rows)
                return max(cur.rowcount, 0)
        except self.races as exc:
            raise Retry(str(exc)) from exc

    def bulk_insert(
        self, table: str, columns: str, rows: list[tuple[Any, ...]], audit_seq: int
    ) -> int:
        if not rows:
            return 0
        names = [c.strip() for c in columns.split(",")]
        quoted = ", ".join(f'"{c.strip(chr(34))}"' for c in names)
        stage = f"stage_{table}"
        try:
            with self.conn.cursor() as cur:
                cur.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608
                    f"SELECT {quoted} FROM {table} WITH NO DATA"
                )
                with cur.copy(f"COPY {stage} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(
                    f"INSERT INTO {table} ({quoted}, audit_seq) "  # noqa: S608
                    f"SELECT {quoted}, {int(audit_seq)} FROM {stage} ON CONFLICT DO NOTHING"
                )
                added = max(cur.rowcount, 0)
                cur.execute(f"DELETE FROM {stage}")  # noqa: S608
                return added
        except self.races as exc:
            raise Retry(str(exc)) from exc

    def copy_rows(self, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def begin(self) -> None:
        self.conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")

    def commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except self.races as exc:
            raise Retry(str(exc)) from exc

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()


def connect(target: str | Path) -> Database:
    if is_postgres(target):
        return PostgresDatabase(str(target))
    return SqliteDatabase(Path(target))
