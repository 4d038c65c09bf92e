"""The oracle is the upper bound on fresh athletes of the prior: it beats every heuristic and
a random search over weekly plans with the same true model, paired on the same athletes
and noise (athlete-bootstrap CI of the difference above 0); it looks like coaching (mostly
easy sessions); and the calibrated planner plans from its own belief, not the world's
hidden state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.evaluation.bootstrap import diff_ci
from periodization.policies.calibrated_planner import CalibratedPlanner
from periodization.policies.planner import OraclePolicy
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.policies.weekly_search import WeeklySearchPolicy
from periodization.sim import day
from periodization.sim.noise import NoNoise
from periodization.sim.prior import load_prior

ATHLETES, SEED = 100, 900
HEURISTICS = ("random", "rest", "rule", "whoop", "hrv", "fixed", "cloning")


@pytest.fixture(scope="module")
def block(env_cohort):
    prior = load_prior()
    policies = {name: make_policy(name, prepared=env_cohort) for name in HEURISTICS}
    policies["weekly-search"] = WeeklySearchPolicy(patterns=1000)
    policies["oracle"] = OraclePolicy()
    return {name: run_episodes(policy, episodes=ATHLETES, seed=SEED, prior=prior,
                               cohort=env_cohort)
            for name, policy in policies.items()}


@pytest.mark.parametrize("rival", [*HEURISTICS, "weekly-search"])
def test_the_oracle_beats_it_on_the_same_athletes(block, rival):
    oracle, other = block["oracle"], block[rival]
    assert (oracle["athlete_id"] == other["athlete_id"]).all()
    _, (low, _) = diff_ci(oracle["outcome_pct"].to_numpy(), other["outcome_pct"].to_numpy(),
                          seed=0)
    assert low > 0, rival


def test_the_oracle_keeps_the_rules_and_trains_mostly_easy(block):
    df = block["oracle"]
    assert df["violations"].sum() == 0
    hard_share = df["hard_sessions"].sum() / (90 * len(df))
    assert 0.05 < hard_share < 0.5  # a couple of hard sessions a week, not HIIT every day


def test_the_calibrated_planner_moves_its_belief_by_the_training_log(env_cohort):
    n = 4
    env = PeriodizationVectorEnv(n, prior=load_prior(), cohort=env_cohort, autoreset=False,
                                 block_days=10)
    obs, info = env.reset(seed=5)
    world = env.world
    planner = CalibratedPlanner(world.params, world.state)
    planner.reset(n)
    planner.bind(world)
    belief = world.state
    for _ in range(6):
        actions = planner.act(obs, info["action_mask"])
        assert info["action_mask"][np.arange(n), actions].all()
        obs, _, _, _, info = env.step(actions)
        s = world.state
        belief = day.live(belief, s.last_action, world.params, NoNoise(), load=s.last_load,
                          observe=False).state
        belief = dataclasses.replace(belief, ill_days=s.ill_days, injured_days=s.injured_days)
    planner.act(obs, info["action_mask"])
    assert np.allclose(planner.belief.fatigue, belief.fatigue)
    assert np.allclose(planner.belief.base_slow, belief.base_slow)
    # it does not read the world's hidden life stress: its belief's decays to the mean
    assert not np.allclose(planner.belief.stress_fast, world.state.stress_fast)


def test_the_calibrated_planner_must_act_every_day(env_cohort):
    env = PeriodizationVectorEnv(2, prior=load_prior(), cohort=env_cohort, autoreset=False)
    obs, info = env.reset(seed=1)
    planner = CalibratedPlanner(env.world.params, env.world.state)
    planner.reset(2)
    planner.bind(env.world)
    for _ in range(2):
        obs, _, _, _, info = env.step(np.zeros(2, dtype=np.int64))
    with pytest.raises(RuntimeError, match="every day"):
        planner.act(obs, info["action_mask"])
