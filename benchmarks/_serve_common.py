"""Shared pieces of the ``serve_*`` benchmarks: the server in a process of its own (so the
load generator does not share its interpreter), a throw-away PostgreSQL, and exports."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def store(kind: str) -> Iterator[str]:
    """A fresh store URL: ``sqlite`` (a temporary file) or ``postgresql`` (a server of its
    own, ``tests/serve/postgres.py``)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/serve.db"
        return
    sys.path.insert(0, str(ROOT))
    from tests.serve.postgres import Server

    with Server() as url:
        yield url


@contextlib.contextmanager
def server(url: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    """``periodize serve --db url --workers N`` in a child process (``tests/serve/child.py``):
    (its base URL, its process id; its workers are its children)."""
    sys.path.insert(0, str(ROOT))
    from tests.serve.child import serve_child

    with serve_child(url, workers, start_timeout_s=60.0) as (base, proc):
        yield base, proc.pid


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live children."""
    import psutil

    procs = [psutil.Process(pid)]
    procs += procs[0].children(recursive=True)
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def csv_bytes(rows) -> bytes:
    """One athlete's rows (``_recommend_inputs.export_rows``) as a generic CSV export."""
    return rows.drop(columns="athlete_id").to_csv(index=False).encode()


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, q)) if xs else float("nan")
