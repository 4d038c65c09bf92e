"""Personal calibration: an athlete's model parameters and hidden state from their history.

Wearables carry no performance tests, only the body's response to training: HRV and
resting HR react to the fatigue ratio ρ = h/h* (which the recorded loads drive through τ2,
τ3 and the optimal load w*) and to each session's acute effect. So from one athlete's
canonical daily table (before imputation) this module estimates

* **by a grid posterior** (``calibrate_grid``; prior × likelihood of the HRV and RHR series
  replayed through the model): ``tau_fatigue_days`` τ2, ``tau_gain_days`` τ3 and
  ``optimal_load`` w* (RHR responds to ρ with a population slope, which fixes the scale of
  ρ and so w*), each with a posterior SD and a 90 % interval;
* **in closed form at that point**: ``hrv_fatigue_sensitivity`` σ_ρ,
  ``hrv_acute_sensitivity``, ``hrv_baseline_ms`` and ``rhr_baseline_bpm`` (the *rested*
  baselines, at ρ = 0), with conditional posterior SDs; the noise SDs ``hrv_noise_log``
  and ``rhr_noise_bpm`` from the residuals;
* **from the data directly**: sleep and efficiency baselines and SDs (corrected for the
  replayed maladaptation), ``session_scale`` (the athlete's recorded loads against the
  nominal session loads), ``habitual_load_ratio`` and ``life_load`` (from rest-day strain);

and takes every other parameter from the prior's median (``FROM_PRIOR``): τ1 and G shape
only performance, which no wearable measures (G cancels from ρ); the overreaching
threshold, rate and time constant act only when an athlete overreaches and their effect is
confounded with illness; illness rates, lengths and durability need years of rare events.

Two passes: the first with noise SDs from day-to-day differences; the second with the
residual SDs of the first, without outlying mornings (|z| > 3.5: illness, a bad night)
and with the replayed maladaptation's effect removed. The state on the last morning is the
replay of the recorded loads with the final parameters (``replay.py``); recent residuals
give independent evidence of maladaptation. With fewer than ``MIN_DAYS`` mornings holding
both HRV and RHR an athlete keeps the prior's median dynamics and data-mean baselines
(``calibrated`` False). Limits: ``docs/calibration.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.calibration import kernels as CK
from periodization.calibration.grid import (
    GRID_KEYS,
    FitInputs,
    grid_posterior,
    grid_spec,
    linear_fit,
)
from periodization.calibration.history import History, build_history, successive_difference_sd
from periodization.calibration.replay import Replay, replay
from periodization.sim.params import ATHLETE_KEYS, AthleteParams
from periodization.sim.prior import Prior, load_prior
from periodization.sim.state import AthleteState

PASSES = 3  # fits; each later one without the unusual mornings the previous one found
MIN_DAYS = 14  # mornings with HRV and RHR below which the prior's dynamics are kept
SKIP_DAYS = 7  # first mornings left out: the replay starts from an assumed steady state
HABIT_DAYS = 28  # the early mean load taken as the habitual load before the record
OUTLIER_Z = 4.0
ILL_LLR = 1.8  # log likelihood ratio ill/healthy above which a morning is left out (~P 0.2)
RECENT_DAYS = 14  # window of the maladaptation evidence
MIN_SD = {"hrv": 0.02, "rhr": 0.5, "sleep": 0.1, "efficiency": 0.5}

LINEAR_KEYS = ("hrv_baseline_ms", "hrv_acute_sensitivity", "hrv_fatigue_sensitivity")
ESTIMATED = (*GRID_KEYS, *LINEAR_KEYS, "hrv_noise_log", "rhr_baseline_bpm", "rhr_noise_bpm",
             "sleep_baseline_hours", "sleep_noise_hours", "sleep_efficiency_baseline",
             "sleep_efficiency_noise", "session_scale", "habitual_load_ratio", "life_load")
FROM_PRIOR = tuple(k for k in ATHLETE_KEYS if k not in ESTIMATED)


@dataclass(frozen=True)
class Calibration:
    """N athletes' calibrated parameters, state on their last morning, and uncertainty."""

    history: History
    params: AthleteParams  # (N,) estimates + prior medians for FROM_PRIOR
    state: AthleteState  # (N,) the morning of each athlete's last recorded day
    se: dict[str, np.ndarray]  # standard error per ESTIMATED key (NaN: none given)
    interval: dict[str, tuple[np.ndarray, np.ndarray]]  # 90 % intervals of GRID_KEYS
    used: np.ndarray  # (N, 2) mornings in the HRV and RHR fits
    calibrated: np.ndarray  # (N,) bool
    maladaptation_evidence: np.ndarray  # (N, 2) estimate and SE from recent residuals
    replay: Replay

    @property
    def athlete_ids(self) -> list[str]:
        return self.history.athlete_ids


