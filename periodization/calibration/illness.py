"""Illness in a history: which mornings were most likely ill, to leave them out of the fit.

The data do not say when an athlete was ill, but the model does say what illness looks
like: ln RMSSD lower by ``hrv_when_ill``, resting HR higher by ``rhr_when_ill`` and sleep
efficiency lower by ``sleep_eff_when_ill``, for episodes of ``illness_mean_days`` on
average that start with a daily hazard around ``illness_base_rate``. Left in, an episode's
high resting HR on the rest days it forces reads as "resting HR is high when training has
been light" — or, since illness follows heavy training, as more fatigue than the loads
imply — and biases w*. One morning's evidence is weak (a few bpm against the day-to-day
noise); an episode's is strong, because it lasts days. So ``ill_probability`` runs a
two-state hidden Markov model (healthy, ill) over each athlete's mornings, whose
emissions are the likelihood ratios of the residuals against the model's illness shifts,
and returns P(ill | every morning) (forward–backward). The onset rate is the athlete's own
(expectation–maximisation, shrunk to the prior's): illness follows overreaching, so some
athletes are ill far more often than the base rate.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.calibration.grid import plain
from periodization.calibration.history import History
from periodization.core.jit import njit
from periodization.sim.params import AthleteParams

EM_STEPS = 3  # posterior, then the athlete's onset rate from it, twice more
PRIOR_DAYS = 120.0  # weight of the prior's onset rate, in days of data


@njit(cache=True)
def _posterior(start, length, llr, onset, stay):
    """P(ill) per row by forward–backward; ``llr`` (rows,) log p(morning | ill)/p(· |
    healthy), ``onset``/``stay`` (N,) the daily chances of falling ill and of staying ill."""
    out = np.zeros(llr.shape[0])
    fwd = np.zeros(llr.shape[0])  # filtered P(ill)
    for j in range(start.shape[0]):
        p_on, p_stay = onset[j], stay[j]
        prior_ill = p_on / (p_on + 1.0 - p_stay)  # the chain's stationary share of ill days
        for d in range(length[j]):
            t = start[j] + d
            if d > 0:
                prior_ill = fwd[t - 1] * p_stay + (1.0 - fwd[t - 1]) * p_on
            lr = math.exp(min(llr[t], 50.0))
            fwd[t] = prior_ill * lr / (prior_ill * lr + 1.0 - prior_ill)
        last = start[j] + length[j] - 1
        out[last] = fwd[last]
        for d in range(length[j] - 2, -1, -1):
            t = start[j] + d
            pred = fwd[t] * p_stay + (1.0 - fwd[t]) * p_on  # P(ill tomorrow | up to today)
            # P(ill today | all) = Σ over tomorrow's state of P(today, tomorrow | up to today)
            # × P(tomorrow | all) / P(tomorrow | up to today)
            ill_ill = fwd[t] * p_stay * out[t + 1] / max(pred, 1e-300)
            ill_ok = fwd[t] * (1.0 - p_stay) * (1.0 - out[t + 1]) / max(1.0 - pred, 1e-300)
            out[t] = ill_ill + ill_ok
    return out


def _llr(resid: np.ndarray, shift: float, sd: np.ndarray) -> np.ndarray:
    """Log likelihood ratio ill/healthy of residuals (0 where missing)."""
    z, s = np.nan_to_num(resid) / sd, shift / sd
    return np.where(np.isfinite(resid), z * s - 0.5 * s * s, 0.0)


def ill_probability(hist: History, resid: np.ndarray, sd: np.ndarray, params: AthleteParams
                    ) -> np.ndarray:
    """(rows,) P(ill) of every morning from the residuals (rows, 3) of ln RMSSD, resting HR
    and sleep efficiency against the model (life stress removed) and their SDs (N, 3)."""
    pop = params.pop
    idx = hist.athlete_index
    llr = sum(_llr(resid[:, c], shift, sd[idx, c]) for c, shift in enumerate(
        (pop.hrv_when_ill, pop.rhr_when_ill, pop.sleep_eff_when_ill)))
    prior_onset = -np.expm1(-params.illness_base_rate)
    stay = 1.0 - 1.0 / np.maximum(params.illness_mean_days, 1.5)
    onset = prior_onset
    for _ in range(EM_STEPS):
        p = _posterior(plain(hist.start, np.int64), plain(hist.length, np.int64), plain(llr),
                       plain(onset), plain(stay))
        # the athlete's own onset rate: expected episodes over healthy days, shrunk to the
        # prior's with PRIOR_DAYS days of pseudo-data (illness follows overreaching, so
        # some athletes are ill far more often than the base rate says)
        episodes = hist.per_athlete(p * (1.0 - stay[idx]), "mean") * hist.length
        healthy = hist.per_athlete(1.0 - p, "mean") * hist.length
        onset = (episodes + prior_onset * PRIOR_DAYS) / (healthy + PRIOR_DAYS)
    return p
