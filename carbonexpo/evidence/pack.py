"""Write an evidence pack: deterministic (entries in a fixed order, fixed times and modes, the
result's `generated_at` set to the pack's date), streamed (a file is copied into the zip in
1 MiB chunks while its SHA-256 is computed), and described by a manifest (path, size, sha256
of every entry) signed with the issuer's Ed25519 key."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import orjson

from carbonexpo.certificate.keys import load_private
from carbonexpo.certificate.record import sign
from carbonexpo.io.writers import write_atomic
from carbonexpo.resources import factors_dir
from carbonexpo.result import Result
from carbonexpo.rules.pack import pack_files

FORMAT = "carbonexpo-evidence/1"
MANIFEST = "manifest.json"
RESULT = "result.json"
EVENT = "event/"  # the event folder's inputs and evidence files, at their own relative paths
DATA = "data/"  # what the re-run reads instead of the shipped data: factors/, rules/
REGISTRY = "registry/"  # registry exports the credit rows were checked against
CHUNK = 1 << 20
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the bytes


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, on every platform
    info.external_attr = 0o644 << 16
    return info


def _write_stream(zf: zipfile.ZipFile, name: str, source: BinaryIO) -> Entry:
    digest = hashlib.sha256()
    size = 0
    with zf.open(_info(name), "w", force_zip64=True) as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return Entry(name, size, digest.hexdigest())


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes) -> Entry:
    zf.writestr(_info(name), data)
    return Entry(name, len(data), hashlib.sha256(data).hexdigest())


def _data_files(result: Result) -> Iterator[tuple[str, Path]]:
    """(name in the pack, file) of the shipped data the result used: each factor set's folder,
    the sources table, the geographic data (distances from origins)."""
    root = factors_dir()
    for s in sorted(result.factor_sets, key=lambda s: s.id):
        folder = root / s.id
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            yield f"{DATA}factors/{f.relative_to(root).as_posix()}", f
    yield f"{DATA}factors/sources.csv", root / "sources.csv"
    for f in sorted(p for p in (root / "geo").rglob("*") if p.is_file()):
        yield f"{DATA}factors/{f.relative_to(root).as_posix()}", f


def _factors_used_csv(result: Result) -> bytes:
    rows = ["key,unit,kgco2e_per_unit,set,source_id,source"]
    for f in result.factors_used:
        cells = [f.key, f.unit, repr(f.kgco2e_per_unit), f.set, f.source_id, f.source]
        rows.append(",".join('"' + str(c).replace('"', '""') + '"' for c in cells))
    return ("\n".join(rows) + "\n").encode("utf-8")


def pack_result(result: Result, made_on: dt.date) -> Result:
    """The result as packed: generated at the pack's date (00:00 UTC), so that the same
    folder packed on the same date gives the same bytes."""
    stamp = dt.datetime.combine(made_on, dt.time(0, 0), dt.UTC).isoformat(timespec="seconds")
    return result.model_copy(update={"generated_at": stamp})


def write_pack(
    folder: Path,
    result: Result,
    reports: dict[str, bytes],
    out: Path,
    *,
    key: Path | None,
    made_on: dt.date,
    result_json: bytes,
    exports: list[Path] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The pack at `out` (atomically); returns the manifest record."""
    entries: list[Entry] = []

    def build(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            inputs = sorted({i.file for i in result.inputs})
            evidence = sorted(set(result.evidence.files) if result.evidence else set())
            for rel in sorted(set(inputs) | set(evidence)):
                with (folder / rel).open("rb") as src:
                    entries.append(_write_stream(zf, EVENT + PurePosixPath(rel).as_posix(), src))
            for name, path in _data_files(result):
                with path.open("rb") as src:
                    entries.append(_write_stream(zf, name, src))
            for export in sorted(exports, key=lambda p: p.name):
                with export.open("rb") as src:
                    entries.append(_write_stream(zf, f"{REGISTRY}{export.name}", src))
            for name, raw in pack_files():
                entries.append(_write_bytes(zf, f"{DATA}rules/{name}", raw))
            entries.append(_write_bytes(zf, "factors_used.csv", _factors_used_csv(result)))
            entries.append(_write_bytes(zf, RESULT, result_json))
            for name, data in sorted(reports.items()):
                entries.append(_write_bytes(zf, f"reports/{name}", data))
            record = manifest_record(result, entries, made_on)
            zf.writestr(_info(MANIFEST), manifest_bytes(record, key))
            manifest.update(record)

    manifest: dict[str, Any] = {}
    write_atomic(out, build)
    return manifest


def manifest_record(result: Result, entries: list[Entry], made_on: dt.date) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "event": {"id": result.event.id, "name": result.event.name},
        "made_on": made_on.isoformat(),
        "carbonexpo_version": result.carbonexpo_version,
        "factor_sets": [
            {"id": s.id, "version": s.version, "sha256": s.sha256} for s in result.factor_sets
        ],
        "rule_packs": [{"id": c.pack, "version": c.version} for c in result.claims],
        "uncertainty": (
            {"runs": result.uncertainty.runs, "seed": result.uncertainty.seed}
            if result.uncertainty
            else None
        ),
        "ledger": result.ledger is not None,
        "entries": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in entries],
    }


def manifest_bytes(record: dict[str, Any], key: Path | None) -> bytes:
    """The signed envelope (as a certificate's: Ed25519 over the canonical record's SHA-256),
    or the record alone when no key is given (an unsigned pack)."""
    body = sign(record, load_private(key)) if key is not None else {"record": record}
    return orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
