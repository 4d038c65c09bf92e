"""Running the command line against hostile input, and what every refusal must look like:
exit code 2, one line on stderr starting ``error: ``, under 300 characters, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from periodization.cli import app

MAX_LINE = 300
runner = CliRunner()


def cli(*args: object, env: dict[str, str] | None = None, timeout: float = 180,
        **kwargs: object) -> subprocess.CompletedProcess:
    """``periodize ARGS`` in a real process (a hang fails the test at ``timeout`` s)."""
    return subprocess.run([sys.executable, "-m", "periodization.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kwargs)


def invoke(*args: object):
    """``periodize ARGS`` in this process (faster; the same code paths)."""
    return runner.invoke(app, [str(a) for a in args])


def refusal_line(code: int, stderr: str) -> str:
    assert code == 2, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip("\n").split("\n")
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("error: ") and len(line) < MAX_LINE, line
    assert line.isprintable(), repr(line)
    return line


def assert_refused(result, *fragments: str) -> str:
    """``result`` (a CompletedProcess or a CliRunner Result) is one clean refusal naming
    every fragment; returns the line."""
    code = getattr(result, "returncode", None)
    if code is None:
        code = result.exit_code
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.exception
    line = refusal_line(code, result.stderr)
    for fragment in fragments:
        assert fragment in line, line
    return line


def assert_one_line(exc: BaseException) -> None:
    """A refusal raised in this process: one line, and the CLI's line under 300 chars."""
    from periodization.core.failures import PREFIX, error_line

    assert "\n" not in str(exc), str(exc)
    line = PREFIX + error_line(exc)
    assert len(line) < MAX_LINE and line.isprintable(), line


def tree_digest(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too, the lock file excepted) by relative
    path → its bytes: equal digests mean an identical directory."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".periodize.lock"}
