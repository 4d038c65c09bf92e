"""The daily, stochastic, batched athlete model: ``initial``, ``transition``, ``observe``.

All functions are pure: they take frozen struct-of-arrays values and a ``numpy`` Generator
and return new values. One athlete is a batch of one; 4096 athletes run the same code.

Equations (day n → n+1, realised load w_n of action a_n; symbols as in ``params.py``):

Performance, Busso (2003) variable dose–response with per-action input weights φ_a, ψ_a::

    g_{n+1} = g_n·e^{−1/τ1} + φ_a·w_n                    fitness impulses
    s_{n+1} = s_n·e^{−1/τ3} + w_n                        drives the fatigue gain k2 = k3·s
    h_{n+1} = h_n·e^{−1/τ2} + k3·s_{n+1}·ψ_a·w_n         variable-gain fatigue
    p_n     = p0 + k1·g_n − h_n − c_M·p0·M_n − c_ill·p0·[ill]

The fatigue gain grows with recent load, so steady performance is an inverted U of the daily
load with its top at the athlete's optimal load w* (not Banister's "more is better").

Non-functional overreaching (hidden, PerPot-style overflow): with the fatigue ratio
ρ = h / h* (h* = steady fatigue at w*) and threshold θ::

    M_{n+1} = M_n·e^{−1/τ_M} + k_M·max(0, ρ_{n+1} − θ)  (+ c when training while ill)

Illness/injury: a daily hazard λ = λ0·exp(β_M·M + β_s·max(0, ATL/(CTL+10) − 1.3)
+ β_ρ·max(0, ρ − 1) − β_D·min(D/D_ref, 1.5)); onset with probability 1 − e^{−λ}; an
episode lasts ≥ 2 days (mean ``illness_mean_days``). Strength sessions build durability D.

PMC (GoldenCheetah's exponential form): ATL_{n+1} = ATL_n·λ7 + w_n·(1 − λ7),
λ7 = e^{−1/7}; CTL likewise with 42 days; TSB_n = CTL_n − ATL_n (both after yesterday).

Observables, each against a personal baseline with a shared daily life-stress shock ζ::

    ln RMSSD = ln b_hrv + acute + σ_ρ·ρ + c·M − 0.2·[ill] + σ_h·(ε)
    RHR      = b_rhr + acute + 1.0·ρ + 3·M + 6·[ill] + σ_r·ε
    sleep    = b_sleep − 0.5·M − 0.6·[ill] + σ_s·ε          (h)
    effic.   = b_eff − 2·M − 4·[ill] + σ_e·ε                (%)
    recovery = 100·sigmoid(b + w_h·z_hrv − w_r·z_rhr + w_s·z_sleep)

where each ε mixes ζ with independent noise. Acute effects of a session: ln RMSSD drops by
``hrv_acute_drop[a]`` (HIIT most) and RHR rises by ``rhr_acute_rise[a]`` the next morning,
both fading with τ = 1 day (under 5 % left after 3 days). σ_ρ (``hrv_fatigue_sensitivity``)
is negative for most athletes but positive for some: functional overreaching can raise HRV
(Le Meur et al. 2013), so HRV is informative but not a thermometer.
"""

from __future__ import annotations

import numpy as np

from periodization.athlete.actions import Action
from periodization.athlete.params import AthleteParams
from periodization.athlete.state import AthleteState, Observation

_TRAINING = np.array([False, False, True, True, True, True])  # counts as training while ill


def initial(params: AthleteParams, rng: np.random.Generator, *, day: np.ndarray | None = None
            ) -> AthleteState:
    """Athletes in the steady state of their habitual load (``habitual_load_ratio``·w*).

    ``day`` sets each athlete's calendar day (weekday = day % 7); by default a random
    weekday. The generator is only used for that default.
    """
    n = params.n
    w = params.habitual_load_ratio * params.optimal_load
    a1 = 1.0 / (1.0 - params.fitness_decay)
    a2 = 1.0 / (1.0 - params.fatigue_decay)
    a3 = 1.0 / (1.0 - params.gain_decay)
    if day is None:
        day = rng.integers(0, 7, size=n)
    pop = params.pop
    return AthleteState(
        day=np.asarray(day, dtype=np.int64).copy(),
        fitness=a1 * w,
        gain=a3 * w,
        fatigue=params.k3 * a2 * a3 * w * w,
        maladaptation=np.zeros(n),
        # about one strength session a week in the pre-history
        durability=np.full(n, 0.5 * pop.durability_reference),
        acute_hrv=np.zeros(n),
        acute_rhr=np.zeros(n),
        ill_days=np.zeros(n, dtype=np.int64),
        atl=w.copy(),
        ctl=w.copy(),
        last_load=w.copy(),
        last_action=np.full(n, -1, dtype=np.int64),
    )


