"""Start or resume a training run: resolve the config, prepare the run directory, train.

This is what ``periodize train`` calls; it picks the learner (SAC or MaskablePPO), writes
the files every run has (``config.yaml``, ``run.json``, ``scaler.json``) and returns a
summary.
"""

from __future__ import annotations

import itertools
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from periodization.agents.artifacts import CONFIG, RUN_JSON, SCALER
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, atomic_write_text
from periodization.features.scaler import FeatureScaler, check_features_version
from periodization.training import checkpoint as ckpt
from periodization.training.callbacks import (
    Callback,
    CallbackList,
    CheckpointCallback,
    CsvLogger,
    EarlyStopping,
    EvalCallback,
    TensorBoardLogger,
)
from periodization.training.config import RunConfig, dump_config, load_config, to_dict
from periodization.training.population import run_scaler
from periodization.training.progress import ProgressBar
from periodization.training.rundir import RunDir


def run_training(*, out: str | Path, config: RunConfig | None = None,
                 config_path: str | Path | None = None, episodes: int | None = None,
                 seed: int | None = None, algo: str | None = None, resume: bool = False,
                 force: bool = False, quiet: bool = False,
                 hooks: Sequence[Callback] = (), group: str | None = None) -> dict[str, Any]:
    """Train into ``out`` and return a summary (episodes, env steps, wall s, best eval).

    The config is ``config``, else read from ``config_path``, else the defaults; the
    command line's ``episodes``/``seed``/``algo`` override it. With ``resume`` the run's
    own ``config.yaml`` is used (a given config must equal it, except for ``episodes``,
    which may grow) and training continues from ``checkpoints/last.pt``. ``hooks`` are
    extra callbacks run right after validation (``periodize tune`` reports each round's
    validation figures to its study through one, ``training/hooks.py``). ``group`` names
    the agent in ``compare`` (default: the config file's name, else the algorithm).
    """
    run = RunDir(Path(out))
    if config is None and config_path is not None:
        config = load_config(config_path)
    # A missing extra is refused before the run directory (or its lock) is touched.
    _learner_class(config or RunConfig().with_overrides(algo=algo))
    if config is not None:  # a missing or invalid prior is one line, before any file
        _check_priors(config)
    run.check(resume=resume, force=force)
    with run.lock():
        return _locked_run(run, config=config, config_path=config_path, episodes=episodes,
                           seed=seed, algo=algo, resume=resume, quiet=quiet, hooks=hooks,
                           group=group)


def _locked_run(run: RunDir, *, config: RunConfig | None, config_path: str | Path | None,
                episodes: int | None, seed: int | None, algo: str | None, resume: bool,
                quiet: bool, hooks: Sequence[Callback], group: str | None
                ) -> dict[str, Any]:
    from periodization.cohort.cache import prepared_cohort

    state = None
    if resume:
        config = _resume_config(run, given=config, episodes=episodes, seed=seed, algo=algo)
        state = _last_checkpoint(run, episodes=config.train.episodes)
        if state["progress"]["episodes"] >= config.train.episodes:
            return _finish(run, config, state)
    else:
        config = (config or RunConfig()).with_overrides(episodes=episodes, seed=seed, algo=algo)
    learner_class = _learner_class(config)  # before any file is written: a missing extra
    check_run_memory(config)
    prepared = prepared_cohort(config.env.cohort)  # or a bad cohort leaves OUT as it was
    prepared.athletes(config.env.split)  # one-line errors for an unknown or empty split
    prepared.athletes("val")
    # Runs trained from the same config file are training seeds of one agent (``compare``
    # aggregates them by this group); a resumed run keeps the group it started with.
    group = run.info().get("group") if resume else group
    group = group or (Path(config_path).stem if config_path is not None else config.train.algo)
    info = {**_static_info(config), "group": group, "finished": False, "stopped_early": False}
    if resume:
        _check_scaler(run, run_scaler(prepared, config))
        atomic_write_text(run / CONFIG, dump_config(config))
        run.update_info(**info)
    else:
        def write(stage: Path) -> None:
            run_scaler(prepared, config).save(stage / SCALER)
            atomic_write_text(stage / CONFIG, dump_config(config))
            atomic_write_json(stage / RUN_JSON, info)

        run.replace_with(write)

    callbacks = default_callbacks(config, quiet=quiet, hooks=hooks)
    learner = learner_class(config, run=run, prepared=prepared, callbacks=callbacks)
    if state is not None:
        learner.restore(state)
    learner.train()
    final = run.update_info(**learner.progress(), wall_s=round(learner.wall_s, 3),
                            finished=True, stopped_early=learner.stopped_early)
    return {"run_dir": str(run.root), "algo": config.train.algo, "seed": config.train.seed,
            **learner.progress(), "wall_s": final["wall_s"],
            "stopped_early": learner.stopped_early, "best": final.get("best")}


def _check_priors(config: RunConfig) -> None:
    from periodization.training.population import training_prior, validation_prior

    training_prior(config.env)
    validation_prior(config.train)


