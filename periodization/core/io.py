"""Atomic file output: write to a temporary sibling, then rename into place.

A crash or an error part-way leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from periodization.core.errors import UserError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes the file private (0600); give it the mode any new file would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def json_safe(obj: Any) -> Any:
    """``obj`` with every NaN or infinite float (numpy's too) replaced by None, so that it
    serialises to valid JSON (``NaN`` is not JSON; a statistic that is undefined is null)."""
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if hasattr(obj, "dtype") and getattr(obj, "shape", None) == ():  # a numpy scalar
        return json_safe(obj.item())
    return obj


def json_text(obj: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """Valid JSON for ``obj`` (non-finite floats as null, other objects as ``str``)."""
    return json.dumps(json_safe(obj), indent=indent, sort_keys=sort_keys, default=str,
                      allow_nan=False)


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json_text(obj, sort_keys=True) + "\n")


def read_json_object(path: str | Path, *, what: str, missing: str | None = None
                     ) -> dict[str, Any]:
    """A JSON file holding one object; ``UserError`` naming ``what`` if the file is missing
    (``missing`` replaces the message), unreadable or not an object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(missing or f"{what} not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {what} {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: malformed {what}")
    return data


def ensure_writable_dir(path: str | Path) -> Path:
    """Create ``path`` if needed and check that files can be created in it (UserError if not)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"output path exists and is not a directory: {path}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"cannot write to output directory {path}: {exc.strerror or exc}") from None
    return path


@contextlib.contextmanager
def staged_directory(out: str | Path, *, force: bool = False,
                     expected: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a temporary directory; on success move its files into ``out``.

    ``out`` may not hold any of ``expected`` (or any file, when ``expected`` is empty)
    unless ``force``. On an exception the temporary directory is removed and ``out`` is
    left exactly as it was.
    """
    out = ensure_writable_dir(out)
    existing = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    clash = [n for n in existing if not expected or n in expected]
    if clash and not force:
        raise UserError(f"{out} already holds {clash[0]!r}; use --force to overwrite")
    stage = Path(tempfile.mkdtemp(dir=out, prefix=".stage."))
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            target = out / item.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(item, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
