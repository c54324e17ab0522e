"""Evidence packs (issue 36): deterministic bytes, every entry hashed in a signed manifest, a
changed byte named by its entry, and the calculation re-run from the pack alone."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run_cli

DAY = dt.date(2025, 1, 20)


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    """The example with two evidence files, packed once (and its key)."""
    import carbonexpo

    root = tmp_path_factory.mktemp("pack")
    folder = root / "cisce-2024"
    shutil.copytree(EXAMPLE, folder)
    (folder / "proofs").mkdir()
    (folder / "proofs" / "gec-2024-09.pdf").write_bytes(b"%PDF-1.4 GEC cancellation record\n")
    (folder / "proofs" / "ccer-retirement.pdf").write_bytes(b"%PDF-1.4 CCER retirement\n")
    green = (folder / "green_power.csv").read_text(encoding="utf-8").splitlines()
    green[0] += ",evidence"
    green[1:] = [
        line + ("," + "proofs/gec-2024-09.pdf" if i == 2 else ",")
        for i, line in enumerate(green[1:], 1)
    ]
    (folder / "green_power.csv").write_text("\n".join(green) + "\n", encoding="utf-8")
    credits = (folder / "credits.csv").read_text(encoding="utf-8").splitlines()
    credits[0] += ",evidence"
    credits[1] += ",proofs/ccer-retirement.pdf"
    credits[2:] = [line + "," for line in credits[2:]]
    (folder / "credits.csv").write_text("\n".join(credits) + "\n", encoding="utf-8")
    key, public = carbonexpo.generate_keys(root / "issuer.key")
    pack = root / "pack.zip"
    carbonexpo.evidence_pack(folder, pack, key=key, made_on=DAY)
    return folder, pack, key, public


def verify(pack: Path, public: Path) -> tuple[int, str]:
    r = run_cli("verify", str(pack), "--public-key", str(public))
    return r.returncode, r.stdout + r.stderr


def test_a_pack_holds_inputs_evidence_data_result_reports_and_a_manifest(packed) -> None:
    _, pack, _, public = packed
    names = zipfile.ZipFile(pack).namelist()
    assert "event/event.yaml" in names and "event/energy.csv" in names
    assert "event/proofs/gec-2024-09.pdf" in names and "event/proofs/ccer-retirement.pdf" in names
    assert any(n.startswith("data/factors/cn-mee-2022/") for n in names)
    assert any(n.startswith("data/factors/geo/") for n in names)
    assert "data/rules/mee-2019.yaml" in names and "factors_used.csv" in names
    for lang in ("en", "zh"):
        assert f"reports/report.{lang}.html" in names and f"reports/report.{lang}.md" in names
    assert names[-1] == "manifest.json"
    manifest = json.loads(zipfile.ZipFile(pack).read("manifest.json"))
    assert {e["path"] for e in manifest["record"]["entries"]} == set(names) - {"manifest.json"}
    result = json.loads(zipfile.ZipFile(pack).read("result.json"))
    assert result["generated_at"] == "2025-01-20T00:00:00+00:00"
    assert {z.date_time for z in zipfile.ZipFile(pack).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    code, out = verify(pack, public)
    assert code == 0, out
    assert out.startswith("VALID: evidence pack for cisce-2024: ")


def test_the_same_folder_on_the_same_date_gives_the_same_bytes(packed, tmp_path) -> None:
    import carbonexpo

    folder, pack, key, _ = packed
    again = tmp_path / "again.zip"
    carbonexpo.evidence_pack(folder, again, key=key, made_on=DAY)
    assert again.read_bytes() == pack.read_bytes()
    other_day = tmp_path / "other.zip"
    carbonexpo.evidence_pack(folder, other_day, key=key, made_on=DAY + dt.timedelta(days=1))
    assert other_day.read_bytes() != pack.read_bytes()


def _rewritten(
    pack: Path,
    out: Path,
    change: str | None = None,
    drop: str | None = None,
    add: str | None = None,
) -> Path:
    """A copy of the pack, entries written again with one changed, dropped or added (the
    manifest kept as it was)."""
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            data = src.read(info.filename)
            if info.filename == change:
                data = bytes([data[0] ^ 0x01]) + data[1:]
            dst.writestr(info, data)
        if add:
            dst.writestr(add, b"extra")
    return out


@pytest.mark.parametrize(
    "entry",
    [
        "event/energy.csv",
        "event/proofs/gec-2024-09.pdf",
        "data/factors/cn-mee-2022/factors.csv",
        "factors_used.csv",
        "result.json",
        "reports/report.en.html",
        "reports/report.zh.md",
        "data/rules/eu-2024-825.yaml",
    ],
)
def test_one_changed_byte_is_named_by_its_entry(packed, tmp_path, entry) -> None:
    _, pack, _, public = packed
    assert entry in zipfile.ZipFile(pack).namelist()
    code, out = verify(_rewritten(pack, tmp_path / "x.zip", change=entry), public)
    assert code == 1
    assert out.startswith(f"INVALID: {entry}: changed (sha256 ")


def test_a_flipped_byte_in_the_compressed_file_is_named(packed, tmp_path) -> None:
    _, pack, _, public = packed
    raw = bytearray(pack.read_bytes())
    info = zipfile.ZipFile(pack).getinfo("event/energy.csv")
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100
    raw[offset] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    code, out = verify(broken, public)
    assert code == 1 and "event/energy.csv: " in out, out


def test_an_entry_added_or_removed_is_named(packed, tmp_path) -> None:
    _, pack, _, public = packed
    code, out = verify(_rewritten(pack, tmp_path / "a.zip", add="event/extra.csv"), public)
    assert code == 1 and "event/extra.csv: in the zip but not in the manifest (added)" in out
    code, out = verify(
        _rewritten(pack, tmp_path / "d.zip", drop="event/proofs/gec-2024-09.pdf"), public
    )
    assert (
        code == 1
        and "event/proofs/gec-2024-09.pdf: in the manifest but not in the zip (removed)" in out
    )


def test_the_rerun_reads_the_packs_own_factor_data(packed, tmp_path) -> None:
    """A pack whose factor file was changed and whose manifest was signed again over the new
    hashes (an issuer packing other data than it calculated with) is intact but INVALID: the
    re-run, which sees only the pack's data, gives another result."""
    from carbonexpo.certificate.keys import load_private
    from carbonexpo.certificate.record import sign

    _, pack, key, public = packed
    name = "data/factors/cn-mee-2022/factors.csv"
    src = zipfile.ZipFile(pack)
    body = json.loads(src.read("manifest.json"))
    text = src.read(name).decode("utf-8").replace("0.6776", "0.7000")
    assert "0.7000" in text
    record = body["record"]
    for e in record["entries"]:
        if e["path"] == name:
            e["sha256"] = hashlib.sha256(text.encode()).hexdigest()
            e["size"] = len(text.encode())
    out = tmp_path / "resigned.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "manifest.json":
                dst.writestr(info, json.dumps(sign(record, load_private(key))))
            else:
                dst.writestr(
                    info, text.encode() if info.filename == name else src.read(info.filename)
                )
    code, message = verify(out, public)
    assert code == 1
    assert "result.json: the re-run from the pack gives another result" in message


