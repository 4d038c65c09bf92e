"""Writing a run directory: checks before a run may write there, the run info, clearing.

The layout and file names are ``agents.artifacts``'s (one home, shared with every reader).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodization.agents.artifacts import CHECKPOINTS, RUN_JSON, RUN_LAYOUT, read_run_info
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, ensure_writable_dir


@dataclass(frozen=True)
class RunDir:
    root: Path

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

    def clear(self) -> None:
        """Remove an earlier run's files (only the layout's) and create ``checkpoints/``."""
        for name in RUN_LAYOUT:
            path = self.root / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        self.checkpoints.mkdir()
