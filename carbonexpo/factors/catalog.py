"""Load the shipped factor sets (data packages) and their bibliography, and self-check them."""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from carbonexpo.errors import FactorDataError
from carbonexpo.resources import factors_dir
from carbonexpo.units import UnitProblem, check_unit, multiplier

FACTOR_COLUMNS = (
    "key",
    "unit",
    "kgco2e_per_unit",
    "gas_basis",
    "year",
    "source_id",
    "source_ref",
    "proxy_for",
    "note",
)


@dataclass(frozen=True)
class Source:
    source_id: str
    publisher: str
    title: str
    year: str
    url: str
    licence: str
    attribution: str


@dataclass(frozen=True)
class Factor:
    key: str
    unit: str
    kgco2e_per_unit: float
    gas_basis: str
    year: int | None
    source_id: str
    source_ref: str
    proxy_for: str
    note: str
    set_id: str

    def per(self, unit: str) -> float:
        """kgCO2e per one `unit` of activity (the factor converted from its own unit)."""
        return self.kgco2e_per_unit * multiplier(unit, self.unit)

    def source_label(self, sources: dict[str, Source]) -> str:
        src = sources.get(self.source_id)
        who = f"{src.publisher} ({src.year}), {src.licence}" if src else self.source_id
        return (
            f"{self.set_id}: {who}; ref {self.source_ref}"
            if self.source_ref
            else f"{self.set_id}: {who}"
        )


@dataclass(frozen=True)
class FactorSet:
    set_id: str
    version: str
    title: str
    publisher: str
    year: int
    licences: tuple[str, ...]
    sha256: str
    factors: tuple[Factor, ...] = field(repr=False)

    def by_key(self) -> dict[str, list[Factor]]:
        out: dict[str, list[Factor]] = {}
        for f in self.factors:
            out.setdefault(f.key.lower(), []).append(f)
        return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def load_sources() -> dict[str, Source]:
    """The publishers of the shipped factors, by source id (factors/sources.csv)."""
    path = factors_dir() / "sources.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {r["source_id"]: Source(**r) for r in csv.DictReader(f)}


@cache
def set_ids() -> list[str]:
    """The ids of the shipped factor sets."""
    root = factors_dir()
    return sorted(
        p.parent.name
        for p in root.glob("*/datapackage.json")
        if (p.parent / "factors.csv").exists()
    )


@cache
def load_set(set_id: str) -> FactorSet:
    """A shipped factor set by id (e.g. cn-mee-2022), checked against its datapackage.json
    (sha256, rows); FactorDataError naming the shipped ids when there is none."""
    folder = factors_dir() / set_id
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists():
        known = ", ".join(set_ids())
        raise FactorDataError(f"unknown factor set {set_id!r} (shipped: {known})")
    meta = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resource = meta["resources"][0]
    csv_path = folder / resource["path"]
    factors = tuple(_read_factor_rows(csv_path, set_id))
    return FactorSet(
        set_id=meta["name"],
        version=meta["version"],
        title=meta["title"],
        publisher=meta["publisher"],
        year=int(meta["year"]),
        licences=tuple(x["name"] for x in meta["licenses"]),
        sha256=_sha256(csv_path),
        factors=factors,
    )


def _read_factor_rows(path: Path, set_id: str) -> list[Factor]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Factor(
                key=r["key"],
                unit=r["unit"],
                kgco2e_per_unit=float(r["kgco2e_per_unit"]),
                gas_basis=r["gas_basis"],
                year=int(r["year"]) if r["year"] else None,
                source_id=r["source_id"],
                source_ref=r["source_ref"],
                proxy_for=r["proxy_for"],
                note=r["note"],
                set_id=set_id,
            )
            for r in csv.DictReader(f)
        ]


def self_check() -> list[str]:
    """Load every set and check it; return every failure found (empty list = all good)."""
    failures: list[str] = []
    root = factors_dir()
    try:
        sources = load_sources()
    except Exception as exc:  # report, don't stop: all failures together
        return [f"sources.csv: cannot load ({exc})"]
    for sid, src in sources.items():
        for attr in ("publisher", "title", "year", "url", "licence"):
            if not getattr(src, attr).strip():
                failures.append(f"sources.csv: {sid}: empty {attr}")
    for descriptor in sorted(root.glob("*/datapackage.json")):
        name = descriptor.parent.name
        try:
            meta = json.loads(descriptor.read_text(encoding="utf-8"))
        except Exception as exc:
            failures.append(f"{name}/datapackage.json: unreadable ({exc})")
            continue
        for key in ("name", "version", "title", "publisher", "licenses", "sources", "resources"):
            if key not in meta:
                failures.append(f"{name}/datapackage.json: missing {key!r}")
        for sid in meta.get("sources", []):
            if sid not in sources:
                failures.append(f"{name}/datapackage.json: source {sid!r} not in sources.csv")
        for res in meta.get("resources", []):
            path = descriptor.parent / res["path"]
            if not path.exists():
                failures.append(f"{name}/{res['path']}: missing")
                continue
            raw = path.read_bytes()
            if raw.startswith(b"\xef\xbb\xbf"):
                failures.append(f"{name}/{res['path']}: has a BOM")
            if hashlib.sha256(raw).hexdigest() != res.get("sha256"):
                failures.append(f"{name}/{res['path']}: sha256 differs from the descriptor")
            for fld in res.get("schema", {}).get("fields", []):
                if fld.get("type") in ("number", "integer") and not fld.get("unit"):
                    failures.append(
                        f"{name}/{res['path']}: numeric field {fld['name']!r} has no unit"
                    )
            if res["name"] == "factors":
                failures += _check_factor_rows(path, name, sources)
    return failures


def _check_factor_rows(path: Path, set_id: str, sources: dict[str, Source]) -> list[str]:
    failures = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != FACTOR_COLUMNS:
            failures.append(
                f"{set_id}/factors.csv: columns {reader.fieldnames} != {list(FACTOR_COLUMNS)}"
            )
        seen: set[tuple[str, str]] = set()
        for line, r in enumerate(reader, start=2):
            where = f"{set_id}/factors.csv:{line}"
            try:
                check_unit(r["unit"])
            except UnitProblem as exc:
                failures.append(f"{where}: unit: {exc}")
            try:
                value = float(r["kgco2e_per_unit"])
                if not math.isfinite(value) or value < 0:
                    failures.append(f"{where}: kgco2e_per_unit: not a finite value >= 0")
            except ValueError:
                failures.append(f"{where}: kgco2e_per_unit: not a number")
            src = sources.get(r["source_id"])
            if src is None:
                failures.append(f"{where}: source_id {r['source_id']!r} does not resolve")
            elif not src.licence.strip():
                failures.append(f"{where}: source {r['source_id']!r} has no licence")
            ident = (r["key"].lower(), r["unit"])
            if ident in seen:
                failures.append(f"{where}: duplicate key and unit {ident}")
            seen.add(ident)
    return failures


def search(text: str, limit: int = 40) -> list[Factor]:
    """Factors of every shipped set whose key or note contains every word of `text`
    (case-insensitive): 'air long business' finds passenger.air.long_haul.business …"""
    words = [w for w in text.lower().replace("-", "_").split() if w]
    hits = []
    for sid in set_ids():
        for f in load_set(sid).factors:
            haystack = f"{f.key} {f.note} {f.proxy_for}".lower().replace("-", "_")
            if all(w in haystack for w in words):
                hits.append(f)
    return hits[:limit]
