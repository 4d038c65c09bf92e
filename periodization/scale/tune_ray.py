"""``periodize tune --ray``: the Optuna study's trials run by parallel workers on Ray.

The study is the serial one (``training.tune``: same storage, objective, pruner, trial
directories, ``best.yaml`` and ``study.json``); only who runs the trials changes. ``N``
Ray tasks (one CPU each) each run their share of the trials left with
``training.tune.optimize_trials``, all on the study's one storage: with the default
SQLite file a writer waits for another's lock (a timeout of a minute), so the workers must
share its filesystem; on several machines use a database server URL (``--storage
postgresql://…``, docs/scale.md).

The study's result is the same kind of object as the serial one, not the same trials:
parallel workers sample from a study whose other trials are still running, so which
configurations are tried depends on timing. A worker that dies leaves its trial
``running``; the next ``periodize tune`` marks it failed and runs its parameters again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from periodization.scale.cluster import cluster_cpus, connected, wait_one
from periodization.training.tune import TrialWork, optimize_trials, tune


def trials_task(work: TrialWork, n_trials: int, worker: int) -> int:
    """What a Ray worker runs: ``n_trials`` trials of the study."""
    return optimize_trials(work, n_trials=n_trials, worker=worker)


def tune_on_ray(*, config: str | Path, trials: int, out: str | Path,
                storage: str | None = None, study: str | None = None,
                space: str | Path | None = None, seed: int = 0, workers: int | None = None,
                address: str | None = None,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``training.tune.tune`` with the trials left spread over ``workers`` Ray tasks
    (default: the cluster's CPUs); its summary."""
    def parallel(work: TrialWork) -> None:
        with connected(purpose="periodize tune --ray", address=address,
                       workers=workers) as ray:
            n = min(work.left, workers or cluster_cpus(ray))
            # the trials left, split as evenly as can be: the study ends with exactly
            # ``trials`` finished when no trial fails
            shares = [work.left // n + (k < work.left % n) for k in range(n)]
            task = ray.remote(num_cpus=1, max_retries=0)(trials_task)
            if progress:
                progress(f"{work.left} trials on {n} Ray workers ({', '.join(map(str, shares))})")
            pending = [task.remote(work, share, k) for k, share in enumerate(shares)]
            while pending:
                done = wait_one(ray, pending)
                pending.remove(done)
                ray.get(done)  # a worker's error ends the study's run here

    return tune(config=config, trials=trials, out=out, storage=storage, study=study,
                space=space, seed=seed, progress=progress, parallel=parallel)
