"""Personal calibration: an athlete's model parameters and hidden state from their history.

Wearables carry no performance tests, only the body's response to training. In the
athlete model (``sim/observe_kernels.latent_row``) HRV and resting HR show the acute
after-effects of recent sessions (their own, known recovery times), the fatigue ratio
ρ = F/F*, maladaptation and illness, plus a persistent life stress. ρ follows from the
recorded loads through the model's fatigue recursion, which depends on ``tau_fatigue_days``
τ_F and ``optimal_load`` w* (and the population's superlinearity constants); resting HR
responds to ρ with a population slope (``rhr_per_fatigue``), which fixes ρ's scale and so
w*. From one athlete's canonical daily table (before imputation) this module estimates

* **by a grid posterior** (``grid.py``; prior × likelihood of the HRV and RHR series):
  τ_F and w*, each with a posterior SD and a 90 % interval;
* **in closed form at that point**: ``hrv_fatigue_sensitivity`` σ_F,
  ``hrv_acute_sensitivity`` s, ``hrv_baseline_ms`` and ``rhr_baseline_bpm`` (the *rested*
  baselines, at ρ = 0 with no acute effect), with conditional posterior SDs; the noise SDs
  ``hrv_noise_log`` and ``rhr_noise_bpm`` from the residuals;
* **from the data directly** (``direct.py``): sleep and efficiency baselines and SDs,
  ``session_scale`` (recorded session loads), ``habitual_load_ratio`` (the early mean load
  over w*) and ``life_load`` (rest-day strain);

and takes every other parameter from the prior's median (``FROM_PRIOR``), because no
wearable series identifies it:

* the fitness side — ``tau_base_days``, ``tau_fast_days``, ``fast_share``,
  ``base_gain_at_optimum``, ``tau_intensity_days``, ``intensity_capacity``,
  ``intensity_half_dose``, ``strength_economy`` — and ``fatigue_share_at_optimum`` f shape
  only performance, which nothing here measures (f cancels from ρ: the recursion's gain is
  F*/(w*·…), so ρ does not depend on it); ``stress_sensitivity`` and
  ``maladaptation_block`` act on the efficacy of adaptation, again only performance;
* the overreaching thresholds, rate, time constant and cost act only once an athlete
  overreaches, and their signature in HRV and RHR is confounded with illness and stress;
* illness and injury rates, lengths and the protection of strength need years of rare
  events per parameter.

Two passes: the first with noise SDs from day-to-day differences; the second with the
residual SDs of the first, their persistence allowed for (``inflation.py``), without the
mornings found ill or outlying (``illness.py``), on the replay of the first's parameters (a
third pass changes the measured accuracy by at most a point). Life stress, as sleep shows
it, is removed from HRV and resting HR in both (``stress.py``); the replayed maladaptation
is a regressor. The state on the last morning is the replay of the recorded loads with the
final parameters (``replay.py``) and the life stress every reading shows; recent residuals
give independent evidence of maladaptation. With fewer than ``MIN_DAYS`` mornings holding
both HRV and RHR an athlete keeps the prior's median dynamics and data-mean baselines
(``calibrated`` False).
Accuracy and limits: ``docs/calibration.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.calibration import direct, illness, stress
from periodization.calibration.grid import (
    GRID_KEYS,
    FitInputs,
    GridSpec,
    LinearFit,
    grid_spec,
    linear_fit,
)
from periodization.calibration.history import History, build_history, successive_difference_sd
from periodization.calibration.inflation import variance_inflation
from periodization.calibration.posterior import grid_posterior
from periodization.calibration.replay import Replay, replay
from periodization.sim.params import ATHLETE_KEYS, AthleteParams
from periodization.sim.prior import Prior, load_prior
from periodization.sim.state import AthleteState

PASSES = 2  # fits; the second without the unusual mornings the first found
MIN_DAYS = 14  # mornings with HRV and RHR below which the prior's dynamics are kept
SKIP_DAYS = 7  # first mornings left out: the replay starts from an assumed steady state
HABIT_DAYS = 28  # the early mean load taken as the habitual load before the record
OUTLIER_Z = 4.0
ILL_PROBABILITY = 0.3  # P(ill) above which a morning is left out

LINEAR_KEYS = ("hrv_baseline_ms", "hrv_acute_sensitivity", "hrv_fatigue_sensitivity")
SLEEP_KEYS = ("sleep_baseline_hours", "sleep_noise_hours", "sleep_efficiency_baseline",
              "sleep_efficiency_noise")
ESTIMATED = (*GRID_KEYS, *LINEAR_KEYS, "hrv_noise_log", "rhr_baseline_bpm", "rhr_noise_bpm",
             *SLEEP_KEYS, "session_scale", "habitual_load_ratio", "life_load")
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
    left_out: np.ndarray  # (rows,) bool: mornings found ill or outlying, not fitted
    replay: Replay

    @property
    def athlete_ids(self) -> list[str]:
        return self.history.athlete_ids


def calibrate(table: pd.DataFrame, *, prior: Prior | None = None) -> Calibration:
    """Calibrate every athlete of ``table`` (canonical columns, complete calendars sorted
    by athlete and date, missing readings NaN; see the module docstring)."""
    prior = prior or load_prior()
    typical = prior.typical(1)
    hist = build_history(table, direct.reference_session_loads(typical), prior.population)
    spec = grid_spec(prior)
    late = hist.day_index >= SKIP_DAYS
    has_h, has_r = np.isfinite(hist.ln_hrv), np.isfinite(hist.rhr)
    calibrated = hist.per_athlete(np.where(has_h & has_r, 1.0, np.nan), "count") >= MIN_DAYS
    w0 = np.maximum(hist.first_days_mean_load(HABIT_DAYS), 1.0)
    start = _starting_params(hist, prior, w0)
    use_h, use_r = late & has_h, late & has_r
    rows = len(hist.load)
    seen = stress.sleep_stress(hist, np.zeros(rows), np.ones(rows, dtype=bool), prior.population)
    inputs = _responses(
        hist, replay(start, hist, stress=seen), prior, use_h=use_h, use_r=use_r,
        normal=has_h | has_r, w0=w0, residuals=np.stack([hist.ln_hrv, hist.rhr], axis=1),
        noise=np.stack([successive_difference_sd(hist.ln_hrv, hist),
                        successive_difference_sd(hist.rhr, hist)], axis=1),
        typical=start, first=True)
    fit = _fit(hist, inputs, spec, prior, calibrated)
    for _ in range(PASSES - 1):
        rep = fit.params_replay
        resid = np.stack([hist.ln_hrv, hist.rhr], axis=1) - fit.expected
        clean = resid - inputs.stress_shift
        normal = ~_unusual_mornings(hist, clean[:, 0], clean[:, 1], inputs.sig_h, inputs.sig_r,
                                    start)
        used = np.stack([use_h & normal, use_r & normal], axis=1)
        noise = np.stack([hist.per_athlete(np.where(used[:, c], resid[:, c], np.nan), "sd")
                          for c in range(2)], axis=1)
        inputs = _responses(hist, rep, prior, use_h=used[:, 0], use_r=used[:, 1],
                            normal=normal, w0=w0, residuals=resid, noise=noise, typical=start,
                            previous=inputs)
        fit = _fit(hist, inputs, spec, prior, calibrated)
    return _finish(hist, fit, prior, calibrated, inputs)


def _responses(hist: History, rep: Replay, prior: Prior, *, use_h: np.ndarray,
               use_r: np.ndarray, normal: np.ndarray, w0: np.ndarray, residuals: np.ndarray,
               noise: np.ndarray, typical: AthleteParams, first: bool = False,
               previous: FitInputs | None = None) -> FitInputs:
    """The fit's responses: ln RMSSD and resting HR less what the replay ``rep`` already
    explains (the acute RHR rise; the replayed maladaptation is a regressor) and less the life
    stress that sleep shows (``stress.py``). ``residuals`` (rows, 2) of ln RMSSD and RHR
    against the model (the readings themselves in the ``first`` pass, whose SDs are then
    taken from day-to-day differences) give the readings' noise SDs ``noise`` (N, 2) —
    the parameters, which set the stress's share — and, with the stress removed, the SDs
    the fit weighs the mornings by."""
    pop = prior.population
    me = pop.effective_maladaptation(rep.maladaptation)
    fallback = (previous.noise_h, previous.noise_r) if previous else (
        typical.hrv_noise_log, typical.rhr_noise_bpm)
    noise_h = direct.floor_sd(noise[:, 0], fallback[0], "hrv")
    noise_r = direct.floor_sd(noise[:, 1], fallback[1], "rhr")
    components = stress.sleep_stress(hist, pop.sleep_hours_per_maladaptation * me, normal, pop)
    z = stress.mixed(components, pop)
    idx = hist.athlete_index
    share = pop.life_stress_share
    shift = np.stack([-share * noise_h[idx] * z, share * noise_r[idx] * z], axis=1)
    clean = residuals - shift
    if first:
        sig = [successive_difference_sd(clean[:, c], hist) for c in range(2)]
        inflation = np.ones((hist.n, 2))
    else:
        sig = [hist.per_athlete(np.where(u, clean[:, c], np.nan), "sd")
               for c, u in enumerate((use_h, use_r))]
        inflation = np.stack([variance_inflation(hist, clean[:, c], rep.fatigue_ratio, u)
                              for c, u in enumerate((use_h, use_r))], axis=1)
    return FitInputs(
        y_h=np.nan_to_num(hist.ln_hrv - shift[:, 0]),
        y_r=np.nan_to_num(hist.rhr - rep.acute_rhr - shift[:, 1]), maladaptation=me,
        use_h=use_h, use_r=use_r, normal=normal, context=rep, w0=w0,
        sig_h=direct.floor_sd(sig[0], noise_h, "hrv"),
        sig_r=direct.floor_sd(sig[1], noise_r, "rhr"),
        noise_h=noise_h, noise_r=noise_r, inflation=inflation, stress=components,
        stress_shift=shift)


def _starting_params(hist: History, prior: Prior, w0: np.ndarray) -> AthleteParams:
    """The prior's typical athlete with the athlete's own session loads and habitual load:
    the first replay, which gives the fit its acute terms and ATL/CTL (they do not depend on
    τ_F or w*)."""
    typical = prior.typical(hist.n)
    return dataclasses.replace(
        typical, session_scale=direct.session_scale(hist, typical, typical.optimal_load),
        habitual_load_ratio=w0 / typical.optimal_load)


@dataclass(frozen=True)
class _Fit:
    values: dict[str, np.ndarray]
    se: dict[str, np.ndarray]
    interval: dict[str, tuple[np.ndarray, np.ndarray]]
    used: np.ndarray
    params_replay: Replay
    params: AthleteParams
    expected: np.ndarray  # (rows, 2) the lines' ln RMSSD and RHR each morning, stress aside


def _fit(hist: History, inputs: FitInputs, spec: GridSpec, prior: Prior,
         calibrated: np.ndarray) -> _Fit:
    one = prior.typical(1)
    post = grid_posterior(hist, inputs, spec, one)
    lin = linear_fit(hist, inputs, spec, one, post.estimate)
    values = {k: post.estimate[:, i] for i, k in enumerate(GRID_KEYS)}
    se = {k: post.estimate[:, i] * post.sd_log[:, i] for i, k in enumerate(GRID_KEYS)}
    interval = {k: (post.low[:, i], post.high[:, i]) for i, k in enumerate(GRID_KEYS)}
    acute = prior.athlete["hrv_acute_sensitivity"]
    values.update(hrv_baseline_ms=np.exp(lin.hrv[:, 0]),
                  # positive, as the model needs (acute fatigue is read relative to it)
                  hrv_acute_sensitivity=np.clip(lin.hrv[:, 1], acute.get("min", 0.05),
                                                acute.get("max", np.inf)),
                  hrv_fatigue_sensitivity=lin.hrv[:, 2], rhr_baseline_bpm=lin.rhr_baseline,
                  hrv_noise_log=inputs.noise_h, rhr_noise_bpm=inputs.noise_r)
    se.update(hrv_baseline_ms=values["hrv_baseline_ms"] * lin.hrv_sd[:, 0],
              hrv_acute_sensitivity=lin.hrv_sd[:, 1], hrv_fatigue_sensitivity=lin.hrv_sd[:, 2],
              rhr_baseline_bpm=inputs.sig_r / np.sqrt(np.maximum(lin.used[:, 1], 1.0)))
    wstar, sd_logw = values["optimal_load"], post.sd_log[:, GRID_KEYS.index("optimal_load")]
    typical = prior.typical(hist.n)
    values["session_scale"] = direct.session_scale(hist, one, wstar)
    # the session loads are the recorded ones whatever w* is: the scale moves against it
    se["session_scale"] = values["session_scale"] * sd_logw * np.abs(np.log(
        direct.capacity(one, wstar * 1.01) / direct.capacity(one, wstar)) / np.log(1.01))
    values["habitual_load_ratio"] = inputs.w0 / wstar
    se["habitual_load_ratio"] = values["habitual_load_ratio"] * sd_logw
    values["life_load"] = direct.life_load(hist, one)
    _keep_prior_where(values, ~calibrated, hist, typical, inputs.w0)
    params = _params(values, typical)
    rep = replay(params, hist, stress=inputs.stress)
    return _Fit(values=values, se=se, interval=interval, used=lin.used, params_replay=rep,
                params=params, expected=_expected(hist, rep, params, lin, prior))


def _expected(hist: History, rep: Replay, params: AthleteParams, lin: LinearFit, prior: Prior
              ) -> np.ndarray:
    """(rows, 2) ln RMSSD and RHR the fitted lines expect on each morning (``kernels.py``'s
    observation model at the estimate, on the replay with the estimated parameters)."""
    me = prior.population.effective_maladaptation(rep.maladaptation)
    idx = hist.athlete_index
    p, shift = params, lin.maladaptation_shift[idx]
    ln_hrv = (np.log(p.hrv_baseline_ms[idx]) + p.hrv_acute_sensitivity[idx] * rep.acute_hrv
              + shift[:, 0] * me + p.hrv_fatigue_sensitivity[idx] * rep.fatigue_ratio)
    rhr = (p.rhr_baseline_bpm[idx] + rep.acute_rhr + shift[:, 1] * me
           + prior.population.rhr_per_fatigue * rep.fatigue_ratio)
    return np.stack([ln_hrv, rhr], axis=1)


def _finish(hist: History, fit: _Fit, prior: Prior, calibrated: np.ndarray,
            inputs: FitInputs) -> Calibration:
    pop = prior.population
    rep = fit.params_replay
    typical = prior.typical(hist.n)
    sleep_values, sleep_se = direct.sleep_estimates(hist, rep, prior.typical(1), inputs.normal)
    values = {**fit.values, **sleep_values}
    se = {**fit.se, **sleep_se}
    for key, used in (("hrv_noise_log", fit.used[:, 0]), ("rhr_noise_bpm", fit.used[:, 1])):
        se[key] = values[key] / np.sqrt(2.0 * np.maximum(used, 1.0))
    se["life_load"] = np.full(hist.n, np.nan)
    for key in (*GRID_KEYS, *LINEAR_KEYS):  # too little history: nothing was estimated
        se[key] = np.where(calibrated, se[key], np.nan)
    se["session_scale"] = np.where(calibrated, se["session_scale"], np.nan)
    interval = {k: (np.where(calibrated, lo, np.nan), np.where(calibrated, hi, np.nan))
                for k, (lo, hi) in fit.interval.items()}
    params = _params(values, typical)
    evidence = direct.maladaptation_evidence(hist, fit.expected, params, inputs.stress_shift,
                                             inputs.normal)
    flagged = (evidence[:, 0] > pop.overreached_threshold) & (evidence[:, 0] > 2 * evidence[:, 1])
    added = np.where(flagged, evidence[:, 0], 0.0)
    state = _todays_stress(hist, rep, fit.expected, params, inputs.normal, added)
    state = dataclasses.replace(state, maladaptation=state.maladaptation + added)
    return Calibration(history=hist, params=params, state=state, se=se,
                       interval=interval, used=fit.used, calibrated=calibrated,
                       maladaptation_evidence=evidence, left_out=~inputs.normal, replay=rep)


def _todays_stress(hist: History, rep: Replay, expected: np.ndarray, params: AthleteParams,
                   normal: np.ndarray, added: np.ndarray) -> AthleteState:
    """The replay's last morning with the life stress every reading shows (HRV and resting
    HR against the fitted lines ``expected``, sleep against the model, less the
    maladaptation ``added`` (N,) to it)."""
    pop = params.pop
    me = pop.effective_maladaptation(added)[hist.athlete_index]
    resid = np.stack([hist.ln_hrv - expected[:, 0] - pop.hrv_per_maladaptation * me,
                      hist.rhr - expected[:, 1] - pop.rhr_per_maladaptation * me,
                      hist.sleep - rep.latent[:, 2] - pop.sleep_hours_per_maladaptation * me],
                     axis=1)
    sd = np.stack([params.hrv_noise_log, params.rhr_noise_bpm, params.sleep_noise_hours], axis=1)
    smoothed = stress.all_readings(hist, resid, sd, np.repeat(normal[:, None], 3, axis=1), pop)
    last = hist.start + hist.length - 1
    return dataclasses.replace(rep.state, stress_slow=smoothed[last, 0],
                               stress_fast=smoothed[last, 1])


def _unusual_mornings(hist: History, resid_h: np.ndarray, resid_r: np.ndarray,
                      sig_h: np.ndarray, sig_r: np.ndarray, typical: AthleteParams
                      ) -> np.ndarray:
    """(rows,) bool: mornings that were probably ill (P > ``ILL_PROBABILITY`` from the
    residuals of ln RMSSD, resting HR and sleep efficiency, ``illness.py``) or are outliers
    (|z| > ``OUTLIER_Z``)."""
    eff = hist.efficiency - hist.per_athlete(hist.efficiency)[hist.athlete_index]
    sd_eff = direct.floor_sd(hist.per_athlete(eff, "sd"), typical.sleep_efficiency_noise,
                             "efficiency")
    resid = np.stack([resid_h, resid_r, eff], axis=1)
    sd = np.stack([sig_h, sig_r, sd_eff], axis=1)
    ill = illness.ill_probability(hist, resid, sd, typical) > ILL_PROBABILITY
    idx = hist.athlete_index
    outlier = (np.abs(np.nan_to_num(resid_h) / sig_h[idx]) > OUTLIER_Z) | (
        np.abs(np.nan_to_num(resid_r) / sig_r[idx]) > OUTLIER_Z)
    return ill | outlier


def _params(values: dict[str, np.ndarray], typical: AthleteParams) -> AthleteParams:
    fields = {k: np.asarray(values[k], dtype=np.float64) if k in values
              else getattr(typical, k) for k in ATHLETE_KEYS}
    return AthleteParams(**fields, pop=typical.pop)


def _keep_prior_where(values: dict[str, np.ndarray], keep: np.ndarray, hist: History,
                      typical: AthleteParams, w0: np.ndarray) -> None:
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
    values["habitual_load_ratio"] = np.where(keep, w0 / typical.optimal_load,
                                             values["habitual_load_ratio"])
    values["session_scale"] = np.where(
        keep, direct.session_scale(hist, typical, typical.optimal_load), values["session_scale"])
