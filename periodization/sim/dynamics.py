"""The daily, stochastic, batched athlete model (world v2): ``initial``, ``transition``,
``observe``, ``performance``, ``test_performance``.

All functions are pure: they take frozen struct-of-arrays values and per-athlete random
streams (``noise.KeyedRandom``; ``noise.NoNoise`` for the expected world) and return new
values. One athlete is a batch of one; 4096 athletes run the same compiled loop
(``kernels.py``), and an athlete's numbers do not depend on the batch it is in.

A day (session a of m minutes at realised load w = m·rate_a·e^{σ_c ε} TSS), in words; the
equations, their sources and the measured behaviour are in ``docs/athlete-model.md``:

* **Efficacy** η: the share of the session's stimulus that becomes adaptation. It falls
  once recent volume (strain L, a 7-day EWMA of load, against w*) passes the athlete's
  optimum — the inverted U of daily load — and, weighted by how much readiness matters to
  the session (most for HIIT, hardly for easy work), with acute fatigue from recent
  sessions and with life stress; maladaptation blocks it.
* **Fitness**: base fitness (a slow and a fast component) from η·(base weight)·w, and an
  intensity channel from η·(intensity units) that saturates at the athlete's capacity (two
  or three hard sessions a week give most of it). Stimulus is realised with a delay of
  days (adaptation continues into a taper).
* **Fatigue** F: what rest removes, a few % of p0 at w*; it grows faster than load (per
  session and when load jumps above the chronic load), and more when unrecovered.
* **Maladaptation** M (non-functional overreaching, hidden): builds while recent volume is
  above the overload threshold or recent intensity above the intensity threshold, and from
  hard work under high life stress; clears over weeks; costs performance and adaptation.
* **Illness** (maladaptation, accumulated fatigue, stress) and **injury** (load spikes,
  fatigue; strength training protects) are separate hazards with their own episodes.
* **Life stress**: a slow and a fast component; it shows in HRV, resting HR and sleep, so
  reading readiness pays.
* PMC (GoldenCheetah's form): ATL/CTL with λ = e^{−1/atl_days}, e^{−1/ctl_days}, the
  population's constants (the features use the same ones).

performance = p0·(1 − c_M·m(M) − c_ill·[ill or injured]) + base + intensity + economy − F,
with m(M) = S·tanh(M/S) the saturating effect size of maladaptation.
"""

from __future__ import annotations

import numpy as np

from periodization.sim import kernels, observe_kernels
from periodization.sim.actions import Action
from periodization.sim.batch import build, for_kernels, from_record
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import STATE_DTYPE, AthleteState, Observation

AEROBIC_BASE_ID = int(Action.AEROBIC_BASE)
HABITUAL_HARD_PER_WEEK = 1.5  # hard sessions a week assumed in an athlete's pre-history


def _geometric(decay: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 - np.asarray(decay))


def initial(params: AthleteParams, *, day: np.ndarray | int = 0) -> AthleteState:
    """Athletes near the steady state of their habitual training: aerobic base at
    ``habitual_load_ratio``·w* a day with ``HABITUAL_HARD_PER_WEEK`` hard sessions' worth
    of intensity, rested, unstressed and healthy. Callers live a burn-in of ordinary
    training from here (``env.starts``, ``cohort.synth``), which settles the rest.

    ``day`` sets each athlete's calendar day (weekday = day % 7, day 0 is a Monday).
    """
    n, pop = params.n, params.pop
    w = params.habitual_load_ratio * params.optimal_load
    ratio = params.habitual_load_ratio
    eta = pop.volume_efficacy(ratio)
    stimulus = pop.base_weight[AEROBIC_BASE_ID] * w * eta
    s = params.fast_share
    dose = HABITUAL_HARD_PER_WEEK / 7.0 * eta  # hard units a day
    x = params.intensity_gain * _geometric(params.intensity_decay) * dose / params.intensity_points
    fatigue = (params.fatigue_gain * pop.fatigue_weight[AEROBIC_BASE_ID] * w * ratio
               ** pop.session_exponent * _geometric(params.fatigue_decay))
    zeros = np.zeros(n)
    return AthleteState(
        day=np.broadcast_to(np.asarray(day, dtype=np.int64), (n,)).copy(),
        base_slow=params.base_gain * (1.0 - s) * stimulus * _geometric(params.base_decay),
        base_fast=params.base_gain * s * stimulus * _geometric(params.fast_decay),
        intensity=params.intensity_points * x / (1.0 + x),
        pending_base=stimulus * _geometric(pop.pending_decay),
        pending_intensity=dose * _geometric(pop.pending_decay),
        fatigue=fatigue,
        strain=w.copy(),
        hard_load=np.full(n, HABITUAL_HARD_PER_WEEK),
        maladaptation=zeros.copy(),
        durability=np.full(n, 0.5 * pop.durability_reference),  # ~1 strength session/week
        hrv_fast=zeros.copy(), hrv_slow=zeros.copy(), acute_rhr=zeros.copy(),
        stress_slow=zeros.copy(), stress_fast=zeros.copy(),
        ill_days=np.zeros(n, dtype=np.int64), injured_days=np.zeros(n, dtype=np.int64),
        atl=w.copy(), ctl=w.copy(), last_load=w.copy(),
        last_action=np.full(n, -1, dtype=np.int64),
    )


Random = KeyedRandom | NoNoise


