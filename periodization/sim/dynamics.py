"""The daily, stochastic, batched athlete model: ``initial``, ``transition``, ``observe``.

All functions are pure: they take frozen struct-of-arrays values and per-athlete random
streams (``noise.KeyedRandom``; ``noise.NoNoise`` for the expected world) and return new
values. One athlete is a batch of one; 4096 athletes run the same compiled loop
(``kernels.py``), and an athlete's numbers do not depend on the batch it is in.

Equations (day n → n+1, realised load w_n of action a_n; symbols as in ``params.py``):

Performance, Busso (2003) variable dose–response with per-action input weights φ_a, ψ_a::

    g_{n+1} = g_n·e^{−1/τ1} + φ_a·w_n                    fitness impulses
    s_{n+1} = s_n·e^{−1/τ3} + w_n                        drives the fatigue gain k2 = k3·s
    h_{n+1} = h_n·e^{−1/τ2} + k3·s_{n+1}·ψ_a·w_n         variable-gain fatigue
    p_n     = p0 + k1·g_n − h_n − c_M·p0·m(M_n) − c_ill·p0·[ill]

Maladaptation acts through its saturating effect size m(M) = 3·tanh(M/3) everywhere
(performance, observables, hazard): deep overtraining is bad, not unboundedly so.

The fatigue gain grows with recent load, so steady performance is an inverted U of the daily
load with its top at the athlete's optimal load w* (not Banister's "more is better").

Non-functional overreaching (hidden, PerPot-style overflow): with the fatigue ratio
ρ = h / h* (h* = steady fatigue at w*) and threshold θ::

    M_{n+1} = M_n·e^{−1/τ_M} + k_M·max(0, ρ_{n+1} − θ)  (+ c when training while ill)

Illness/injury: a daily hazard λ = λ0·exp(β_M·M + β_s·max(0, ATL/(CTL+10) − 1.3)
+ β_ρ·max(0, ρ − 1) − β_D·min(D/D_ref, 1.5)); onset with probability 1 − e^{−λ}; an
episode lasts ≥ 2 days (mean ``illness_mean_days``). Strength sessions build durability D.

PMC (GoldenCheetah's exponential form): ATL_{n+1} = ATL_n·λ + w_n·(1 − λ),
λ = e^{−1/atl_days} (7 days in the packaged prior); CTL likewise with ``ctl_days`` (42);
TSB_n = CTL_n − ATL_n (both after yesterday). The features use the same population
constants (``features.daily.record_day``), so the two never drift apart.

Observables, each against a personal baseline with a shared daily life-stress shock ζ::

    ln RMSSD = ln b_hrv + acute + σ_ρ·ρ + c·M − 0.2·[ill] + σ_h·(ε)
    RHR      = b_rhr + acute + 1.5·ρ + 3·M + 6·[ill] + σ_r·ε
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

from periodization.sim import kernels
from periodization.sim.batch import build, from_record
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import STATE_DTYPE, AthleteState, Observation


def initial(params: AthleteParams, *, day: np.ndarray | int = 0) -> AthleteState:
    """Athletes in the steady state of their habitual load (``habitual_load_ratio``·w*).

    ``day`` sets each athlete's calendar day (weekday = day % 7, day 0 is a Monday).
    """
    n = params.n
    w = params.habitual_load_ratio * params.optimal_load
    fitness, gain, fatigue = kernels.steady_state(
        w, params.fitness_decay, params.fatigue_decay, params.gain_decay, params.k3)
    pop = params.pop
    return AthleteState(
        day=np.broadcast_to(np.asarray(day, dtype=np.int64), (n,)).copy(),
        fitness=fitness,
        gain=gain,
        fatigue=fatigue,
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


Random = KeyedRandom | NoNoise


def _streams(rng: Random, n: int) -> tuple[np.ndarray, np.ndarray, bool]:
    if isinstance(rng, KeyedRandom):
        if rng.n != n:
            raise ValueError(f"random streams for {rng.n} athletes, state has {n}")
        return rng.keys, rng.counters, True
    return np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64), False


def transition(state: AthleteState, action: np.ndarray, params: AthleteParams, rng: Random,
               *, load: np.ndarray | None = None) -> AthleteState:
    """Apply each athlete's session (int array (N,), ids of ``Action``) and sleep a night.

    ``load`` (TSS, shape (N,)) replaces the session's nominal load, e.g. to replay a real
    athlete's recorded loads; the action still sets the session's kind. ``rng`` is a
    per-athlete ``KeyedRandom`` or ``NoNoise`` (the expected world).
    """
    n = state.day.shape[0]
    a = np.ascontiguousarray(action, dtype=np.int64).reshape(n)
    keys, counters, noisy = _streams(rng, n)
    use_load = load is not None
    load_arr = (np.ascontiguousarray(load, dtype=np.float64).reshape(n) if use_load
                else np.zeros(n))
    out = np.empty(n, dtype=STATE_DTYPE)
    kernels.transition(state.record, a, load_arr, use_load, params.packed, params.pop.packed,
                       keys, counters, noisy, out)
    if noisy:
        rng.counters = counters + np.uint64(kernels.TRANSITION_COUNTERS)
    return from_record(AthleteState, out)


def performance(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """Modelled performance (index points, untrained baseline p0 = 100), shape (N,)."""
    return kernels.performance(state.record, params.packed, params.pop.packed)


TEST_TAPER_DAYS = 7


def test_performance(state: AthleteState, params: AthleteParams, *,
                     taper_days: int | tuple[int, ...] = TEST_TAPER_DAYS) -> np.ndarray:
    """The figure of merit: performance on a test after a standard taper, shape (N,).

    ``performance`` on a given morning swings with the last few sessions' fatigue, so a
    block judged by it on its last day rewards whoever knows when the block ends and rests
    before it. A test after a standard taper (``taper_days`` of complete rest, illness
    aside) measures the capacity the block built instead: fitness net of maladaptation and
    of the fatigue a week of rest cannot clear. Every policy is judged by the same rule.
    A tuple of taper lengths gives one row per length, shape (len, N), in one pass.
    """
    days = np.atleast_1d(np.asarray(taper_days, dtype=np.int64))
    out = kernels.test_performance(state.record, days, params.packed,
                                   params.pop.packed)
    return out[0] if np.ndim(taper_days) == 0 else out


def fatigue_ratio(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """ρ = h / h*: 1 is the steady fatigue of training at the optimal load."""
    return state.fatigue / params.fatigue_at_optimum


def latent_physiology(state: AthleteState, params: AthleteParams
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Noise-free (ln RMSSD, RHR bpm, sleep h, sleep efficiency %) on the state's morning."""
    out = kernels.latent(state.record, params.packed, params.pop.packed)
    return out[0], out[1], out[2], out[3]


def recovery_score(ln_hrv: np.ndarray, rhr: np.ndarray, sleep: np.ndarray,
                   params: AthleteParams, athlete: np.ndarray) -> np.ndarray:
    """The model's recovery score (0–100) of readings (k,) of athletes ``athlete`` (k,):
    ln RMSSD, RHR (bpm) and sleep (h) against each one's personal baselines and SDs."""
    return kernels.recovery(np.ascontiguousarray(ln_hrv, dtype=np.float64),
                            np.ascontiguousarray(rhr, dtype=np.float64),
                            np.ascontiguousarray(sleep, dtype=np.float64),
                            np.ascontiguousarray(athlete, dtype=np.int64), params.packed,
                            params.pop.packed)


def observe(state: AthleteState, params: AthleteParams, rng: Random) -> Observation:
    """The morning's wearable readings with measurement and day-to-day noise."""
    n = state.day.shape[0]
    keys, counters, noisy = _streams(rng, n)
    out = kernels.observe(state.record, params.packed, params.pop.packed,
                          keys, counters, noisy)
    if noisy:
        rng.counters = counters + np.uint64(kernels.OBSERVE_COUNTERS)
    return build(Observation, day=state.day, readings=out[:, :5], strain=out[:, 5],
                 load=state.last_load)
