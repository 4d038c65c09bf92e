"""Day-by-day record of one episode: what the athlete's true load state was each morning,
what the policy chose, and where performance went.

Episode i of seed S is row i of ``run_episodes(…, seed=S)``: the vector environment seeds
row i with S + i, so a one-row environment seeded with S + i replays the same athlete,
start day and noise. A policy that acts per row (every baseline, the oracle, a trained
actor) therefore takes the same decisions here as in the comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.policies.base import BasePolicy
from periodization.sim.actions import ACTION_NAMES


def record_episode(policy: BasePolicy, episode_index: int, *, seed: int, split: str = "test",
                   cohort: str | Path | PreparedCohort | None = None, reward: Any = None,
                   safety: Any = None, block_days: int = 90) -> pd.DataFrame:
    """One row per day of episode ``episode_index`` of ``seed``.

    Columns: ``day`` (1 …), the morning's true ``ctl``, ``atl`` (TSS/day) and ``tsb``
    (CTL − ATL), ``recovery`` (0–100, the wearable score), ``ill`` and ``overreached``
    (bool, that morning), ``action`` (id carried out that day) and ``action_name``,
    ``load`` (TSS realised that day), ``performance`` (true, next morning) and
    ``performance_change_pct`` (next morning vs the block's first morning, %). The last
    row's ``performance_change_pct`` is the episode's outcome. ``athlete_id`` is constant.
    """
    if episode_index < 0:
        raise ValueError("episode_index must be at least 0")
    env = PeriodizationVectorEnv(1, cohort=cohort, split=split, reward=reward, safety=safety,
                                 block_days=block_days, autoreset=False)
    obs, info = env.reset(seed=[seed + episode_index])
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
