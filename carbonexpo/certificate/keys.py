"""Ed25519 issuer keys: a private key file (PEM, mode 0600, never overwritten) and its .pub.

cryptography is imported by the functions that use it: its bindings hold 7.6 MiB of every
process that imports carbonexpo, and a calculation or a report signs nothing."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from carbonexpo.errors import CertificateError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )


def public_path(private: Path) -> Path:
    return private.with_name(private.name + ".pub")


def generate_keys(out: Path) -> tuple[Path, Path]:
    """Write a new private key to `out` (0600) and its public key beside it; refuse to
    overwrite either."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pub = public_path(out)
    for p in (out, pub):
        if p.exists():
            raise CertificateError(f"{p} already exists; not overwriting a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    out.chmod(0o600)  # whatever the umask
    pub.write_text(encode_public(key.public_key()) + "\n", encoding="ascii")
    return out, pub


def load_private(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CertificateError(
            f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"{path} is not a PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CertificateError(f"{path} is not an Ed25519 key")
    return key


def encode_public(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def decode_public(text: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"not an Ed25519 public key: {exc}") from exc


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise CertificateError(f"{path} is not a public key file (*.pub, one line)") from None
    if "PRIVATE KEY" in text:
        raise CertificateError(
            f"{path} is the private key: give its public key, {public_path(path).name} "
            "(and keep the private key to yourself)"
        )
    try:
        return decode_public(text)
    except CertificateError:
        raise CertificateError(
            f"{path} is not a public key: give the .pub file `carbonexpo keys generate` "
            "wrote beside the private key (one line of base64)"
        ) from None


def load_trusted(public_key: Path | None, trust_dir: Path | None) -> dict[str, Ed25519PublicKey]:
    """Name -> key of every key the user trusts: --public-key and every *.pub in --trust DIR."""
    keys: dict[str, Ed25519PublicKey] = {}
    if public_key is not None:
        keys[public_key.name] = load_public(public_key)
    if trust_dir is not None:
        files = sorted(trust_dir.glob("*.pub"))
        if not files:
            raise CertificateError(f"--trust {trust_dir}: no *.pub key files in it")
        for path in files:
            try:
                keys[path.name] = load_public(path)
            except CertificateError as exc:
                raise CertificateError(f"{path}: {exc}") from exc
    return keys
