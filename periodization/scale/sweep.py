"""``periodize sweep``: a grid of (config × seed) training runs as Ray tasks, one CPU each.

Every run is exactly ``periodize train --config C --seed S --out OUT/<name> --force
--quiet`` done in a Ray worker (``training.launch.run_training``): the same function, the
same arguments, one torch thread (``train.torch_threads``), so its numbers are those of the
same run done alone.

A sweep can be interrupted and run again: a run whose directory is *complete* (``run.json``
says finished, ``actor.npz`` and ``metrics.csv`` are there, and its ``config.yaml`` is the
config and seed asked for) is skipped; an unfinished one starts over. A worker process that
dies (killed, out of memory, a node lost) is retried by Ray up to ``retries`` times, each
time from scratch, so a retried run equals an uninterrupted one. A run that fails with an
error of its own (a bad config, say) is not retried: the other runs go on, and the sweep
ends with a one-line error naming it.

Run directories are ``OUT/<name>`` with ``name`` from a template (default
``{config}/seed{seed}``, ``{config}`` the config file's name without ``.yaml``). Each
worker writes its pid to ``OUT/.sweep/<name>.pid`` while it trains (to watch or stop one).
The sweep's outcome is ``OUT/sweep.json``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodization.agents.artifacts import ACTOR, CONFIG, METRICS
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, ensure_writable_dir
from periodization.scale.cluster import cluster_cpus, connected, wait_one
from periodization.training.config import load_config, resolve_config, to_dict
from periodization.training.rundir import RunDir

DEFAULT_NAME = "{config}/seed{seed}"
SWEEP_JSON = "sweep.json"
PIDS = ".sweep"
RETRIES = 3


@dataclass(frozen=True)
class SweepRun:
    """One cell of the grid: train ``config`` (a file) with ``seed`` into ``out``."""

    name: str
    config: Path
    seed: int
    out: Path


def plan_grid(configs: Sequence[str | Path], seeds: Sequence[int], out: Path,
              name: str = DEFAULT_NAME) -> list[SweepRun]:
    """The (config × seed) runs, configs outermost; ``UserError`` for an unknown config, a
    bad seed, a template without ``{seed}`` for several seeds, or two runs on one
    directory."""
    if not configs:
        raise UserError("give at least one --config")
    if not seeds:
        raise UserError("give at least one seed (--seeds 0,1,2)")
    runs = []
    for spec in configs:
        path = resolve_config(spec).resolve()
        load_config(path)  # a bad config is refused before any run starts
        for seed in seeds:
            if not 0 <= seed < 2**32:
                raise UserError(f"seeds must be between 0 and 2**32 - 1, got {seed}")
            try:
                rel = name.format(config=path.stem, seed=seed)
            except (KeyError, IndexError, ValueError):
                raise UserError(f"--name {name!r}: only {{config}} and {{seed}} may appear"
                                ) from None
            runs.append(SweepRun(name=rel, config=path, seed=seed, out=out / rel))
    seen: dict[Path, SweepRun] = {}
    for run in runs:
        if run.out in seen:
            other = seen[run.out]
            raise UserError(f"--name {name!r} puts {other.config.stem} seed {other.seed} and "
                            f"{run.config.stem} seed {run.seed} in one directory ({run.out}); "
                            "use {config} and {seed} in it")
        seen[run.out] = run
    return runs


def is_complete(run: SweepRun) -> bool:
    """The run directory holds this run, finished: skip it. A finished run of *another*
    config or seed is a ``UserError`` (the sweep would silently mix two grids)."""
    rd = RunDir(run.out)
    if not rd.is_run():
        return False
    info = rd.info()
    if not (info.get("finished") and (run.out / ACTOR).is_file()
            and (run.out / METRICS).is_file() and (run.out / CONFIG).is_file()):
        return False
    wanted = to_dict(load_config(run.config).with_overrides(seed=run.seed))
    if to_dict(load_config(run.out / CONFIG)) != wanted:
        raise UserError(f"{run.out} holds a finished run of another config or seed than "
                        f"{run.config.name} seed {run.seed}; pass --force to train it again "
                        "or choose another --out")
    return True


def train_task(config: str, seed: int, out: str, pid_file: str) -> dict[str, Any]:
    """What a Ray worker runs: one ``periodize train`` (started over if a run is there).
    An error of the run itself comes back as ``{"error": line}`` (not retried); a dying
    worker is Ray's to retry."""
    from periodization.training.launch import run_training

    Path(pid_file).parent.mkdir(parents=True, exist_ok=True)
    Path(pid_file).write_text(str(os.getpid()))
    from periodization.core.failures import error_line, handled

    try:
        return run_training(out=out, config_path=config, seed=seed, force=True, quiet=True)
    except Exception as exc:
        if not handled(exc):  # a bug: Ray reports it with its traceback
            raise
        return {"error": error_line(exc)}  # a bad config, a full disk: one line
    finally:
        Path(pid_file).unlink(missing_ok=True)


