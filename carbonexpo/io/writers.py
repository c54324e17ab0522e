"""Atomic file output: write beside the target, then rename over it, so that a reader never sees
a half-written file and a failure leaves the old file (or none) in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    path = Path(path)
    if path.exists() and not path.is_file():
        # a device or a pipe (/dev/null, /dev/stdout, a FIFO): write through, never replace it
        writer(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda p: p.write_bytes(data))
