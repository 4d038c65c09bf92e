"""The estimates personal calibration takes from the data directly, without the grid.

* ``session_scale``: the athlete's recorded session loads against the reference
  athlete's (``History.load_ratio``: capacity × scale), divided by the capacity the model
  gives the estimated w* (``AthleteParams.session_loads`` at a scale of 1), so that the
  calibrated session loads are the athlete's own whatever w* is;
* ``life_load``: the non-training load implied by rest-day strain (the model's strain
  formula inverted);
* sleep and efficiency baselines and day-to-day SDs, less the replayed maladaptation;
* ``maladaptation_evidence``: extra maladaptation that would explain the last mornings'
  HRV and resting HR beyond the replay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.calibration.grid import athletes_like
from periodization.calibration.history import History
from periodization.calibration.inflation import mean_inflation
from periodization.calibration.replay import Replay
from periodization.sim.actions import Action
from periodization.sim.params import AthleteParams

AE = int(Action.AEROBIC_BASE)
SESSION_SCALE_RANGE = (0.3, 3.0)  # beyond the prior's: a real athlete's sessions are theirs
LIFE_LOAD_RANGE = (0.0, 80.0)  # TSS/day
MIN_SD = {"hrv": 0.02, "rhr": 0.5, "sleep": 0.1, "efficiency": 0.5}
RECENT_DAYS = 14  # window of the maladaptation evidence


def reference_session_loads(typical: AthleteParams) -> np.ndarray:
    """(6,) the session loads (TSS) of an athlete at the population's reference optimal load
    with a session scale of 1: the scale ``History.load_ratio`` is measured on."""
    ref = athletes_like(typical, 1, optimal_load=np.array([typical.pop.reference_optimal_load]),
                        session_scale=np.ones(1))
    return ref.session_loads[0]


def capacity(typical: AthleteParams, optimal_load: np.ndarray) -> np.ndarray:
    """(N,) session size of athletes at ``optimal_load`` with a session scale of 1, against
    the reference athlete's (the model's ``session_loads``)."""
    at = athletes_like(typical, len(optimal_load), optimal_load=optimal_load,
                       session_scale=np.ones(len(optimal_load)))
    return at.session_loads[:, AE] / reference_session_loads(typical)[AE]


def session_scale(hist: History, typical: AthleteParams, optimal_load: np.ndarray
                  ) -> np.ndarray:
    """(N,) the session scale that makes the calibrated session loads the recorded ones."""
    scale = hist.load_ratio / capacity(typical, optimal_load)
    return np.clip(np.where(np.isfinite(scale), scale, typical.session_scale[0]),
                   *SESSION_SCALE_RANGE)


def life_load(hist: History, typical: AthleteParams) -> np.ndarray:
    """(N,) non-training load (TSS) implied by rest-day strain; the prior's without strain."""
    pop = typical.pop
    rest = (hist.load <= 0.0) & np.isfinite(hist.strain)
    implied = pop.strain_offset * np.expm1(hist.strain / pop.strain_scale) - hist.load
    life = pd.Series(np.where(rest, implied, np.nan)).groupby(hist.athlete_index).median()
    life = life.reindex(range(hist.n)).to_numpy()
    return np.clip(np.where(np.isfinite(life), life, typical.life_load[0]), *LIFE_LOAD_RANGE)


def sleep_estimates(hist: History, rep: Replay, typical: AthleteParams, normal: np.ndarray
                    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(values, SEs) of the sleep and efficiency baselines and noise SDs: mean and SD of the
    ``normal`` mornings' readings (not ill) less the replayed maladaptation's shift (the
    prior's with < 4 readings)."""
    pop = typical.pop
    me = pop.effective_maladaptation(rep.maladaptation)
    values, se = {}, {}
    for obs, shift, base_key, noise_key, floor in (
            (hist.sleep, pop.sleep_hours_per_maladaptation, "sleep_baseline_hours",
             "sleep_noise_hours", "sleep"),
            (hist.efficiency, pop.sleep_eff_per_maladaptation, "sleep_efficiency_baseline",
             "sleep_efficiency_noise", "efficiency")):
        clean = np.where(normal, obs - shift * me, np.nan)
        count = np.maximum(hist.per_athlete(clean, "count"), 1.0)
        mean, sd = hist.per_athlete(clean, "mean"), hist.per_athlete(clean, "sd")
        enough = count >= 4
        values[base_key] = np.where(enough, mean, getattr(typical, base_key)[0])
        values[noise_key] = np.where(enough, np.maximum(sd, MIN_SD[floor]),
                                     getattr(typical, noise_key)[0])
        se[base_key] = np.where(enough, values[noise_key] / np.sqrt(count), np.nan)
        se[noise_key] = np.where(enough, values[noise_key] / np.sqrt(2.0 * count), np.nan)
    return values, se


def maladaptation_evidence(hist: History, expected: np.ndarray, params: AthleteParams,
                           stress_shift: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """(N, 2): maladaptation M̂ and its SE from the last ``RECENT_DAYS`` residuals, by
    weighted least squares of HRV and RHR on the model's per-unit shifts of maladaptation
    (``hrv_per_maladaptation``, ``rhr_per_maladaptation``) beyond what the fitted lines
    expect (``expected`` (rows, 2): ln RMSSD, RHR; they hold the replayed maladaptation) and
    the life stress sleep shows (``stress_shift`` (rows, 2)): a stressful fortnight is not
    overreaching. Ill mornings (not ``normal``) are left out; the SE allows for the
    residuals' persistence (``inflation.mean_inflation``)."""
    pop = params.pop
    recent = hist.day_index >= (hist.length - RECENT_DAYS)[hist.athlete_index]
    out = np.zeros((hist.n, 2))
    num = np.zeros(hist.n)
    den = np.zeros(hist.n)
    for col, obs, coef, sd in ((0, hist.ln_hrv, pop.hrv_per_maladaptation, params.hrv_noise_log),
                               (1, hist.rhr, pop.rhr_per_maladaptation, params.rhr_noise_bpm)):
        every = np.where(normal, obs - expected[:, col] - stress_shift[:, col], np.nan)
        resid = np.where(recent, every, np.nan)
        n = hist.per_athlete(resid, "count")
        mean = np.nan_to_num(hist.per_athlete(resid))
        var = sd**2 * mean_inflation(hist, every, normal, RECENT_DAYS) / np.maximum(n, 1.0)
        ok = n >= 3
        num += np.where(ok, coef * mean / var, 0.0)
        den += np.where(ok, coef**2 / var, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 0] = np.where(den > 0, num / den, 0.0)
        out[:, 1] = np.where(den > 0, 1.0 / np.sqrt(den), np.inf)
    return out


def floor_sd(sd: np.ndarray, fallback: np.ndarray, kind: str) -> np.ndarray:
    """``sd`` where finite, else ``fallback``, at least ``MIN_SD[kind]``."""
    return np.maximum(np.where(np.isfinite(sd), sd, fallback), MIN_SD[kind])
