"""Learned policies: a trained run directory served by the torch-free ``NumpyActor``, and a
torch learner acting greedily during training.

Both algorithms export their best actor to ``actor.npz`` (``agents.artifacts``), so
``evaluate`` and ``recommend`` load either without torch or sb3.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from periodization.agents.artifacts import ACTOR, RUN_JSON, load_model, load_run
from periodization.agents.numpy_policy import NumpyActor
from periodization.features.scaler import FeatureScaler, adapter
from periodization.policies.base import BasePolicy


class ActorPolicy(BasePolicy):
    """Acts with a ``NumpyActor``: greedy (masked argmax) when ``deterministic``.

    ``convert`` maps observations normalised by the environment's scaler to the scaler the
    actor was trained with (identity when they are the same; the leading columns when the
    actor's observation space is an older, narrower one: ``features.scaler.adapter``). An
    actor trained with every safety rule off (``uses_mask=False``) never learned what a mask
    is: it chooses among all six actions, and the environment replaces and counts what the
    rules forbid.

    ``scaler`` (the actor's own) lets ``bind`` work ``convert`` out from the world it is
    bound to when none was given: a v1 actor played in a world observing v2 reads the
    leading 17 columns instead of failing on a (B, 31) observation.
    """

    def __init__(self, actor: NumpyActor, *, name: str,
                 convert: tuple[FeatureScaler, FeatureScaler] | None = None,
                 seed: int = 0, uses_mask: bool = True,
                 scaler: FeatureScaler | None = None) -> None:
        self.actor, self.name, self.convert, self.scaler = actor, name, convert, scaler
        self._adapt = adapter(*convert) if convert is not None else None
        self.uses_mask = uses_mask
        self.rng = np.random.default_rng(seed)

    def bind(self, world) -> None:
        if self.convert is None and self.scaler is not None and hasattr(world, "scaler"):
            self._adapt = adapter(world.scaler, self.scaler)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if self._adapt is not None:
            obs = self._adapt(obs)
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


def load_run_policy(path: str | Path, *, env_scaler: FeatureScaler | None = None
                    ) -> ActorPolicy:
    """The greedy policy of a run directory's best actor, or of a model directory's actor
    (``actor.npz`` and ``scaler.json`` without ``run.json``: the packaged model, an
    ensemble written by ``periodize ensemble``), named after the directory.

    If ``env_scaler`` (how the environment normalises) differs from the run's scaler,
    observations are converted: ``env_scaler.inverse`` then the run scaler's ``transform``.
    """
    # any run.json (a damaged one, a pipe) makes it a run, checked as one
    model = load_run(path) if os.path.lexists(Path(path) / RUN_JSON) or not (
        Path(path) / ACTOR).is_file() else load_model(path)
    run_scaler = model.scaler
    same = env_scaler is None or (np.array_equal(env_scaler.mean, run_scaler.mean)
                                  and np.array_equal(env_scaler.scale, run_scaler.scale))
    return ActorPolicy(model.actor, name=Path(path).resolve().name,
                       convert=None if same else (env_scaler, run_scaler),
                       uses_mask=model.uses_mask, scaler=run_scaler)
