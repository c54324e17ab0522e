"""Several files replaced as one unit: all of them, or (after a crash) none or all on the next
start, never a mix. A write-ahead journal in the event folder's state directory:

1. each new file is written in full into `.carbonexpo/journal/` (and flushed to disk);
2. `manifest.json` naming them is written atomically: the commit point;
3. each file is renamed over its target (a rename within one file system is atomic);
4. the journal is removed.

`recover` (run under the folder's lock before any write, and when the web face starts) finishes
a committed journal (step 3 again: renames of files still there) and throws away one that was
never committed; it also removes the temporary files an interrupted atomic write leaves beside
a table (`.travel.csv.*.tmp`)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

STATE_DIR = ".carbonexpo"
JOURNAL = "journal"
MANIFEST = "manifest.json"


def _journal(folder: Path) -> Path:
    return folder / STATE_DIR / JOURNAL


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_together(folder: Path, files: Mapping[Path, bytes]) -> None:
    """Replace every target (a file directly in `folder`) with its new bytes, as one unit."""
    if not files:
        return
    journal = _journal(folder)
    recover(folder)  # an earlier unit first, whole
    journal.mkdir(parents=True, exist_ok=True, mode=0o700)
    names: list[str] = []
    for target, data in files.items():
        if target.parent.resolve() != folder.resolve():
            raise ValueError(f"{target} is not in {folder}")
        staged = journal / target.name
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        staged.chmod(mode)  # whatever the umask
        names.append(target.name)
    manifest = journal / MANIFEST
    tmp = journal / (MANIFEST + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump({"files": names}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, manifest)  # committed
    _fsync_dir(journal)
    _apply(folder, names)


def _apply(folder: Path, names: list[str]) -> None:
    journal = _journal(folder)
    for name in names:
        staged = journal / name
        if staged.exists():
            os.replace(staged, folder / name)
    _fsync_dir(folder)
    with contextlib.suppress(FileNotFoundError):
        (journal / MANIFEST).unlink()


def recover(folder: Path) -> list[str]:
    """Finish or discard an interrupted unit; remove stray temporary files. Returns what was
    done, one line each (for a log)."""
    done: list[str] = []
    journal = _journal(folder)
    if journal.is_dir():
        manifest = journal / MANIFEST
        if manifest.exists():
            try:
                names = [str(n) for n in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
            except (ValueError, KeyError, TypeError):
                names = []
            names = [n for n in names if "/" not in n and not n.startswith(".")]
            _apply(folder, names)
            done.append(f"finished an interrupted save of {', '.join(names)}")
        for leftover in journal.iterdir():
            leftover.unlink()
            done.append(f"discarded an uncommitted {leftover.name}")
        journal.rmdir()
    for stray in folder.glob(".*.tmp"):
        if stray.is_file():
            stray.unlink()
            done.append(f"removed {stray.name}")
    return done
