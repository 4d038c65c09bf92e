"""Play a policy on episodes of the simulated world and record what happened to each athlete.

Episode i of seed S is the same for every policy: the same athlete, start day and noise
stream (the vector environment's row i, seeded with S + i), so policies are compared on
paired episodes. Training (validation during a run) and evaluation both play policies
this way, so it lives below both of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.env.reward import COMPONENTS
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.policies.base import BasePolicy
from periodization.sim.actions import ACTION_NAMES, N_ACTIONS, Action
from periodization.sim.prior import Prior


def run_episodes(policy: BasePolicy, *, episodes: int, seed: int | list[int],
                 split: str = "test",
                 cohort: str | Path | PreparedCohort | None = None,
                 prior: str | Path | Prior | None = None, reward: Any = None,
                 safety: Any = None, block_days: int = 90, name: str | None = None,
                 starts: Any = None, scaler: Any = None) -> pd.DataFrame:
    """One row per episode: outcome, return and components, load, safety, actions.

    ``seed`` is an int (row i seeded with seed + i) or one seed per row; ``starts``, a
    callable ``(the environment's start sampler) -> sampler``, replaces it (e.g.
    ``env.starts.BlockStarts``: several blocks of each athlete). ``scaler`` normalises the
    observations (default: the cohort's, every feature)."""
    if episodes < 1:
        raise ValueError("episodes must be at least 1")
    env = PeriodizationVectorEnv(episodes, cohort=cohort, split=split, prior=prior,
                                 reward=reward, safety=safety, block_days=block_days,
                                 autoreset=False, scaler=scaler)
    if starts is not None:
        env.starts = starts(env.starts)
    obs, info = env.reset(seed=seed)
    world = env.world
    policy.reset(episodes)
    policy.bind(world)
    start_ctl = world.state.ctl.copy()
    returns = np.zeros(episodes)
    components = {c: np.zeros(episodes) for c in COMPONENTS}
    counts = np.zeros((episodes, N_ACTIONS), dtype=np.int64)
    recovered = np.zeros(episodes)
    mask = info["action_mask"]
    for _ in range(block_days):
        recovered += world.context.recovery >= 60.0
        actions = np.asarray(policy.act(obs, mask, deterministic=True), dtype=np.int64)
        obs, reward_, _, _, info = env.step(actions)
        mask = info["action_mask"]
        returns += reward_
        for c in COMPONENTS:
            components[c] += info["reward_components"][c]
        counts[np.arange(episodes), info["action_taken"]] += 1
    state = world.state
    table = pd.DataFrame({
        "policy": name or policy.name,
        "episode": np.arange(episodes),
        "athlete_id": world.athlete_id,
        "outcome_pct": 100.0 * (world.performance - world.start_performance)
        / world.start_performance,
        "return": returns,
        **{f"reward_{c}": v for c, v in components.items()},
        "delta_ctl": state.ctl - start_ctl,
        "final_tsb": state.ctl - state.atl,
        "recovery_ge_60_pct": 100.0 * recovered / block_days,
        "days_overreached": world.days_overreached,
        "days_ill": world.days_ill,
        "days_injured": world.days_injured,
        "hard_sessions": counts[:, [int(Action.TEMPO), int(Action.HIIT)]].sum(axis=1),
        "violations": world.violations,
        **{f"n_{a}": counts[:, i] for i, a in enumerate(ACTION_NAMES)},
    })
    return table
