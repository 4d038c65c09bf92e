"""Trained run directories as ``compare`` sees them: which agent (group) and which training
seed each one is, and its learning curve.

A run directory holds ``run.json`` (``algo``, ``seed``, ``group`` …), ``config.yaml``,
``checkpoints/``, ``metrics.csv`` and the scaler. Runs with the same group are training
seeds of one agent; a group whose name begins with ``ablation-`` is an ablation of the
default agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from periodization.core.errors import UserError
from periodization.core.validation import one_line
from periodization.core.yaml_io import load_yaml

RUN_FILE = "run.json"
METRICS_FILE = "metrics.csv"
ABLATION_PREFIX = "ablation-"
MAX_METRICS_BYTES = 64 << 20  # a round per row: 64 MB is ~300 000 rounds


@dataclass(frozen=True)
class RunInfo:
    path: Path
    group: str  # the agent this run is a training seed of
    seed: int
    algo: str
    meta: dict  # run.json as written

    @property
    def label(self) -> str:
        """Per-seed policy name in tables: ``group/s<seed>``."""
        return f"{self.group}/s{self.seed}"


def is_run(path: Path) -> bool:
    return (path / RUN_FILE).is_file()


def expand_run_paths(paths: list[str | Path]) -> list[Path]:
    """Run directories from the command line: each path is a run, or a directory whose
    immediate subdirectories are runs (e.g. one folder per training seed). Commas separate
    several paths in one argument. ``UserError`` for anything else."""
    out: list[Path] = []
    for item in paths:
        for part in str(item).split(","):
            if not part.strip():
                continue
            path = Path(part.strip())
            if not path.exists():
                raise UserError(f"run directory not found: {path}")
            if not path.is_dir():
                raise UserError(f"not a run directory (a file): {path}")
            if is_run(path):
                out.append(path)
                continue
            children = sorted(p for p in path.iterdir() if p.is_dir() and is_run(p))
            if not children:
                raise UserError(f"not a run directory (no {RUN_FILE}): {path}")
            out.extend(children)
    return out


def load_run(path: str | Path) -> RunInfo:
    """Read a run directory's identity (``UserError`` if it is not a run)."""
    from periodization.agents.artifacts import read_run_info

    path = Path(path)
    if not path.is_dir():
        raise UserError(f"run directory not found: {path}")
    meta = read_run_info(path)  # its known keys checked by schema
    seed = meta.get("seed", 0)
    return RunInfo(path=path, group=_group_name(path, meta), seed=seed,
                   algo=str(meta.get("algo", "sac")), meta=meta)


def _group_name(path: Path, meta: dict) -> str:
    """run.json's group; else the name of the config the run was trained from; else the
    directory's name."""
    if isinstance(meta.get("group"), str) and meta["group"].strip():
        return one_line(meta["group"].strip(), 200)
    for key in ("config_name", "config"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return one_line(Path(meta[key]).stem, 200)
    config = path / "config.yaml"
    if config.is_file():
        try:
            data = load_yaml(config, what="run config")
        except UserError:
            data = None
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name.strip():
            return one_line(name.strip(), 200)
    return path.name


def group_runs(runs: list[RunInfo]) -> dict[str, list[RunInfo]]:
    """Group → its runs (training seeds), groups in first-seen order, seeds sorted.

    The same directory given twice counts once; two directories with the same group and
    seed are refused, since per-seed results are keyed by seed.
    """
    groups: dict[str, list[RunInfo]] = {}
    seen: set[Path] = set()
    for run in runs:
        if run.path.resolve() in seen:
            continue
        seen.add(run.path.resolve())
        groups.setdefault(run.group, []).append(run)
    for group, members in groups.items():
        members.sort(key=lambda r: (r.seed, str(r.path)))
        seeds = [r.seed for r in members]
        if len(set(seeds)) != len(seeds):
            raise UserError(f"agent {group!r} has two runs with seed {_first_repeat(seeds)}: "
                            f"give each training seed once")
    return groups


def _first_repeat(values: list[int]) -> int:
    return next(v for i, v in enumerate(values) if v in values[:i])


def parse_ablation(spec: str) -> tuple[str, list[Path]]:
    """``NAME=RUN_DIR[,RUN_DIR]`` → (name, run paths)."""
    name, sep, dirs = spec.partition("=")
    if not sep or not name.strip() or not dirs.strip():
        raise UserError(f"--ablation expects NAME=RUN_DIR[,RUN_DIR], got {spec!r}")
    return name.strip(), expand_run_paths([dirs])


def read_metrics(run: RunInfo) -> pd.DataFrame | None:
    """The run's learning curve (``metrics.csv``), or None when it has none or it cannot be
    a learning curve (over ``MAX_METRICS_BYTES``, unreadable, no ``env_steps``). Values that
    are not numbers become NaN, so a damaged file gives a gap in a plot, not a crash."""
    path = run.path / METRICS_FILE
    if not path.is_file() or path.stat().st_size > MAX_METRICS_BYTES:
        return None
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.EmptyDataError):
        return None
    if "env_steps" not in table.columns:
        return None
    table = table.apply(pd.to_numeric, errors="coerce")
    table = table[np.isfinite(table["env_steps"])]
    return table if len(table) else None
