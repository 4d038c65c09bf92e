"""Play one policy on an ``EpisodePlan``: the per-episode table ``evaluate`` and ``compare``
summarise, with ``athlete_id`` naming each row's athlete (the unit of every statistic) and
``block`` its block of that athlete."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.env.starts import BlockStarts
from periodization.evaluation.athletes import PRIOR, EpisodePlan
from periodization.policies.base import BasePolicy
from periodization.policies.rollout import run_episodes
from periodization.sim.prior import Prior, load_prior


def play(policy: BasePolicy, plan: EpisodePlan, *, prepared: PreparedCohort,
         reward: Any = None, safety: Any = None, name: str | None = None) -> pd.DataFrame:
    """One row per episode of ``plan`` (``policies.rollout.run_episodes``' columns, and
    ``block``), rows in the plan's order."""
    starts, prior = None, None
    if plan.mode == PRIOR:
        prior = plan.prior if isinstance(plan.prior, Prior) else load_prior(plan.prior)
        starts = functools.partial(BlockStarts, words=plan.words, blocks=plan.blocks)
    table = run_episodes(policy, episodes=plan.rows, seed=plan.seeds, split=plan.split,
                         cohort=prepared, prior=prior,
                         reward=reward, safety=safety, name=name, starts=starts)
    block = (np.arange(plan.rows) % plan.blocks if plan.mode == PRIOR
             else table.groupby("athlete_id", sort=False).cumcount().to_numpy())
    table.insert(3, "block", block)
    return table