def session_load(action: np.ndarray, params: AthleteParams, noise: np.ndarray) -> np.ndarray:
    """Realised load (TSS) of ``action`` given standard-normal compliance ``noise``."""
    nominal = np.take_along_axis(params.session_loads, action[:, None], axis=1)[:, 0]
    return nominal * np.exp(params.pop.compliance_noise * noise)


def transition(state: AthleteState, action: np.ndarray, params: AthleteParams,
               rng: np.random.Generator, *, load: np.ndarray | None = None) -> AthleteState:
    """Apply each athlete's session (int array (N,), ids of ``Action``) and sleep a night.

    ``load`` (TSS, shape (N,)) replaces the session's nominal load, e.g. to replay a real
    athlete's recorded loads; the action still sets the session's kind. Draws 3·N numbers
    from ``rng`` (load noise, illness onset, illness length) either way.
    """
    pop = params.pop
    a = np.asarray(action, dtype=np.int64)
    noise = rng.standard_normal(state.day.shape[0])
    u_onset, u_length = rng.random((2, state.day.shape[0]))

    w = session_load(a, params, noise) if load is None else np.asarray(load, dtype=np.float64)
    gain = state.gain * params.gain_decay + w
    fitness = state.fitness * params.fitness_decay + pop.fitness_weight[a] * w
    fatigue = state.fatigue * params.fatigue_decay + params.k3 * gain * pop.fatigue_weight[a] * w
    atl = state.atl * pop.atl_decay + w * (1.0 - pop.atl_decay)
    ctl = state.ctl * pop.ctl_decay + w * (1.0 - pop.ctl_decay)

    ratio = fatigue / params.fatigue_at_optimum
    ill_now = state.ill_days > 0
    trained_ill = ill_now & _TRAINING[a]
    maladaptation = (
        state.maladaptation * params.maladaptation_decay
        + params.maladaptation_rate * np.maximum(0.0, ratio - params.overload_threshold)
        + pop.maladaptation_if_trained_ill * trained_ill
    )
    durability = state.durability * pop.durability_decay + (a == Action.STRENGTH)

    # Illness: ongoing episodes count down (training while ill prolongs them); healthy
    # athletes fall ill with the day's hazard.
    log_hazard = (
        np.log(params.illness_base_rate)
        + pop.hazard_per_maladaptation * maladaptation
        + pop.hazard_per_spike * np.maximum(0.0, atl / (ctl + 10.0) - pop.spike_ratio)
        + pop.hazard_per_fatigue * np.maximum(0.0, ratio - 1.0)
        - params.durability_protection * np.minimum(durability / pop.durability_reference, 1.5)
    )
    onset = ~ill_now & (u_onset < -np.expm1(-np.exp(log_hazard)))
    length = 1 + np.ceil(-np.log1p(-u_length) * (params.illness_mean_days - 1.5)).astype(np.int64)
    ill_days = np.where(ill_now, state.ill_days - 1 + trained_ill, np.where(onset, length, 0))

    return AthleteState(
        day=state.day + 1,
        fitness=fitness,
        gain=gain,
        fatigue=fatigue,
        maladaptation=maladaptation,
        durability=durability,
        acute_hrv=state.acute_hrv * pop.acute_decay
        - pop.hrv_acute_drop[a] * params.hrv_acute_sensitivity,
        acute_rhr=state.acute_rhr * pop.acute_decay + pop.rhr_acute_rise[a],
        ill_days=ill_days,
        atl=atl,
        ctl=ctl,
        last_load=w,
        last_action=a,
    )


