"""The (τ_F, w*) posterior of personal calibration on a grid, in two stages, and its
summaries.

Stage one scores a grid uniform in ln τ_F and ln w* over each parameter's prior range
(``GRID_SIZES`` points). A year of data pins w* down to a few per cent, finer than that
grid's spacing, so stage two scores a grid of the same size per athlete, centred on stage
one's posterior mean and spanning ± ``ZOOM_SDS`` of its SD (at least one step of the first
grid), within the prior range: the summaries come from it, so intervals do not depend
on how coarse the first grid is. Each point is weighed by the prior's density and by the
likelihood of the HRV and RHR series with the lines' coefficients integrated out
(``grid.py``, ``lines.py``).

Summaries per athlete and parameter: the posterior mean of the log-parameter (the point
estimate is its exponential, a posterior median for a symmetric posterior), its SD (≈ the
relative standard error) and a 90 % interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.calibration import lines as L
from periodization.calibration.grid import (
    CHUNK,
    FitInputs,
    GridSpec,
    fatigue_constants,
    initial_ratio,
    response_sums,
)
from periodization.calibration.history import History
from periodization.sim.params import AthleteParams
from periodization.sim.prior_stats import log_density_of_log

INTERVAL = (0.05, 0.95)
ZOOM_SDS = 4.0  # half-width of the second stage, in first-stage posterior SDs


@dataclass(frozen=True)
class GridPosterior:
    estimate: np.ndarray  # (N, 2) exp(posterior mean of ln value), GRID_KEYS order
    sd_log: np.ndarray  # (N, 2) posterior SD of ln value
    low: np.ndarray  # (N, 2) 5 % quantile
    high: np.ndarray  # (N, 2) 95 % quantile


def _weights(history: History, inputs: FitInputs, rows: slice, grids: list[np.ndarray],
             spec: GridSpec, typical: AthleteParams) -> np.ndarray:
    """(k, nτ, nw) posterior weights of the athletes ``rows`` on their grids (k, n) each."""
    tau, wstar = grids
    decay, gain = fatigue_constants(typical, tau[:, :, None], wstar[:, None, :])
    gram_h, gram_r, cross_h, cross_r = response_sums(
        history, inputs, rows, initial_ratio(typical, inputs.w0[rows], wstar),
        decay[:, :, 0], gain, wstar, typical)
    sd_h, sd_r = (sd[rows] for sd in inputs.weights_sd)
    lp = (L.hrv_line(gram_h, cross_h, sd_h, spec.hrv_mean, spec.hrv_precision).log_evidence
          + L.rhr_line(gram_r, cross_r, sd_r, spec.rhr_mean, spec.rhr_precision,
                       spec.kappa).log_evidence
          + log_density_of_log(spec.priors[0], tau)[:, :, None]
          + log_density_of_log(spec.priors[1], wstar)[:, None, :])
    lp -= lp.max(axis=(1, 2), keepdims=True)
    w = np.exp(lp)
    return w / w.sum(axis=(1, 2), keepdims=True)


def _marginals(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return w.sum(axis=2), w.sum(axis=1)


def _zoom(coarse: list[np.ndarray], w: np.ndarray) -> list[np.ndarray]:
    """Each athlete's second-stage grids (k, n) around the first stage's posterior."""
    out = []
    for grid, p in zip(coarse, _marginals(w), strict=True):
        logs = np.log(grid)
        if logs.shape[1] == 1:
            out.append(grid)
            continue
        mean, sd = _summarise(p, logs)[:2]
        step = logs[:, 1] - logs[:, 0]
        # a posterior on one or two first-stage points has an SD of about a step or less
        half = np.maximum(ZOOM_SDS * sd, step)
        lo = np.maximum(mean - half, logs[:, 0])
        hi = np.minimum(mean + half, logs[:, -1])
        t = np.linspace(0.0, 1.0, logs.shape[1])
        out.append(np.exp(lo[:, None] + (hi - lo)[:, None] * t[None, :]))
    return out


def grid_posterior(history: History, inputs: FitInputs, spec: GridSpec, typical: AthleteParams
                   ) -> GridPosterior:
    """Posterior summaries of (τ_F, w*) for every athlete (``typical``: the prior's typical
    athlete, for the model's derivations)."""
    parts = []
    for lo in range(0, history.n, CHUNK):
        rows = slice(lo, min(lo + CHUNK, history.n))
        k = rows.stop - rows.start
        coarse = [np.ascontiguousarray(np.broadcast_to(v, (k, len(v)))) for v in spec.values]
        fine = _zoom(coarse, _weights(history, inputs, rows, coarse, spec, typical))
        w = _weights(history, inputs, rows, fine, spec, typical)
        parts.append([_summarise(p, np.log(g)) for p, g in zip(_marginals(w), fine,
                                                                strict=True)])
    n_keys = len(spec.values)
    out = [np.concatenate([np.stack([c[i][f] for i in range(n_keys)], axis=1) for c in parts])
           for f in range(4)]
    return GridPosterior(estimate=np.exp(out[0]), sd_log=out[1], low=np.exp(out[2]),
                         high=np.exp(out[3]))


def _summarise(p: np.ndarray, log_grid: np.ndarray) -> tuple[np.ndarray, ...]:
    """(mean, SD, 5 % and 95 % quantiles) of ln value under weights p (k, n) on each row's
    ascending grid ``log_grid`` (k, n).

    Quantiles interpolate the CDF linearly between grid points, each point holding its
    weight at its centre, so the grid does not round intervals to its points.
    """
    mean = (p * log_grid).sum(axis=1)
    sd = np.sqrt(np.maximum((p * log_grid**2).sum(axis=1) - mean**2, 0.0))
    n = log_grid.shape[1]
    if n == 1:
        return mean, sd, mean, mean
    centre = np.cumsum(p, axis=1) - 0.5 * p
    quantiles = []
    for q in INTERVAL:
        hi = np.clip((centre < q).sum(axis=1), 1, n - 1)[:, None]
        c0 = np.take_along_axis(centre, hi - 1, axis=1)[:, 0]
        c1 = np.take_along_axis(centre, hi, axis=1)[:, 0]
        g0 = np.take_along_axis(log_grid, hi - 1, axis=1)[:, 0]
        g1 = np.take_along_axis(log_grid, hi, axis=1)[:, 0]
        t = np.clip((q - c0) / np.maximum(c1 - c0, 1e-300), 0.0, 1.0)
        quantiles.append(g0 + t * (g1 - g0))
    return mean, sd, quantiles[0], quantiles[1]
