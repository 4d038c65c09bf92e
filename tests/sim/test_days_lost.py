"""The expected days lost of a day (``sim.kernels.expected_days_lost``): onset probability ×
mean episode length, what ``w_days_lost`` prices in the reward and the oracle plans with."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.sim import dynamics
from periodization.sim.actions import Action
from periodization.sim.batch import from_record
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.prior import load_prior
from periodization.sim.state import AthleteState

N = 400


def _athletes(n: int = N, seed: int = 11):
    params = load_prior().sample(n, np.random.default_rng(seed))
    return params, dynamics.initial(params)


def _day(state, params, action, rng):
    lost = np.empty(len(state.day))
    nxt = dynamics.transition(state, np.full(len(state.day), int(action)), params, rng,
                              days_lost=lost)
    return nxt, lost


def test_summed_expectations_match_the_episodes_that_start():
    """Over many athlete-days the expected days lost add up to the lengths of the illness
    and injury episodes that actually start (each onset's length is known the morning
    after it). A wrong mean length or a hazard off by a fifth fails."""
    params, state = _athletes()
    rng = KeyedRandom.for_athletes(N, seed=77)
    expected = started = 0.0
    plan = [Action.AEROBIC_BASE, Action.HIIT, Action.REST, Action.TEMPO, Action.STRENGTH,
            Action.AEROBIC_BASE, Action.REST]
    for d in range(150):
        healthy = (state.ill_days == 0) & (state.injured_days == 0)
        state_next, lost = _day(state, params, plan[d % 7], rng)
        expected += lost.sum()
        onset = healthy & ((state_next.ill_days > 0) | (state_next.injured_days > 0))
        started += (state_next.ill_days + state_next.injured_days)[onset].sum()
        state = state_next
    assert started > 300  # enough episodes for the comparison to mean something
    assert started == pytest.approx(expected, rel=0.12)


def test_nothing_is_expected_while_ill_or_injured():
    params, state = _athletes(50)
    rec = state.record.copy()
    rec["ill_days"][:25] = 3
    rec["injured_days"][25:40] = 2
    state = from_record(AthleteState, rec)
    _, lost = _day(state, params, Action.HIIT, KeyedRandom.for_athletes(50, seed=3))
    assert np.all(lost[:40] == 0.0)
    assert np.all(lost[40:] > 0.0)


def test_strength_work_lowers_the_risk_of_the_weeks_after():
    """Durability protects against injury: after four weeks with two strength sessions a
    week, the same week of base training is expected to lose fewer days than after four
    weeks without (same athletes, the expected world)."""
    params, start = _athletes(200, seed=5)
    week_with = [Action.AEROBIC_BASE, Action.STRENGTH, Action.AEROBIC_BASE, Action.REST,
                 Action.STRENGTH, Action.AEROBIC_BASE, Action.REST]
    week_without = [Action.AEROBIC_BASE, Action.ACTIVE_RECOVERY, Action.AEROBIC_BASE,
                    Action.REST, Action.ACTIVE_RECOVERY, Action.AEROBIC_BASE, Action.REST]
    after = {}
    for name, week in (("with", week_with), ("without", week_without)):
        state = start
        for d in range(28):
            state, _ = _day(state, params, week[d % 7], NoNoise())
        total = np.zeros(200)
        for _ in range(7):
            state, lost = _day(state, params, Action.AEROBIC_BASE, NoNoise())
            total += lost
        after[name] = total
    assert np.all(after["with"] < after["without"])
    assert after["with"].mean() < 0.9 * after["without"].mean()


def test_the_shape_and_type_of_the_output_are_checked():
    params, state = _athletes(3)
    with pytest.raises(ValueError, match="days_lost"):
        dynamics.transition(state, np.zeros(3, dtype=np.int64), params, NoNoise(),
                            days_lost=np.empty(2))