def performance(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """Modelled performance (index points, untrained baseline p0 = 100), shape (N,)."""
    p0 = params.pop.baseline_performance
    return (
        p0
        + params.k1 * state.fitness
        - state.fatigue
        - params.maladaptation_cost * p0 * state.maladaptation
        - params.pop.performance_cost_when_ill * p0 * (state.ill_days > 0)
    )


def fatigue_ratio(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """ρ = h / h*: 1 is the steady fatigue of training at the optimal load."""
    return state.fatigue / params.fatigue_at_optimum


def latent_physiology(state: AthleteState, params: AthleteParams
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Noise-free (ln RMSSD, RHR bpm, sleep h, sleep efficiency %) on the state's morning."""
    pop = params.pop
    ratio = fatigue_ratio(state, params)
    ill = (state.ill_days > 0).astype(np.float64)
    m = state.maladaptation
    ln_hrv = (params.ln_hrv_baseline + state.acute_hrv + params.hrv_fatigue_sensitivity * ratio
              + pop.hrv_per_maladaptation * m + pop.hrv_when_ill * ill)
    rhr = (params.rhr_baseline_bpm + state.acute_rhr + pop.rhr_per_fatigue * ratio
           + pop.rhr_per_maladaptation * m + pop.rhr_when_ill * ill)
    sleep = (params.sleep_baseline_hours + pop.sleep_hours_per_maladaptation * m
             + pop.sleep_hours_when_ill * ill)
    eff = (params.sleep_efficiency_baseline + pop.sleep_eff_per_maladaptation * m
           + pop.sleep_eff_when_ill * ill)
    return ln_hrv, rhr, sleep, eff


def recovery_score(ln_hrv: np.ndarray, rhr: np.ndarray, sleep: np.ndarray,
                   params: AthleteParams) -> np.ndarray:
    """WHOOP-like recovery 0–100 from HRV, RHR and sleep against the personal baseline."""
    pop = params.pop
    z_hrv = (ln_hrv - params.ln_hrv_baseline) / params.hrv_noise_log
    z_rhr = (rhr - params.rhr_baseline_bpm) / params.rhr_noise_bpm
    z_sleep = (sleep - params.sleep_baseline_hours) / params.sleep_noise_hours
    logit = (pop.recovery_bias + pop.recovery_weight_hrv * z_hrv
             - pop.recovery_weight_rhr * z_rhr + pop.recovery_weight_sleep * z_sleep)
    return 100.0 / (1.0 + np.exp(-logit))


def observe(state: AthleteState, params: AthleteParams, rng: np.random.Generator) -> Observation:
    """The morning's wearable readings with measurement and day-to-day noise.

    Draws 6·N standard normals from ``rng``.
    """
    pop = params.pop
    n = state.day.shape[0]
    eps = rng.standard_normal((6, n))
    share = pop.life_stress_share
    own = np.sqrt(1.0 - share * share)
    stress = eps[0]  # shared shock: a bad day lowers HRV and sleep and raises RHR together
    ln_hrv, rhr, sleep, eff = latent_physiology(state, params)
    ln_hrv = ln_hrv + params.hrv_noise_log * (own * eps[1] - share * stress)
    rhr = rhr + params.rhr_noise_bpm * (own * eps[2] + share * stress)
    sleep = np.clip(sleep + params.sleep_noise_hours * (own * eps[3] - share * stress), 2.0, 13.0)
    eff = np.clip(eff + params.sleep_efficiency_noise * eps[4], 50.0, 99.0)
    strain = pop.strain_scale * np.log1p((state.last_load + params.life_load) / pop.strain_offset)
    strain = np.clip(strain + pop.strain_noise * eps[5], 0.0, 21.0)
    return Observation(
        day=state.day,
        hrv_rmssd_ms=np.exp(ln_hrv),
        resting_hr=rhr,
        sleep_hours=sleep,
        sleep_efficiency=eff,
        recovery=recovery_score(ln_hrv, rhr, sleep, params),
        strain=strain,
        load=state.last_load,
    )
