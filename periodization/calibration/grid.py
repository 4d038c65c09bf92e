"""The (τ_F, w*) grid posterior of personal calibration and its summaries.

The grid is uniform in ln τ_F and ln w* over each parameter's prior range; the prior
weighs the points. For each candidate the fatigue ratio ρ is replayed from the recorded
loads (``calibration/kernels.py``) and the linear coefficients are integrated out in
closed form. The constants of the fatigue recursion at a candidate (its decay and the gain
k_F/F*) and the ratio on the first morning come from the model's own parameter
derivations (``AthleteParams.fatigue_decay``, ``.fatigue_gain``, ``.fatigue_at_optimum``;
``dynamics.initial``), so the grid follows any change to them. Summaries per athlete: the
posterior mean of each log-parameter (the point estimate is its exponential, a posterior
median for a symmetric posterior), its SD (≈ the relative standard error) and a 90 %
interval.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from periodization.calibration import kernels as CK
from periodization.calibration import lines as L
from periodization.calibration.history import History
from periodization.calibration.replay import Replay
from periodization.sim import dynamics
from periodization.sim.params import AthleteParams
from periodization.sim.prior import Prior
from periodization.sim.prior_stats import (
    gaussian_approximation,
    log_density_of_log,
    typical_value,
)

GRID_KEYS = ("tau_fatigue_days", "optimal_load")
GRID_SIZES = (10, 24)  # τ_F, w*: finer changes no estimate by more than 1 %
INTERVAL = (0.05, 0.95)
CHUNK = 512  # athletes per kernel call: bounds the statistics' memory (~13 kB each)
MALADAPTATION_SPREAD = 0.5  # prior SD of the lines' maladaptation coefficients, relative


@dataclass(frozen=True)
class GridSpec:
    values: tuple[np.ndarray, ...]  # per key in GRID_KEYS, ascending
    log_prior: np.ndarray  # (nτ, nw)
    decay: np.ndarray  # (nτ,) e^{−1/τ_F}
    gain: np.ndarray  # (nτ, nw) k_F / F*, the fatigue ratio's gain
    hrv_mean: np.ndarray  # (4,) prior mean of the HRV line's (ln b_hrv, s, β_h, σ_F)
    hrv_precision: np.ndarray  # (4,)
    rhr_mean: np.ndarray  # (2,) prior mean of the RHR line's (b_rhr, β_r)
    rhr_precision: np.ndarray  # (2,)
    kappa: float  # bpm of resting HR per unit fatigue ratio


def fatigue_constants(typical: AthleteParams, tau: np.ndarray, wstar: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(decay, gain k_F/F*) of the fatigue recursion at τ_F ``tau`` and w* ``wstar`` (same
    shape), from ``AthleteParams``'s derivations (``typical`` supplies the population)."""
    shape = np.broadcast_shapes(np.shape(tau), np.shape(wstar))
    tau, wstar = np.broadcast_to(tau, shape).ravel(), np.broadcast_to(wstar, shape).ravel()
    p = athletes_like(typical, tau.size, tau_fatigue_days=tau, optimal_load=wstar)
    return (p.fatigue_decay.reshape(shape),
            (p.fatigue_gain / p.fatigue_at_optimum).reshape(shape))


def initial_ratio(typical: AthleteParams, w0: np.ndarray, wstar: np.ndarray) -> np.ndarray:
    """F/F* on the first morning of a replay (``dynamics.initial`` at habitual load ``w0``
    (N,) TSS/day) for candidates ``wstar`` (N, k): shape (N, k)."""
    w0 = np.asarray(w0, dtype=np.float64)[:, None]
    wstar = np.asarray(wstar, dtype=np.float64)
    full = np.broadcast_to(wstar, np.broadcast_shapes(w0.shape, wstar.shape))
    p = athletes_like(typical, full.size, optimal_load=full.ravel(),
              habitual_load_ratio=(w0 / full).ravel())
    return dynamics.fatigue_ratio(dynamics.initial(p), p).reshape(full.shape)


def athletes_like(typical: AthleteParams, n: int, **values: np.ndarray) -> AthleteParams:
    """``n`` copies of the first athlete of ``typical`` with ``values`` ((n,) each)
    replaced: candidates for the model's parameter derivations."""
    fields = {f.name: np.full(n, getattr(typical, f.name)[0])
              for f in dataclasses.fields(typical) if f.name != "pop"}
    fields.update({k: np.asarray(v, dtype=np.float64) for k, v in values.items()})
    return AthleteParams(**fields, pop=typical.pop)


