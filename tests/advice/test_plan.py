"""The plan: today first, then expected days under the same coach and rules."""

from __future__ import annotations

import dataclasses

import numpy as np

from periodization.advice.coach import Coach
from periodization.advice.plan import simulate_plan
from periodization.agents.artifacts import load_model
from periodization.calibration.calibrate import calibrate
from periodization.cohort.synth import synthesize
from periodization.env.constraints import SafetyConfig, rules_for_morning
from periodization.features import daily as F
from periodization.features.table import features_for_table
from periodization.ingest.preprocess import impute_table


def test_plan_under_illness_and_rules(model_dir):
    obs = synthesize(athletes=3, days=90, seed=31).observations
    cal = calibrate(obs)
    table = impute_table(obs)
    feats = features_for_table(table, pop=cal.params.pop, keep_last_state=True)
    last = np.cumsum(cal.history.length) - 1
    readings = table[list(F.INPUT_COLUMNS)].to_numpy()[last]
    fstate, raw, ctx = F.morning(feats.last_state, readings)
    coach = Coach(load_model(model_dir))
    ill = np.array([True, False, False])
    _, mask = rules_for_morning(ctx, ill=ill, config=SafetyConfig())
    use = np.array([True, True, False])
    _, today = coach.decide(raw, mask, use)
    state = dataclasses.replace(cal.state, ill_days=np.where(ill, 3, 0))
    plan = simulate_plan(coach, params=cal.params, state=state, features=fstate,
                         raw_today=raw, action_today=today, use_model=use,
                         safety=SafetyConfig(), days=10)
    assert plan.action.shape == (10, 3) and (plan.action[0] == today).all()
    assert set(plan.action[:3, 0]) <= {0, 1}  # ill: rest or active recovery
    assert np.allclose(plan.tsb[0], raw[:, F.FEATURE_NAMES.index("tsb")])
    assert ((plan.recovery >= 0) & (plan.recovery <= 100)).all()
    # the rules hold every day: never more than 6 days without rest
    for i in range(3):
        run = 0
        for a in plan.action[:, i]:
            run = 0 if a == 0 else run + 1
            assert run <= 7
