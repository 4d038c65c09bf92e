"""A trained model's files on disk: their names, and loading them without torch.

One home for what a run directory and a model directory hold, used by everything that
reads them (``policies.learned`` for ``evaluate``, ``advice`` for ``recommend``) and by the
trainers that write them::

    RUN_DIR/
      config.yaml          the resolved run config (training.config reads it back)
      run.json             versions, seed, algo, observation-space version, progress
      scaler.json          the feature scaler the agent was trained with
      actor.npz            numpy export of the best actor: weight_i (out, in), bias_i (out,)
      metrics.csv          one row per round: training and validation figures
      tb/                  TensorBoard events
      checkpoints/         best.pt, last.pt, replay-<n>.npz (PPO: best.zip, last.zip, last.pt)
      .periodize.lock      held by the process training into it (filelock)

A *model directory* (the default model shipped in ``periodization/models/default/``, or any
run directory) needs only ``actor.npz`` and ``scaler.json``; ``model.json`` (optional) says
what the model is and how to rebuild it.

Every problem is a ``UserError`` with one line naming the directory and the fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field
from typing_extensions import TypedDict

from periodization.agents.numpy_policy import NumpyActor
from periodization.core.errors import UserError
from periodization.core.io import read_json_object
from periodization.core.npz import NpzLimits, read_npz
from periodization.core.validation import (
    Count,
    Finite,
    Real,
    Seed,
    StrictBool,
    StrictInt,
    one_line,
    validate,
)
from periodization.features.scaler import FeatureScaler, check_features_version
from periodization.sim.actions import N_ACTIONS

CONFIG, RUN_JSON, SCALER, ACTOR, METRICS = (
    "config.yaml", "run.json", "scaler.json", "actor.npz", "metrics.csv")
TB, CHECKPOINTS, MODEL_INFO = "tb", "checkpoints", "model.json"
RUN_LAYOUT = (CONFIG, RUN_JSON, SCALER, ACTOR, METRICS, TB, CHECKPOINTS)
DEFAULT_MODEL = ("models", "default")


@dataclass(frozen=True)
class ExportedModel:
    """A served model: the actor, the scaler it was trained with, and what it is."""

    actor: NumpyActor
    scaler: FeatureScaler
    source: str  # the directory, or "default model"
    info: dict  # model.json (empty if absent)
    uses_mask: bool = True  # False: trained with every safety rule off


def default_model_dir() -> Path:
    """Where the packaged default model lives (it may be absent in a development tree)."""
    return Path(str(resources.files("periodization").joinpath(*DEFAULT_MODEL)))


def load_model(path: str | Path | None = None) -> ExportedModel:
    """Load a model directory, or the packaged default model when ``path`` is None."""
    if path is None:
        folder = default_model_dir()
        if not (folder / ACTOR).is_file():
            raise UserError(
                "no default model is installed with this package (periodization/models/"
                "default/actor.npz is missing); pass --model RUN_DIR with a trained run")
        return _load(folder, source="default model")
    folder = Path(path)
    if not folder.exists():
        raise UserError(f"model directory not found: {folder}")
    if not folder.is_dir():
        raise UserError(f"{folder} is not a model directory (expected a folder with "
                        f"{ACTOR} and {SCALER})")
    if not (folder / ACTOR).is_file():
        raise UserError(f"{folder} holds no trained actor ({ACTOR} is missing)")
    return _load(folder, source=str(folder))


GROUP_NAME = Annotated[str, Field(strict=True, min_length=1, max_length=200)]


class RunJson(TypedDict, total=False):
    """The keys of ``run.json`` that readers use, by type (others are kept as written)."""

    algo: Literal["sac", "ppo"]
    seed: Seed
    group: GROUP_NAME | None
    features_version: StrictInt
    finished: StrictBool
    stopped_early: StrictBool
    episodes: Count(0, 10**12)
    env_steps: Count(0, 10**15)
    updates: Count(0, 10**15)
    rounds: Count(0, 10**12)
    episodes_budget: Count(0, 10**12)
    wall_s: Real(0.0)
    best: dict[str, Finite | StrictInt] | None


def read_run_info(root: str | Path) -> dict[str, Any]:
    """A run directory's ``run.json``, its known keys checked (``RunJson``); ``UserError``
    naming the file and key if it is missing, damaged or holds a wrong type."""
    root = Path(root)
    info = read_json_object(root / RUN_JSON, what="run info",
                            missing=f"not a run directory (no {RUN_JSON}): {root}")
    known = {k: info[k] for k in RunJson.__annotations__ if k in info}
    validate(RunJson, known, source=str(root / RUN_JSON))
    return info


def load_run(path: str | Path) -> ExportedModel:
    """A training run directory's best actor and scaler, checked for consistency.

    Refuses a run made for another observation space before any shape could clash, and a
    run that has no actor yet (it was never evaluated).
    """
    root = Path(path)
    info = read_run_info(root)
    check_features_version(info.get("features_version"), source=f"run {root}")
    scaler = FeatureScaler.load(root / SCALER)
    if not (root / ACTOR).is_file():
        raise UserError(f"no trained actor in {root} ({ACTOR} is missing: the run has not "
                        "been evaluated yet)")
    actor = load_actor(root / ACTOR)
    _check_fit(actor, scaler, root, fix="the run directory is inconsistent")
    return ExportedModel(actor=actor, scaler=scaler, source=str(root), info=info,
                         uses_mask=trained_with_mask(root))


ACTOR_LIMITS = NpzLimits(kinds="f", max_ndim=2, max_dim=4096, max_bytes=128 << 20,
                         max_members=2 * 9)
"""What an ``actor.npz`` may declare: float arrays of at most 4096 × 4096, 9 layers
(``SACConfig.hidden``'s 8 hidden layers and the output) and 128 MB in all (the default
actor takes 0.3 MB). Checked from the headers, before anything is loaded."""


def load_actor(path: Path) -> NumpyActor:
    """An ``actor.npz`` as a ``NumpyActor``; ``UserError`` if it is damaged, malformed,
    larger than ``ACTOR_LIMITS``, holds a NaN or infinite weight, or has finite weights
    whose logits overflow or pass ±1e6 on ordinary inputs (the argmax would silently be
    REST, or a masked action)."""
    weights = read_npz(path, limits=ACTOR_LIMITS)
    bad = next((k for k in sorted(weights) if not np.isfinite(weights[k]).all()), None)
    if bad is not None:
        raise UserError(f"{path}: {bad} holds NaN or infinite weights")
    try:
        actor = NumpyActor.from_weights(weights)
    except ValueError as exc:
        raise UserError(f"{path}: {one_line(str(exc))}") from None
    try:
        actor.check_logits()
    except UserError:
        raise UserError(f"{path}: its logits overflow or exceed ±1e6 on ordinary inputs "
                        "(weights far larger than training gives: damaged or tampered)"
                        ) from None
    return actor


def trained_with_mask(root: Path) -> bool:
    """False when the run's ``config.yaml`` switched every hard safety rule off (the
    no-masking ablation): such an actor never learned what a mask is. A run without a
    readable config is taken to have used the mask."""
    from periodization.core.yaml_io import load_yaml
    from periodization.env.constraints import RULE_NAMES

    try:
        config = load_yaml(root / CONFIG, what="run config")
        safety = config["env"]["safety"]
    except (UserError, KeyError, TypeError):
        return True
    if not isinstance(safety, dict):
        return True
    return any(safety.get(rule, True) is not False for rule in RULE_NAMES)


def _load(folder: Path, *, source: str) -> ExportedModel:
    scaler = FeatureScaler.load(folder / SCALER)
    actor = load_actor(folder / ACTOR)
    _check_fit(actor, scaler, folder, fix="retrain the model")
    info: dict = {}
    if (folder / MODEL_INFO).is_file():
        info = read_json_object(folder / MODEL_INFO, what="model info")
    return ExportedModel(actor=actor, scaler=scaler, source=source, info=info)


def _check_fit(actor: NumpyActor, scaler: FeatureScaler, folder: Path, *, fix: str) -> None:
    """The actor maps the scaler's features to the six actions, else ``UserError``."""
    if actor.obs_dim != scaler.n_features or actor.n_actions != N_ACTIONS:
        raise UserError(f"{folder / ACTOR} maps {actor.obs_dim} features to "
                        f"{actor.n_actions} actions; its scaler ({folder / SCALER}) needs "
                        f"{scaler.n_features} → {N_ACTIONS}: {fix}")


def save_model(folder: str | Path, *, weights: dict[str, np.ndarray], scaler: FeatureScaler,
               info: dict[str, Any] | None = None) -> Path:
    """Write a model directory ``load_model`` reads (each file atomically)."""
    import io

    from periodization.core.io import atomic_write_bytes, atomic_write_json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in weights.items()})
    atomic_write_bytes(folder / ACTOR, buffer.getvalue())
    scaler.save(folder / SCALER)
    if info is not None:
        atomic_write_json(folder / MODEL_INFO, info)
    return folder