def test_an_unsigned_pack_or_another_key_is_not_valid(packed, tmp_path) -> None:
    import carbonexpo

    folder, pack, _, public = packed
    unsigned = tmp_path / "unsigned.zip"
    carbonexpo.evidence_pack(folder, unsigned, made_on=DAY)
    code, out = verify(unsigned, public)
    assert code == 1 and "manifest.json: not signed" in out
    _, other = carbonexpo.generate_keys(tmp_path / "other.key")
    code, out = verify(pack, other)
    assert code == 1 and out.startswith("INVALID: manifest.json: ")


def test_the_cli_packs_and_refuses_another_suffix(packed, tmp_path) -> None:
    folder, _, key, _ = packed
    r = run_cli(
        "evidence",
        str(folder),
        "-o",
        str(tmp_path / "p.zip"),
        "--key",
        str(key),
        "--date",
        "2025-01-20",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"wrote {tmp_path / 'p.zip'}: ")
    assert (tmp_path / "p.zip").read_bytes() == packed[1].read_bytes()
    bad = run_cli("evidence", str(folder), "-o", str(tmp_path / "p.tar"))
    assert bad.returncode == 2 and "--output must end in .zip" in bad.stderr


def test_a_certificate_pdf_carries_its_packs_hash(packed, tmp_path) -> None:
    folder, pack, key, public = packed
    cert = tmp_path / "cert.pdf"
    r = run_cli(
        "certificate",
        str(folder),
        "--key",
        str(key),
        "-o",
        str(cert),
        "--evidence",
        str(pack),
        "--date",
        "2025-01-21",
    )
    assert r.returncode == 0, r.stderr
    record = json.loads((tmp_path / "cert.json").read_text(encoding="utf-8"))["record"]
    assert (
        record["evidence_manifest_sha256"]
        == hashlib.sha256(zipfile.ZipFile(pack).read("manifest.json")).hexdigest()
    )
    r = run_cli("verify", str(cert), "--public-key", str(public), "--evidence", str(pack))
    assert (
        r.returncode == 0
        and r.stdout.startswith("VALID: certificate ")
        and "with its evidence pack" in r.stdout
    )
    import carbonexpo

    other = tmp_path / "other.zip"
    carbonexpo.evidence_pack(folder, other, key=key, made_on=DAY + dt.timedelta(days=3))
    r = run_cli("verify", str(cert), "--public-key", str(public), "--evidence", str(other))
    assert (
        r.returncode == 1 and "other.zip is not the evidence pack the certificate names" in r.stderr
    )


def test_a_pack_carries_the_registry_export_and_its_rerun_checks_against_it(
    packed, tmp_path
) -> None:
    import carbonexpo

    folder, _, key, public = packed
    export = tmp_path / "vcus.csv"
    export.write_text(
        "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,"
        "Country/Area,Project Type,Methodology,Total Vintage Quantity,Quantity Issued,"
        "Serial Number,Additional Certifications,Retirement/Cancellation Date,"
        "Retirement Beneficiary,Retirement Reason,Retirement Details\n"
        '2022-01-01,,2021-01-01,2021-12-31,1529,Wind,India,Energy,ACM0002,"9,000","2,000",'
        "11043-280113321-280115320-VCS-VCU-259-VER-IN-1-1529,,2025-01-20,CCPIT,"
        "Environmental Benefit,retired for cisce-2024\n",
        encoding="utf-8",
    )
    pack = tmp_path / "with-registry.zip"
    carbonexpo.evidence_pack(folder, pack, key=key, made_on=DAY, registry=[export])
    assert "registry/vcus.csv" in zipfile.ZipFile(pack).namelist()
    result = json.loads(zipfile.ZipFile(pack).read("result.json"))
    assert result["registry_checks"][0]["mismatches"] == []
    code, out = verify(pack, public)
    assert code == 0, out
