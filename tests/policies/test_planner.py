"""The oracle's plan scores: the expected cost of illness and the rules of a planned day.

A search of one template and no taper scores exactly one plan per first action, so a
score can be checked against the same plan lived day by day with the model's own
per-athlete step (``sim.kernels.transition_row``); nothing depends on its numbers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from periodization.env.constraints import SafetyConfig
from periodization.policies.planner import plan_scores_for
from periodization.sim import dynamics, kernels
from periodization.sim.dynamics import TEST_TAPER_DAYS
from periodization.sim.prior import load_prior
from periodization.sim.records import load_row

R, AE, HI = 0, 2, 4
N, DAYS = 3, 12
OFF = SafetyConfig.all_off()


@pytest.fixture(scope="module")
def athletes():
    params = load_prior().sample(N, np.random.default_rng(5))
    state = dynamics.initial(params, day=np.array([0, 2, 4]))
    # overreached, so that illness is a real risk of the plan
    return params, dataclasses.replace(state, maladaptation=np.array([0.0, 1.5, 3.0]))


def scores(params, state, template, *, safety=OFF, illness_cost=0.5, remaining=DAYS):
    return plan_scores_for(
        params, state, mask=np.ones((N, 6), dtype=bool), consecutive_hard=np.zeros(N),
        days_since_rest=np.zeros(N), remaining=np.full(N, remaining), safety=safety,
        illness_cost=illness_cost, templates=np.full((1, 7), template),
        taper_days=np.array([0]))


def lived(params, state, first, template, days=DAYS):
    """(test performance after the plan, expected ill days) of each athlete, day by day."""
    perf, ill_days = np.empty(N), np.zeros(N)
    q = params.pop.packed[0]
    for i in range(N):
        p, x = params.packed[i], load_row(state.record, i)
        for d in range(days):
            a = first if d == 0 else template
            was_ill = x.ill_days > 0
            x, hazard = kernels.transition_row.py_func(x, a, p["session_loads"][a], 1.0, 0.5,
                                                       p, q)
            if not was_ill:
                ill_days[i] += hazard * p["illness_mean_days"]
        perf[i] = kernels.test_performance_row.py_func(x.fitness, x.gain, x.fatigue,
                                                       x.maladaptation, TEST_TAPER_DAYS, p, q)
    return perf, ill_days


def test_a_plan_scores_its_test_performance_minus_expected_illness(athletes):
    params, state = athletes
    perf, ill_days = lived(params, state, HI, AE)
    assert (ill_days > 0).all()
    for cost in (0.0, 0.5, 3.0):
        s = scores(params, state, AE, illness_cost=cost)[:, HI]
        np.testing.assert_allclose(s, perf - cost * ill_days, rtol=1e-9)


def test_the_illness_cost_weighs_a_riskier_plan_down(athletes):
    params, state = athletes
    # hard every day carries more expected illness than easy every day ...
    _, easy = lived(params, state, AE, AE)
    _, hard = lived(params, state, HI, HI)
    assert (hard > easy).all()
    # ... so raising the cost lowers the hard plan's score by more
    drop = lambda a: scores(params, state, a, illness_cost=0.0)[:, a] - scores(  # noqa: E731
        params, state, a, illness_cost=2.0)[:, a]
    np.testing.assert_allclose(drop(HI), 2.0 * hard, rtol=1e-9)
    assert (drop(HI) > drop(AE)).all()


def test_an_ill_athletes_plan_rests_while_the_ill_rule_is_on(athletes):
    params, state = athletes
    sick = dataclasses.replace(state, ill_days=np.full(N, 30), maladaptation=np.zeros(N))
    on = dataclasses.replace(OFF, ill=True)
    hiit_on = scores(params, sick, HI, safety=on)[:, AE]
    rest_on = scores(params, sick, R, safety=on)[:, AE]
    np.testing.assert_allclose(hiit_on, rest_on)  # HIIT days became REST
    hiit_off = scores(params, sick, HI, safety=OFF)[:, AE]
    assert (hiit_off != rest_on).all()  # the switch is honoured


def test_planned_days_obey_the_hard_day_and_rest_rules(athletes):
    params, state = athletes
    healthy = dataclasses.replace(state, maladaptation=np.zeros(N))
    hard_rule = dataclasses.replace(OFF, consecutive_hard=True)
    rest_rule = dataclasses.replace(OFF, no_recent_rest=True)
    # with the hard-day rule, the fifth HIIT day in a row becomes REST; with the rest rule,
    # the seventh day without rest does; without them the plans run as written
    assert (scores(params, healthy, HI, safety=hard_rule)[:, HI]
            != scores(params, healthy, HI, safety=OFF)[:, HI]).all()
    assert (scores(params, healthy, AE, safety=rest_rule)[:, AE]
            != scores(params, healthy, AE, safety=OFF)[:, AE]).all()
    # a short block never reaches the thresholds: the rules change nothing
    for rule in (hard_rule, rest_rule):
        np.testing.assert_allclose(scores(params, healthy, HI, safety=rule, remaining=3),
                                   scores(params, healthy, HI, safety=OFF, remaining=3))