def sweep(*, configs: Sequence[str | Path], seeds: Sequence[int], out: str | Path,
          name: str = DEFAULT_NAME, address: str | None = None, workers: int | None = None,
          force: bool = False, retries: int = RETRIES,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train every run of the grid not already complete; the sweep's summary (also written
    to ``OUT/sweep.json``). ``workers`` caps the runs in flight (default: the cluster's
    CPUs); ``force`` trains complete runs again. ``UserError`` after the sweep if a run
    failed."""
    out = Path(out)
    runs = plan_grid(configs, seeds, out, name)
    ensure_writable_dir(out)
    done = [] if force else [r for r in runs if is_complete(r)]
    todo = [r for r in runs if r not in done]
    say = progress or (lambda line: None)
    for run in done:
        say(f"{run.name}: complete, skipped")
    results: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    if todo:
        with connected(purpose="periodize sweep", address=address, workers=workers) as ray:
            results = _run_all(ray, todo, out=out, workers=workers, retries=retries, say=say)
    summary = {
        "out": str(out), "runs": len(runs), "skipped": [r.name for r in done],
        "trained": sorted(n for n, r in results.items() if "error" not in r),
        "failed": {n: r["error"] for n, r in sorted(results.items()) if "error" in r},
        "wall_s": round(time.perf_counter() - t0, 3),
        "results": {n: r for n, r in sorted(results.items()) if "error" not in r},
    }
    atomic_write_json(out / SWEEP_JSON, summary)
    if summary["failed"]:
        first, why = next(iter(summary["failed"].items()))
        raise UserError(f"{len(summary['failed'])} of {len(todo)} runs failed "
                        f"(the others are in {out}); {first}: {why}")
    return summary


def _run_all(ray: Any, todo: list[SweepRun], *, out: Path, workers: int | None,
             retries: int, say: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Keep up to ``workers`` tasks in flight until every run has come back."""
    task = ray.remote(num_cpus=1, max_retries=retries)(train_task)
    limit = workers or cluster_cpus(ray)
    queue, flight, results = list(todo), {}, {}
    while queue or flight:
        while queue and len(flight) < limit:
            run = queue.pop(0)
            pid_file = out / PIDS / f"{run.name.replace('/', '__')}.pid"
            ref = task.remote(str(run.config), run.seed, str(run.out), str(pid_file))
            flight[ref] = run
        ready = [wait_one(ray, list(flight))]
        run = flight.pop(ready[0])
        try:
            result = ray.get(ready[0])
        except ray.exceptions.RayTaskError as exc:  # a bug in the run: say what it was
            result = {"error": " ".join(str(exc.cause).split())[:200]
                      or type(exc.cause).__name__}
        except ray.exceptions.RayError as exc:  # the worker died more than `retries` times
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            result = {"error": f"the worker died {retries + 1} times ({first})"}
        results[run.name] = result
        if "error" in result:
            say(f"{run.name}: failed: {result['error']}")
        else:
            best = (result.get("best") or {}).get("outcome_pct")
            say(f"{run.name}: trained {result['episodes']} episodes in "
                f"{result['wall_s']:.0f} s" + (f", best validation outcome {best:+.2f} %"
                                               if best is not None else ""))
    return results


def parse_seeds(text: str) -> list[int]:
    """``0,1,2`` or ``0-4`` (inclusive) or a mix: the seeds, in order, without repeats."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part[1:]:
                lo, hi = part.split("-", 1)
                values = list(range(int(lo), int(hi) + 1))
            else:
                values = [int(part)]
        except ValueError:
            raise UserError(f"--seeds must be integers such as 0,1,2 or 0-4, got {text!r}"
                            ) from None
        seeds += [s for s in values if s not in seeds]
    return seeds
