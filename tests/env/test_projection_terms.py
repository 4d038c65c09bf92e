"""The reward's medium and long terms: CTL after ``medium_days`` (14) and performance after
``long_days`` (30) of repeating today's session, checked against the model run forward day
by day in the expected world (``sim.day.live``), so the horizons cannot be swapped or
mistaken whatever the model's equations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from periodization.env.reward import RewardConfig
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.sim import day, dynamics
from periodization.sim.noise import NoNoise
from periodization.sim.projection import project_constant


def repeated(state, params, action, days):
    """(performance, CTL) after ``days`` of ``action`` at its nominal load, no illness."""
    load = params.session_loads[np.arange(params.n), action]
    for _ in range(days):
        state = day.live(state, action, params, NoNoise(), load=load, observe=False).state
    return dynamics.performance(state, params), state.ctl


@pytest.mark.parametrize("medium_days, long_days", [(14, 30), (5, 9)])
def test_medium_and_long_terms_use_their_horizons(env_cohort, medium_days, long_days):
    n = 6
    reward = RewardConfig(medium_days=medium_days, long_days=long_days)
    env = PeriodizationVectorEnv(n, cohort=env_cohort, reward=reward,
                                 safety={"low_recovery": False, "hrv_crash": False,
                                         "consecutive_hard": False, "no_recent_rest": False,
                                         "ill": False})
    env.reset(seed=3)
    world = env.world
    healthy = ~world.state.ill  # the projection is illness (and injury) aside
    assert healthy.sum() >= 3
    action = np.array([0, 1, 2, 3, 4, 5])
    before, params = world.state, world.params
    _, _, _, _, info = env.step(action)
    perf_now = dynamics.performance(before, params)
    perf_long, _ = repeated(before, params, action, long_days)
    _, ctl_medium = repeated(before, params, action, medium_days)
    c = info["reward_components"]
    np.testing.assert_allclose(c["medium"][healthy], (ctl_medium - before.ctl)[healthy],
                               rtol=1e-9)
    np.testing.assert_allclose(c["long"][healthy],
                               (100.0 * (perf_long - perf_now) / perf_now)[healthy], rtol=1e-9)


def test_projection_runs_each_horizon_separately(env_cohort):
    env = PeriodizationVectorEnv(4, cohort=env_cohort)
    env.reset(seed=1)
    state, params = env.world.state, env.world.params
    action = np.array([2, 4, 5, 0])
    now, perf, ctl = project_constant(state, action, params, performance_days=11, ctl_days=3)
    perf_11, _ = repeated(state, params, action, 11)
    _, ctl_3 = repeated(state, params, action, 3)
    healthy = ~state.ill
    np.testing.assert_allclose(perf[healthy], perf_11[healthy], rtol=1e-9)
    np.testing.assert_allclose(ctl, ctl_3, rtol=1e-9)
    # "now" is today's performance, illness aside
    well = dataclasses.replace(state, ill_days=np.zeros(4, dtype=np.int64),
                               injured_days=np.zeros(4, dtype=np.int64))
    np.testing.assert_allclose(now, dynamics.performance(well, params))


@pytest.mark.parametrize("version", ["shaped", "outcome", "v1", "v2"])
def test_training_skips_only_the_terms_its_reward_does_not_pay(env_cohort, version):
    """``world.all_terms = False`` (how training runs) leaves every reward and every paid
    term as it was; the projections come out NaN only when the reward does not pay them."""
    infos = []
    for all_terms in (True, False):
        env = PeriodizationVectorEnv(8, cohort=env_cohort, reward=version)
        env.world.all_terms = all_terms
        env.reset(seed=4)
        steps = []
        for t in range(5):
            _, reward, _, _, info = env.step(np.full(8, t % 6))
            steps.append((reward, info["reward_components"]))
        infos.append(steps)
    paid = RewardConfig(version=version).pays_projection
    for (r_all, c_all), (r_paid, c_paid) in zip(*infos, strict=True):
        np.testing.assert_array_equal(r_all, r_paid)
        for name, values in c_all.items():
            if name in ("medium", "long") and not paid:
                assert np.isnan(c_paid[name]).all() and np.isfinite(values).all()
            else:
                np.testing.assert_array_equal(values, c_paid[name])
