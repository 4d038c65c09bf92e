"""Day-by-day record of one episode: what the athlete's true load state was each morning,
what the policy chose, and where performance went.

Row i of an ``EpisodePlan`` is seeded with ``plan.seeds[i]`` (and, for fresh athletes, its
athlete's word), so a one-row environment seeded the same way replays the same
athlete, start day and noise; without a plan, episode i of seed S is row i of
``run_episodes(…, seed=S)`` (seeded with S + i). A policy that acts per row (every
baseline, the oracle, a trained actor) therefore takes the same decisions here as in the
comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.env.starts import BlockStarts
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.evaluation.athletes import PRIOR, EpisodePlan
from periodization.policies.base import BasePolicy
from periodization.sim.actions import ACTION_NAMES


def record_episode(policy: BasePolicy, episode_index: int, *, seed: int = 0,
                   plan: EpisodePlan | None = None, split: str = "test",
                   cohort: str | Path | PreparedCohort | None = None, reward: Any = None,
                   safety: Any = None, block_days: int = 90) -> pd.DataFrame:
    """One row per day of episode ``episode_index`` of ``plan`` (or of ``seed`` on the
    cohort's ``split``).

    Columns: ``day`` (1 …), the morning's true ``ctl``, ``atl`` (TSS/day) and ``tsb``
    (CTL − ATL), ``recovery`` (0–100, the wearable score), ``ill`` and ``overreached``
    (bool, that morning), ``action`` (id carried out that day) and ``action_name``,
    ``load`` (TSS realised that day), ``performance`` (true, next morning) and
    ``performance_change_pct`` (next morning vs the block's first morning, %). The last
    row's ``performance_change_pct`` is the episode's outcome. ``athlete_id`` is constant.
    """
    if episode_index < 0:
        raise ValueError("episode_index must be at least 0")
    row_seed, prior = seed + episode_index, None
    if plan is not None:
        from periodization.sim.prior import Prior, load_prior

        row_seed, split = plan.seeds[episode_index], plan.split
        if plan.mode == PRIOR:
            prior = plan.prior if isinstance(plan.prior, Prior) else load_prior(plan.prior)
    env = PeriodizationVectorEnv(1, cohort=cohort, split=split, prior=prior, reward=reward,
                                 safety=safety, block_days=block_days, autoreset=False)
    if plan is not None and plan.mode == PRIOR:
        env.starts = BlockStarts(env.starts, plan.words[[episode_index // plan.blocks]], 1)
    obs, info = env.reset(seed=[row_seed])
    world = env.world
    policy.reset(1)
    policy.bind(world)
    threshold = world.params.pop.overreached_threshold
    rows = []
    for day in range(1, block_days + 1):
        state = world.state
        morning = {
            "day": day, "ctl": float(state.ctl[0]), "atl": float(state.atl[0]),
            "tsb": float(state.ctl[0] - state.atl[0]),
            "recovery": float(world.context.recovery[0]),
            "ill": bool(state.ill_days[0] > 0),
            "injured": bool(state.injured_days[0] > 0),
            "overreached": bool(state.maladaptation[0] > threshold),
        }
        action = np.asarray(policy.act(obs, info["action_mask"], deterministic=True),
                            dtype=np.int64)
        obs, _, _, _, info = env.step(action)
        taken = int(info["action_taken"][0])
        rows.append({**morning, "action": taken, "action_name": ACTION_NAMES[taken],
                     "load": float(world.state.last_load[0]),
                     "performance": float(world.performance[0]),
                     "performance_change_pct": float(
                         100.0 * (world.performance[0] - world.start_performance[0])
                         / world.start_performance[0])})
    table = pd.DataFrame(rows)
    table.insert(1, "athlete_id", world.athlete_id[0])
    return table
