"""Writing a run directory: checks before a run may write there, the run info, the lock
that keeps a second writer out, and the swap that replaces an old run by a new one whole.

The layout and file names are ``agents.artifacts``'s (one home, shared with every reader).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from periodization.agents.artifacts import CHECKPOINTS, RUN_JSON, RUN_LAYOUT, read_run_info
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, ensure_writable_dir, staged_directory

LOCK = ".periodize.lock"
"""Held (``filelock``) by the process writing the run; an empty file, left in place."""


@dataclass(frozen=True)
class RunDir:
    root: Path
    _held: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.root.resolve().name

    def __truediv__(self, name: str) -> Path:
        return self.root / name

    @property
    def checkpoints(self) -> Path:
        return self.root / CHECKPOINTS

    def checkpoint(self, kind: str, suffix: str = ".pt") -> Path:
        """``checkpoints/best.pt``, ``checkpoints/last.zip``, …"""
        return self.checkpoints / f"{kind}{suffix}"

    def is_run(self) -> bool:
        return (self.root / RUN_JSON).is_file()

    def info(self) -> dict[str, Any]:
        """The parsed ``run.json`` (UserError if missing or damaged)."""
        return read_run_info(self.root)

    def update_info(self, **fields: Any) -> dict[str, Any]:
        """Merge ``fields`` into ``run.json`` (created if absent), atomically."""
        info = self.info() if self.is_run() else {}
        info.update(fields)
        atomic_write_json(self.root / RUN_JSON, info)
        return info

    def check(self, *, resume: bool, force: bool) -> None:
        """Check that a run may be written here (creating the directory if needed).

        A fresh run needs a new or empty directory, or ``--force`` over an old run; an
        existing directory with other files is refused unless ``force`` (its other files
        are then left alone). ``--resume`` needs a run.
        """
        ensure_writable_dir(self.root)
        if resume:
            if not self.is_run():
                raise UserError(f"nothing to resume: {self.root} is not a run directory "
                                f"(no {RUN_JSON})")
            return
        if self.is_run() and not force:
            info = self.info()
            state = "a finished" if info.get("finished") else "an unfinished"
            raise UserError(f"{self.root} already holds {state} run "
                            f"({info.get('episodes', 0)} episodes); use --resume to continue "
                            "it or --force to start over")
        others = [p.name for p in self.root.iterdir() if not p.name.startswith(".")]
        if others and not self.is_run() and not force:
            raise UserError(f"{self.root} exists and is not a run directory (it holds "
                            f"{others[0]!r}); choose another --out or use --force")

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the run's lock for the block; ``UserError`` at once if another process
        holds it (two writers would interleave their metrics and checkpoints)."""
        self._held["lock"] = _acquire(self.root / LOCK, self.root)
        try:
            yield
        finally:
            self._held.pop("lock").release()

    def replace_with(self, write: Callable[[Path], None]) -> None:
        """Start a fresh run: ``write`` fills a staging directory (with ``checkpoints/``),
        which then replaces the run's files in one swap (``core.io.staged_directory``).
        Until that swap an old run in the directory stays whole; files of other programs
        in it are kept. Call inside ``lock()``: the lock moves to the new directory."""
        with staged_directory(self.root, force=True, expected=(*RUN_LAYOUT, LOCK)) as stage:
            write(stage)
            (stage / CHECKPOINTS).mkdir(exist_ok=True)
            new_lock = _acquire(stage / LOCK, self.root)
        old = self._held.get("lock")
        self._held["lock"] = new_lock
        if old is not None:
            old.release()


def _acquire(path: Path, root: Path) -> Any:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise UserError(f"another periodize process is writing to {root} (it holds {path}); "
                        "wait for it to finish or choose another --out") from None
    return lock
