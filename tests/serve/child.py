"""``periodize serve`` in a child process, the command a user runs: for the tests that need
several server processes and for the ``serve_*`` benchmarks (whose load generator must not
share the server's interpreter)."""

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

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_child(url: str, workers: int = 1, *, start_timeout_s: float = 120.0
                ) -> Iterator[tuple[str, subprocess.Popen]]:
    """``periodize serve --db url --workers N`` on a free port; yields (base URL, process)
    once the port accepts connections, and stops the server on exit. Its stderr goes to a
    temporary file, not a pipe (a long run's log would fill a pipe and stall the server),
    and is quoted in the error if the server exits or does not start in time."""
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen([sys.executable, "-m", "periodization", "serve", "--db", url,
                                 "--port", str(port), "--workers", str(workers)], cwd=ROOT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"}, stderr=log,
                                text=True)
        try:
            deadline = time.monotonic() + start_timeout_s
            while True:
                with contextlib.suppress(OSError), socket.create_connection(
                        ("127.0.0.1", port), timeout=0.2):
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the server did not start: {log.read()[-2000:]}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}", proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
