"""Sizes against the memory there is: refuse an input before it is allocated, not after.

``require_memory`` compares an estimate of what an operation will hold (bytes) with the
memory available to the process (``MemAvailable`` of ``/proc/meminfo``, bounded by an
address-space limit ``RLIMIT_AS`` if one is set) and raises a one-line ``UserError``
naming what asked for it when it would not fit.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from periodization.core.errors import UserError


def available_memory() -> int:
    """Bytes this process can still obtain, as far as the system says (≥ 0)."""
    available = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            available = 1 << 62  # unknown: do not refuse on a guess
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        available = min(available, soft)
    return max(int(available), 0)


def require_memory(nbytes: int, *, what: str) -> None:
    """``UserError`` if ``nbytes`` will not fit in the memory available."""
    have = available_memory()
    if nbytes > have:
        raise UserError(f"{what} needs about {_size(nbytes)} of memory, and "
                        f"{_size(have)} is available: make it smaller")


def _size(nbytes: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} B"
