"""Integrity under attack (issue 31): one serial is one serial whatever its spelling, one
exhibitor is one exhibitor, the ledger is anchored (meta under the chain, --expect-head) and a
copy is a ledger only once it is whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonexpo.identifiers import id_key, name_key
from tests import test_ledger
from tests.conftest import EXAMPLE, make_event, run_cli
from tests.test_ledger import (
    PREFIX_VARIANTS,
    Raw,
    ledger,
    pg_server,  # noqa: F401  (the PostgreSQL fixture)
)

empty = test_ledger.empty  # the ledger fixtures: an SQLite file and a PostgreSQL database
db = test_ledger.db

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
    assert (
        mine["status"] == "rejected" and "already claimed by event 'cisce-2024'" in (mine["reason"])
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


def behind_its_back(db: str, sql: str, allow: str = "") -> str:
    """Run `sql` on the ledger's database directly (the owner, append-only guard of table
    `allow` dropped) and return what `ledger verify` says (exit 1 expected)."""
    raw = Raw(db)
    try:
        if allow:
            raw.allow_edits(allow)
        raw.execute(sql)
    finally:
        raw.close()
    r = ledger("verify", db=db)
    assert r.returncode == 1, r.stdout
    return r.stderr


def test_a_changed_timezone_in_meta_breaks_verify(db) -> None:
    said = behind_its_back(db, "UPDATE meta SET value = 'Asia/Tokyo' WHERE key = 'timezone'")
    assert "meta.timezone is 'Asia/Tokyo' where the log says" in said


def test_a_forged_claim_key_breaks_verify(tmp_path) -> None:
    path = str(tmp_path / "venue.db")
    assert ledger("init", db=path).returncode == 0
    assert ledger("claim", str(EXAMPLE), db=path).returncode == 0
    said = behind_its_back(path, "UPDATE claims SET prefix_key = 'x' WHERE rowid = 1", "claims")
    assert "carries a key that is not its own" in said


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
        assert proc.stdout is not None
        first = proc.stdout.readline()  # its first save landed (imports take 1-3 s)
        assert first.strip(), proc.stderr.read()[-500:] if proc.stderr else ""
        time.sleep(rng.uniform(0.05, 0.8))  # then somewhere in the saves that follow
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        recover(folder)
        rows = ex.current(folder, who)
        travellers = rows["staff"][0]["travellers"]
        assert rows["hotels"][0]["room_nights"] == travellers
        assert rows["freight"][0]["shipment"] == f"S{travellers}"
        assert not list(folder.glob(".*.tmp"))
        assert not (folder / ".carbonexpo" / "journal").exists()


# -- a server that no client can hold --------------------------------------------------------


@pytest.mark.slow
def test_slow_clients_are_closed_within_their_timeouts(tmp_path, monkeypatch) -> None:
    """A client that connects and sends its head one byte at a time is closed after the
    head timeout; one that sends a body too slowly gets 408 after the body timeout."""
    import shutil
    import socket
    import time

    from carbonexpo.web import guard, server
    from carbonexpo.web.app import create_app
    from tests.web_server import running

    monkeypatch.setattr(server.BoundedH11, "head_timeout", 1.0)
    monkeypatch.setattr(guard, "BODY_TIMEOUT", 1.0)
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    with running(create_app(folder, lang="en")) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            started = time.monotonic()
            closed = False
            for ch in b"GET /healthz HTTP/1.1\r\nHost: x\r\n":  # never the blank line
                try:
                    s.sendall(bytes([ch]))
                    if _readable(s) and s.recv(1) == b"":
                        closed = True
                except OSError:
                    closed = True
                if closed:
                    break
                time.sleep(0.2)
            assert closed, "the server kept a slow client"
            assert 0.8 < time.monotonic() - started < 4
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(
                b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-"
                b"urlencoded\r\nContent-Length: 100\r\n\r\nab"
            )
            started = time.monotonic()
            answer = s.recv(200)
            assert answer.startswith(b"HTTP/1.1 408"), answer
            assert time.monotonic() - started < 4


def _readable(s) -> bool:
    import select

    return bool(select.select([s], [], [], 0)[0])


# -- bounded resources, one reading of a certificate, safe output ----------------------------


@pytest.mark.slow
def test_an_xlsx_bomb_is_refused_in_little_memory(tmp_path) -> None:
    import shutil
    import subprocess
    import sys
    import zipfile

    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    (folder / "catering.csv").unlink()
    with zipfile.ZipFile(folder / "catering.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c><v>" + "x" * (300 * 2**20) + "</v></c>")
    assert (folder / "catering.xlsx").stat().st_size < 2 * 2**20
    # measured from a small launcher: a child forked from this test process (which built a
    # 300 MB string) would count this process's pages as its own
    launcher = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'carbonexpo', 'calc', sys.argv[1]],"
        " capture_output=True, text=True)\n"
        "sys.stderr.write(r.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", launcher, str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert r.returncode == 2
    assert r.stderr.startswith("catering.xlsx:1:: the workbook unpacks to 300 MB"), r.stderr
    peak_mb = int(r.stdout.strip()) / 1024
    assert peak_mb < 500, peak_mb


def test_a_million_columns_are_refused_at_once(tmp_path) -> None:
    import time

    from carbonexpo.io.schema import SCHEMAS
    from carbonexpo.io.tables import read_table

    path = tmp_path / "waste.csv"
    path.write_text(",".join(f"c{i}" for i in range(10**6)) + "\n1\n", encoding="utf-8")
    started = time.monotonic()
    table, problems = read_table(path, SCHEMAS["waste"], "waste.csv")
    assert time.monotonic() - started < 5
    assert table is None and len(problems) == 1
    assert "columns or more: a table has at most 200" in problems[0].message


def test_long_cells_are_shortened_and_messages_counted(tmp_path) -> None:
    from carbonexpo.errors import MAX_PER_FILE, InputError, Problem
    from carbonexpo.io.schema import SCHEMAS
    from carbonexpo.io.tables import read_table

    path = tmp_path / "catering.csv"
    path.write_text("meal,servings\n" + "x" * 2_000_000 + ",1\n", encoding="utf-8")
    _, problems = read_table(path, SCHEMAS["catering"], "catering.csv")
    assert problems and all(len(p.message) <= 600 for p in problems)
    assert any("a cell of 2,000,000 characters" in p.message for p in problems)
    many = [Problem("t.csv", r, "x", "bad", "not_numeric") for r in range(2, 2 + MAX_PER_FILE + 50)]
    error = InputError(many)
    assert len(error.problems) == MAX_PER_FILE + 1
    assert error.problems[-1].message.startswith("... and 50 more problems in t.csv")


def test_a_cr_only_file_reads_like_any_other(tmp_path) -> None:
    import shutil

    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "catering.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert run_cli("validate", str(folder)).returncode == 0


def test_a_certificate_is_read_one_way_only(tmp_path) -> None:
    from carbonexpo import api
    from carbonexpo.errors import NotACertificate, VerificationFailed
    from carbonexpo.report.pdf import html_to_pdf

    dup = tmp_path / "dup.json"
    dup.write_text('{"certificate_id": "a", "certificate_id": "b"}', encoding="utf-8")
    with pytest.raises(VerificationFailed, match="sets the key 'certificate_id' twice"):
        api.read_certificate(dup)
    for name, text in (("long.json", "1" * 5000), ("deep.json", "[" * 100_000)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(NotACertificate):
            api.read_certificate(tmp_path / name)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(NotACertificate):
        api.read_certificate(corrupt)
    two = tmp_path / "two.pdf"
    two.write_bytes(html_to_pdf("<p>x</p>", {"cert.json": b"{}", "cert.json ": b"{}"}))
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(two))
    writer.add_attachment("cert.json", b'{"forged": true}')
    writer.write(two)
    with pytest.raises(VerificationFailed, match=r"carries 2 files named cert\.json"):
        api.read_certificate(two)
    r = run_cli("verify", str(tmp_path / "deep.json"), "--public-key", str(tmp_path / "x.pub"))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_markdown_reports_escape_what_people_typed(tmp_path) -> None:
    import shutil

    from carbonexpo import api

    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    yaml = folder / "event.yaml"
    text = yaml.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    yaml.write_text(
        text.replace(name, 'name: "<img src=x onerror=alert(1)> [click](javascript:alert(1))"'),
        encoding="utf-8",
    )
    md = api.report_bytes(api.calculate(folder), ".md").decode()
    import re

    assert not re.search(r"(?<!\\)<img", md)  # only escaped: \<img
    assert not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "\\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(1))" in md


def test_cross_origin_posts_are_refused_and_https_gets_hsts(tmp_path) -> None:
    import shutil

    from starlette.testclient import TestClient

    from carbonexpo.web.app import create_app

    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    client = TestClient(create_app(folder, lang="en"), base_url="https://expo.example")
    r = client.post("/verify", data={}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and r.text == "cross-origin request refused"
    r = client.get("/verify?lang=zh")
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    cookies = r.headers.get_list("set-cookie")
    assert cookies and all("secure" in c.lower() for c in cookies)
    plain = TestClient(create_app(folder, lang="en"), base_url="http://127.0.0.1")
    assert "strict-transport-security" not in plain.get("/verify").headers


def test_one_exhibitor_written_two_ways_gets_no_second_link(tmp_path) -> None:
    from carbonexpo import api
    from carbonexpo.errors import InputError

    folder = make_event(
        tmp_path / "ev",
        {"booths": "exhibitor,booth,area_m2\nAcme Co.,A1,9\nACME  Co.,A2,9\n"},
        (EXAMPLE / "event.yaml").read_text(encoding="utf-8"),
    )
    with pytest.raises(InputError) as caught:
        api.invite(folder)
    assert str(caught.value.problems[0]) == (
        "booths.csv:3:exhibitor: 'ACME  Co.' is 'Acme Co.' written another way: write one "
        "spelling for one exhibitor before inviting"
    )


def test_verify_holds_the_log_to_the_head_a_certificate_recorded(tmp_path) -> None:
    from carbonexpo import api

    path = str(tmp_path / "venue.db")
    assert ledger("init", db=path).returncode == 0
    assert ledger("claim", str(EXAMPLE), db=path).returncode == 0
    api.generate_keys(tmp_path / "issuer.key")
    r = run_cli(
        "certificate", str(EXAMPLE), "--key", str(tmp_path / "issuer.key"),
        "-o", str(tmp_path / "cert.pdf"), "--ledger", path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    for cert in ("cert.json", "cert.pdf"):
        r = ledger("verify", "--expect-head", str(tmp_path / cert), db=path)
        assert r.returncode == 0 and "is in the log" in r.stdout, r.stderr
    # the owner removes the claim entry and its rows: the chain verifies, the anchor does not
    raw = Raw(path)
    try:
        for table in ("claims", "audit"):
            raw.execute(f"DROP TRIGGER {table}_no_delete")
        raw.execute("DELETE FROM claims")
        raw.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")
    finally:
        raw.close()
    assert ledger("verify", db=path).returncode == 0
    r = ledger("verify", "--expect-head", str(tmp_path / "cert.json"), db=path)
    assert r.returncode == 1 and "the ledger ends at entry" in r.stderr
    r = run_cli(
        "certificate", str(EXAMPLE), "--key", str(tmp_path / "issuer.key"),
        "-o", str(tmp_path / "plain.pdf"),
    )  # fmt: skip
    r = ledger("verify", "--expect-head", str(tmp_path / "plain.json"), db=path)
    assert r.returncode == 2 and "records no ledger" in r.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=30))
def test_ascii_names_fold_as_the_unicode_path_folds_them(text):
    from carbonexpo.identifiers import _folded, _folded_unicode

    assert _folded(text) == _folded_unicode(text)
