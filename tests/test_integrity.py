"""Integrity under attack (issue 31): one serial is one serial whatever its spelling, one
exhibitor is one exhibitor, the ledger is anchored (meta under the chain, --expect-head) and a
copy is a ledger only once it is whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbonexpo.identifiers import id_key, name_key
from tests.conftest import EXAMPLE, make_event, run_cli
from tests.test_ledger import PREFIX_VARIANTS, Raw, db, empty, ledger  # noqa: F401
from tests.test_ledger import pg_server  # noqa: F401  (the PostgreSQL fixture)

PREFIX = "CCER-14-2024-0003-V2024"


@pytest.mark.parametrize("variant", PREFIX_VARIANTS)
def test_every_variant_of_a_prefix_is_the_prefix(variant) -> None:
    assert id_key(variant(PREFIX)) == id_key(PREFIX)


@given(st.text(min_size=1, max_size=30))
def test_keys_are_idempotent_and_ignore_case(text: str) -> None:
    assert id_key(id_key(text)) == id_key(text)
    assert id_key(text.upper()) == id_key(text.lower()) or text.upper().lower() != text.lower()
    assert name_key(name_key(text)) == name_key(text)


def test_different_serials_stay_different() -> None:
    assert id_key("CCER-1") != id_key("CCER-2")
    assert id_key("CCER-1") != id_key("CCER1")  # a dash is kept: it is part of the id
    assert name_key("Acme Co") != name_key("AcmeCo")  # names keep their word breaks


def test_a_variant_block_in_one_file_is_the_same_block(event) -> None:
    rows = "\n".join(
        f"CCER,P-1,2024,{variant(PREFIX)},{1 + i},{1 + i},2025-01-15,test-expo,x"
        for i, variant in enumerate(PREFIX_VARIANTS)
    )
    folder = event(
        {
            "credits": "registry,project_id,vintage,serial_prefix,first,last,retired_on,"
            f"beneficiary,project_type\n{rows}\n"
            f"ccer,P-1,2024,{PREFIX.lower()},5,5,2025-01-15,test-expo,x\n"
        }
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert r.stderr.splitlines()[0].startswith(
        "credits.csv:10:first: duplicate serial block: same as row 6 (ccer-14-2024-0003-v2024 5–5)"
    ), r.stderr


def test_a_case_variant_cannot_claim_a_claimed_block_again(db, tmp_path) -> None:
    assert ledger("claim", str(EXAMPLE), db=db).returncode == 0
    other = tmp_path / "other"
    credits = (EXAMPLE / "credits.csv").read_text(encoding="utf-8")
    make_event(
        other,
        {"credits": credits.replace(PREFIX, PREFIX.lower().replace("-", "\u2010"))},
        (EXAMPLE / "event.yaml")
        .read_text(encoding="utf-8")
        .replace("id: cisce-2024", "id: other-expo"),
    )
    r = ledger("claim", str(other), db=db)
    assert r.returncode == 1 and "claimed by event 'cisce-2024'" in r.stderr
    r = run_cli("calc", str(other), "--ledger", str(db), "--json", "-")
    credits_out = json.loads(r.stdout)["credits"]
    mine = next(c for c in credits_out if c["serial_prefix"].startswith("ccer\u201014"))
    assert mine["status"] == "rejected" and "already claimed by event 'cisce-2024'" in (
        mine["reason"]
    )


def test_two_spellings_of_one_exhibitor_are_a_problem(event) -> None:
    folder = event(
        {
            "booths": "exhibitor,booth,area_m2\nAcme Co.,A1,9\nACME  Co.,A2,9\n"
            "\uff21cme Co.,A3,9\nOther,B1,9\n"
        }
    )
    r = run_cli("validate", str(folder))
    assert r.returncode == 2
    assert r.stderr.splitlines()[:2] == [
        "booths.csv:3:exhibitor: 'ACME  Co.' is 'Acme Co.' written another way (case, spaces, "
        "full-width or invisible characters): write one spelling for one exhibitor",
        "booths.csv:4:exhibitor: 'Ａcme Co.' is 'Acme Co.' written another way (case, spaces, "
        "full-width or invisible characters): write one spelling for one exhibitor",
    ]


# -- the ledger, anchored --------------------------------------------------------------------


def head_of(out: str) -> str:
    line = next(x for x in out.splitlines() if x.startswith("ledger intact"))
    return line.rsplit("head ", 1)[1]


def test_verify_prints_the_head_and_catches_a_truncated_log(db) -> None:
    assert ledger("claim", str(EXAMPLE), db=db).returncode == 0
    r = ledger("verify", db=db)
    assert r.returncode == 0 and "cannot be told from an intact ledger" in r.stdout
    head = head_of(r.stdout)
    r = ledger("verify", "--expect-head", head, db=db)
    assert r.returncode == 0 and "is in the log" in r.stdout
    # the owner drops the append-only guard and removes the last entry with its rows: the
    # chain still verifies, the anchor does not (the claimed blocks were released)
    raw = Raw(db)
    try:
        raw.allow_edits("claims")
        raw.allow_edits("audit")
        if not raw.pg:
            raw.execute("DROP TRIGGER claims_no_delete")
            raw.execute("DROP TRIGGER audit_no_delete")
        seq = int(head.split(":")[0])
        raw.execute(f"DELETE FROM claims WHERE audit_seq = {seq}")
        raw.execute(f"DELETE FROM audit WHERE seq = {seq}")
    finally:
        raw.close()
    assert ledger("verify", db=db).returncode == 0  # what the chain alone cannot see
    r = ledger("verify", "--expect-head", head, db=db)
    assert r.returncode == 1
    assert f"BROKEN at audit entry {seq}: the ledger ends at entry {seq - 1}" in r.stderr
    r = ledger("verify", "--expect-head", "12:xyz", db=db)
    assert r.returncode == 2 and r.stderr.startswith("--expect-head: '12:xyz': expected SEQ:HASH")


def test_a_changed_timezone_in_meta_breaks_verify(db) -> None:
    raw = Raw(db)
    try:
        raw.execute("UPDATE meta SET value = 'Asia/Tokyo' WHERE key = 'timezone'")
    finally:
        raw.close()
    r = ledger("verify", db=db)
    assert r.returncode == 1 and "meta.timezone is 'Asia/Tokyo' where the log says" in r.stderr


def test_a_forged_claim_key_breaks_verify(tmp_path) -> None:
    path = str(tmp_path / "venue.db")
    assert ledger("init", db=path).returncode == 0
    assert ledger("claim", str(EXAMPLE), db=path).returncode == 0
    raw = Raw(path)
    try:
        raw.allow_edits("claims")
        raw.execute("UPDATE claims SET prefix_key = 'x' WHERE rowid = 1")
    finally:
        raw.close()
    r = ledger("verify", db=path)
    assert r.returncode == 1 and "carries a key that is not its own" in r.stderr


def test_an_interrupted_copy_is_no_ledger(tmp_path) -> None:
    """A migrate target holds its meta rows only once the copy is whole: a schema-only
    database (a copy killed before its transaction committed) is no ledger, not an intact
    one of 0 entries."""
    from carbonexpo.ledger.store import Ledger

    target = tmp_path / "copy.db"
    with Ledger.open(str(target), create=True, migrate=True) as store:
        store._create("UTC", audit=False, mark=False)
    r = ledger("verify", db=str(target))
    assert r.returncode == 2 and "no ledger at copy.db" in r.stderr


def v1_ledger(path: Path, prefix: str, event_id: str) -> None:
    """A ledger as schema 1 wrote it: claims without a canonical key, constrained as written."""
    from carbonexpo.ledger.db import connect
    from carbonexpo.ledger.store import Ledger

    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL,
            action TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE);
        CREATE TABLE meters (id TEXT PRIMARY KEY, carrier TEXT NOT NULL, unit TEXT NOT NULL,
            hall TEXT, cumulative INTEGER NOT NULL, rollover REAL, audit_seq INTEGER NOT NULL);
        CREATE TABLE imports (sha256 TEXT PRIMARY KEY, file TEXT NOT NULL,
            rows INTEGER NOT NULL, audit_seq INTEGER NOT NULL);
        CREATE TABLE readings (meter_id TEXT NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, quantity REAL NOT NULL, audit_seq INTEGER NOT NULL,
            PRIMARY KEY (meter_id, start)) WITHOUT ROWID;
        CREATE TABLE counters (meter_id TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
            audit_seq INTEGER NOT NULL, PRIMARY KEY (meter_id, ts)) WITHOUT ROWID;
        CREATE TABLE claims (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, prefix TEXT NOT NULL,
            first INTEGER NOT NULL, last INTEGER NOT NULL, event_id TEXT NOT NULL,
            detail TEXT NOT NULL, audit_seq INTEGER NOT NULL);
        CREATE INDEX claims_block ON claims (kind, prefix, first);
        CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
            BEGIN SELECT RAISE(ABORT, 'claims is append-only'); END;
        INSERT INTO meta VALUES ('schema_version', '1'), ('timezone', 'UTC');
        """
    )
    conn.close()
    store = Ledger(connect(str(path)), path.name)
    with store.transaction():
        store.append_audit("init", {"timezone": "UTC"})
        seq = store.next_seq()
        store.conn.execute(
            "INSERT INTO claims (kind, prefix, first, last, event_id, detail, audit_seq) "
            "VALUES ('credit', ?, 1, 14000, ?, 'CCER P', ?)",
            (prefix, event_id, seq),
        )
        store.record("claim", {"event": event_id, "blocks": 1}, ("claims",))
    store.conn.close()


