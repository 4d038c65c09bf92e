"""The protocol runner behind ``periodize simulate``: determinism, the prefix property,
minutes, the ill rule, the closed loop and the outcome's definition."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.evaluation.simulate import Morning, run
from periodization.evaluation.simulate_start import lived_in
from periodization.features.daily import N_FEATURES
from periodization.sim import dynamics
from periodization.sim.actions import Action
from periodization.sim.noise import KeyedRandom

R, AR, AE, TE, HI, ST = (int(a) for a in Action)
WEEK = np.array([R, AE, HI, AE, AR, TE, AE])


@pytest.fixture(scope="module")
def athletes():
    return lived_in(40, seed=5)


def same_record(a, b, mornings: int, days: int) -> bool:
    return all(np.array_equal(a.record.morning[k][:mornings], b.record.morning[k][:mornings],
                              equal_nan=True) for k in a.record.morning) and all(
        np.array_equal(a.record.day[k][:days], b.record.day[k][:days]) for k in a.record.day)


def test_the_same_seed_gives_the_same_athletes_and_numbers(athletes):
    again = lived_in(40, seed=5)
    a = run(athletes, WEEK, days=30, record=True)
    b = run(again, WEEK, days=30, record=True)
    assert same_record(a, b, 31, 30)
    assert np.array_equal(a.outcome_pct, b.outcome_pct)
    other = run(lived_in(40, seed=6), WEEK, days=30)
    assert not np.array_equal(a.outcome_pct, other.outcome_pct)


def test_an_athlete_does_not_depend_on_the_batch():
    small, large = lived_in(3, seed=2), lived_in(9, seed=2)
    a, b = run(small, WEEK, days=20), run(large, WEEK, days=20)
    np.testing.assert_array_equal(a.outcome_pct, b.outcome_pct[:3])
    np.testing.assert_array_equal(small.usual_load, large.usual_load[:3])


def test_plans_that_agree_on_their_first_days_agree_on_every_figure_of_them(athletes):
    first = np.array([AE, HI, R, TE, AE, ST, AR, AE, HI, AE])
    a = np.concatenate([first, np.full(20, HI)])
    b = np.concatenate([first, np.full(20, R)])
    ra, rb = run(athletes, a, record=True), run(athletes, b, record=True)
    # Mornings 0…10 (the one after day 9 included) and days 0…9 are identical …
    assert same_record(ra, rb, len(first) + 1, len(first))
    # … and the same plan cut after those days gives the same end figures.
    cut = run(athletes, first, record=True)
    np.testing.assert_array_equal(cut.end_test, ra.record.morning["test_performance"][10])
    # The plans do differ afterwards, so the comparison above could have failed.
    assert not np.array_equal(ra.record.morning["fatigue"][-1], rb.record.morning["fatigue"][-1])


def test_every_plan_meets_the_same_noise(athletes):
    """Readings on the first morning, and the compliance noise of a day, do not depend on
    the plan: both plans' realised loads of the same session on day 3 are equal."""
    a = run(athletes, np.array([R, R, R, HI, R]), record=True)
    b = run(athletes, np.array([HI, AE, TE, HI, R]), record=True)
    np.testing.assert_array_equal(a.record.morning["hrv_rmssd_ms"][0],
                                  b.record.morning["hrv_rmssd_ms"][0])
    both = (a.record.day["action"][3] == HI) & (b.record.day["action"][3] == HI)
    assert both.sum() > 30
    np.testing.assert_array_equal(a.record.day["load"][3][both], b.record.day["load"][3][both])


def test_typical_minutes_are_the_model_itself(athletes):
    """Stating each athlete's usual minutes changes nothing, bit for bit, and a day equals
    ``dynamics.transition``'s own draw."""
    minutes = athletes.params.session_minutes[:, WEEK]
    a = run(athletes, WEEK, days=21, record=True)
    b = run(athletes, WEEK, minutes=minutes, days=21, record=True)
    assert same_record(a, b, 22, 21)
    state = dynamics.transition(athletes.state, np.full(athletes.n, R), athletes.params,
                                KeyedRandom(athletes.dynamics_keys))
    for field in ("base_slow", "intensity", "fatigue", "maladaptation"):
        np.testing.assert_array_equal(a.record.morning[field][1], getattr(state, field))


