"""A trained run directory as a policy, served by the torch-free ``NumpyActor``.

Both algorithms export their best actor to ``actor.npz`` (ReLU MLP weights), so
``evaluate`` and ``recommend`` load either without torch or sb3.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from periodization.agents.numpy_policy import NumpyActor
from periodization.data.scaler import FeatureScaler
from periodization.errors import UserError
from periodization.policies.base import BasePolicy
from periodization.training.checkpoint import check_features_version
from periodization.training.rundir import ACTOR, SCALER, RunDir


class ActorPolicy(BasePolicy):
    """Acts with a ``NumpyActor``: greedy (masked argmax) when ``deterministic``.

    ``convert`` maps observations normalised by the environment's scaler to the scaler the
    actor was trained with (identity when they are the same). An actor trained with every
    safety rule off (``uses_mask=False``) never learned what a mask is: it chooses among all
    six actions, and the environment replaces and counts what the rules forbid.
    """

    def __init__(self, actor: NumpyActor, *, name: str,
                 convert: tuple[FeatureScaler, FeatureScaler] | None = None,
                 seed: int = 0, uses_mask: bool = True) -> None:
        self.actor, self.name, self.convert = actor, name, convert
        self.uses_mask = uses_mask
        self.rng = np.random.default_rng(seed)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if self.convert is not None:
            env_scaler, run_scaler = self.convert
            obs = run_scaler.transform(env_scaler.inverse(obs))
        if not self.uses_mask:
            mask = np.ones_like(mask, dtype=bool)
        return self.actor.act(obs, mask, deterministic=deterministic, rng=self.rng)


class AgentPolicy(BasePolicy):
    """A torch learner (``SACAgent``) as a policy, for evaluation during training: float32
    and batched, ~10× faster than the numpy export it will be served as (same weights).
    Greedy only: sampling would draw from the learner's generator and change training."""

    def __init__(self, agent: Any, *, name: str) -> None:
        self.agent, self.name = agent, name

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if not deterministic:
            raise ValueError("AgentPolicy acts greedily only")
        return self.agent.act(obs, mask, deterministic=True)


def load_actor(path: str | Path) -> NumpyActor:
    """The ``actor.npz`` of a run; ``UserError`` if missing or damaged."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"no trained actor in {path.parent} ({path.name} is missing: the run "
                        "has not been evaluated yet)")
    try:
        with np.load(path, allow_pickle=False) as data:
            return NumpyActor.from_weights({k: data[k] for k in data.files})
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise UserError(f"cannot read {path}: damaged ({exc})") from None


def load_run_policy(path: str | Path, *, env_scaler: FeatureScaler | None = None
                    ) -> ActorPolicy:
    """The greedy policy of a run directory's best actor, named after the directory.

    Refuses a run made for another observation space (before any shape could clash).
    If ``env_scaler`` (how the environment normalises) differs from the run's scaler,
    observations are converted: ``env_scaler.inverse`` then the run scaler's ``transform``.
    """
    run = RunDir(Path(path))
    info = run.info()
    check_features_version(info.get("features_version"), source=f"run {run.root}")
    run_scaler = FeatureScaler.load(run / SCALER)
    actor = load_actor(run / ACTOR)
    if actor.obs_dim != len(run_scaler.mean):
        raise UserError(f"{run / ACTOR} takes {actor.obs_dim} features, its scaler "
                        f"{len(run_scaler.mean)}: the run directory is inconsistent")
    same = env_scaler is None or (np.array_equal(env_scaler.mean, run_scaler.mean)
                                  and np.array_equal(env_scaler.scale, run_scaler.scale))
    return ActorPolicy(actor, name=run.name,
                       convert=None if same else (env_scaler, run_scaler),
                       uses_mask=_trained_with_mask(run))


def _trained_with_mask(run: RunDir) -> bool:
    """False when the run's config switched every hard safety rule off (the no-masking
    ablation); a run without a readable config is taken to have used the mask."""
    from periodization.env.constraints import RULE_NAMES
    from periodization.training.config import load_config

    try:
        safety = load_config(run / "config.yaml").env.safety
    except UserError:
        return True
    return any(getattr(safety, rule) for rule in RULE_NAMES)
