"""The phenomena that make periodization a real decision problem (SPEC §2).

Each test simulates a few hundred athletes from the packaged prior with fixed seeds, from
the lived-in state their ordinary training leaves them in (``env.starts.burn_in``). The
published training findings are checked in ``test_studies.py``; these are the mechanics.
"""

from __future__ import annotations

import numpy as np
import pytest

from periodization.sim import dynamics
from periodization.sim.actions import Action
from periodization.sim.noise import KeyedRandom
from periodization.sim.prior import load_prior

N = 400
DAYS = 90
R, AR, AE, TE, HI, ST = (int(a) for a in Action)
MODERATE = [R, AE, TE, AE, AR, HI, AE]  # mostly aerobic, some tempo/HIIT, a rest day


@pytest.fixture(scope="module")
def world():
    from periodization.env.starts import burn_in

    params = load_prior().sample(N, np.random.default_rng(11))
    lived = burn_in(params, dynamics.initial(params, day=-56), KeyedRandom.for_athletes(N, 12),
                    days=56)
    return params, lived.state


def simulate(world, plan, *, seed=5, load=None, days=DAYS):
    """Run a weekly plan (list of 7 actions) or a constant action; ill athletes rest."""
    params, state = world
    rng = KeyedRandom.for_athletes(N, seed)
    rows = []
    for d in range(days):
        a = np.full(N, plan[d % 7] if isinstance(plan, list) else plan)
        a = np.where(state.ill, R, a)
        obs = dynamics.observe(state, params, rng)
        rows.append((obs, state))
        state = dynamics.transition(state, a, params, rng, load=load)
    start = dynamics.test_performance(world[1], params)
    change = 100.0 * (dynamics.test_performance(state, params) - start) / start
    return change, rows, state


def test_rest_only_detrains(world):
    change, _, _ = simulate(world, R)
    assert change.mean() < -3.0
    assert (change < 0).mean() > 0.95


def test_moderate_plan_raises_performance(world):
    change, _, _ = simulate(world, MODERATE)
    rest, _, _ = simulate(world, R)
    assert change.mean() > 0.3
    assert change.mean() > rest.mean() + 5.0


def test_daily_hiit_overreaches(world):
    hiit, hiit_rows, _ = simulate(world, HI)
    moderate, mod_rows, _ = simulate(world, MODERATE)

    def late(rows, field):
        return np.mean([getattr(o, field) for o, _ in rows[-30:]], axis=0)

    def late_state(rows, field):
        return np.mean([getattr(s, field) for _, s in rows[-30:]], axis=0)

    threshold = world[0].pop.overreached_threshold
    assert late_state(hiit_rows, "maladaptation").mean() > threshold > late_state(
        mod_rows, "maladaptation").mean()
    assert np.log(late(hiit_rows, "hrv_rmssd_ms")).mean() < np.log(
        late(mod_rows, "hrv_rmssd_ms")).mean() - 0.1
    assert late(hiit_rows, "resting_hr").mean() > late(mod_rows, "resting_hr").mean() + 2.0
    assert late(hiit_rows, "sleep_hours").mean() < late(mod_rows, "sleep_hours").mean()
    assert late(hiit_rows, "sleep_efficiency").mean() < late(mod_rows, "sleep_efficiency").mean()
    ill_hiit = np.mean([s.ill_days > 0 for _, s in hiit_rows])
    ill_mod = np.mean([s.ill_days > 0 for _, s in mod_rows])
    assert ill_hiit > 1.5 * ill_mod
    assert hiit.mean() < moderate.mean() - 3.0


def test_optimal_constant_load_is_an_inverted_u(world):
    params, _ = world
    ratios = [0.0, 0.5, 0.8, 1.1, 1.5, 2.0, 3.0]  # × w*
    means = [simulate(world, AE, load=x * params.optimal_load)[0].mean() for x in ratios]
    best = int(np.argmax(means))
    assert 0 < best < len(ratios) - 1, means
    assert means[-1] < means[best] - 10.0  # much more load is much worse, not better


def test_intensity_saturates(world):
    """Each extra HIIT a week (in place of aerobic base) is worth less than the one before:
    the intensity channel saturates, so the best week is not HIIT-heavy."""
    weeks = [[R, AE, AE, AE, AE, AE, AE], [R, AE, HI, AE, AE, AE, AE],
             [R, AE, HI, AE, AE, HI, AE], [R, HI, AE, HI, AE, HI, AE],
             [R, HI, HI, AE, HI, HI, AE]]
    gains = np.diff([simulate(world, w)[0].mean() for w in weeks])
    assert gains[0] > gains[1] > gains[2] > gains[3], gains
    assert gains[3] < 0  # a fourth is worse than none of it


