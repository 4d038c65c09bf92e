"""What the (τ_F, w*) posterior of personal calibration scores, and the lines at a point.

For each candidate the fatigue ratio ρ is replayed from the recorded loads
(``calibration/kernels.py``) and the linear coefficients are integrated out in closed form
(``lines.py``); ``posterior.py`` places the candidates. The constants of the fatigue
recursion at a candidate (its decay and the gain k_F/F*) and the ratio on the first
morning come from the model's own parameter derivations (``AthleteParams.fatigue_decay``,
``.fatigue_gain``, ``.fatigue_at_optimum``; ``dynamics.initial``), so the calibration
follows any change to them. ``grid_spec`` reads the priors the fit uses from the prior.
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
    typical_value,
)

GRID_KEYS = ("tau_fatigue_days", "optimal_load")
GRID_SIZES = (8, 16)  # τ_F, w* points of each stage (``posterior.py``)
CHUNK = 512  # athletes per kernel call: bounds the statistics' memory (~13 kB each)
MALADAPTATION_SPREAD = 0.5  # prior SD of the lines' maladaptation coefficients, relative
# The lines' noise variance × this: the fit approximates what stress does to fatigue, the
# maladaptation of prior-median parameters and undetected illness, and the errors that
# leave are shared across weeks. Measured on simulated athletes (docs/calibration.md): with
# those mechanisms switched off the posterior is calibrated as it is (SD of the w* z-score
# 1.05); with them, 1.36–1.39 (600 athletes, seeds 1–2): 1.8 ≈ 1.34².
MISSPECIFICATION = 1.8


@dataclass(frozen=True)
class GridSpec:
    values: tuple[np.ndarray, ...]  # per key in GRID_KEYS: the first stage's grid, ascending
    priors: tuple[dict, ...]  # per key: its prior distribution (``prior.yaml`` entry)
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
    values = []
    for key, size in zip(GRID_KEYS, GRID_SIZES, strict=True):
        spec = prior.athlete[key]
        mid = typical_value(spec)
        lo, hi = spec.get("min", mid / 4.0), spec.get("max", mid * 4.0)
        values.append(np.exp(np.linspace(np.log(lo), np.log(hi), size)) if hi > lo
                      else np.array([mid]))
    acute_m, acute_sd = gaussian_approximation(prior.athlete["hrv_acute_sensitivity"])
    fat_m, fat_sd = gaussian_approximation(prior.athlete["hrv_fatigue_sensitivity"])
    ln_base = np.log(typical_value(prior.athlete["hrv_baseline_ms"]))
    pop = prior.population
    # how strongly this athlete's readings show the replayed maladaptation: around the
    # population's shifts, within MALADAPTATION_SPREAD of them
    mal_h, mal_r = pop.hrv_per_maladaptation, pop.rhr_per_maladaptation
    spread = MALADAPTATION_SPREAD
    return GridSpec(
        values=tuple(values), priors=tuple(prior.athlete[k] for k in GRID_KEYS),
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
        (``inflation.py``) and for what the fit's model leaves out (``MISSPECIFICATION``)."""
        widen = np.sqrt(self.inflation * MISSPECIFICATION)
        return self.sig_h * widen[:, 0], self.sig_r * widen[:, 1]


def response_sums(history: History, inputs: FitInputs, rows: slice, rho0: np.ndarray,
          decay: np.ndarray, gain: np.ndarray, wstar: np.ndarray, typical: AthleteParams
          ) -> tuple[np.ndarray, ...]:
    """``kernels.response_sums`` for the athletes ``rows`` and their candidates (``rho0``
    (k, nw), ``decay`` (k, nτ), ``gain`` (k, nτ, nw), ``wstar`` (k, nw)), with the
    regressors (1, A, m) of the HRV line and (1, m) of the RHR line."""
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
    gram_h, gram_r, cross_h, cross_r = response_sums(history, inputs, slice(0, history.n), rho0,
                                             decay[:, None], gain[:, None, None],
                                             wstar[:, None], typical)
    sd_h, sd_r = inputs.weights_sd
    hrv = L.hrv_line(gram_h, cross_h, sd_h, spec.hrv_mean, spec.hrv_precision, sds=True)
    rhr = L.rhr_line(gram_r, cross_r, sd_r, spec.rhr_mean, spec.rhr_precision, spec.kappa)
    keep = [0, 1, 3]  # (c, s, σ_F) of (c, s, β_h, σ_F)
    return LinearFit(hrv=hrv.mean[:, 0, 0, keep], hrv_sd=hrv.sd[:, 0, 0, keep],
                     rhr_baseline=rhr.mean[:, 0, 0, 0],
                     maladaptation_shift=np.stack([hrv.mean[:, 0, 0, 2], rhr.mean[:, 0, 0, 1]],
                                                  axis=1),
                     used=np.stack([gram_h[:, 0, 0], gram_r[:, 0, 0]], axis=1))
