"""Shared helpers of the benchmark scripts: repeated timing, machine facts, JSON output."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable


def repeat_timed(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall seconds of ``repeats`` calls of ``fn`` (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1min": os.getloadavg()[0],
    }


def emit(name: str, result: dict) -> None:
    print(json.dumps({"benchmark": name, **result, "machine": machine()}, indent=2))


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))
