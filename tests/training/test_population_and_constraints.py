"""Training on fresh athletes of a (widened) prior, validating on fresh athletes, and the
Lagrangian budgets in a real run."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

from periodization.core.errors import UserError
from periodization.sim.noise import KeyedRandom
from periodization.sim.prior import load_prior
from periodization.training.config import ConstraintConfig, EnvConfig, RunConfig
from periodization.training.population import load_training_prior, widen
from tests.training.conftest import tiny_config

POPULATIONS = ("masters", "well_trained", "heterogeneous")


def test_widening_scales_spreads_and_keeps_the_centre():
    spec = {"dist": "lognormal", "median": 10.0, "sigma": 0.2, "min": 5.0, "max": 20.0}
    out = widen("tau_base_days", spec, 1.5)
    assert out["median"] == 10.0 and out["sigma"] == pytest.approx(0.3)
    assert out["min"] == pytest.approx(10 * 0.5 ** 1.5) and out["max"] == pytest.approx(
        10 * 2 ** 1.5)
    uni = widen("fast_share", {"dist": "uniform", "low": 0.6, "high": 1.0}, 2.0)
    assert uni["high"] == 1.0 and uni["low"] == pytest.approx(0.4)  # a fraction stays ≤ 1


def test_a_widened_prior_draws_more_varied_athletes_with_the_same_median():
    base, wide = load_prior(), load_training_prior("default", spread=1.5)
    rng = KeyedRandom(np.arange(4000, dtype=np.uint64))
    a = base.sample(4000, rng).optimal_load
    b = wide.sample(4000, KeyedRandom(np.arange(4000, dtype=np.uint64))).optimal_load
    assert np.log(b).std() > 1.3 * np.log(a).std()
    assert abs(np.median(b) / np.median(a) - 1) < 0.05


@pytest.mark.parametrize("name", POPULATIONS)
def test_the_shipped_populations_load_and_differ_from_the_default(name):
    from pathlib import Path

    import periodization

    path = Path(periodization.__file__).parent / "sim" / "populations" / f"{name}.yaml"
    prior = load_prior(path)
    assert prior.athlete != load_prior().athlete


def test_a_missing_training_prior_is_one_line(tmp_path, cohort_dir):
    from periodization.training.launch import run_training

    config = tiny_config(cohort_dir)
    config = dataclasses.replace(config, env=dataclasses.replace(config.env,
                                                                 prior="nowhere.yaml"))
    with pytest.raises(UserError, match="prior file not found"):
        run_training(out=tmp_path / "r", config=config, quiet=True)
    assert not (tmp_path / "r").exists()


def test_a_run_on_fresh_prior_athletes_validates_on_fresh_athletes(tmp_path, cohort_dir):
    from periodization.training.launch import run_training

    config = tiny_config(cohort_dir, eval_prior="default")
    config = dataclasses.replace(config, env=EnvConfig(num_envs=2, cohort=str(cohort_dir),
                                                       prior="default", prior_spread=1.5))
    summary = run_training(out=tmp_path / "r", config=config, quiet=True)
    assert summary["episodes"] == 4 and summary["best"] is not None


def test_constrained_run_raises_lambda_over_budget_and_logs_it(tmp_path, cohort_dir):
    """Zero budgets: every bad day is over budget, so λ can only rise; costs are logged."""
    from periodization.training.launch import run_training

    config = tiny_config(cohort_dir, episodes=8, eval_every_episodes=4,
                         checkpoint_every_episodes=4)
    config = dataclasses.replace(config, constraints=ConstraintConfig(
        enabled=True, overreached_days=0.0, ill_days=0.0, lr=0.1, lambda_max=100.0))
    run_training(out=tmp_path / "r", config=config, quiet=True)
    with (tmp_path / "r" / "metrics.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    lam = [(float(r["lambda_overreached"]), float(r["lambda_ill"])) for r in rows]
    cost = [(float(r["cost_overreached"]), float(r["cost_ill"])) for r in rows]
    assert lam[0] == (0.0, 0.0)
    for i in range(1, len(rows)):  # λ_t = λ_{t-1} + lr · cost_{t-1} (budget 0)
        for c in range(2):
            assert lam[i][c] == pytest.approx(lam[i - 1][c] + 0.1 * cost[i - 1][c], abs=1e-5)


def test_constraints_need_sac():
    with pytest.raises(ValueError, match="sac"):
        RunConfig(constraints=ConstraintConfig(enabled=True),
                  train=dataclasses.replace(RunConfig().train, algo="ppo"))


def test_a_constrained_run_prefers_an_evaluation_within_budget():
    from periodization.training.callbacks import selection_score

    cons = ConstraintConfig(enabled=True, overreached_days=1.0)
    within = {"outcome_pct": 2.0, "days_overreached": 0.8}
    over = {"outcome_pct": 5.0, "days_overreached": 1.5}
    further = {"outcome_pct": 6.0, "days_overreached": 3.0}
    assert selection_score(within, cons) > selection_score(over, cons) > selection_score(
        further, cons)
    assert selection_score(over, ConstraintConfig()) == 5.0  # unconstrained: the outcome


def test_an_eval_signal_run_prices_from_the_greedy_validation_days_only(tmp_path, cohort_dir):
    """``signal: eval``: λ moves once per evaluation, by lr × (validation days − budget),
    and keeps its value between evaluations. The ill budget (10 days) is far above any
    block's, so λ_ill must fall from its start; a sign bug would make it rise."""
    from periodization.training.launch import run_training

    config = tiny_config(cohort_dir, episodes=8, eval_every_episodes=4,
                         checkpoint_every_episodes=4)
    config = dataclasses.replace(config, constraints=ConstraintConfig(
        enabled=True, overreached_days=0.0, ill_days=10.0, lr=0.05, lambda_init=1.0,
        lambda_max=100.0, signal="eval"))
    run_training(out=tmp_path / "r", config=config, quiet=True)
    with (tmp_path / "r" / "metrics.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    lam = [(float(r["lambda_overreached"]), float(r["lambda_ill"])) for r in rows]
    assert lam[0] == (1.0, 1.0)
    for i in range(1, len(rows)):
        prev = rows[i - 1]
        if prev["eval_days_overreached"]:  # an evaluation after the previous round
            days = (float(prev["eval_days_overreached"]), float(prev["eval_days_ill"]))
            want = (lam[i - 1][0] + 0.05 * (days[0] - 0.0),
                    lam[i - 1][1] + 0.05 * (days[1] - 10.0))
        else:
            want = lam[i - 1]
        assert lam[i] == pytest.approx(want, abs=1e-5)
    assert lam[-1][1] < 1.0  # under its budget: the ill price fell
    assert sum(1 for r in rows if r["eval_days_overreached"]) == 2