def test_minutes_and_load_multipliers_scale_the_session_load():
    quiet = lived_in(6, seed=1, noise=False)  # no compliance noise: exact loads
    nominal = quiet.params.session_loads[:, AE]
    base = run(quiet, np.array([AE]), record=True)
    longer = run(quiet, np.array([AE]), minutes=np.array([90.0]), record=True)
    scaled = run(quiet, np.array([AE]), load_scale=np.full(6, 2.0), record=True)
    np.testing.assert_allclose(base.record.day["load"][0], nominal)
    # 90 minutes of it, whatever the athlete's usual length: 90 × its TSS per minute
    np.testing.assert_allclose(longer.record.day["load"][0],
                               90.0 * quiet.params.pop.load_per_minute[AE])
    assert not np.allclose(nominal, nominal[0])  # usual lengths differ, so that is a check
    np.testing.assert_allclose(scaled.record.day["load"][0], 2.0 * nominal)
    np.testing.assert_allclose(longer.record.day["minutes"][0], 90.0)


def test_ill_athletes_only_rest_or_recover(athletes):
    out = run(athletes, np.array([HI, AR]), days=120, record=True)
    m = out.record.morning
    ill = (m["ill_days"][:-1] > 0) | (m["injured_days"][:-1] > 0)  # the rule reads both
    done, planned = out.record.day["action"], out.record.day["planned_action"]
    assert ill.any(), "no athlete fell ill or was injured: the check below would be empty"
    assert set(np.unique(done[ill])) <= {R, AR}
    assert (done[ill & (planned == HI)] == R).all()
    assert (done[ill & (planned == AR)] == AR).all()
    assert (done[~ill] == planned[~ill]).all()
    assert (out.record.day["minutes"][done == R] == 0).all()


def test_outcome_and_last_morning_are_defined_from_the_first_morning(athletes):
    out = run(athletes, WEEK, days=28, record=True)
    m = out.record.morning
    first = m["test_performance"][0]
    np.testing.assert_allclose(out.outcome_pct, 100 * (m["test_performance"][-1] - first) / first)
    np.testing.assert_allclose(out.last_morning_pct, 100 * (m["performance"][-1] - first) / first)
    hard = np.isin(out.record.day["action"], [TE, HI]).sum(axis=0)
    np.testing.assert_array_equal(out.hard_sessions, hard)
    np.testing.assert_array_equal(out.ill_days, (m["ill_days"][1:] > 0).sum(axis=0))
    np.testing.assert_array_equal(out.injured_days, (m["injured_days"][1:] > 0).sum(axis=0))


def test_a_closed_loop_that_follows_the_plan_is_the_plan(athletes):
    seen: list[Morning] = []

    def follow(morning: Morning):
        seen.append(morning)
        return morning.planned_action, None

    a = run(athletes, WEEK, days=14, record=True)
    b = run(athletes, WEEK, days=14, decide=follow, record=True)
    assert same_record(a, b, 15, 14)
    assert len(seen) == 14 and seen[0].features.shape == (athletes.n, N_FEATURES)
    # the 28-day HRV baseline is full from the burn-in on the first morning
    assert np.isfinite(seen[0].context.hrv_baseline_sd).all()


def test_a_closed_loop_changes_what_is_done(athletes):
    def hard_when_green(morning: Morning):
        return np.where(morning.observation.recovery >= 67, HI, AE).astype(np.int64), None

    out = run(athletes, np.array([AE]), days=20, decide=hard_when_green, record=True)
    green = out.record.morning["recovery"][:-1] >= 67
    healthy = ((out.record.morning["ill_days"][:-1] == 0)
               & (out.record.morning["injured_days"][:-1] == 0))
    assert (out.record.day["action"][green & healthy] == HI).all()
    assert (out.record.day["action"][~green & healthy] == AE).all()
    with pytest.raises(ValueError, match="integer action ids"):
        run(athletes, np.array([AE]), days=2, decide=lambda m: (np.zeros(3), None))


def test_per_athlete_plans_and_bad_shapes(athletes):
    plans = np.where(np.arange(athletes.n)[:, None] % 2 == 0, HI, R) * np.ones((1, 5), int)
    out = run(athletes, plans, record=True)
    assert (out.record.day["planned_action"][:, ::2] == HI).all()
    assert (out.record.day["planned_action"][:, 1::2] == R).all()
    with pytest.raises(ValueError):
        run(athletes, np.array([AE, 9]))
    with pytest.raises(ValueError):
        run(athletes, WEEK, minutes=np.ones(3))
    with pytest.raises(ValueError):
        run(athletes, WEEK, days=0)