def _streams(rng: Random, n: int) -> tuple[np.ndarray, np.ndarray, bool]:
    if isinstance(rng, KeyedRandom):
        if rng.n != n:
            raise ValueError(f"random streams for {rng.n} athletes, state has {n}")
        return rng.keys, rng.counters, True
    return np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64), False


def _optional(values: np.ndarray | None, n: int) -> tuple[np.ndarray, bool]:
    if values is None:
        return np.zeros(n), False
    return np.ascontiguousarray(values, dtype=np.float64).reshape(n), True


def transition(state: AthleteState, action: np.ndarray, params: AthleteParams, rng: Random,
               *, load: np.ndarray | None = None, minutes: np.ndarray | None = None,
               days_lost: np.ndarray | None = None) -> AthleteState:
    """Apply each athlete's session (int array (N,), ids of ``Action``) and sleep a night.

    ``minutes`` (N,) is how long each session lasts (default: the athlete's usual minutes
    of that session, ``params.session_minutes``); its load is minutes × the session's TSS
    per minute × compliance noise. ``load`` (TSS, (N,)) replaces the realised load, e.g. to
    replay a real athlete's recorded loads; the action still sets the session's kind. ``rng``
    is a per-athlete ``KeyedRandom`` or ``NoNoise`` (the expected world). ``days_lost``, a
    float64 array (N,), is filled with the days an illness or injury starting that day is
    expected to cost (onset probability × mean length, 0 if already ill or injured:
    ``kernels.expected_days_lost``).
    """
    n = state.day.shape[0]
    a = np.ascontiguousarray(action, dtype=np.int64).reshape(n)
    keys, counters, noisy = _streams(rng, n)
    load_arr, use_load = _optional(load, n)
    minutes_arr, use_minutes = _optional(minutes, n)
    out = for_kernels(np.empty(n, dtype=STATE_DTYPE))
    lost = np.empty(n) if days_lost is None else days_lost
    if lost.shape != (n,) or lost.dtype != np.float64:
        raise ValueError(f"days_lost must be float64 of shape ({n},), got {lost.dtype} "
                         f"{lost.shape}")
    kernels.transition(state.record, a, load_arr, minutes_arr, use_load, use_minutes,
                       params.packed, params.pop.packed, keys, counters, noisy, out, lost)
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
    before it. A test after a standard taper (``taper_days`` of complete rest in the
    expected world, illness aside) measures the capacity the block built instead: fitness
    (with the adaptation still pending) net of maladaptation and of the fatigue a week of
    rest cannot clear. Every policy is judged by the same rule. A tuple of taper lengths
    (ascending) gives one row per length, shape (len, N), in one pass.
    """
    days = np.atleast_1d(np.asarray(taper_days, dtype=np.int64))
    if (np.diff(days) < 0).any() or (days < 0).any():
        raise ValueError(f"taper_days must be non-negative and ascending, got {taper_days}")
    out = kernels.test_performance(state.record, days, params.packed, params.pop.packed)
    return out[0] if np.ndim(taper_days) == 0 else out


def fatigue_ratio(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """F / F*: 1 is the steady fatigue of aerobic base at the optimal load every day."""
    return state.fatigue / params.fatigue_at_optimum


def strain_ratio(state: AthleteState, params: AthleteParams) -> np.ndarray:
    """L / w*: recent volume against the optimal load (the volume efficacy's argument)."""
    return state.strain / params.optimal_load


def hard_sessions(action: np.ndarray, load: np.ndarray, params: AthleteParams) -> np.ndarray:
    """Hard-session units of sessions (N,) at loads (N,) TSS (a typical HIIT ≈ 1)."""
    pop = params.pop
    return pop.intensity_weight[np.asarray(action)] * np.asarray(load) / pop.hard_unit_load


def latent_physiology(state: AthleteState, params: AthleteParams
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Noise-free, stress-free (ln RMSSD, RHR bpm, sleep h, sleep efficiency %) on the
    state's morning."""
    out = observe_kernels.latent(state.record, params.packed, params.pop.packed)
    return out[0], out[1], out[2], out[3]


def recovery_score(ln_hrv: np.ndarray, rhr: np.ndarray, sleep: np.ndarray,
                   params: AthleteParams, athlete: np.ndarray) -> np.ndarray:
    """The model's recovery score (0–100) of readings (k,) of athletes ``athlete`` (k,):
    ln RMSSD, RHR (bpm) and sleep (h) against each one's personal baselines and SDs."""
    return observe_kernels.recovery(np.ascontiguousarray(ln_hrv, dtype=np.float64),
                                    np.ascontiguousarray(rhr, dtype=np.float64),
                                    np.ascontiguousarray(sleep, dtype=np.float64),
                                    np.ascontiguousarray(athlete, dtype=np.int64),
                                    params.packed, params.pop.packed)


def observe(state: AthleteState, params: AthleteParams, rng: Random) -> Observation:
    """The morning's wearable readings with life stress and measurement noise."""
    n = state.day.shape[0]
    keys, counters, noisy = _streams(rng, n)
    out = observe_kernels.observe(state.record, params.packed, params.pop.packed,
                                  keys, counters, noisy)
    if noisy:
        rng.counters = counters + np.uint64(kernels.OBSERVE_COUNTERS)
    return build(Observation, day=state.day, readings=out[:, :5], strain=out[:, 5],
                 load=state.last_load)

