"""``periodize tune``: an Optuna study over a run config's search space.

Each trial is one training run (``run_trial``: config in, summary out, so another scheduler
such as Ray can run trials later) into ``OUT/trial-<n>``. The objective is the run's best
*validation* outcome — the mean true performance change (%) of the greedy policy on the
validation athletes ``EvalCallback`` plays, the figure that picks ``actor.npz`` — never the
training return or reward, and never a test athlete: test athletes stay unseen until
``periodize evaluate``/``compare``. After every evaluation the trial reports that outcome
(step = training episodes) and the study's pruner may stop it.

The study lives in its storage (default ``sqlite:///OUT/tune.db``): running the command
again continues it, counting finished trials (complete or pruned) towards ``--trials``; a
trial left running by a killed process is marked failed and run again with its parameters.
One process per study at a time (``OUT`` is locked). The best trial's full config is
written to ``OUT/best.yaml`` (``periodize train --config OUT/best.yaml``), and every trial
to ``OUT/study.json``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodization.agents.artifacts import CONFIG
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, atomic_write_text, ensure_writable_dir
from periodization.training.config import RunConfig, load_config, resolve_config
from periodization.training.hooks import OnValidation, ValidationHook
from periodization.training.search_space import SearchSpace, default_space_path, load_space

BEST = "best.yaml"
STUDY_JSON = "study.json"
LOCK = ".tune.lock"
OBJECTIVE = "outcome_pct"  # of the validation figures: the true outcome, not the return


def run_trial(config: RunConfig, *, out: str | Path, on_validation: OnValidation | None = None,
              group: str | None = None, quiet: bool = True) -> dict[str, Any]:
    """Train ``config`` into ``out`` (replacing a run there) and return the training summary
    with ``objective``: the best validation outcome (%) of the run (on validation athletes,
    never the return, never test athletes). ``on_validation(episodes, eval)`` is called
    after every evaluation and may raise to stop the run (a pruned trial). ``group`` names
    the run as an agent of its own in ``compare`` (trials are not seeds of one agent)."""
    from periodization.training.launch import run_training

    hooks = [ValidationHook(on_validation)] if on_validation is not None else []
    summary = run_training(out=out, config=config, force=True, quiet=quiet, hooks=hooks,
                           group=group)
    best = summary.get("best") or {}
    if OBJECTIVE not in best:  # every run evaluates at its end, so this is a bug
        raise RuntimeError(f"run {out} finished without a validation outcome")
    return {**summary, "objective": float(best[OBJECTIVE])}


@dataclass(frozen=True)
class TrialWork:
    """What a process needs to run trials of a study (``optimize_trials``): plain values,
    so it can travel to another process or machine."""

    url: str
    study: str
    config: str
    space: str
    seed: int
    out: str
    left: int  # trials still to finish


def tune(*, config: str | Path, trials: int, out: str | Path, storage: str | None = None,
         study: str | None = None, space: str | Path | None = None, seed: int = 0,
         progress: Callable[[str], None] | None = None,
         parallel: Callable[[TrialWork], None] | None = None) -> dict[str, Any]:
    """Run (or continue) a study until ``trials`` trials have finished; its summary.

    ``config`` is a run config file or packaged name; ``space`` its search space (default:
    ``NAME.space.yaml`` next to it, ``search_space.py``); ``seed`` seeds the sampler (every
    trial trains with the config's own ``train.seed``, so trials compare on equal episodes).
    ``parallel(work)``, if given, runs the trials left instead of this process (``periodize
    tune --ray``: workers calling ``optimize_trials`` on the same storage).
    """
    from periodization.core.extras import require

    optuna = require("optuna", purpose="periodize tune")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if trials < 1:
        raise UserError(f"--trials must be at least 1, got {trials}")
    config_file = resolve_config(config)
    base = load_config(config_file)
    space_file = Path(space) if space is not None else default_space_path(config_file)
    search = load_space(space_file, base=base)
    fixed = search.trial_config(base, {})
    from periodization.training.launch import check_run_memory

    check_run_memory(fixed)
    out = Path(out)
    ensure_writable_dir(out)
    name = study or config_file.stem
    url = storage or f"sqlite:///{(out / 'tune.db').resolve()}"
    lock = _lock(out)
    try:
        _check_out(out, name)
        storage_ = _open_storage(optuna, url)
        retried = _retry_interrupted(optuna, storage_, name)
        existing = _load_or_create(optuna, storage_, name, seed=seed, search=search,
                                   fixed=fixed)
        left = trials - _count_finished(optuna, existing)
        if left > 0 and parallel is not None:
            parallel(TrialWork(url=url, study=name, config=str(config_file.resolve()),
                               space=str(space_file.resolve()), seed=seed,
                               out=str(out.resolve()), left=left))
            _write_best(existing, out)  # workers raced on it: the study's best, surely
        elif left > 0:
            objective = _objective(optuna, search=search, base=base, out=out,
                                   progress=progress)
            existing.optimize(objective, n_trials=left, catch=())
        return _summary(optuna, existing, out=out, url=url, retried=retried)
    finally:
        lock.release()


def optimize_trials(work: TrialWork, *, n_trials: int, worker: int) -> int:
    """Run ``n_trials`` trials of the study in this process (a parallel worker of ``tune``);
    the trials the storage held when it started. Each worker's sampler has a seed of its
    own (``seed`` + trials so far + a step per worker), so workers do not propose alike."""
    from periodization.core.extras import require

    optuna = require("optuna", purpose="periodize tune")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = load_config(work.config)
    search = load_space(work.space, base=base)
    storage = _open_storage(optuna, work.url)
    n_before = len(optuna.load_study(study_name=work.study, storage=storage).trials)
    study = optuna.load_study(
        study_name=work.study, storage=storage,
        sampler=optuna.samplers.TPESampler(seed=work.seed + n_before + 7919 * worker),
        pruner=_pruner(optuna, search, search.trial_config(base, {})))
    study.optimize(_objective(optuna, search=search, base=base, out=Path(work.out),
                              progress=None), n_trials=n_trials, catch=())
    return n_before


def _write_best(study: Any, out: Path) -> None:
    """``best.yaml`` from the study's best complete trial (none: left as it is)."""
    try:
        trial = study.best_trial
    except ValueError:
        return
    text = (Path(trial.user_attrs["run_dir"]) / CONFIG).read_text()
    header = (f"# periodize tune: best trial {trial.number} of study "
              f"{study.study_name!r}, validation outcome {trial.value:+.3f} %\n")
    atomic_write_text(out / BEST, header + text)


def _lock(out: Path) -> Any:
    """``OUT/.tune.lock``, held for the study (a second process is refused in one line)."""
    from filelock import FileLock, Timeout

    lock = FileLock(out / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise UserError(f"another periodize tune is running in {out}; wait for it or choose "
                        "another --out") from None
    return lock


def _objective(optuna: Any, *, search: SearchSpace, base: RunConfig, out: Path,
               progress: Callable[[str], None] | None) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        values = {p.key: p.suggest(trial) for p in search.params}
        config = search.trial_config(base, values)
        run_dir = out / f"trial-{trial.number}"
        trial.set_user_attr("run_dir", str(run_dir))

        def report(episodes: int, figures: dict[str, float]) -> None:
            trial.report(figures[OBJECTIVE], step=episodes)
            # the budget's last evaluation: the run is trained, nothing is left to save
            if episodes < config.train.episodes and trial.should_prune():
                if progress:
                    progress(f"trial {trial.number}: pruned at {episodes} episodes "
                             f"(validation outcome {figures[OBJECTIVE]:+.2f} %)")
                raise optuna.TrialPruned(f"validation outcome {figures[OBJECTIVE]:.3f} % at "
                                         f"{episodes} episodes")

        summary = run_trial(config, out=run_dir, on_validation=report,
                            group=f"{trial.study.study_name}-trial-{trial.number}")
        if progress:
            progress(f"trial {trial.number}: validation outcome {summary['objective']:+.2f} % "
                     f"({summary['wall_s']:.0f} s)")
        _write_best_if(trial, summary["objective"], out)
        return summary["objective"]

    return objective


def _write_best_if(trial: Any, value: float, out: Path) -> None:
    """``best.yaml`` as soon as a trial beats the study's best (a killed study keeps it)."""
    try:
        best = trial.study.best_value
    except ValueError:  # no completed trial yet
        best = None
    if best is None or value > best:
        text = (Path(trial.user_attrs["run_dir"]) / CONFIG).read_text()
        header = (f"# periodize tune: best trial {trial.number} of study "
                  f"{trial.study.study_name!r}, validation outcome {value:+.3f} %\n")
        atomic_write_text(out / BEST, header + text)


def _open_storage(optuna: Any, url: str) -> Any:
    """The study's storage; a bad URL is one line naming it."""
    if "://" not in url:
        raise UserError(f"--storage must be a database URL such as sqlite:///tune.db, got "
                        f"{url!r}")
    if url.startswith("sqlite:///"):
        parent = Path(url.removeprefix("sqlite:///")).parent
        if not parent.is_dir():
            raise UserError(f"--storage {url}: directory not found: {parent}")
    try:
        # sqlite: a writer waits up to a minute for another's lock (parallel workers)
        kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
        return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
    except Exception as exc:  # sqlalchemy raises many types for a bad URL or server
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"--storage {url}: cannot open ({first})") from None


def _retry_interrupted(optuna: Any, storage: Any, name: str) -> list[int]:
    """Trials another (killed) process left running: failed, and queued again."""
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:  # a new study
        return []
    running = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    for trial in running:
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
        study.enqueue_trial(trial.params, user_attrs={"retry_of": trial.number})
    return [t.number for t in running]


def _load_or_create(optuna: Any, storage: Any, name: str, *, seed: int, search: SearchSpace,
                    fixed: RunConfig) -> Any:
    """The study, its sampler seeded by ``seed`` and the trials so far (a resumed study
    does not replay the startup trials it already sampled)."""
    try:
        n_before = len(optuna.load_study(study_name=name, storage=storage).trials)
    except KeyError:
        n_before = 0
    sampler = optuna.samplers.TPESampler(seed=seed + n_before)
    study = optuna.create_study(study_name=name, storage=storage, direction="maximize",
                                sampler=sampler, pruner=_pruner(optuna, search, fixed),
                                load_if_exists=True)
    # an existing study keeps its own directions: one that minimises would rank trials upside
    # down
    if study.directions != [optuna.study.StudyDirection.MAXIMIZE]:
        directions = ", ".join(d.name.lower() for d in study.directions)
        raise UserError(f"study {name!r} in the storage is not a periodize tune study (it "
                        f"{directions}s, not maximise one validation outcome); pass another "
                        "--study")
    return study


def _pruner(optuna: Any, search: SearchSpace, fixed: RunConfig) -> Any:
    spec = search.pruner
    if spec["type"] == "none":
        return optuna.pruners.NopPruner()
    if spec["type"] == "threshold":
        return optuna.pruners.ThresholdPruner(lower=float(spec["lower"]))
    # steps are training episodes; the pruner spares steps below n_warmup_steps, so the
    # first ``warmup_evaluations`` evaluations (at k × eval_every_episodes) are never judged
    return optuna.pruners.MedianPruner(
        n_startup_trials=spec["startup_trials"],
        n_warmup_steps=spec["warmup_evaluations"] * fixed.train.eval_every_episodes + 1)


def _count_finished(optuna: Any, study: Any) -> int:
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return len(study.get_trials(deepcopy=False, states=states))


def _check_out(out: Path, name: str) -> None:
    """``OUT`` holds one study's trials: refuse to mix another study's into it."""
    path = out / STUDY_JSON
    if path.is_file():
        try:
            held = json.loads(path.read_text()).get("study")
        except (OSError, ValueError, AttributeError):
            raise UserError(f"{path} is damaged; choose another --out") from None
        if held != name:
            raise UserError(f"{out} holds the trials of study {held!r}; pass --study {held} "
                            "to continue it or choose another --out")


def _summary(optuna: Any, study: Any, *, out: Path, url: str,
             retried: list[int]) -> dict[str, Any]:
    rows = [{"number": t.number, "state": t.state.name.lower(), "value": t.value,
             "params": _readable(t.params), "run_dir": t.user_attrs.get("run_dir"),
             "last_step": t.last_step} for t in study.get_trials(deepcopy=False)]
    counts = {s: sum(r["state"] == s for r in rows) for s in ("complete", "pruned", "fail")}
    best = None
    if counts["complete"]:
        t = study.best_trial
        best = {"number": t.number, "value": t.value, "params": _readable(t.params),
                "run_dir": t.user_attrs.get("run_dir"), "config": str(out / BEST)}
    summary = {"study": study.study_name, "storage": url, "out": str(out),
               "trials": counts, "retried": retried, "best": best}
    atomic_write_json(out / STUDY_JSON, {**summary, "all_trials": rows})
    return summary


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    """Categorical values travel as JSON strings (``"[64, 64]"``): decode them."""
    out = {}
    for key, value in params.items():
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out
