"""Life stress in a history: what the readings show of the model's persistent stress.

Life stress moves HRV, resting HR and sleep together and persists for days to weeks, and
people train less when it is high (a red recovery), so left in the noise it would read as
"resting HR is high when training has been light" and bias w* upward (and make the
posterior too sure of itself: the noise it adds is far from independent from day to day).
Sleep shows stress but no training fatigue, so the fit removes the stress that sleep
reveals from HRV and resting HR (``sleep_stress``: a Kalman smoother over the model's two
stress components, ``stress_kernels.py``), and the replay lives the history with that
stress (an unrecovered session fatigues more); with no sleep readings nothing changes.
Once the fit is done, every reading informs the estimate of the stress on the last
morning, which the state carries (``all_readings``).
"""

from __future__ import annotations

import numpy as np

from periodization.calibration.grid import plain
from periodization.calibration.history import History
from periodization.calibration.stress_kernels import stress_smoother
from periodization.sim.params import Population


def mixed(components: np.ndarray, pop: Population) -> np.ndarray:
    """z = √s·x_s + √(1 − s)·x_f of (…, 2) components (``sim.kernels.stress``)."""
    s = pop.slow_stress_share
    return np.sqrt(s) * components[..., 0] + np.sqrt(1.0 - s) * components[..., 1]


def _smooth(hist: History, resid: np.ndarray, sd: np.ndarray, use: np.ndarray,
            loading: np.ndarray, pop: Population) -> np.ndarray:
    return stress_smoother(plain(hist.start, np.int64), plain(hist.length, np.int64),
                           plain(resid), plain(sd), plain(use, np.bool_), plain(loading),
                           pop.packed)


def sleep_stress(hist: History, sleep_shift: np.ndarray, use: np.ndarray, pop: Population
                 ) -> np.ndarray:
    """(rows, 2) smoothed life stress (x_s, x_f) from sleep alone: each athlete's sleep less
    ``sleep_shift`` (the model's known shifts: maladaptation) against its mean and SD over
    the mornings ``use``."""
    clean = np.where(use, hist.sleep - sleep_shift, np.nan)
    mean = hist.per_athlete(clean)
    sd = hist.per_athlete(clean, "sd")
    ok = np.isfinite(clean) & (hist.per_athlete(clean, "count") >= 4)[hist.athlete_index]
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, 1.0)
    resid = np.nan_to_num(clean - mean[hist.athlete_index])
    return _smooth(hist, resid[:, None], sd[:, None], ok[:, None],
                   np.array([-pop.life_stress_share]), pop)


def all_readings(hist: History, resid: np.ndarray, sd: np.ndarray, use: np.ndarray,
                 pop: Population) -> np.ndarray:
    """(rows, 2) smoothed (x_s, x_f) from the residuals (rows, 3) of ln RMSSD, resting HR
    and sleep against the calibrated model, their SDs (N, 3) and which are used."""
    share = pop.life_stress_share
    return _smooth(hist, np.nan_to_num(resid), sd, use & np.isfinite(resid),
                   np.array([-share, share, -share]), pop)


def recent_stress(resid: np.ndarray, sd: np.ndarray, use: np.ndarray, pop: Population
                  ) -> np.ndarray:
    """(N, 2) (x_s, x_f) on the last of ``days`` mornings from residuals (N, days, 3) of
    ln RMSSD, resting HR and sleep against an expectation without stress, their SDs (N, 3)
    and which are used (N, days, 3): a planner's morning-by-morning reading of stress."""
    n, days = resid.shape[0], resid.shape[1]
    start, length = np.arange(n) * days, np.full(n, days)
    share = pop.life_stress_share
    ok = use & np.isfinite(resid)
    out = stress_smoother(plain(start, np.int64), plain(length, np.int64),
                          plain(np.nan_to_num(resid).reshape(n * days, 3)), plain(sd),
                          plain(ok.reshape(n * days, 3), np.bool_),
                          plain(np.array([-share, share, -share])), pop.packed)
    return out[start + days - 1]
