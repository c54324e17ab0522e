"""Certificates: keys, signing, tamper detection, refusal when not neutral, PDF and QR."""

from __future__ import annotations

import copy
import json
import shutil
import stat
import subprocess

import pytest
from pypdf import PdfReader

from carbonexpo.certificate.keys import generate_keys, load_private
from carbonexpo.certificate.record import build_record, sign, verify
from carbonexpo.errors import CertificateError
from carbonexpo.result import Result
from tests.conftest import EXAMPLE, ROOT, run_cli, skip_or_fail
from tests.golden.regenerate import golden_result


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    d = tmp_path_factory.mktemp("cert")
    r = run_cli("keys", "generate", "--out", str(d / "issuer.key"))
    assert r.returncode == 0, r.stderr
    r = run_cli(
        "certificate",
        str(EXAMPLE),
        "--key",
        str(d / "issuer.key"),
        "-o",
        str(d / "cert.pdf"),
        "--date",
        "2025-02-01",
    )
    assert r.returncode == 0, r.stderr
    return d


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaf_paths(v, (*path, i))
    else:
        yield path


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "x"
    return str(value) + "0"


def test_round_trip_valid(issued) -> None:
    r = run_cli("verify", str(issued / "cert.json"), "--public-key", str(issued / "issuer.key.pub"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("VALID: certificate CXC-")
    assert "signed by the trusted key issuer.key.pub" in r.stdout


def test_key_file_permissions_and_no_overwrite(issued) -> None:
    assert stat.S_IMODE((issued / "issuer.key").stat().st_mode) == 0o600
    r = run_cli("keys", "generate", "--out", str(issued / "issuer.key"))
    assert r.returncode == 2 and "already exists" in r.stderr


def test_group_readable_private_key_is_refused(tmp_path) -> None:
    key, _ = generate_keys(tmp_path / "k.key")
    key.chmod(0o644)
    with pytest.raises(CertificateError, match="chmod 600"):
        load_private(key)


def test_changing_any_single_field_of_the_record_fails(issued) -> None:
    cert = json.loads((issued / "cert.json").read_text(encoding="utf-8"))
    paths = list(leaf_paths(cert["record"]))
    assert len(paths) > 40
    for path in paths:
        tampered = copy.deepcopy(cert)
        node = tampered["record"]
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = changed(node[path[-1]])
        outcome = verify(tampered)
        assert not outcome.ok, path
        assert outcome.messages[0].startswith("hash mismatch"), path


def test_hash_and_signature_edits_fail(issued) -> None:
    cert = json.loads((issued / "cert.json").read_text(encoding="utf-8"))
    forged = dict(cert, sha256="0" * 64)
    assert verify(forged).messages[0].startswith("hash mismatch")
    sig = bytearray(__import__("base64").b64decode(cert["signature"]))
    sig[0] ^= 1
    bad = dict(cert, signature=__import__("base64").b64encode(bytes(sig)).decode())
    assert verify(bad).messages[0].startswith("bad signature")


def test_a_different_key_fails(issued, tmp_path) -> None:
    _, other_pub = generate_keys(tmp_path / "other.key")
    r = run_cli("verify", str(issued / "cert.json"), "--public-key", str(other_pub))
    assert r.returncode == 1
    assert "key mismatch" in r.stderr


def test_a_signature_copied_from_another_event_fails(issued, tmp_path) -> None:
    key, _ = generate_keys(tmp_path / "k.key")
    private = load_private(key)
    result = Result.model_validate_json(golden_result())
    a = sign(build_record(result, issuer="X", issue_date="2025-02-01"), private)
    other = result.model_copy(
        update={"event": result.event.model_copy(update={"id": "another-expo"})}
    )
    b = sign(build_record(other, issuer="X", issue_date="2025-02-01"), private)
    spliced = dict(b, signature=a["signature"])
    assert verify(spliced).messages[0].startswith("bad signature")
    # and with the other event's hash and id too: the record no longer matches
    spliced = dict(a, record=b["record"])
    assert verify(spliced).messages[0].startswith("hash mismatch")


def test_not_neutral_event_is_refused(event, tmp_path) -> None:
    key, _ = generate_keys(tmp_path / "k.key")
    folder = event({"accommodation": "country,room_nights\nCN,10\n"})
    r = run_cli("certificate", str(folder), "--key", str(key), "-o", str(tmp_path / "c.pdf"))
    assert r.returncode == 1
    assert "not neutral" in r.stderr
    assert not (tmp_path / "c.pdf").exists() and not (tmp_path / "c.json").exists()


def test_pdf_contains_id_and_qr_decodes_to_id_and_hash(issued) -> None:
    from carbonexpo.report.pdf import cjk_font_available

    if not cjk_font_available():  # mixed fallback fonts make the text layer unreadable
        skip_or_fail("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    cert = json.loads((issued / "cert.json").read_text(encoding="utf-8"))
    text = "".join(p.extract_text() for p in PdfReader(issued / "cert.pdf").pages)
    assert cert["certificate_id"] in text
    assert "碳中和证书" in text
    assert len(PdfReader(issued / "cert.pdf").pages) == 1
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        skip_or_fail("pdftoppm/zbarimg not installed (.ci/run installs them)")
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(issued / "cert.pdf"), str(artifacts / "certificate")],
        check=True,
    )
    png = next(artifacts.glob("certificate*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=False
    ).stdout.strip()
    assert out == f"carbonexpo:{cert['certificate_id']}:{cert['sha256']}"


def test_record_has_no_floats_and_is_canonical() -> None:
    record = build_record(
        Result.model_validate_json(golden_result()), issuer="X", issue_date="2025-02-01"
    )
    from carbonexpo.certificate.record import canonical

    data = canonical(record)
    assert data.startswith(
        b'{"basis":"market","boundary":{"excluded":[],"exclusions":[],"grid":"CN-North"'
    )
    assert b'", "' not in data and b'": ' not in data  # no insignificant whitespace
    assert "第二届".encode() in data  # UTF-8, not \u escapes
    assert json.loads(data) == record
    record["totals"]["net_tco2e"] = 0.5
    with pytest.raises(CertificateError, match="floats are not allowed"):
        canonical(record)


def test_certificate_anchors_the_ledger_head(tmp_path) -> None:
    db = tmp_path / "venue.db"
    assert run_cli("ledger", "init", "--db", str(db)).returncode == 0
    assert run_cli("ledger", "claim", str(EXAMPLE), "--db", str(db)).returncode == 0
    key, _ = generate_keys(tmp_path / "k.key")
    out = tmp_path / "cert.pdf"
    r = run_cli("certificate", str(EXAMPLE), "--key", str(key), "-o", str(out), "--ledger", str(db))
    assert r.returncode == 0, r.stderr
    record = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["record"]
    conn = __import__("sqlite3").connect(db)
    seq, digest = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert record["ledger"] == {"file": "venue.db", "audit_seq": seq, "head_hash": digest}
