"""How much less a series of mornings tells than as many independent ones.

The fit scores the mornings as if their noise were independent, but what is left of it is
not: the life stress that sleep does not reveal persists for days to weeks, and so do the
model's small misfits. For a slope on a regressor x (here the fatigue ratio ρ) the
variance of its estimate is then larger by about f = 1 + 2·Σ_k r_e(k)·r_x(k) (the
autocorrelations of the residuals and of x at lag k; Bartlett 1946, the effective sample
size of a regression on autocorrelated data). ``variance_inflation`` measures f per athlete
from the residuals of the previous pass, and the fit widens the noise SD it weighs mornings
by with √f, so that the posterior's intervals keep their coverage.
"""

from __future__ import annotations

import numpy as np

from periodization.calibration.history import History

MAX_LAG = 21  # days: the slow stress component's persistence 0.9 leaves 11 % after 21 days
MIN_PAIRS = 20  # pairs of mornings below which a lag's autocorrelation is left out
MAX_INFLATION = 6.0


def _dense(hist: History, x: np.ndarray) -> np.ndarray:
    """(N, longest history) of x (rows,), NaN after each athlete's last day."""
    out = np.full((hist.n, int(hist.length.max())), np.nan)
    out[hist.athlete_index, hist.day_index] = x
    return out


def _autocorrelation(dense: np.ndarray, lag: int) -> np.ndarray:
    """(N,) autocorrelation at ``lag`` of each athlete's finite values (rows of ``dense``,
    centred)."""
    ok = np.isfinite(dense)
    values = np.where(ok, dense, 0.0)
    var = (values**2).sum(axis=1) / np.maximum(ok.sum(axis=1), 1)
    both = ok[:, :-lag] & ok[:, lag:]
    pairs = both.sum(axis=1)
    mean = (values[:, :-lag] * values[:, lag:]).sum(axis=1) / np.maximum(pairs, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = mean / var
    return np.where((pairs >= MIN_PAIRS) & np.isfinite(r), r, 0.0)


def _centred(hist: History, x: np.ndarray) -> np.ndarray:
    return x - hist.per_athlete(x)[hist.athlete_index]


def variance_inflation(hist: History, residual: np.ndarray, regressor: np.ndarray,
                       use: np.ndarray) -> np.ndarray:
    """(N,) f ≥ 1 for residuals (rows,) and the regressor (rows,) on the mornings ``use``."""
    e = _dense(hist, _centred(hist, np.where(use & np.isfinite(residual), residual, np.nan)))
    x = _dense(hist, _centred(hist, np.where(use & np.isfinite(regressor), regressor, np.nan)))
    f = np.ones(hist.n)
    for lag in range(1, min(MAX_LAG, e.shape[1] - 1) + 1):
        f += 2.0 * _autocorrelation(e, lag) * _autocorrelation(x, lag)
    return np.clip(f, 1.0, MAX_INFLATION)


def mean_inflation(hist: History, residual: np.ndarray, use: np.ndarray, window: int
                   ) -> np.ndarray:
    """(N,) f ≥ 1 for the mean of ``window`` consecutive residuals: 1 + 2·Σ_k (1 − k/window)
    ·r_e(k), with r_e from every used morning of each athlete."""
    e = _dense(hist, _centred(hist, np.where(use & np.isfinite(residual), residual, np.nan)))
    f = np.ones(hist.n)
    for lag in range(1, min(window, MAX_LAG + 1, e.shape[1])):
        f += 2.0 * (1.0 - lag / window) * _autocorrelation(e, lag)
    return np.clip(f, 1.0, MAX_INFLATION)