def test_injury_is_separate_from_illness_and_strength_protects(world):
    base = [R, AE, AR, HI, AE, AR, AE]
    strength = [R, AE, ST, HI, AE, ST, AE]
    _, rows_b, _ = simulate(world, base, days=120)
    _, rows_s, _ = simulate(world, strength, days=120)
    injured_b = np.mean([s.injured_days > 0 for _, s in rows_b])
    injured_s = np.mean([s.injured_days > 0 for _, s in rows_s])
    ill_b = np.mean([s.ill_days > 0 for _, s in rows_b])
    assert injured_b > 0 and ill_b > 0
    assert injured_s < 0.8 * injured_b
    both = np.mean([(s.ill_days > 0) & (s.injured_days > 0) for _, s in rows_b])
    assert both == 0  # one episode at a time


def test_minutes_scale_the_session(world):
    params, state = world
    a = np.full(N, AE)
    short = dynamics.transition(state, a, params, KeyedRandom.for_athletes(N, 1),
                                minutes=np.full(N, 30.0))
    long = dynamics.transition(state, a, params, KeyedRandom.for_athletes(N, 1),
                               minutes=np.full(N, 90.0))
    np.testing.assert_allclose(long.last_load, 3.0 * short.last_load)
    assert (long.fatigue > short.fatigue).all()
    assert (long.hrv_fast > short.hrv_fast).all()


def test_best_fixed_plan_differs_between_athletes(world):
    plans = {
        "easy": [R, AE, AR, AE, R, AE, AR],
        "aerobic": [AE] * 7,
        "moderate": MODERATE,
        "polarised": [R, AE, HI, AE, AR, HI, AE],
        "hard": [R, HI, AE, HI, TE, HI, AE],
    }
    outcomes = np.stack([simulate(world, p)[0] for p in plans.values()])
    best_share = np.bincount(outcomes.argmax(axis=0), minlength=len(plans)) / N
    assert best_share.max() < 0.8, dict(zip(plans, best_share, strict=True))
    assert (best_share >= 0.05).sum() >= 3, dict(zip(plans, best_share, strict=True))


def test_hard_session_depresses_next_morning_hrv_for_about_three_days(world):
    params, start = world

    def ln_hrv_after(first_action):
        state = start
        out = []
        for d in range(6):
            a = np.full(N, first_action if d == 0 else R)
            state = dynamics.transition(state, a, params, KeyedRandom.for_athletes(N, 100 + d))
            out.append(np.log(dynamics.observe(state, params, KeyedRandom.for_athletes(N, 200 + d))
                              .hrv_rmssd_ms))
        return np.array(out)

    effect = (ln_hrv_after(HI) - ln_hrv_after(R)).mean(axis=1)  # common random numbers
    assert effect[0] < -0.05  # next morning: RMSSD down by more than 5 %
    assert abs(effect[3]) < 0.25 * abs(effect[0])  # mostly gone by day 4
    assert effect[0] < effect[1] < effect[2]


def test_same_seed_gives_bit_identical_trajectories(world):
    a = simulate(world, MODERATE, seed=3, days=30)
    b = simulate(world, MODERATE, seed=3, days=30)
    c = simulate(world, MODERATE, seed=4, days=30)
    assert np.array_equal(a[0], b[0])
    for (oa, _), (ob, _) in zip(a[1], b[1], strict=True):
        assert np.array_equal(oa.hrv_rmssd_ms, ob.hrv_rmssd_ms)
        assert np.array_equal(oa.recovery, ob.recovery)
    assert not np.array_equal(a[0], c[0])


def test_one_athlete_is_a_batch_of_one(world):
    from periodization.sim.batch import take

    params, start = world
    one_p, one_s = take(params, np.array([7])), take(start, np.array([7]))
    s = dynamics.transition(one_s, np.array([HI]), one_p, KeyedRandom.for_athletes(1, 0))
    assert s.fatigue.shape == (1,)
    assert dynamics.observe(s, one_p, KeyedRandom.for_athletes(1, 0)).recovery.shape == (1,)


def test_test_performance_is_performance_after_a_week_of_rest(world):
    from periodization.sim.noise import NoNoise

    params, start = world
    state = start
    rng = KeyedRandom.for_athletes(N, 77)
    for d in range(20):  # a loaded, varied state
        state = dynamics.transition(state, np.full(N, [HI, AE, TE, AE][d % 4]), params, rng)
    healthy = (state.ill_days == 0) & (state.injured_days == 0)
    rested = state
    for _ in range(dynamics.TEST_TAPER_DAYS):
        rested = dynamics.transition(rested, np.full(N, R), params, NoNoise())
    expected = dynamics.performance(rested, params)
    got = dynamics.test_performance(state, params)
    np.testing.assert_allclose(got[healthy], expected[healthy], rtol=1e-12)
    # A loaded athlete tests better after the taper than on a tired morning.
    assert (got[healthy] > dynamics.performance(state, params)[healthy]).mean() > 0.9
