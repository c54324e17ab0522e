"""Settings for one short command-line run: a batch job that builds many objects and large
arrays, then exits. Not applied to `serve` (a long-running server returns memory) nor to the
library (a notebook keeps its own settings)."""

from __future__ import annotations

import ctypes
import gc
import os
import platform
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3


def tune_for_one_run() -> None:
    # The cyclic collector's default pace (every 700 new containers) spends 5-8 % of a small
    # calc re-scanning the objects the imports made: collect less often.
    gc.set_threshold(50_000, 20, 20)
    keep_freed_memory()
    arrow_pool_that_returns_memory()


def arrow_pool_that_returns_memory() -> bool:
    """Arrow's jemalloc pool instead of its default (mimalloc) where the wheels have it (Linux
    on x86-64; Arrow's ARM builds leave jemalloc out and would warn):
    a streamed calc's blocks are parsed and freed one after another, and mimalloc kept what
    each parse used (scale 1: peak 365 MiB against 329 with jemalloc, wall time 0.96x, farm-bench
    of six pairs). Read by Arrow when its pool is first used, so set before that; a user's own
    ARROW_DEFAULT_MEMORY_POOL wins. False where nothing was set."""
    if (
        not sys.platform.startswith("linux")
        or platform.machine() != "x86_64"
        or "pyarrow" in sys.modules
    ):
        return False
    return os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc") == "jemalloc"


def keep_freed_memory() -> bool:
    """glibc gives every block over 32 MB its own mapping and unmaps it when freed, so the next
    array of that size is faulted in from the kernel again page by page (on the 2-core VM of
    benchmarks/, ~0.2 s of kernel time per scale-1 calc). Large blocks now come from the heap
    and freed memory stays there for reuse until the run ends. False where this is not glibc."""
    # its own lookup (as memory.glibc does): the command line reaches the library only through
    # the API, and importing that here would load pyarrow before the pool above is chosen
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # musl or another C library
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_MMAP_THRESHOLD, 1 << 30)) and bool(mallopt(M_TRIM_THRESHOLD, 2**31 - 1))


def freeze_at_exit() -> None:
    """What exists at the end is left to the process's end instead of a last full scan."""
    gc.freeze()
