"""Public registry exports read as retired blocks: Verra's VCU export and Gold Standard's
credits export, told apart by their header rows (column layouts as the registries publish them;
carbonplan/offsets-db-data maps the same). One row per block: the serial's identity, first and
last unit, status, quantity, date, beneficiary and details."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from carbonexpo.errors import InputError, said_problem
from carbonexpo.words import said

VERRA = {
    "serial": "Serial Number",
    "quantity": "Quantity Issued",
    "date": "Retirement/Cancellation Date",
    "beneficiary": "Retirement Beneficiary",
    "details": "Retirement Details",
    "project": "ID",
}
GOLD_STANDARD = {
    "serial": "Serial Number",
    "quantity": "Quantity",
    "status": "Credit Status",
    "date": "Retirement Date",
    "beneficiary": "Using Entity",
    "details": "Note",
    "project": "GSID",
}
# 19381-941412555-941441125-VCS-VCU-1310-VER-CN-13-3005-01012022-31102022-0
VERRA_SERIAL = re.compile(r"^\s*\d+-(\d+)-(\d+)-(VCS-.+?)\s*$")
# GS1-1-KE-GS11603-16-2025-30256-110-5463
GS_SERIAL = re.compile(r"^\s*(GS\d+-\d+-.+)-(\d+)-(\d+)\s*$")


@dataclass(frozen=True)
class RegistryExport:
    registry: str  # VCS or GS, as credits.csv names the registry
    file: str
    sha256: str
    blocks: (
        pd.DataFrame
    )  # identity, first, last, retired, quantity, date, beneficiary, details, _row


def serial_parts(serial: str) -> tuple[str, int, int] | None:
    """(identity, first, last) of a Verra or Gold Standard serial number, else None."""
    if m := VERRA_SERIAL.match(serial):
        return m.group(3), int(m.group(1)), int(m.group(2))
    if m := GS_SERIAL.match(serial):
        return m.group(1), int(m.group(2)), int(m.group(3))
    return None


def read_export(path: Path) -> RegistryExport:
    name = path.name
    raw = path.read_bytes()
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            [
                said_problem(
                    name, 0, "", said("detail.not_csv_export", error=str(exc)), "registry_export"
                )
            ]
        ) from exc
    columns = set(df.columns)
    if set(VERRA.values()) <= columns:
        registry, layout = "VCS", VERRA
        retired = df[VERRA["date"]].str.strip() != ""
    elif set(GOLD_STANDARD.values()) <= columns:
        registry, layout = "GS", GOLD_STANDARD
        retired = (
            df[GOLD_STANDARD["status"]].str.strip().str.casefold().isin(["retired", "cancelled"])
        )
    else:
        known = ", ".join(sorted(set(VERRA.values()) | set(GOLD_STANDARD.values())))
        raise InputError(
            [
                said_problem(
                    name,
                    1,
                    "",
                    said("detail.not_registry_export", columns=known),
                    "registry_export",
                )
            ]
        )
    parts = df[layout["serial"]].map(serial_parts)
    unparsed = parts.isna().to_numpy()
    rows = np.arange(2, 2 + len(df))
    if unparsed.any():
        bad = [
            said_problem(
                name,
                int(r),
                layout["serial"],
                said("detail.not_registry_serial", serial=s, registry=registry),
                "registry_export",
            )
            for r, s in zip(rows[unparsed][:20], df[layout["serial"]][unparsed][:20], strict=False)
        ]
        raise InputError(bad)
    quantity = pd.to_numeric(df[layout["quantity"]].str.replace(",", ""), errors="coerce")
    blocks = pd.DataFrame(
        {
            "identity": [p[0] for p in parts],
            "first": np.array([p[1] for p in parts], dtype=np.int64),
            "last": np.array([p[2] for p in parts], dtype=np.int64),
            "retired": retired.to_numpy(),
            "quantity": quantity.to_numpy(),
            "date": pd.to_datetime(
                df[layout["date"]].str.strip(), errors="coerce"
            ).dt.date.to_numpy(),
            "beneficiary": df[layout["beneficiary"]].to_numpy(),
            "details": df[layout["details"]].to_numpy(),
            "_row": rows,
        }
    )
    return RegistryExport(registry, name, hashlib.sha256(raw).hexdigest(), blocks)