def calibrate(table: pd.DataFrame, *, prior: Prior | None = None) -> Calibration:
    """Calibrate every athlete of ``table`` (canonical columns, complete calendars sorted
    by athlete and date, missing readings NaN; see the module docstring)."""
    prior = prior or load_prior()
    pop = prior.population
    typical = prior.typical(1)
    hist = build_history(table, pop.session_load)
    q = pop.packed
    spec = grid_spec(prior)
    acute = CK.acute_series(hist.start, hist.length, hist.action, q)
    late = hist.day_index >= SKIP_DAYS
    has_h, has_r = np.isfinite(hist.ln_hrv), np.isfinite(hist.rhr)
    calibrated = hist.per_athlete(np.where(has_h & has_r, 1.0, np.nan), "count") >= MIN_DAYS
    sig_h = _floor(successive_difference_sd(hist.ln_hrv, hist), typical.hrv_noise_log, "hrv")
    sig_r = _floor(successive_difference_sd(hist.rhr, hist), typical.rhr_noise_bpm, "rhr")
    inputs = FitInputs(
        y_h=np.nan_to_num(hist.ln_hrv), y_r=np.nan_to_num(hist.rhr - acute[:, 1]),
        use_h=late & has_h, use_r=late & has_r, acute=acute,
        w0=np.maximum(hist.first_days_mean_load(HABIT_DAYS), 1.0), sig_h=sig_h, sig_r=sig_r)

    use_h, use_r = inputs.use_h, inputs.use_r
    fit = _fit(hist, inputs, spec, q, prior, calibrated)
    for _ in range(PASSES - 1):
        resid_h = hist.ln_hrv - fit.params_replay.latent[:, 0]
        resid_r = hist.rhr - fit.params_replay.latent[:, 1]
        sig_h = _floor(hist.per_athlete(np.where(inputs.use_h, resid_h, np.nan), "sd"), sig_h,
                       "hrv")
        sig_r = _floor(hist.per_athlete(np.where(inputs.use_r, resid_r, np.nan), "sd"), sig_r,
                       "rhr")
        normal = ~_unusual_mornings(hist, resid_h, resid_r, sig_h, sig_r, prior)
        me = pop.effective_maladaptation(fit.params_replay.maladaptation)
        inputs = dataclasses.replace(
            inputs, y_h=np.nan_to_num(hist.ln_hrv - pop.hrv_per_maladaptation * me),
            y_r=np.nan_to_num(hist.rhr - acute[:, 1] - pop.rhr_per_maladaptation * me),
            use_h=use_h & normal, use_r=use_r & normal, sig_h=sig_h, sig_r=sig_r)
        fit = _fit(hist, inputs, spec, q, prior, calibrated)
    return _finish(hist, fit, inputs, prior, calibrated)


@dataclass(frozen=True)
class _Fit:
    values: dict[str, np.ndarray]
    se: dict[str, np.ndarray]
    interval: dict[str, tuple[np.ndarray, np.ndarray]]
    used: np.ndarray
    params_replay: Replay
    params: AthleteParams


def _fit(hist: History, inputs: FitInputs, spec, q: np.ndarray, prior: Prior,
         calibrated: np.ndarray) -> _Fit:
    post = grid_posterior(hist, inputs, spec, q)
    lin = linear_fit(hist, inputs, spec, q, post.estimate)
    values = {k: post.estimate[:, i] for i, k in enumerate(GRID_KEYS)}
    se = {k: post.estimate[:, i] * post.sd_log[:, i] for i, k in enumerate(GRID_KEYS)}
    interval = {k: (post.low[:, i], post.high[:, i]) for i, k in enumerate(GRID_KEYS)}
    values.update(hrv_baseline_ms=np.exp(lin.hrv[:, 0]), hrv_acute_sensitivity=lin.hrv[:, 1],
                  hrv_fatigue_sensitivity=lin.hrv[:, 2], rhr_baseline_bpm=lin.rhr_baseline,
                  hrv_noise_log=inputs.sig_h, rhr_noise_bpm=inputs.sig_r)
    se.update(hrv_baseline_ms=values["hrv_baseline_ms"] * lin.hrv_sd[:, 0],
              hrv_acute_sensitivity=lin.hrv_sd[:, 1], hrv_fatigue_sensitivity=lin.hrv_sd[:, 2],
              rhr_baseline_bpm=inputs.sig_r / np.sqrt(np.maximum(lin.used[:, 1], 1.0)))
    wstar, sd_logw = values["optimal_load"], post.sd_log[:, 2]
    pop = prior.population
    capacity = (wstar / pop.reference_optimal_load) ** pop.capacity_exponent
    typical = prior.typical(hist.n)
    values["session_scale"] = np.clip(
        np.where(np.isfinite(hist.load_ratio), hist.load_ratio / capacity,
                 typical.session_scale), 0.3, 3.0)
    se["session_scale"] = values["session_scale"] * pop.capacity_exponent * sd_logw
    values["habitual_load_ratio"] = inputs.w0 / wstar
    se["habitual_load_ratio"] = values["habitual_load_ratio"] * sd_logw
    values["life_load"] = _life_load(hist, prior, typical.life_load)
    _keep_prior_where(values, ~calibrated, hist, typical)
    params = _params(values, typical)
    return _Fit(values=values, se=se, interval=interval, used=lin.used,
                params_replay=replay(params, hist), params=params)


