"""Every named policy on the same episodes: the table ``evaluate`` and ``compare`` summarise.

Episode i of seed S is the same for every policy: the same athlete, start day and noise
stream (the vector environment's row i, seeded with S + i), so policies are compared on
paired episodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.policies.rollout import run_episodes
from periodization.sim.prior import Prior


def evaluate_policies(names: list[Any], *, episodes: int, seed: int, split: str = "test",
                      cohort: str | Path | PreparedCohort | None = None,
                      prior: str | Path | Prior | None = None, reward: Any = None,
                      safety: Any = None, progress: Any = None) -> pd.DataFrame:
    """Every policy on the same episodes: baseline names, run directories, ``sb3:PATH``,
    ``module:attr``, or policy objects and callables ``(obs, mask) -> actions``.

    ``progress`` is an optional callable ``(name) -> None`` announcing each policy.
    """
    from periodization.cohort.cache import prepared_cohort
    from periodization.policies.registry import make_policy, policy_label

    if not names:
        raise UserError("no policy to evaluate")
    if episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {episodes}")
    prepared = prepared_cohort(cohort)
    prepared.athletes(split)  # a one-line error for an unknown or empty split
    tables = []
    for name in names:
        if progress is not None:
            progress(name if isinstance(name, str) else getattr(name, "name", "policy"))
        policy = make_policy(name, prepared=prepared, seed=seed)
        label = policy_label(name, policy)
        if any((t["policy"] == label).any() for t in tables):
            raise UserError(f"two policies are named {label!r}: give each policy once")
        tables.append(run_episodes(policy, episodes=episodes, seed=seed, split=split,
                                   cohort=prepared, prior=prior, reward=reward,
                                   safety=safety, name=label))
    return pd.concat(tables, ignore_index=True)
