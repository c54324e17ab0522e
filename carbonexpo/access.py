"""Secret links to the web pages (spec §12): one per exhibitor of booths.csv and one for the
staff. A link carries a random token of 256 bits; the event folder keeps only its SHA-256, so a
copy of the folder gives nobody a way in. Lookups compare every stored hash in constant time.

Files, in DIR/.carbonexpo/ (mode 600):
- access.json: {"version": 1, "links": [{"sha256", "role", "exhibitor", "created"}]}
- secret: the key that signs CSRF tokens of this event's forms
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from carbonexpo.io.writers import write_atomic

STATE_DIR = ".carbonexpo"
ACCESS_FILE = "access.json"
SECRET_FILE = "secret"  # noqa: S105  (a file name, not a password)
TOKEN_BYTES = 32  # 256 bits; the spec asks for at least 128
Role = Literal["exhibitor", "staff"]


@dataclass(frozen=True)
class Access:
    role: Role
    exhibitor: str | None  # None for the staff


@dataclass(frozen=True)
class NewLink:
    access: Access
    token: str

    def path(self) -> str:
        return f"/e/{self.token}" if self.access.role == "exhibitor" else f"/staff/{self.token}"


def token_hash(token: str) -> str:
    """The SHA-256 of a secret link's token: what is stored instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _state(folder: Path) -> Path:
    return folder / STATE_DIR


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"), mode=0o600)


class AccessList:
    """The stored hashes of one event folder."""

    def __init__(self, links: list[dict[str, str | None]]):
        self.links = links

    @classmethod
    def load(cls, folder: Path) -> AccessList:
        path = _state(folder) / ACCESS_FILE
        if not path.exists():
            return cls([])
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(list(data.get("links", [])))

    def save(self, folder: Path) -> None:
        text = json.dumps({"version": 1, "links": self.links}, ensure_ascii=False, indent=1)
        write_private(_state(folder) / ACCESS_FILE, text + "\n")

    def find(self, token: str) -> Access | None:
        """The access a token gives, or None. Every stored hash is compared, in constant time,
        so the answer's timing says nothing about how close a guess was."""
        if not token or len(token) > 200:
            return None
        wanted = token_hash(token).encode("ascii")
        found: dict[str, str | None] | None = None
        for link in self.links:
            if hmac.compare_digest(wanted, str(link["sha256"]).encode("ascii")):
                found = link
        if found is None:
            return None
        role: Role = "staff" if found["role"] == "staff" else "exhibitor"
        return Access(role, found.get("exhibitor"))

    def has(self, role: Role, exhibitor: str | None = None) -> bool:
        return any(
            link["role"] == role and link.get("exhibitor") == exhibitor for link in self.links
        )

    def issue(self, role: Role, exhibitor: str | None = None) -> NewLink:
        """A new link; an earlier link of the same person stops working."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.links = [
            link
            for link in self.links
            if not (link["role"] == role and link.get("exhibitor") == exhibitor)
        ]
        self.links.append(
            {
                "sha256": token_hash(token),
                "role": role,
                "exhibitor": exhibitor,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
        return NewLink(Access(role, exhibitor), token)


def invite(
    folder: Path, exhibitors: Iterable[str], *, renew: bool = False
) -> tuple[list[NewLink], int]:
    """Links for the staff and for every exhibitor that has none yet (all of them with
    `renew`, which revokes the earlier links). Returns (new links, links kept)."""
    access = AccessList.load(folder)
    new: list[NewLink] = []
    kept = 0
    wanted: list[tuple[Role, str | None]] = [("staff", None)]
    wanted += [("exhibitor", name) for name in dict.fromkeys(exhibitors)]
    for role, name in wanted:
        if access.has(role, name) and not renew:
            kept += 1
            continue
        new.append(access.issue(role, name))
    access.save(folder)
    secret(folder)  # made once, with the first links
    return new, kept


def booth_exhibitors(folder: Path) -> list[str]:
    """The exhibitors of booths.csv, each once (as first written); refused when booths.csv is
    missing or one exhibitor is written two ways (two links for one company)."""
    import pandas as pd

    from carbonexpo.errors import InputError, said_problem
    from carbonexpo.identifiers import other_spellings
    from carbonexpo.words import said

    booths = folder / "booths.csv"
    if not booths.exists():
        raise InputError(
            [said_problem("booths.csv", 0, "", said("detail.invite_needs_booths"), "missing")]
        )
    column = pd.read_csv(booths, dtype=str, keep_default_na=False)["exhibitor"]
    rows = [(row, n) for row, n in enumerate(column, start=2) if n.strip()]
    names = [n for _, n in rows]
    twice = [
        said_problem(
            "booths.csv",
            rows[i][0],
            "exhibitor",
            said("detail.spelt_twice", name=n, first=spelt),
            "duplicate",
        )
        for i, n, spelt in other_spellings(names)  # one exhibitor: one link, not two
    ]
    if twice:
        raise InputError(twice)
    return list(dict.fromkeys(names))


def invite_exhibitors(folder: Path, *, renew: bool = False) -> tuple[list[NewLink], int]:
    """Links for the staff and each exhibitor of booths.csv (one per exhibitor, however many
    booths)."""
    return invite(folder, booth_exhibitors(folder), renew=renew)


def find_access(folder: Path, token: str) -> Access | None:
    """The access a secret link's token gives on this event folder, or None."""
    return AccessList.load(folder).find(token)


def secret(folder: Path) -> bytes:
    """The event's signing key for CSRF tokens (made on first use)."""
    path = _state(folder) / SECRET_FILE
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    key = secrets.token_bytes(32)
    write_private(path, key.hex() + "\n")
    return key