def _finish(hist: History, fit: _Fit, inputs: FitInputs, prior: Prior,
            calibrated: np.ndarray) -> Calibration:
    pop = prior.population
    rep = fit.params_replay
    me = pop.effective_maladaptation(rep.maladaptation)
    values, se = dict(fit.values), dict(fit.se)
    typical = prior.typical(hist.n)
    for key, obs, shift, floor in (
            ("sleep", hist.sleep, pop.sleep_hours_per_maladaptation, "sleep"),
            ("sleep_efficiency", hist.efficiency, pop.sleep_eff_per_maladaptation,
             "efficiency")):
        clean = obs - shift * me
        count = np.maximum(hist.per_athlete(clean, "count"), 1.0)
        base_key = "sleep_baseline_hours" if key == "sleep" else "sleep_efficiency_baseline"
        noise_key = "sleep_noise_hours" if key == "sleep" else "sleep_efficiency_noise"
        mean, sd = hist.per_athlete(clean, "mean"), hist.per_athlete(clean, "sd")
        enough = count >= 4
        values[base_key] = np.where(enough, mean, getattr(typical, base_key))
        values[noise_key] = np.where(enough, np.maximum(sd, MIN_SD[floor]),
                                     getattr(typical, noise_key))
        se[base_key] = np.where(enough, values[noise_key] / np.sqrt(count), np.nan)
        se[noise_key] = np.where(enough, values[noise_key] / np.sqrt(2.0 * count), np.nan)
    for key, used in (("hrv_noise_log", fit.used[:, 0]), ("rhr_noise_bpm", fit.used[:, 1])):
        se[key] = values[key] / np.sqrt(2.0 * np.maximum(used, 1.0))
    se["life_load"] = np.full(hist.n, np.nan)
    for key in (*GRID_KEYS, *LINEAR_KEYS):  # too little history: nothing was estimated
        se[key] = np.where(calibrated, se[key], np.nan)
    interval = {k: (np.where(calibrated, lo, np.nan), np.where(calibrated, hi, np.nan))
                for k, (lo, hi) in fit.interval.items()}
    params = _params(values, typical)
    evidence = _maladaptation_evidence(hist, rep, params, fit.used)
    state = rep.state
    flagged = (evidence[:, 0] > pop.overreached_threshold) & (evidence[:, 0] > 2 * evidence[:, 1])
    if flagged.any():
        m = np.where(flagged, state.maladaptation + evidence[:, 0], state.maladaptation)
        state = dataclasses.replace(state, maladaptation=m)
    return Calibration(history=hist, params=params, state=state, se=se,
                       interval=interval, used=fit.used, calibrated=calibrated,
                       maladaptation_evidence=evidence, replay=rep)


def _unusual_mornings(hist: History, resid_h: np.ndarray, resid_r: np.ndarray,
                      sig_h: np.ndarray, sig_r: np.ndarray, prior: Prior) -> np.ndarray:
    """(rows,) bool: mornings that look ill (HRV down and RHR up by the model's illness
    shifts: likelihood ratio above ``ILL_LLR``) or are outliers (|z| > ``OUTLIER_Z``).
    Illness is not in the data; left in, its high RHR on rest days would read as RHR
    *falling* with training load and bias w* upward."""
    pop = prior.population
    idx = hist.athlete_index
    zh = np.nan_to_num(resid_h) / sig_h[idx]
    zr = np.nan_to_num(resid_r) / sig_r[idx]
    dh, dr = pop.hrv_when_ill / sig_h[idx], pop.rhr_when_ill / sig_r[idx]
    llr = np.where(np.isfinite(resid_h), zh * dh - 0.5 * dh**2, 0.0) + np.where(
        np.isfinite(resid_r), zr * dr - 0.5 * dr**2, 0.0)
    return (llr > ILL_LLR) | (np.abs(zh) > OUTLIER_Z) | (np.abs(zr) > OUTLIER_Z)


