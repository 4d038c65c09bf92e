"""Personal calibration on simulated athletes whose true parameters are known.

Tolerances (30 athletes × 365 days, seed 11; measured on seeds 11–13 of the packaged prior,
the worst shown; 3 × 300 athletes in ``docs/calibration.md``): w* within ±35 % for ≥ 90 %
of athletes (measured 100 %) with a mean |ln error| below 0.3× the prior median's
(0.028–0.035 vs 0.23–0.25); τ_F better than the prior median (0.059–0.073 vs 0.155–0.192);
90 % intervals of w* and τ_F cover the truth for ≥ 80 % (93–97 %, 93–100 %); rested HRV
within 10 %, rested RHR within 1.5 bpm, sleep within 0.25 h and efficiency within 1 point
for ≥ 80 % of all athletes (≥ 83 %) and ≥ 85 % of those not overreached on most of their
days (≥ 88 %; the others' readings never show their rested baselines); the noise SDs
within 25 % and the acute sensitivity within 25 % for ≥ 85 % (≥ 90 %); σ_F within 0.06 and
session loads within 20 % for ≥ 90 % (100 %); the replayed fatigue ratio today correlates
with the true one (r ≥ 0.95; measured 0.994–0.997).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from periodization.calibration.calibrate import ESTIMATED, FROM_PRIOR, calibrate
from periodization.calibration.report import calibration_report
from periodization.cohort.synth import synthesize
from periodization.sim import dynamics
from periodization.sim.prior import load_prior

N = 30


@pytest.fixture(scope="module")
def cohort():
    return synthesize(athletes=N, days=365, seed=11)


@pytest.fixture(scope="module")
def cal(cohort):
    return calibrate(cohort.observations)


def _share(x: np.ndarray) -> float:
    return float(np.mean(x))


def _log_error(cal, cohort, key):
    return np.abs(np.log(getattr(cal.params, key) / getattr(cohort.athlete_params(), key)))


def _abs_error(cal, cohort, key):
    return np.abs(getattr(cal.params, key) - getattr(cohort.athlete_params(), key))


def _prior_log_error(cohort, key):
    return np.abs(np.log(getattr(load_prior().typical(N), key)
                         / getattr(cohort.athlete_params(), key)))


def test_optimal_load_is_estimated_far_better_than_the_prior_median(cal, cohort):
    err = _log_error(cal, cohort, "optimal_load")
    assert _share(err < 0.35) >= 0.9
    assert err.mean() < 0.3 * _prior_log_error(cohort, "optimal_load").mean()


def test_fatigue_time_constant_is_estimated_better_than_the_prior_median(cal, cohort):
    assert (_log_error(cal, cohort, "tau_fatigue_days").mean()
            < _prior_log_error(cohort, "tau_fatigue_days").mean())


@pytest.mark.parametrize("key", ["optimal_load", "tau_fatigue_days"])
def test_intervals_cover_the_truth(cal, cohort, key):
    lo, hi = cal.interval[key]
    truth = getattr(cohort.athlete_params(), key)
    assert (lo <= getattr(cal.params, key)).all() and (getattr(cal.params, key) <= hi).all()
    assert _share((truth >= lo) & (truth <= hi)) >= 0.8


def test_baselines_sensitivities_and_noise(cal, cohort):
    rarely_overreached = (cohort.hidden.groupby("athlete_id")["overreached"].mean() <= 0.5
                          ).to_numpy()
    assert rarely_overreached.sum() >= 20
    for ok, share in (((_log_error(cal, cohort, "hrv_baseline_ms") < 0.10), "hrv"),
                      ((_abs_error(cal, cohort, "rhr_baseline_bpm") < 1.5), "rhr"),
                      ((_abs_error(cal, cohort, "sleep_baseline_hours") < 0.25), "sleep"),
                      ((_abs_error(cal, cohort, "sleep_efficiency_baseline") < 1.0), "eff")):
        assert _share(ok) >= 0.8, share
        assert _share(ok[rarely_overreached]) >= 0.85, share
    for key in ("hrv_noise_log", "rhr_noise_bpm", "sleep_noise_hours"):
        assert _share(_log_error(cal, cohort, key) < 0.25) >= 0.85, key
    assert _share(_abs_error(cal, cohort, "hrv_fatigue_sensitivity") < 0.06) >= 0.9
    assert _share(_log_error(cal, cohort, "hrv_acute_sensitivity") < 0.25) >= 0.85


def test_session_loads_are_the_athletes_own(cal, cohort):
    truth = cohort.athlete_params().session_loads
    err = np.abs(np.log(cal.params.session_loads[:, 1:] / truth[:, 1:]))
    assert _share(err.max(axis=1) < 0.2) >= 0.9
    # minutes and loads agree as the model has them: TSS per minute × minutes
    assert np.allclose(cal.params.session_loads,
                       cal.params.session_minutes * cal.params.pop.load_per_minute)


def test_todays_fatigue_follows_the_true_state(cal, cohort):
    last = cohort.hidden.groupby("athlete_id").tail(1)
    true_ratio = last["fatigue"].to_numpy() / cohort.athlete_params().fatigue_at_optimum
    est_ratio = dynamics.fatigue_ratio(cal.state, cal.params)
    assert np.corrcoef(np.log(true_ratio), np.log(est_ratio))[0, 1] >= 0.95
    assert (cal.state.day == last["date"].map(lambda d: (d - np.datetime64("1970-01-05"))
                                                .days).to_numpy()).all()
    # what follows from the loads alone is the truth's (the cohort's PMC seeds the replay)
    for field in ("atl", "ctl", "strain", "hard_load"):
        assert np.allclose(getattr(cal.state, field), last[field].to_numpy(), rtol=1e-3), field


def test_unidentifiable_parameters_come_from_the_prior(cal):
    typical = load_prior().typical(N)
    for key in FROM_PRIOR:
        assert np.allclose(getattr(cal.params, key), getattr(typical, key)), key
    assert set(ESTIMATED) | set(FROM_PRIOR) == set(cal.params.__dataclass_fields__) - {"pop"}


def test_an_athlete_calibrates_the_same_alone_or_in_a_batch(cal, cohort):
    obs = cohort.observations
    alone = calibrate(obs[obs["athlete_id"] == "A0007"].reset_index(drop=True))
    for key in ESTIMATED:
        assert np.isclose(getattr(alone.params, key)[0], getattr(cal.params, key)[7]), key
    assert np.isclose(alone.state.stress_slow[0], cal.state.stress_slow[7])


def test_too_little_history_keeps_the_prior_dynamics(cohort):
    obs = cohort.observations
    short = obs[obs["athlete_id"] == "A0003"].head(10).reset_index(drop=True)
    cal = calibrate(short)
    typical = load_prior().typical(1)
    assert not cal.calibrated[0]
    assert cal.params.optimal_load[0] == typical.optimal_load[0]
    observed = short["resting_hr"].dropna()
    assert cal.params.rhr_baseline_bpm[0] == pytest.approx(observed.mean())
    report = calibration_report(cal, 0)
    assert report["calibrated"] is False
    assert report["estimated"]["optimal_load"]["se"] is None


def test_report_is_plain_json(cal):
    import json

    report = calibration_report(cal, 3)
    text = json.dumps(report, allow_nan=False)
    assert "optimal_load" in text and report["estimated"]["optimal_load"]["se"] > 0
    lo, hi = report["estimated"]["optimal_load"]["interval90"]
    assert lo <= report["estimated"]["optimal_load"]["value"] <= hi
    assert report["state"]["fatigue_ratio"] > 0 and "life_stress_sd" in report["state"]


def test_one_year_calibrates_quickly(cohort):
    obs = cohort.observations
    one = obs[obs["athlete_id"] == "A0001"].reset_index(drop=True)
    calibrate(one)
    started = time.perf_counter()
    calibrate(one)
    assert time.perf_counter() - started < 1.0  # measured ≈ 0.05 s; generous on a busy box
