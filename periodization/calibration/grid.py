"""The (τ2, τ3, w*) grid posterior of personal calibration and its summaries.

The grid is uniform in ln τ2, ln τ3 and ln w* over each parameter's prior range (τ2 capped
at 0.6·τ1, the prior's identifiability rule); the prior weighs the points. Linear
coefficients are integrated out in closed form (``calibrate_kernels``), so one replay per
(τ2, τ3) pair and athlete scores every w*. Summaries per athlete: the posterior mean of
each log-parameter (the point estimate is its exponential, a posterior median for a
symmetric posterior), its SD (≈ the relative standard error) and a 90 % interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.calibration import kernels as CK
from periodization.calibration.history import History
from periodization.sim.prior import Prior
from periodization.sim.prior_stats import (
    gaussian_approximation,
    log_density_of_log,
    typical_value,
)

GRID_KEYS = ("tau_fatigue_days", "tau_gain_days", "optimal_load")
GRID_SIZES = (10, 6, 24)  # τ2, τ3, w*: finer changes no estimate by more than 1 %
INTERVAL = (0.05, 0.95)
CHUNK = 1024  # athletes per kernel call: bounds the statistics' memory (≈ 11 kB each)
TAU2_CAP = 0.6  # τ2 ≤ 0.6·τ1, as ``Prior.sample`` enforces


@dataclass(frozen=True)
class GridSpec:
    values: tuple[np.ndarray, ...]  # per key in GRID_KEYS, ascending
    log_prior: np.ndarray  # (n2, n3, nw)
    linear_mean: np.ndarray  # (3,) prior mean of (ln b_hrv, s_acute, σ_ρ)
    linear_precision: np.ndarray  # (3,)
    kappa: float  # bpm of resting HR per unit fatigue ratio


def grid_spec(prior: Prior) -> GridSpec:
    """The grid and the priors the fit uses, read from ``prior`` (see the module docstring)."""
    tau1 = typical_value(prior.athlete["tau_fitness_days"])
    values, logs = [], []
    for key, size in zip(GRID_KEYS, GRID_SIZES, strict=True):
        spec = prior.athlete[key]
        mid = typical_value(spec)
        lo, hi = spec.get("min", mid / 4.0), spec.get("max", mid * 4.0)
        if key == "tau_fatigue_days":
            hi = min(hi, TAU2_CAP * tau1)
        grid = np.exp(np.linspace(np.log(lo), np.log(hi), size)) if hi > lo else np.array([mid])
        values.append(grid)
        logs.append(log_density_of_log(spec, grid))
    log_prior = logs[0][:, None, None] + logs[1][None, :, None] + logs[2][None, None, :]
    acute_m, acute_sd = gaussian_approximation(prior.athlete["hrv_acute_sensitivity"])
    fat_m, fat_sd = gaussian_approximation(prior.athlete["hrv_fatigue_sensitivity"])
    ln_base = np.log(typical_value(prior.athlete["hrv_baseline_ms"]))
    return GridSpec(
        values=tuple(values), log_prior=np.ascontiguousarray(log_prior),
        # the intercept's prior is all but flat: the data always determine it
        linear_mean=np.array([ln_base, acute_m, fat_m]),
        linear_precision=np.array([1e-6, 1.0 / acute_sd**2, 1.0 / fat_sd**2]),
        kappa=prior.population.rhr_per_fatigue)


@dataclass(frozen=True)
class FitInputs:
    """What the kernels read, per row of a ``History`` (see ``calibrate_kernels``)."""

    y_h: np.ndarray
    y_r: np.ndarray
    use_h: np.ndarray
    use_r: np.ndarray
    acute: np.ndarray  # (rows, 2)
    w0: np.ndarray  # (N,) habitual load before the record (TSS/day)
    sig_h: np.ndarray  # (N,)
    sig_r: np.ndarray  # (N,)


@dataclass(frozen=True)
class GridPosterior:
    estimate: np.ndarray  # (N, 3) exp(posterior mean of ln value), GRID_KEYS order
    sd_log: np.ndarray  # (N, 3) posterior SD of ln value
    low: np.ndarray  # (N, 3) 5 % quantile
    high: np.ndarray  # (N, 3) 95 % quantile


def _stats(history: History, inputs: FitInputs, rows: slice, e2: np.ndarray, e3: np.ndarray,
           q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return CK.response_stats(
        history.start[rows], history.length[rows], history.load, history.action, inputs.y_h,
        inputs.y_r, inputs.use_h, inputs.use_r, inputs.acute, inputs.w0[rows], e2, e3, q)


def grid_posterior(history: History, inputs: FitInputs, spec: GridSpec,
                   q: np.ndarray) -> GridPosterior:
    """Posterior summaries of (τ2, τ3, w*) for every athlete (``q``: the population's
    record, ``Population.packed``)."""
    tau2, tau3, wstar = spec.values
    logs = [np.log(v) for v in spec.values]
    u = 1.0 / wstar**2
    parts = []
    for lo in range(0, history.n, CHUNK):
        rows = slice(lo, min(lo + CHUNK, history.n))
        k = rows.stop - rows.start
        e2 = np.broadcast_to(np.exp(-1.0 / tau2), (k, len(tau2))).copy()
        e3 = np.broadcast_to(np.exp(-1.0 / tau3), (k, len(tau3))).copy()
        Sh, Sr = _stats(history, inputs, rows, e2, e3, q)
        lp = CK.grid_log_posterior(Sh, Sr, u, spec.log_prior, inputs.sig_h[rows],
                                   inputs.sig_r[rows], spec.linear_mean,
                                   spec.linear_precision, spec.kappa)
        lp -= lp.max(axis=(1, 2, 3), keepdims=True)
        w = np.exp(lp)
        w /= w.sum(axis=(1, 2, 3), keepdims=True)
        marginals = (w.sum(axis=(2, 3)), w.sum(axis=(1, 3)), w.sum(axis=(1, 2)))
        parts.append([_summarise(p, g) for p, g in zip(marginals, logs, strict=True)])
    out = [np.concatenate([np.stack([c[i][f] for i in range(3)], axis=1) for c in parts])
           for f in range(4)]
    return GridPosterior(estimate=np.exp(out[0]), sd_log=out[1], low=np.exp(out[2]),
                         high=np.exp(out[3]))


def _summarise(p: np.ndarray, log_grid: np.ndarray) -> tuple[np.ndarray, ...]:
    """(mean, SD, 5 % and 95 % quantiles) of ln value under marginal weights p (k, n).

    Quantiles interpolate the CDF linearly between grid points, each point holding its
    weight at its centre, so a coarse grid does not round intervals to its points.
    """
    mean = p @ log_grid
    sd = np.sqrt(np.maximum(p @ log_grid**2 - mean**2, 0.0))
    if len(log_grid) == 1:
        return mean, sd, mean, mean
    centre = np.cumsum(p, axis=1) - 0.5 * p
    quantiles = []
    for q in INTERVAL:
        hi = np.clip((centre < q).sum(axis=1), 1, len(log_grid) - 1)
        c0 = np.take_along_axis(centre, (hi - 1)[:, None], axis=1)[:, 0]
        c1 = np.take_along_axis(centre, hi[:, None], axis=1)[:, 0]
        t = np.clip((q - c0) / np.maximum(c1 - c0, 1e-300), 0.0, 1.0)
        quantiles.append(log_grid[hi - 1] + t * (log_grid[hi] - log_grid[hi - 1]))
    return mean, sd, quantiles[0], quantiles[1]


@dataclass(frozen=True)
class LinearFit:
    hrv: np.ndarray  # (N, 3) posterior mean of (ln b_hrv, s_acute, σ_ρ)
    hrv_sd: np.ndarray  # (N, 3) posterior SD
    rhr_baseline: np.ndarray  # (N,) bpm
    used: np.ndarray  # (N, 2) mornings in the HRV and RHR fits


def linear_fit(history: History, inputs: FitInputs, spec: GridSpec, q: np.ndarray,
               point: np.ndarray) -> LinearFit:
    """The HRV and RHR lines at one (τ2, τ3, w*) per athlete (``point`` (N, 3))."""
    e2 = np.exp(-1.0 / point[:, 0:1])
    e3 = np.exp(-1.0 / point[:, 1:2])
    Sh, Sr = _stats(history, inputs, slice(0, history.n), e2, e3, q)
    beta, sd, b_rhr, used = CK.linear_fits(
        Sh[:, 0, 0], Sr[:, 0, 0], 1.0 / point[:, 2] ** 2, inputs.sig_h, spec.linear_mean,
        spec.linear_precision, spec.kappa)
    return LinearFit(hrv=beta, hrv_sd=sd, rhr_baseline=b_rhr, used=used)
