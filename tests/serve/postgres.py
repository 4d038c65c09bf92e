"""A real, throw-away PostgreSQL server for tests and benchmarks: Debian's ``postgresql``
package (``.ci/run`` installs it), a fresh data directory from ``initdb``, started with
``pg_ctl`` as the ``postgres`` system user when run as root (PostgreSQL refuses to run
as root), listening on a free localhost port, trust authentication."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# which binaries, newest major version first
_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def bin_dir() -> Path | None:
    for d in sorted(glob.glob(_BIN_GLOB), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(d) / "pg_ctl").exists() and (Path(d) / "initdb").exists():
            return Path(d)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server() as url:`` a SQLAlchemy URL of a running server, stopped after."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL server binaries (Debian package postgresql)")
        self.root = Path(tempfile.mkdtemp(prefix="periodization-pg-"))
        self.data, self.port = self.root / "data", _free_port()

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-w", "-l",
                  str(self.root / "log"), "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc: object) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