def test_a_schema_1_ledger_is_upgraded_and_then_refuses_variants(tmp_path) -> None:
    path = tmp_path / "old.db"
    v1_ledger(path, PREFIX, "earlier-expo")
    r = ledger("verify", db=str(path))
    assert r.returncode == 0, r.stderr
    assert sqlite3.connect(path).execute("SELECT prefix_key FROM claims").fetchall() == [
        (id_key(PREFIX),)
    ]
    r = run_cli("calc", str(EXAMPLE), "--ledger", str(path), "--json", "-")
    credit = next(c for c in json.loads(r.stdout)["credits"] if c["serial_prefix"] == PREFIX)
    assert "already claimed by event 'earlier-expo'" in credit["reason"]


def test_a_schema_1_ledger_with_a_variant_double_claim_is_not_upgraded(tmp_path) -> None:
    path = tmp_path / "old.db"
    v1_ledger(path, PREFIX, "earlier-expo")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO claims (kind, prefix, first, last, event_id, detail, audit_seq) "
        "VALUES ('credit', ?, 10, 20, 'later-expo', 'x', 2)",
        (PREFIX.lower(),),
    )
    conn.commit()
    conn.close()
    r = ledger("verify", db=str(path))
    assert r.returncode == 2
    assert "found one block claimed twice once prefixes are compared in their canonical form" in (
        r.stderr
    )
    assert sqlite3.connect(path).execute(
        "SELECT value FROM meta WHERE key = 'schema_version'"
    ).fetchall() == [("1",)]


