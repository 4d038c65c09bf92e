"""The parts of personal calibration: the grid's fatigue recursion is the model's, life
stress and illness are found where the simulation put them, the noise's persistence is
measured, and the plain-Python kernels compute what the compiled ones do."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from periodization.calibration import grid, stress
from periodization.calibration.calibrate import ESTIMATED, calibrate
from periodization.calibration.history import History
from periodization.calibration.inflation import variance_inflation
from periodization.calibration.replay import replay
from periodization.cohort.synth import synthesize
from periodization.core.jit import interpreted
from periodization.sim.prior import load_prior


@pytest.fixture(scope="module")
def cohort():
    return synthesize(athletes=40, days=240, seed=13)


@pytest.fixture(scope="module")
def cal(cohort):
    return calibrate(cohort.observations)


def _true_stress(cohort) -> np.ndarray:
    pop = load_prior().population
    hidden = cohort.hidden
    return stress.mixed(hidden[["stress_slow", "stress_fast"]].to_numpy(), pop)


def test_the_grids_fatigue_ratio_is_the_replays(cal):
    """At one (τ_F, w*) the grid's recursion (``sim.kernels.fatigue_next`` from the replay's
    ATL/CTL and unrecovered factors) gives the replay's own F/F* on every morning."""
    hist = cal.history
    # unrecovered sessions fatiguing more, whatever the packaged prior says of it, so the
    # factor the recursion reads is not 1 on every morning
    pop = dataclasses.replace(cal.params.pop, unrecovered_fatigue=0.5)
    params = dataclasses.replace(cal.params, pop=pop)
    rows = len(hist.load)
    rep = replay(params, hist, stress=np.column_stack([np.full(rows, 0.9), np.full(rows, 0.4)]))
    use = np.ones(len(hist.load), dtype=bool)
    zero = np.zeros(len(hist.load))
    inputs = grid.FitInputs(
        y_h=zero, y_r=zero, maladaptation=zero, use_h=use, use_r=use, normal=use, context=rep,
        w0=params.habitual_load_ratio * params.optimal_load, sig_h=np.ones(hist.n),
        sig_r=np.ones(hist.n), noise_h=np.ones(hist.n), noise_r=np.ones(hist.n),
        inflation=np.ones((hist.n, 2)), stress=np.zeros((len(zero), 2)),
        stress_shift=np.zeros((len(zero), 2)))
    typical = dataclasses.replace(load_prior().typical(1), pop=pop)
    tau, wstar = params.tau_fatigue_days, params.optimal_load
    decay, gain = grid.fatigue_constants(typical, tau, wstar)
    rho0 = grid.initial_ratio(typical, inputs.w0, wstar[:, None])
    _, gram_r, _, cross_r = grid.response_sums(hist, inputs, slice(0, hist.n), rho0, decay[:, None],
                                       gain[:, None, None], wstar[:, None], typical)
    ratio, mornings = rep.fatigue_ratio, gram_r[:, 0, 0]  # the RHR line's regressors (1, m)
    assert rep.fatigued.max() > 1.1  # the stress and acute fatigue enter the recursion
    np.testing.assert_allclose(cross_r[:, 0, 0, 0], hist.per_athlete(ratio) * mornings,
                               rtol=1e-9)
    np.testing.assert_allclose(cross_r[:, 2, 0, 0], hist.per_athlete(ratio**2) * mornings,
                               rtol=1e-9)


def test_life_stress_is_found_where_the_simulation_put_it(cal, cohort):
    hist = cal.history
    truth = _true_stress(cohort)
    shift = np.zeros(len(hist.load))
    from_sleep = stress.mixed(stress.sleep_stress(hist, shift, ~cal.left_out,
                                                  cal.params.pop), cal.params.pop)
    assert np.corrcoef(truth, from_sleep)[0, 1] >= 0.6  # measured 0.81
    last = hist.start + hist.length - 1
    today = stress.mixed(np.stack([cal.state.stress_slow, cal.state.stress_fast], axis=1),
                         cal.params.pop)
    assert np.corrcoef(truth[last], today)[0, 1] >= 0.6  # every reading: measured 0.78


def test_ill_mornings_are_left_out_and_healthy_ones_kept(cal, cohort):
    ill = (cohort.hidden["ill_days"] > 0).to_numpy()
    seen = cohort.observations["resting_hr"].notna().to_numpy()
    assert ill[seen].sum() > 100  # the cohort holds illness: the test can fail
    # measured 0.47 and 0.012: episodes of athletes overreached for months, whose readings
    # never return to their baseline, are the ones missed (docs/calibration.md)
    assert cal.left_out[ill & seen].mean() >= 0.4
    assert cal.left_out[~ill & seen].mean() <= 0.02


def _history(athletes: int, days: int) -> History:
    n = athletes * days
    return History(
        athlete_ids=[str(i) for i in range(athletes)],
        start=np.arange(athletes) * days, length=np.full(athletes, days),
        first_day=np.zeros(athletes, dtype=np.int64), last_date=[pd.Timestamp(0)] * athletes,
        ln_hrv=np.zeros(n), rhr=np.zeros(n), sleep=np.zeros(n), efficiency=np.zeros(n),
        strain=np.zeros(n), recorded_load=np.zeros(n), recorded_action=np.zeros(n, int),
        load=np.zeros(n), action=np.zeros(n, int), load_ratio=np.ones(athletes),
        pmc_seed=np.full((athletes, 2), np.nan))


def _ar1(rng, phi: float, athletes: int, days: int) -> np.ndarray:
    x = np.zeros((athletes, days))
    x[:, 0] = rng.standard_normal(athletes)
    for d in range(1, days):
        x[:, d] = phi * x[:, d - 1] + np.sqrt(1 - phi**2) * rng.standard_normal(athletes)
    return x.ravel()


def test_persistent_noise_inflates_the_variance_as_theory_says():
    rng = np.random.default_rng(0)
    hist = _history(20, 2000)
    use = np.ones(len(hist.load), dtype=bool)
    phi = 0.6
    f = variance_inflation(hist, _ar1(rng, phi, 20, 2000), _ar1(rng, phi, 20, 2000), use)
    expected = (1 + phi * phi) / (1 - phi * phi)  # 1 + 2 Σ (φ_e φ_x)^k
    assert np.median(f) == pytest.approx(expected, rel=0.15)
    white = variance_inflation(hist, rng.standard_normal(len(use)), _ar1(rng, phi, 20, 2000),
                               use)
    assert np.median(white) < 1.15


def test_plain_python_kernels_calibrate_as_the_compiled_ones(cohort):
    obs = cohort.observations
    one = obs[obs["athlete_id"] == "A0004"].reset_index(drop=True)
    compiled = calibrate(one)
    with interpreted():
        plain = calibrate(one)
    for key in ESTIMATED:
        np.testing.assert_allclose(getattr(plain.params, key), getattr(compiled.params, key),
                                   rtol=1e-9, err_msg=key)
    np.testing.assert_allclose(plain.state.fatigue, compiled.state.fatigue, rtol=1e-9)
    np.testing.assert_allclose(plain.state.stress_slow, compiled.state.stress_slow, rtol=1e-9)
