"""Atomic output: a file is written to a temporary sibling and renamed into place; a
directory of outputs is written to a staging directory and swapped in with one rename.

A crash, a ``kill -9`` or an error part-way leaves either the old output or the new one,
never half of one, and never a mix of the two. Staging and temporary files a killed
process left behind are removed by the next writer (their names carry the writer's pid).

``fault_point`` marks each step of a write; a test sets ``PERIODIZATION_KILL_AT=n`` to
have the process SIGKILL itself at the n-th step, and so checks every point of a commit.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from periodization.core.errors import UserError

KILL_AT_ENV = "PERIODIZATION_KILL_AT"
MAX_JSON_BYTES = 16 << 20  # run.json, scaler.json, meta.json, model.json are a few kB
_STAGE_TAG = ".stage-"
_faults = {"count": 0}


def fault_point(label: str = "") -> None:
    """One step of a write. With ``$PERIODIZATION_KILL_AT`` = n, the n-th step kills the
    process (SIGKILL: no cleanup runs, as with a power cut); a no-op otherwise. ``label``
    says which step, for whoever reads this in a debugger."""
    target = os.environ.get(KILL_AT_ENV)
    if not target:
        return
    _faults["count"] += 1
    if _faults["count"] == int(target):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    _remove_stale(path.parent, f".{path.name}.", ".tmp")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fault_point("file: before write")
            fh.write(data)
        # mkstemp makes the file private (0600); give it the mode any new file would have.
        os.chmod(tmp, 0o666 & ~_umask())
        fault_point("file: before rename")
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a write names no file
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


@contextlib.contextmanager
def naming(path: str | Path) -> Iterator[None]:
    """Attach ``path`` to an ``OSError`` raised without one (a ``write`` on an open file:
    disk full, file too large), so the one-line error can say which file."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None


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
        info = path.stat()  # before reading, which would block on a named pipe
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"cannot read {what} {path}: not a regular file")
        if info.st_size > MAX_JSON_BYTES:
            raise UserError(f"cannot read {what} {path}: larger than "
                            f"{MAX_JSON_BYTES >> 20} MB")
        data = json.loads(path.read_bytes())
    except UserError:
        raise
    except FileNotFoundError:
        raise UserError(missing or f"{what} not found: {path}") from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else " ".join(str(exc).split()[:12])
        raise UserError(f"cannot read {what} {path}: {reason or type(exc).__name__}") from None
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
    """Yield an empty staging directory; on success it *becomes* ``out`` in one rename.

    ``out`` may not hold any of ``expected`` (or any file, when ``expected`` is empty)
    unless ``force``. The staging directory is a sibling of ``out`` (the same file
    system). On success, whatever ``out`` holds that the stage does not and that is not
    one of ``expected`` (a user's own files) is carried over by hard link, and the two
    directories are swapped atomically (``renameat2(RENAME_EXCHANGE)``); the old content
    is then deleted. On an exception, or
    a kill at any point, ``out`` is exactly as it was (a killed writer's stage is removed by
    the next one). OS errors become one ``UserError`` line naming the path.
    """
    out = ensure_writable_dir(out)
    real = out.resolve()
    existing = [p.name for p in real.iterdir() if not p.name.startswith(".")]
    clash = [n for n in existing if not expected or n in expected]
    if clash and not force:
        raise UserError(f"{out} already holds {clash[0]!r}; use --force to overwrite")
    prefix = f".{real.name}{_STAGE_TAG}"
    _remove_stale(real.parent, prefix, "")
    try:
        stage = Path(tempfile.mkdtemp(dir=real.parent, prefix=f"{prefix}{os.getpid()}-"))
    except OSError as exc:
        raise UserError(f"cannot write next to {out} (a staging directory goes in "
                        f"{real.parent}): {exc.strerror or exc}") from None
    try:
        yield stage
        fault_point("dir: before carry-over")
        _carry_over(real, stage, skip=frozenset(expected))
        os.chmod(stage, stat.S_IMODE(real.stat().st_mode))
        fault_point("dir: before swap")
        swap_directories(stage, real)
        fault_point("dir: after swap")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {os_reason(exc)}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in words, with what to do when the disk is full (pyarrow's
    errors carry the errno only in their text)."""
    text = " ".join(str(exc).split())
    code = exc.errno or (errno.ENOSPC if "[errno 28]" in text else None)
    reason = exc.strerror or (os.strerror(code) if code else text or type(exc).__name__)
    if code in (errno.ENOSPC, errno.EDQUOT):
        reason += " (free some space and run it again; nothing half-written was kept)"
    return reason


def swap_directories(a: Path, b: Path) -> None:
    """Exchange two directories atomically; where the file system cannot (no
    ``RENAME_EXCHANGE``), rename ``b`` aside and ``a`` into place (a brief window in which
    ``b`` is absent) and leave ``b``'s old content at ``a``."""
    try:
        _rename_exchange(a, b)
        return
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    aside = Path(tempfile.mkdtemp(dir=a.parent, prefix=f"{a.name}.old-"))
    os.rmdir(aside)
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _rename_exchange(a: Path, b: Path) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _carry_over(src: Path, dst: Path, *, skip: frozenset[str]) -> None:
    """Hard-link (or copy) into ``dst`` every entry of ``src`` that ``dst`` does not hold
    and that is not in ``skip`` (an old output's own files, which the new one replaces)."""
    taken = {p.name for p in dst.iterdir()} | skip
    for item in src.iterdir():
        if item.name in taken:
            continue
        target = dst / item.name
        if item.is_symlink():
            os.symlink(os.readlink(item), target)
        elif item.is_dir():
            shutil.copytree(item, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(item), str(target))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _remove_stale(folder: Path, prefix: str, suffix: str) -> None:
    """Remove ``prefix<pid>-…suffix`` entries of ``folder`` whose writer is dead."""
    try:
        entries = [p for p in folder.iterdir()
                   if p.name.startswith(prefix) and p.name.endswith(suffix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
