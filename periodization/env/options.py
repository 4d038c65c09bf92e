"""Construction options shared by the single and the vector environment, and what both do
alike: the time limit, the episode starts and small pickles."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import gymnasium as gym

from periodization.cohort.cache import prepared_cohort
from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.core.validation import validate
from periodization.env.constraints import SafetyConfig
from periodization.env.reward import DEFAULT_REWARD, RewardConfig, reward_preset
from periodization.env.starts import CohortStarts, PriorStarts
from periodization.env.world import World
from periodization.features.scaler import FeatureScaler
from periodization.sim.prior import Prior, load_prior

DEFAULT_BLOCK_DAYS = 90


def as_reward(reward: RewardConfig | dict[str, Any] | str | None) -> RewardConfig:
    """A reward config from a config, a dict of its keys or a version name (``UserError``
    naming the key or the version if invalid)."""
    if isinstance(reward, RewardConfig):
        return reward
    if isinstance(reward, str):
        try:
            return reward_preset(reward)
        except ValueError as exc:
            raise UserError(f"--reward: {exc}") from None
    if reward is None:
        return DEFAULT_REWARD
    return validate(RewardConfig, reward, source="reward")


def as_safety(safety: SafetyConfig | dict[str, Any] | None, strict: bool | None) -> SafetyConfig:
    config = (safety if isinstance(safety, SafetyConfig)
              else validate(SafetyConfig, safety or {}, source="safety"))
    if strict is not None and strict != config.strict:
        config = dataclasses.replace(config, strict=strict)
    return config


def block_length(block_days: int | None, max_episode_steps: int | None) -> int:
    """Episode length from ``block_days`` and Gymnasium's ``max_episode_steps`` (either may
    be given; both must then agree)."""
    if block_days is not None and max_episode_steps is not None \
            and block_days != max_episode_steps:
        raise ValueError(f"block_days={block_days} and max_episode_steps={max_episode_steps} "
                         "disagree: give one of them (they are the same limit)")
    days = next((d for d in (block_days, max_episode_steps) if d is not None),
                DEFAULT_BLOCK_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ValueError(f"block_days must be an integer of at least 1, got {days!r}")
    return days


def build_starts(cohort: str | Path | PreparedCohort | None, split: str,
                 prior: str | Path | Prior | None
                 ) -> tuple[CohortStarts | PriorStarts, PreparedCohort]:
    """The episode-start sampler: the cohort's ``split`` athletes, or, when ``prior`` is
    given, fresh athletes of that prior."""
    prepared = prepared_cohort(cohort)
    if prior is not None:
        loaded = prior if isinstance(prior, Prior) else load_prior(prior)
        return PriorStarts(loaded), prepared
    return CohortStarts(prepared, split), prepared


def build_world(*, cohort: str | Path | PreparedCohort | None, split: str,
                prior: str | Path | Prior | None, reward: Any, safety: Any, strict: bool | None,
                block_days: int, scaler: FeatureScaler | None
                ) -> tuple[World, CohortStarts | PriorStarts, PreparedCohort]:
    """The world and the episode-start sampler the environments are made of.

    Observations are normalised with ``scaler`` (default: the cohort's, fitted on its
    training athletes).
    """
    starts, prepared = build_starts(cohort, split, prior)
    world = World(scaler=scaler or prepared.scaler, reward=as_reward(reward),
                  safety=as_safety(safety, strict), block_days=block_days)
    return world, starts, prepared


class CohortReference:
    """Mixin: an environment pickles as its episode state plus a reference to its cohort
    (the directory, or the cached default), and rebuilds the start sampler on unpickling,
    so a pickled env (``AsyncVectorEnv``, SB3's ``SubprocVecEnv``, Ray) stays small. An env
    built from an in-memory ``PreparedCohort`` has no reference and pickles it whole."""

    _source: dict[str, Any]  # cohort (path or None), split, prior

    def _remember_source(self, *, cohort: Any, split: str, prior: Any) -> None:
        in_memory = isinstance(cohort, PreparedCohort)
        self._source = {"cohort": None if cohort is None or in_memory else str(cohort),
                        "split": split, "prior": prior, "in_memory": in_memory}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if not self._source["in_memory"]:
            state.pop("starts", None)
            state.pop("prepared", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "starts" not in state:
            s = self._source
            self.starts, self.prepared = build_starts(s["cohort"], s["split"], s["prior"])


def reset_needed(what: str) -> gym.error.ResetNeeded:
    return gym.error.ResetNeeded(f"call reset() before {what}: no episode has started yet")
