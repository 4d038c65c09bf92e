"""Every named policy on the same episodes: the table ``evaluate`` and ``compare`` summarise.

The episodes are an ``EpisodePlan`` (``evaluation.athletes``): by default 1000 fresh
athletes of the prior, one 90-day block each, from the evaluation seed stream; row i is
the same athlete, start and noise for every policy, so policies are compared on paired
athletes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.evaluation.athletes import COHORT, EpisodePlan, plan_episodes
from periodization.evaluation.play import play

DEFAULT_POLICY = "default"  # ``--policy default``: the packaged model, as ``recommend`` uses


def default_policy(prepared: PreparedCohort) -> Any:
    """The packaged model (``periodization/models/default``) loaded as ``recommend`` loads
    it (``agents.artifacts.load_model``), greedy, named ``default``; observations are
    converted when the environment scales features otherwise than the model did."""
    import numpy as np

    from periodization.agents.artifacts import load_model
    from periodization.policies.learned import ActorPolicy

    model = load_model(None)  # a one-line UserError when the package ships no model
    env = prepared.scaler
    same = np.array_equal(env.mean, model.scaler.mean) and np.array_equal(
        env.scale, model.scaler.scale)
    return ActorPolicy(model.actor, name=DEFAULT_POLICY,
                       convert=None if same else (env, model.scaler),
                       uses_mask=model.uses_mask)


def resolve_policy(name: Any, prepared: PreparedCohort) -> Any:
    """``default`` → the packaged model's policy; anything else as given (for
    ``make_policy``)."""
    return default_policy(prepared) if name == DEFAULT_POLICY else name


def evaluate_policies(names: list[Any], *, plan: EpisodePlan | None = None,
                      episodes: int | None = None, seed: int = 0, split: str | None = None,
                      cohort: str | Path | PreparedCohort | None = None,
                      prior: Any = None, reward: Any = None,
                      safety: Any = None, progress: Any = None) -> pd.DataFrame:
    """Every policy on the same episodes: baseline names, run directories, ``default``,
    ``sb3:PATH``, ``module:attr``, or policy objects and callables ``(obs, mask) ->
    actions``. Without ``plan``: ``episodes`` rows of the cohort's ``split`` when either is
    given, else 1000 fresh athletes of ``prior``.

    ``progress`` is an optional callable ``(name) -> None`` announcing each policy.
    """
    from periodization.cohort.cache import prepared_cohort
    from periodization.policies.registry import make_policy, policy_label

    if not names:
        raise UserError("no policy to evaluate")
    if plan is None:
        plan = plan_episodes(seed=seed, episodes=episodes, split=split, prior=prior)
    prepared = prepared_cohort(cohort)
    if plan.mode == COHORT:
        prepared.athletes(plan.split)  # a one-line error for an unknown or empty split
    tables = []
    for name in names:
        if progress is not None:
            progress(name if isinstance(name, str) else getattr(name, "name", "policy"))
        spec = resolve_policy(name, prepared)
        policy = make_policy(spec, prepared=prepared, seed=plan.seed)
        label = DEFAULT_POLICY if name == DEFAULT_POLICY else policy_label(spec, policy)
        if any((t["policy"] == label).any() for t in tables):
            raise UserError(f"two policies are named {label!r}: give each policy once")
        tables.append(play(policy, plan, prepared=prepared, reward=reward, safety=safety,
                           name=label))
    return pd.concat(tables, ignore_index=True)
