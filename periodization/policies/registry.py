"""Policies by name: the baselines every evaluation compares, and trained run directories."""

from __future__ import annotations

from pathlib import Path

from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.policies.base import BasePolicy

BASELINES = ("random", "rest", "rule", "whoop", "hrv", "fixed", "cloning", "oracle")


def make_policy(name: str, *, prepared: PreparedCohort, seed: int = 0) -> BasePolicy:
    """A baseline by name, or a trained agent from a run directory (``UserError`` if
    neither)."""
    from periodization.policies import baselines as B

    scaler = prepared.scaler
    if name == "random":
        return B.RandomPolicy(seed)
    if name == "rest":
        return B.RestPolicy()
    if name == "rule":
        return B.RulePolicy(scaler)
    if name == "whoop":
        return B.WhoopPolicy(scaler)
    if name == "hrv":
        return B.HrvGuidedPolicy(scaler)
    if name == "fixed":
        return B.FixedPeriodizationPolicy(scaler)
    if name == "cloning":
        from periodization.core.extras import require

        require("torch", purpose="the cloning baseline")
        from periodization.policies.cloning import CloningPolicy

        return CloningPolicy(prepared, seed=seed)
    if name == "oracle":
        from periodization.policies.planner import OraclePolicy

        return OraclePolicy()
    if Path(name).is_dir():
        from periodization.policies.learned import load_run_policy

        return load_run_policy(Path(name), env_scaler=scaler)
    raise UserError(f"unknown policy {name!r}: expected one of {', '.join(BASELINES)} "
                    "or a trained run directory")