def _params(values: dict[str, np.ndarray], typical: AthleteParams) -> AthleteParams:
    fields = {k: np.asarray(values[k], dtype=np.float64) if k in values
              else getattr(typical, k) for k in ATHLETE_KEYS}
    return AthleteParams(**fields, pop=typical.pop)


def _floor(sd: np.ndarray, fallback: np.ndarray, kind: str) -> np.ndarray:
    return np.maximum(np.where(np.isfinite(sd), sd, fallback), MIN_SD[kind])


def _life_load(hist: History, prior: Prior, fallback: np.ndarray) -> np.ndarray:
    """Non-training load (TSS) implied by rest-day strain (the model's strain inverted)."""
    pop = prior.population
    rest = (hist.load <= 0.0) & np.isfinite(hist.strain)
    implied = pop.strain_offset * np.expm1(hist.strain / pop.strain_scale) - hist.load
    life = pd.Series(np.where(rest, implied, np.nan)).groupby(hist.athlete_index).median()
    life = life.reindex(range(hist.n)).to_numpy()
    return np.clip(np.where(np.isfinite(life), life, fallback), 0.0, 80.0)


def _keep_prior_where(values: dict[str, np.ndarray], keep: np.ndarray, hist: History,
                      typical: AthleteParams) -> None:
    """Too little history: prior dynamics; baselines from whatever the data hold."""
    if not keep.any():
        return
    for key in (*GRID_KEYS, "hrv_acute_sensitivity", "hrv_fatigue_sensitivity"):
        values[key] = np.where(keep, getattr(typical, key), values[key])
    count_h = hist.per_athlete(hist.ln_hrv, "count")
    count_r = hist.per_athlete(hist.rhr, "count")
    hrv = np.where(count_h >= 4, np.exp(hist.per_athlete(hist.ln_hrv)), typical.hrv_baseline_ms)
    rhr = np.where(count_r >= 4, hist.per_athlete(hist.rhr), typical.rhr_baseline_bpm)
    values["hrv_baseline_ms"] = np.where(keep, hrv, values["hrv_baseline_ms"])
    values["rhr_baseline_bpm"] = np.where(keep, rhr, values["rhr_baseline_bpm"])
    values["hrv_noise_log"] = np.where(keep, typical.hrv_noise_log, values["hrv_noise_log"])
    values["rhr_noise_bpm"] = np.where(keep, typical.rhr_noise_bpm, values["rhr_noise_bpm"])
    values["habitual_load_ratio"] = np.where(
        keep, values["habitual_load_ratio"] * values["optimal_load"] / typical.optimal_load,
        values["habitual_load_ratio"])


def _maladaptation_evidence(hist: History, rep: Replay, params: AthleteParams,
                            used: np.ndarray) -> np.ndarray:
    """(N, 2): maladaptation M̂ and its SE from the last ``RECENT_DAYS`` residuals, by
    weighted least squares of HRV ≈ −0.15·M and RHR ≈ +3·M beyond what the replay has."""
    pop = params.pop
    recent = hist.day_index >= (hist.length - RECENT_DAYS)[hist.athlete_index]
    out = np.zeros((hist.n, 2))
    num = np.zeros(hist.n)
    den = np.zeros(hist.n)
    for col, obs, coef, sd in ((0, hist.ln_hrv, pop.hrv_per_maladaptation, params.hrv_noise_log),
                               (1, hist.rhr, pop.rhr_per_maladaptation, params.rhr_noise_bpm)):
        resid = np.where(recent, obs - rep.latent[:, col], np.nan)
        n = hist.per_athlete(resid, "count")
        mean = np.nan_to_num(hist.per_athlete(resid))
        var = sd**2 / np.maximum(n, 1.0)
        ok = n >= 3
        num += np.where(ok, coef * mean / var, 0.0)
        den += np.where(ok, coef**2 / var, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 0] = np.where(den > 0, num / den, 0.0)
        out[:, 1] = np.where(den > 0, 1.0 / np.sqrt(den), np.inf)
    return out