def grid_spec(prior: Prior) -> GridSpec:
    """The grid and the priors the fit uses, read from ``prior`` (see the module docstring)."""
    values, logs = [], []
    for key, size in zip(GRID_KEYS, GRID_SIZES, strict=True):
        spec = prior.athlete[key]
        mid = typical_value(spec)
        lo, hi = spec.get("min", mid / 4.0), spec.get("max", mid * 4.0)
        grid = np.exp(np.linspace(np.log(lo), np.log(hi), size)) if hi > lo else np.array([mid])
        values.append(grid)
        logs.append(log_density_of_log(spec, grid))
    decay, gain = fatigue_constants(prior.typical(1), values[0][:, None], values[1][None, :])
    acute_m, acute_sd = gaussian_approximation(prior.athlete["hrv_acute_sensitivity"])
    fat_m, fat_sd = gaussian_approximation(prior.athlete["hrv_fatigue_sensitivity"])
    ln_base = np.log(typical_value(prior.athlete["hrv_baseline_ms"]))
    pop = prior.population
    # how strongly this athlete's readings show the replayed maladaptation: around the
    # population's shifts, within MALADAPTATION_SPREAD of them
    mal_h, mal_r = pop.hrv_per_maladaptation, pop.rhr_per_maladaptation
    spread = MALADAPTATION_SPREAD
    return GridSpec(
        values=tuple(values), log_prior=np.ascontiguousarray(logs[0][:, None] + logs[1][None]),
        decay=np.ascontiguousarray(decay[:, 0]), gain=np.ascontiguousarray(gain),
        # the intercepts' priors are all but flat: the data always determine them
        hrv_mean=np.array([ln_base, acute_m, mal_h, fat_m]),
        hrv_precision=np.array([1e-6, 1.0 / acute_sd**2, 1.0 / (spread * mal_h) ** 2,
                                1.0 / fat_sd**2]),
        rhr_mean=np.array([0.0, mal_r]),
        rhr_precision=np.array([1e-6, 1.0 / (spread * mal_r) ** 2]),
        kappa=pop.rhr_per_fatigue)


@dataclass(frozen=True)
class FitInputs:
    """What the kernels read, per row of a ``History`` (see ``calibration/kernels.py``)."""

    y_h: np.ndarray  # ln RMSSD less known shifts (0 where unused)
    y_r: np.ndarray  # RHR less the acute rise and known shifts (0 where unused)
    maladaptation: np.ndarray  # the replayed maladaptation's effect size m(M) each morning
    use_h: np.ndarray  # bool: mornings in the HRV fit
    use_r: np.ndarray  # bool: mornings in the RHR fit
    normal: np.ndarray  # bool: mornings not found ill or outlying
    context: Replay  # the acute terms, ATL/CTL and unrecovered factors of every day
    w0: np.ndarray  # (N,) habitual load before the record (TSS/day)
    sig_h: np.ndarray  # (N,) SD of ln RMSSD the fit weighs mornings by (stress removed)
    sig_r: np.ndarray  # (N,) the same of resting HR, bpm
    noise_h: np.ndarray  # (N,) day-to-day SD of ln RMSSD (``hrv_noise_log``)
    noise_r: np.ndarray  # (N,) day-to-day SD of resting HR (``rhr_noise_bpm``)
    inflation: np.ndarray  # (N, 2) variance inflation of the HRV and RHR lines (≥ 1)
    stress: np.ndarray  # (rows, 2) life stress (slow, fast components) sleep shows
    stress_shift: np.ndarray  # (rows, 2) life stress removed from ln RMSSD and RHR

    @property
    def weights_sd(self) -> tuple[np.ndarray, np.ndarray]:
        """The SDs the lines weigh mornings by: the noise left, widened for its persistence
        (``inflation.py``)."""
        return (self.sig_h * np.sqrt(self.inflation[:, 0]),
                self.sig_r * np.sqrt(self.inflation[:, 1]))


@dataclass(frozen=True)
class GridPosterior:
    estimate: np.ndarray  # (N, 2) exp(posterior mean of ln value), GRID_KEYS order
    sd_log: np.ndarray  # (N, 2) posterior SD of ln value
    low: np.ndarray  # (N, 2) 5 % quantile
    high: np.ndarray  # (N, 2) 95 % quantile


