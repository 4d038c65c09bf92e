"""Construction options shared by the single and the vector environment."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from periodization.cohort.cache import prepared_cohort
from periodization.cohort.dataset import PreparedCohort
from periodization.core.validation import validate
from periodization.env.constraints import SafetyConfig
from periodization.env.reward import RewardConfig
from periodization.env.starts import CohortStarts, PriorStarts
from periodization.env.world import World
from periodization.features.scaler import FeatureScaler
from periodization.sim.prior import Prior, load_prior


def as_reward(reward: RewardConfig | dict[str, Any] | str | None) -> RewardConfig:
    """A reward config from a config, a dict of its keys or a version name (``UserError``
    naming the key or the version if invalid)."""
    if isinstance(reward, RewardConfig):
        return reward
    if isinstance(reward, str):
        return validate(RewardConfig, {"version": reward}, source="--reward")
    return validate(RewardConfig, reward or {}, source="reward")


def as_safety(safety: SafetyConfig | dict[str, Any] | None, strict: bool | None) -> SafetyConfig:
    config = (safety if isinstance(safety, SafetyConfig)
              else validate(SafetyConfig, safety or {}, source="safety"))
    if strict is not None and strict != config.strict:
        config = dataclasses.replace(config, strict=strict)
    return config


def build_world(*, cohort: str | Path | PreparedCohort | None, split: str,
                prior: str | Path | Prior | None, reward: Any, safety: Any, strict: bool | None,
                block_days: int, scaler: FeatureScaler | None
                ) -> tuple[World, CohortStarts | PriorStarts, PreparedCohort]:
    """The world and the episode-start sampler the environments are made of.

    Episodes start from the cohort's ``split`` athletes, or, when ``prior`` is given, from
    fresh athletes of that prior. Observations are normalised with ``scaler`` (default:
    the cohort's, fitted on its training athletes).
    """
    prepared = prepared_cohort(cohort)
    if prior is not None:
        loaded = prior if isinstance(prior, Prior) else load_prior(prior)
        starts: CohortStarts | PriorStarts = PriorStarts(loaded)
    else:
        starts = CohortStarts(prepared, split)
    world = World(scaler=scaler or prepared.scaler, reward=as_reward(reward),
                  safety=as_safety(safety, strict), block_days=block_days)
    return world, starts, prepared
