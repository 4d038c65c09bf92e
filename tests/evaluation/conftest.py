"""Fake run directories, a stand-in for trained agents, and one small comparison shared by
the report tests (training is not part of these tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from periodization.evaluation.athletes import plan_episodes
from periodization.evaluation.compare import collect_runs, run_comparison
from periodization.evaluation.runs import load_run
from periodization.policies.base import (
    AE,
    AR,
    HI,
    TE,
    BasePolicy,
    FeatureReader,
    R,
    allowed_or_easier,
)
from periodization.policies.registry import make_policy

BASELINES = ["random", "rest", "rule", "whoop", "hrv", "fixed", "oracle"]
EPISODES = 8


class ThresholdPolicy(BasePolicy):
    """A recovery-threshold coach whose thresholds move with the training seed, so seeds of
    one fake agent differ a little, as trained seeds do."""

    name = "stand-in"

    def __init__(self, scaler, shift: float) -> None:
        self.read, self.shift = FeatureReader(scaler), shift

    def act(self, obs, mask, deterministic=True):
        rec = self.read(obs)["recovery"] + self.shift
        preferred = np.select([rec >= 75, rec >= 55, rec >= 30, rec >= 20], [HI, TE, AE, AR], R)
        return allowed_or_easier(preferred, mask)


def make_run(path: Path, *, group: str | None, seed: int, metrics: bool = True) -> Path:
    """A run directory as training writes it, as far as ``compare`` reads it."""
    path.mkdir(parents=True, exist_ok=True)
    meta = {"algo": "sac", "seed": seed, "features_version": 1}
    if group is not None:
        meta["group"] = group
    (path / "run.json").write_text(json.dumps(meta))
    (path / "config.yaml").write_text("name: from-config\n")
    if metrics:
        steps = np.arange(1, 9) * 900
        pd.DataFrame({"env_steps": steps, "episodes": steps // 90, "wall_s": steps / 1e3,
                      "train_return": 400 + 10 * np.log(steps) + seed,
                      "eval_outcome_pct": np.log(steps) / 3 - seed,
                      "eval_return": 0.0, "eval_violations": 0}).to_csv(
            path / "metrics.csv", index=False)
    return path


def stand_in_factory(prepared):
    """Baselines by name; a fake run directory → a ThresholdPolicy shifted by its seed."""
    def factory(name: str) -> BasePolicy:
        if Path(name).is_dir():
            return ThresholdPolicy(prepared.scaler, 5.0 * load_run(name).seed)
        return make_policy(name, prepared=prepared)
    return factory


@pytest.fixture(scope="session")
def fake_runs(tmp_path_factory) -> Path:
    """runs/sac-0, runs/sac-1 (agent "sac") and runs/abl-0 (group "ablation-no-bonus")."""
    root = tmp_path_factory.mktemp("runs")
    make_run(root / "sac-0", group="sac", seed=0)
    make_run(root / "sac-1", group="sac", seed=1)
    make_run(root / "abl-0", group="ablation-no-bonus", seed=2, metrics=False)
    return root


@pytest.fixture(scope="session")
def comparison(prepared_small, fake_runs):
    agents, ablations = collect_runs([fake_runs], [])
    return run_comparison(baselines=BASELINES, agents=agents, ablations=ablations,
                          plan=plan_episodes(seed=1, athletes=EPISODES),
                          cohort=prepared_small,
                          factory=stand_in_factory(prepared_small))