# -- a save is one unit ----------------------------------------------------------------------

SAVER = """
import sys
from pathlib import Path
from carbonexpo.booth import entry as ex

folder, who = Path(sys.argv[1]), sys.argv[2]
i = 0
while True:
    i += 1
    fields = {"staff-0-origin": "Tianjin", "staff-0-mode": "hsr", "staff-0-travellers": str(i),
              "hotels-0-country": "CN", "hotels-0-room_nights": str(i),
              "freight-0-shipment": f"S{i}", "freight-0-mode": "hgv", "freight-0-mass_kg": "5",
              "freight-0-origin": "Tianjin"}
    checked, counts = ex.save(folder, who, ex.parse_form(fields))
    assert counts is not None, checked.errors
    print(i, flush=True)
"""


@pytest.mark.slow
def test_a_save_killed_at_any_moment_is_whole_after_a_restart(tmp_path) -> None:
    """kill -9 of a process saving in a loop: after recovery (what the web face does when it
    starts) the exhibitor's travel, hotel and freight rows all come from one save, and no
    temporary file is left in the event folder."""
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from carbonexpo.booth import entry as ex
    from carbonexpo.io.journal import recover

    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    who = "CN Supply Chain Co. 001"
    script = tmp_path / "saver.py"
    script.write_text(SAVER, encoding="utf-8")
    rng = random.Random(31)
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(folder), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        time.sleep(rng.uniform(1.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert out.strip(), err[-500:]  # it saved at least once
        recover(folder)
        rows = ex.current(folder, who)
        travellers = rows["staff"][0]["travellers"]
        assert rows["hotels"][0]["room_nights"] == travellers
        assert rows["freight"][0]["shipment"] == f"S{travellers}"
        assert not list(folder.glob(".*.tmp"))
        assert not (folder / ".carbonexpo" / "journal").exists()
