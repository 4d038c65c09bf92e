"""Policies by name: the baselines every evaluation compares, and trained run directories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.policies.base import BasePolicy

BASELINES = ("random", "rest", "rule", "whoop", "hrv", "fixed", "cloning", "oracle")


def make_policy(name: Any, *, prepared: PreparedCohort, seed: int = 0) -> BasePolicy:
    """A baseline by name, a trained agent from a run directory, an SB3 model
    (``sb3:PATH``), a Python policy (``module:attr``), or a policy object / callable
    ``(obs, mask) -> actions`` (``UserError`` if none of these)."""
    from periodization.policies import baselines as B
    from periodization.policies import external

    if not isinstance(name, str):
        return external.as_policy(name)
    if name.startswith(external.SB3_PREFIX):
        return external.SB3Policy(name[len(external.SB3_PREFIX):])

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
    if external.is_reference(name):
        return external.import_policy(name)
    raise UserError(f"unknown policy {name!r}: expected one of {', '.join(BASELINES)}, "
                    "a trained run directory, sb3:MODEL.zip or module:attr")


def policy_label(spec: Any, policy: BasePolicy) -> str:
    """The name a policy goes by in tables: a run directory's name, an SB3 model's file
    stem, a Python policy's attribute name, a baseline's name."""
    if isinstance(spec, str) and Path(spec).is_dir():
        return Path(spec).name
    return policy.name if not isinstance(spec, str) or ":" in spec else spec
