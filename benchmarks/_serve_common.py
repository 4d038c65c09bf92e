"""Shared pieces of the ``serve_*`` benchmarks: the server in a process of its own (so the
load generator does not share its interpreter), a throw-away PostgreSQL, and exports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
def server(url: str, workers: int = 1) -> Iterator[str]:
    """``periodize serve --db url --workers N`` in a child process (the command a user
    runs); its base URL. ``server.pid``: the child's process id (its workers are its
    children)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "periodization", "serve", "--db", url,
                             "--port", str(port), "--workers", str(workers)], cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            stderr=subprocess.DEVNULL)
    server.pid = proc.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                        timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