def _sums(history: History, inputs: FitInputs, rows: slice, rho0: np.ndarray,
          decay: np.ndarray, gain: np.ndarray, wstar: np.ndarray, typical: AthleteParams
          ) -> tuple[np.ndarray, ...]:
    """``kernels.response_sums`` for the athletes ``rows`` (candidates per athlete), with
    the regressors (1, A, m) of the HRV line and (1, m) of the RHR line."""
    c = inputs.context
    ones = np.ones(len(history.load))
    x_h = np.stack([ones, c.acute_hrv, inputs.maladaptation], axis=1)
    x_r = np.stack([ones, inputs.maladaptation], axis=1)
    floats = [plain(x) for x in (history.load, c.atl, c.ctl, c.fatigued)]
    return CK.response_sums(
        plain(history.start[rows], np.int64), plain(history.length[rows], np.int64),
        floats[0], plain(history.action, np.int64), *floats[1:], plain(x_h),
        plain(inputs.y_h), plain(x_r), plain(inputs.y_r), plain(inputs.use_h, np.bool_),
        plain(inputs.use_r, np.bool_), plain(rho0), plain(decay), plain(gain), plain(wstar),
        typical.pop.packed)


def plain(x: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """``x`` as a C-contiguous, writable array of ``dtype``: the one argument type each
    kernel is compiled for (a column view or a read-only array would compile it again)."""
    return np.require(x, dtype=dtype, requirements=["C", "W"])


def grid_posterior(history: History, inputs: FitInputs, spec: GridSpec, typical: AthleteParams
                   ) -> GridPosterior:
    """Posterior summaries of (τ_F, w*) for every athlete (``typical``: the prior's typical
    athlete, for the model's derivations)."""
    wstar = spec.values[1]
    logs = [np.log(v) for v in spec.values]
    parts = []
    for lo in range(0, history.n, CHUNK):
        rows = slice(lo, min(lo + CHUNK, history.n))
        k = rows.stop - rows.start
        gram_h, gram_r, cross_h, cross_r = _sums(
            history, inputs, rows, initial_ratio(typical, inputs.w0[rows], wstar[None, :]),
            np.broadcast_to(spec.decay, (k, *spec.decay.shape)),
            np.broadcast_to(spec.gain, (k, *spec.gain.shape)),
            np.broadcast_to(wstar, (k, *wstar.shape)), typical)
        sd_h, sd_r = (sd[rows] for sd in inputs.weights_sd)
        lp = (L.hrv_line(gram_h, cross_h, sd_h, spec.hrv_mean, spec.hrv_precision).log_evidence
              + L.rhr_line(gram_r, cross_r, sd_r, spec.rhr_mean, spec.rhr_precision,
                           spec.kappa).log_evidence + spec.log_prior)
        lp -= lp.max(axis=(1, 2), keepdims=True)
        w = np.exp(lp)
        w /= w.sum(axis=(1, 2), keepdims=True)
        marginals = (w.sum(axis=2), w.sum(axis=1))
        parts.append([_summarise(p, g) for p, g in zip(marginals, logs, strict=True)])
    n_keys = len(GRID_KEYS)
    out = [np.concatenate([np.stack([c[i][f] for i in range(n_keys)], axis=1) for c in parts])
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
    hrv: np.ndarray  # (N, 3) posterior mean of (ln b_hrv, s_acute, σ_F)
    hrv_sd: np.ndarray  # (N, 3) posterior SD
    rhr_baseline: np.ndarray  # (N,) bpm
    maladaptation_shift: np.ndarray  # (N, 2) β_h, β_r: the readings' shift per unit m(M)
    used: np.ndarray  # (N, 2) mornings in the HRV and RHR fits


def linear_fit(history: History, inputs: FitInputs, spec: GridSpec, typical: AthleteParams,
               point: np.ndarray) -> LinearFit:
    """The HRV and RHR lines at one (τ_F, w*) per athlete (``point`` (N, 2))."""
    tau, wstar = point[:, 0], point[:, 1]
    decay, gain = fatigue_constants(typical, tau, wstar)
    rho0 = initial_ratio(typical, inputs.w0, wstar[:, None])
    gram_h, gram_r, cross_h, cross_r = _sums(history, inputs, slice(0, history.n), rho0,
                                             decay[:, None], gain[:, None, None],
                                             wstar[:, None], typical)
    sd_h, sd_r = inputs.weights_sd
    hrv = L.hrv_line(gram_h, cross_h, sd_h, spec.hrv_mean, spec.hrv_precision)
    rhr = L.rhr_line(gram_r, cross_r, sd_r, spec.rhr_mean, spec.rhr_precision, spec.kappa)
    keep = [0, 1, 3]  # (c, s, σ_F) of (c, s, β_h, σ_F)
    return LinearFit(hrv=hrv.mean[:, 0, 0, keep], hrv_sd=hrv.sd[:, 0, 0, keep],
                     rhr_baseline=rhr.mean[:, 0, 0, 0],
                     maladaptation_shift=np.stack([hrv.mean[:, 0, 0, 2], rhr.mean[:, 0, 0, 1]],
                                                  axis=1),
                     used=np.stack([gram_h[:, 0, 0], gram_r[:, 0, 0]], axis=1))
