"""Memory a finished step freed, returned to the system before the next step begins.

Freed memory normally stays with its allocator for reuse: Arrow's pool keeps the pages a
streamed read parsed into, glibc keeps its heap (the command line asks it to, see
cli.process.keep_freed_memory). Between two steps that allocate differently (a calculation's
arrays, then the reports' charts) that reuse does not happen and the process's peak is the
sum of both. `give_back()` ends the first step's share."""

from __future__ import annotations

import ctypes
import sys
from typing import Any


def give_back() -> None:
    """Empty Arrow's pool of unused pages and trim glibc's heaps (every arena, pages anywhere
    in them, whatever the trim threshold). Costs a few milliseconds. What is freed is what
    reference counting freed: no cycle collection (90 ms on a calculation's heap, and the
    arrays a step leaves hold no cycles)."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    _malloc_trim()


def _malloc_trim() -> bool:
    trim = glibc("malloc_trim", [ctypes.c_size_t])
    return bool(trim(0)) if trim is not None else False


def glibc(name: str, argtypes: list[type]) -> Any:
    """A function of glibc with its argument types set, or None where the C library is
    another (musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL("libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    return function
