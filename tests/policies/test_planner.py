"""The oracle's planner: its score is the model's figure of merit for the plan it holds, it
respects the mask and the rules, its search improves on where it starts, and it does not
depend on the batch."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.env import constraints as C
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.policies import plan_kernels as PK
from periodization.policies.planner import OraclePolicy, Plans, PlanSearch
from periodization.policies.rollout import run_episodes
from periodization.policies.weekly_search import WeeklySearchPolicy
from periodization.sim import dynamics
from periodization.sim.actions import HIGH_INTENSITY
from periodization.sim.noise import NoNoise
from periodization.sim.prior import load_prior

ATHLETES = 24


def first_morning(cohort, n: int = ATHLETES, seed: int = 11, block_days: int = 90):
    env = PeriodizationVectorEnv(n, prior=load_prior(), cohort=cohort, autoreset=False,
                                 block_days=block_days)
    _, info = env.reset(seed=seed)
    return env.world, info["action_mask"]


def replay(world, plan: np.ndarray) -> np.ndarray:
    """Test performance after playing ``plan`` (N, R) from today in the expected world,
    each planned morning's rules applied through the environment's mask function with no
    readings (the oracle's rollout written again, independently, with numpy)."""
    state, params, safety = world.state, world.params, world.safety
    hard = world.context.consecutive_hard.copy()
    since_rest = world.context.days_since_rest.copy()
    rows = np.arange(world.n)
    nan = np.full(world.n, np.nan)
    for k in range(plan.shape[1]):
        a = plan[:, k].copy()
        if k > 0:
            _, mask = C.rules_and_mask(recovery=nan, ln_hrv=nan, hrv_baseline_mean=nan,
                                       hrv_baseline_sd=nan, consecutive_hard=hard,
                                       days_since_rest=since_rest,
                                       ill=state.ill_days + state.injured_days, config=safety)
            a = np.where(mask[rows, a], a, 0)
        state = dynamics.transition(state, a, params, NoNoise())
        hard = np.where(HIGH_INTENSITY[a], hard + 1, 0)
        since_rest = np.where(a == 0, 0, since_rest + 1)
    return dynamics.test_performance(state, params)


def test_score_is_the_models_figure_of_merit_for_the_plan_held(env_cohort):
    world, mask = first_morning(env_cohort)
    oracle = OraclePolicy(illness_cost=0.0)
    oracle.bind(world)
    scores = oracle.scores(mask)
    plan = oracle.plans.plan
    chosen = plan[:, 0]
    assert np.allclose(scores[np.arange(world.n), chosen], replay(world, plan), atol=1e-9)
    assert (scores[np.arange(world.n), chosen] == scores.max(axis=1)).all()


def test_expected_cost_of_illness_and_injury_is_linear_and_above_the_base_rates(env_cohort):
    world, mask = first_morning(env_cohort)
    patterns = PlanSearch(start_patterns=8).patterns
    scores = []
    for cost in (0.0, 1.0, 2.0):
        plans = Plans(world.n, world.block_days)
        morning = PK.MorningRecord(
            consecutive_hard=world.context.consecutive_hard.astype(np.int64),
            days_since_rest=world.context.days_since_rest.astype(np.int64),
            day_in_block=world.day_in_block, fresh=np.ones(world.n, dtype=np.int64))
        scores.append(PK.pattern_scores(
            world.state.record, morning, mask, world.block_days, patterns, plans.traj,
            plans.hard, plans.rest, plans.lost, world.params.packed, world.params.pop.packed,
            PlanSearch(illness_cost=cost).record, world.safety.packed))
    lost = scores[0] - scores[1]  # expected days lost over the block, per plan
    assert np.allclose(scores[0] - scores[2], 2.0 * lost)
    p = world.params
    healthy = (world.state.ill_days == 0) & (world.state.injured_days == 0)
    # illness's risk factors only add to its base rate, and strength protects from injury
    # by at most 1.5 × durability_protection in log hazard: a floor on a healthy
    # athlete's expected days lost over 90 planned days
    injury_floor = p.injury_base_rate * np.exp(-1.5 * p.durability_protection)
    floor = world.block_days * (-np.expm1(-p.illness_base_rate) * p.illness_mean_days
                                - np.expm1(-injury_floor) * p.injury_mean_days)
    assert (lost[healthy] >= floor[healthy, None] * 0.99).all()


def test_scores_from_a_cached_morning_equal_scores_from_today(env_cohort):
    world, _ = first_morning(env_cohort, n=3)
    plans = Plans(world.n, world.block_days)
    search = PlanSearch(illness_cost=0.7).record
    q, safety = world.params.pop.packed[0], world.safety.packed[0]
    rng = np.random.default_rng(4)
    for i in range(world.n):
        plan = rng.integers(0, 6, size=world.block_days)
        plan[0] = 0
        args = (plans.traj[i], plans.hard[i], plans.rest[i], plans.lost[i])
        plans.traj[i, :1] = world.state.record[i:i + 1]
        plans.hard[i, 0] = world.context.consecutive_hard[i]
        plans.rest[i, 0] = world.context.days_since_rest[i]
        plans.lost[i, 0] = 0.0
        p = world.params.packed[i]
        whole = PK.score_from(0, world.block_days, 0, plan, *args, True, p, q, safety, search)
        for k0 in (1, 17, 60, 89):
            cached = PK.score_from(k0, world.block_days, 0, plan, *args, False, p, q, safety,
                                   search)
            assert cached == pytest.approx(whole, abs=1e-9)


def test_the_oracle_never_picks_a_masked_session(env_cohort):
    world, _ = first_morning(env_cohort)
    rng = np.random.default_rng(0)
    oracle = OraclePolicy()
    oracle.bind(world)
    mask = rng.random((world.n, 6)) < 0.4
    mask[:, 0] = True  # REST is never masked
    scores = oracle.scores(mask)
    assert (np.isneginf(scores) == ~mask).all()
    actions = oracle.act(np.zeros((world.n, 17), np.float32), mask)
    assert mask[np.arange(world.n), actions].all()


def test_the_oracle_keeps_the_rules_during_whole_blocks(env_cohort):
    strict = C.SafetyConfig(strict=True)  # a masked action would raise
    df = run_episodes(OraclePolicy(), episodes=8, seed=3, prior=load_prior(), cohort=env_cohort,
                      safety=strict, block_days=40)
    assert df["violations"].sum() == 0


def test_the_search_improves_on_its_start_and_on_a_random_weekly_search(env_cohort):
    world, mask = first_morning(env_cohort)
    oracle = OraclePolicy()
    oracle.bind(world)
    best = oracle.scores(mask).max(axis=1)
    start = WeeklySearchPolicy(patterns=1)
    start.patterns = oracle.search.patterns  # the oracle's own start patterns
    start.bind(world)
    assert (best >= start.scores(mask).max(axis=1) - 1e-9).all()
    weekly = WeeklySearchPolicy(patterns=300, seed=1)
    weekly.bind(world)
    margin = best - weekly.scores(mask).max(axis=1)
    assert margin.mean() > 0 and (margin > 0).mean() > 0.8


def test_plans_do_not_depend_on_the_batch_and_repeat_with_the_seed(env_cohort):
    prior = load_prior()

    def play(n):
        return run_episodes(OraclePolicy(), episodes=n, seed=21, prior=prior,
                            cohort=env_cohort, block_days=30)

    small, large, again = play(3), play(6), play(6)
    cols = ["athlete_id", "outcome_pct", *[c for c in small.columns if c.startswith("n_")]]
    assert small[cols].equals(large[cols].iloc[:3].reset_index(drop=True))
    assert large[cols].equals(again[cols])


def test_a_new_block_starts_a_fresh_plan(env_cohort):
    world, mask = first_morning(env_cohort, n=2)
    oracle = OraclePolicy()
    oracle.bind(world)
    oracle.scores(mask)
    assert (oracle.plans.fresh(world.day_in_block) == 0).all()  # the same morning again
    oracle.plans.seen_day = np.array([5, 0])
    assert oracle.plans.fresh(np.array([0, 1])).tolist() == [1, 0]


def test_bad_search_settings_are_refused():
    with pytest.raises(ValueError, match="head_days"):
        PlanSearch(head_days=0)
    with pytest.raises(ValueError, match="illness_cost"):
        PlanSearch(illness_cost=-1.0)
