"""Run policies on the same episodes and measure what happened to the athletes.

Episode i of seed S is the same for every policy: the same athlete, start day and noise
stream (the vector environment's row i, seeded with S + i), so policies are compared on
paired episodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from periodization.athlete.actions import ACTION_NAMES, N_ACTIONS
from periodization.athlete.prior import Prior
from periodization.data.dataset import PreparedCohort
from periodization.env.reward import COMPONENTS
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.errors import UserError
from periodization.policies.base import BasePolicy


def run_episodes(policy: BasePolicy, *, episodes: int, seed: int, split: str = "test",
                 cohort: str | Path | PreparedCohort | None = None,
                 prior: str | Path | Prior | None = None, reward: Any = None,
                 safety: Any = None, block_days: int = 90, name: str | None = None
                 ) -> pd.DataFrame:
    """One row per episode: outcome, return and components, load, safety, actions."""
    if episodes < 1:
        raise ValueError("episodes must be at least 1")
    env = PeriodizationVectorEnv(episodes, cohort=cohort, split=split, prior=prior,
                                 reward=reward, safety=safety, block_days=block_days,
                                 autoreset=False)
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
        for c, v in info["reward_components"].items():
            components[c] += v
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
        "violations": world.violations,
        **{f"n_{a}": counts[:, i] for i, a in enumerate(ACTION_NAMES)},
    })
    return table


def evaluate_policies(names: list[str], *, episodes: int, seed: int, split: str = "test",
                      cohort: str | Path | PreparedCohort | None = None,
                      prior: str | Path | Prior | None = None, reward: Any = None,
                      safety: Any = None, progress: Any = None) -> pd.DataFrame:
    """Every named policy (baseline name or run directory) on the same episodes.

    ``progress`` is an optional callable ``(name) -> None`` announcing each policy.
    """
    from periodization.data.cache import prepared_cohort
    from periodization.policies.registry import make_policy

    if not names:
        raise UserError("no policy to evaluate")
    if episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {episodes}")
    prepared = prepared_cohort(cohort)
    prepared.athletes(split)  # a one-line error for an unknown or empty split
    tables = []
    for name in names:
        if progress is not None:
            progress(name)
        policy = make_policy(name, prepared=prepared, seed=seed)
        label = Path(name).name if Path(name).is_dir() else name
        tables.append(run_episodes(policy, episodes=episodes, seed=seed, split=split,
                                   cohort=prepared, prior=prior, reward=reward,
                                   safety=safety, name=label))
    return pd.concat(tables, ignore_index=True)
