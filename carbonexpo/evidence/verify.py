"""Verify an evidence pack: the manifest's signature (a trusted key), every entry's SHA-256
and size (a changed byte is named by its entry), no entry missing or added, and the
calculation re-run from the pack alone — its own inputs, factor data and rule packs, in a
fresh process that sees no shipped data — giving the packed result (its date aside)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from carbonexpo.certificate.record import verify as verify_envelope
from carbonexpo.evidence.pack import CHUNK, DATA, EVENT, FORMAT, MANIFEST, REGISTRY, RESULT
from carbonexpo.resources import DATA_ENV

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SET_ASIDE = ("generated_at",)  # the only field a re-run may change


@dataclass(frozen=True)
class PackVerification:
    """`ok`: signed by a trusted key, every entry intact, and the re-run gives the result."""

    ok: bool
    problems: list[str]
    notes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None


def _fail(problems: list[str], manifest: dict[str, Any] | None = None) -> PackVerification:
    return PackVerification(False, problems, manifest=manifest)


def _entry_sha256(zf: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with zf.open(name) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _safe(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and "\\" not in name


def verify_pack(path: Path, trusted: dict[str, Ed25519PublicKey] | None) -> PackVerification:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return _fail([f"{path.name}: not a readable evidence pack (zip): {exc}"])
    with zf:
        names = zf.namelist()
        if len(set(names)) != len(names):
            return _fail(["the zip holds two entries of one name"])
        if MANIFEST not in names:
            return _fail([f"no {MANIFEST}: not an evidence pack"])
        try:
            body = json.loads(zf.read(MANIFEST))
        except (zipfile.BadZipFile, zlib.error, ValueError) as exc:
            return _fail([f"{MANIFEST}: damaged or not JSON: {exc}"])
        notes: list[str] = []
        problems: list[str] = []
        signed = isinstance(body, dict) and "signature" in body
        if signed:
            v = verify_envelope(body, trusted)
            if not v.intact:
                return _fail([f"{MANIFEST}: {v.messages[0]}"])
            if not v.ok:
                problems.append(f"{MANIFEST}: {v.messages[0]}")
            else:
                notes += v.messages
        else:
            problems.append(
                f"{MANIFEST}: not signed (packed without --key): who made it is not known"
            )
        record = body.get("record") if isinstance(body, dict) else None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            return _fail([f"{MANIFEST}: not a {FORMAT} manifest"])
        listed = {e["path"]: e for e in record.get("entries", [])}
        for name in names:
            if name != MANIFEST and name not in listed:
                problems.append(f"{name}: in the zip but not in the manifest (added)")
        for name, e in listed.items():
            if name not in names:
                problems.append(f"{name}: in the manifest but not in the zip (removed)")
                continue
            try:
                digest, size = _entry_sha256(zf, name)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                problems.append(f"{name}: damaged ({exc})")
                continue
            if digest != e["sha256"] or size != e["size"]:
                problems.append(f"{name}: changed (sha256 {digest[:16]}… is not the manifest's)")
        manifest_sha = hashlib.sha256(zf.read(MANIFEST)).hexdigest()
        if any(not _safe(n) for n in names):
            problems.append("an entry's name leads out of the pack (absolute or '..')")
        # an entry that is not what the manifest says: nothing to re-run from; who signed is
        # another question, so an unsigned or untrusted pack is still re-run and said in full
        if any(not p.startswith(MANIFEST) for p in problems):
            return PackVerification(False, problems, notes, record, manifest_sha)
        problems += _rerun(zf, names, record)
    return PackVerification(not problems, problems, notes, record, manifest_sha)


def _rerun(zf: zipfile.ZipFile, names: list[str], record: dict[str, Any]) -> list[str]:
    """The calculation run again in a fresh process from the pack's own files only."""
    with tempfile.TemporaryDirectory(prefix="carbonexpo-verify-") as tmp:
        root = Path(tmp)
        for name in names:
            if name.startswith((EVENT, DATA, REGISTRY)) and not name.endswith("/"):
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(name) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
        (root / EVENT).mkdir(exist_ok=True)
        command = [sys.executable, "-m", "carbonexpo", "calc", str(root / EVENT), "--json", "-"]
        for name in names:
            if name.startswith(REGISTRY):
                command += ["--registry", str(root / name)]
        if u := record.get("uncertainty"):
            command += ["--uncertainty", "--runs", str(u["runs"]), "--seed", str(u["seed"])]
        env = {**os.environ, DATA_ENV: str(root / DATA)}
        run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
        if run.returncode != 0:
            why = run.stderr.strip()[:600]
            return [f"the re-run from the pack failed (exit {run.returncode}): {why}"]
        again = json.loads(run.stdout)
    packed = json.loads(zf.read(RESULT))
    if record.get("ledger"):
        packed.pop("ledger", None)
        again.pop("ledger", None)
    for key in SET_ASIDE:
        packed.pop(key, None)
        again.pop(key, None)
    if again == packed:
        return []
    changed = sorted(k for k in set(packed) | set(again) if packed.get(k) != again.get(k))
    return [
        f"{RESULT}: the re-run from the pack gives another result (fields {', '.join(changed)})"
    ]


def is_pack(path: Path) -> bool:
    """A zip (an evidence pack) rather than a certificate (PDF or JSON)."""
    with path.open("rb") as f:
        return f.read(4) == b"PK\x03\x04"


def pack_of(path: Path) -> tuple[str, dict[str, Any]]:
    """(SHA-256 of the manifest entry, the packed result) of an evidence pack, for a
    certificate to carry and compare."""
    with zipfile.ZipFile(path) as zf:
        manifest = zf.read(MANIFEST)
        return hashlib.sha256(manifest).hexdigest(), json.loads(zf.read(RESULT))


def same_result(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal but for the fields a run may change (its date)."""

    def trimmed(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k not in SET_ASIDE}

    return trimmed(a) == trimmed(b)