def check_run_memory(config: RunConfig) -> None:
    """Refuse a run whose replay buffer (as full as the budget can fill it) and networks
    would not fit in the memory available (``UserError`` naming the keys)."""
    from periodization.core.resources import require_memory
    from periodization.features.scaler import VERSION_NAMES
    from periodization.sim.actions import N_ACTIONS

    n_features = len(VERSION_NAMES[config.env.features_version])
    steps = config.train.episodes * config.env.block_days
    rows = min(config.sac.buffer_size, steps) if config.train.algo == "sac" else 0
    row_bytes = 2 * n_features * 4 + 8 + 4 + 2 + 2 * N_ACTIONS + 4 * 2  # replay.py's layout
    widths = [n_features, *config.sac.hidden, N_ACTIONS]
    params = sum(a * b + b for a, b in itertools.pairwise(widths))
    # actor, two critics and their targets, Adam's two moments: ~ 16 copies, float32
    require_memory(rows * row_bytes + 16 * 4 * params,
                   what="the run (sac.buffer_size × the episodes' steps, sac.hidden)")


def _learner_class(config: RunConfig) -> Any:
    """The trainer for ``train.algo`` (importing sb3-contrib only for ppo), with the run's
    torch thread count applied."""
    from periodization.core.extras import require

    torch = require("torch", purpose="training")
    require("tensorboard", purpose="training")
    if config.train.torch_threads is not None:
        torch.set_num_threads(config.train.torch_threads)
    if config.train.algo == "ppo":
        from periodization.training.ppo import PPOTrainer

        return PPOTrainer
    from periodization.training.trainer import SACTrainer

    return SACTrainer


def _last_checkpoint(run: RunDir, *, episodes: int) -> dict[str, Any]:
    """``checkpoints/last.pt`` of a run to resume, which must have episodes left to run."""
    path, info = run.checkpoint("last"), run.info()
    # judged by run.json: a finished ppo run's last.pt may be an earlier one (where a rollout
    # ended), so its episodes can be fewer than the run trained
    if info.get("finished") and int(info.get("episodes", 0)) >= episodes:
        raise UserError(f"{run.root} has already trained {info.get('episodes')} "
                        "episodes; pass a larger --episodes to extend it")
    if not path.exists():
        raise UserError(f"checkpoint not found: {path} (the run stopped before its first "
                        "checkpoint; start it again with --force)")
    return ckpt.load_checkpoint(path)


def _finish(run: RunDir, config: RunConfig, state: dict[str, Any]) -> dict[str, Any]:
    """A run killed after its last checkpoint but before ``run.json`` said so: nothing is
    left to train, so resuming only records that it finished."""
    progress = state["progress"]
    info = run.update_info(**progress, wall_s=round(float(state["trainer"]["wall_s"]), 3),
                           finished=True)
    return {"run_dir": str(run.root), "algo": config.train.algo, "seed": config.train.seed,
            **progress, "wall_s": info["wall_s"],
            "stopped_early": bool(info.get("stopped_early")), "best": info.get("best")}


def _resume_config(run: RunDir, *, given: RunConfig | None, episodes: int | None,
                   seed: int | None, algo: str | None) -> RunConfig:
    """The run's saved config, with ``--episodes`` applied; anything else must not change."""
    check_features_version(run.info().get("features_version"), source=f"run {run.root}")
    saved = load_config(run / CONFIG)
    if saved.train.algo == "ppo":
        from periodization.training.ppo import resumable

        if not resumable(saved):
            per_env = saved.train.checkpoint_every_episodes // saved.env.num_envs \
                * saved.env.block_days
            raise UserError(f"--resume of a ppo run needs ppo.n_steps ({saved.ppo.n_steps}) to "
                            f"divide the env steps between checkpoints ({per_env} per "
                            "environment), as in configs/ppo.yaml; start it again with --force")
    wanted = (given or saved).with_overrides(seed=seed, algo=algo)
    a, b = to_dict(wanted), to_dict(saved)
    del a["train"]["episodes"], b["train"]["episodes"]
    if a != b:
        key = _first_difference(a, b)
        raise UserError(f"--resume continues {run.root} with its own config.yaml; {key} "
                        "differs (only --episodes may change)")
    return saved.with_overrides(episodes=episodes if episodes is not None
                                else wanted.train.episodes)


def _first_difference(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> str:
    for key in a:
        if isinstance(a[key], dict) and isinstance(b.get(key), dict):
            inner = _first_difference(a[key], b[key], f"{prefix}{key}.")
            if inner:
                return inner
        elif a[key] != b.get(key):
            return f"{prefix}{key}"
    return ""


def _check_scaler(run: RunDir, scaler: FeatureScaler) -> None:
    saved = FeatureScaler.load(run / SCALER)
    if not (np.array_equal(saved.mean, scaler.mean) and np.array_equal(saved.scale, scaler.scale)):
        raise UserError(f"the cohort's feature scaler differs from {run / SCALER}: resume "
                        "with the cohort the run was started on")


def _static_info(config: RunConfig) -> dict[str, Any]:
    return {"algo": config.train.algo, "seed": config.train.seed,
            "episodes_budget": config.train.episodes,
            "features_version": config.env.features_version,
            "versions": ckpt.versions(), "python": platform.python_version()}


def default_callbacks(config: Any, *, quiet: bool,
                      hooks: Sequence[Callback] = ()) -> CallbackList:
    """Evaluation, the caller's ``hooks``, early stopping (if on), CSV, TensorBoard,
    progress, then checkpoints."""
    callbacks = CallbackList([])
    items: list[Callback] = [EvalCallback(), *hooks]
    if config.train.early_stopping:
        items.append(EarlyStopping(config.train.patience))
    items += [CsvLogger(), TensorBoardLogger(), ProgressBar(quiet=quiet),
              CheckpointCallback(callbacks)]
    callbacks.callbacks = items
    return callbacks
