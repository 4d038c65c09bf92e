"""Compiled per-athlete loops of the athlete model (numba), behind ``dynamics.py``.

The equations are documented in ``dynamics.py``; this module implements them once, as
scalar code over one athlete, looped over the batch. Every kernel reads named records
(``records.py``): a parameter row ``p = P[i]`` (``p["k1"]``, ``p["session_loads"][a]``),
the population constants ``q`` (``q["acute_decay"]``, ``q["fatigue_weight"][a]``) and the
state record ``S`` (``AthleteState.record``, ``S[i]["day"]``); the fields the dynamics
evolve, as one athlete's scalars, are an ``AthleteRow`` named tuple (``x.fitness``).
Records are read by field name in brackets, which compiled and plain-Python runs alike
accept (the JIT disabled for mutation testing, or kernels run interpreted).
Batch kernels take the population as its (1,) array ``pop_1`` (``q = pop_1[0]``): numba
dispatches an array in ~0.5 µs, a record scalar in ~7 µs.

Randomness is counter-based (``noise.py``): athlete i's draws depend only on its key and
counter, so results do not depend on the batch. ``transition`` uses ``TRANSITION_COUNTERS``
per athlete (a normal pair, illness onset, illness length), ``observe``
``OBSERVE_COUNTERS`` (three normal pairs).
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim.actions import Action
from periodization.sim.records import AthleteRow, load_row, store_row
from periodization.sim.splitmix import GOLDEN, U53, mix

STRENGTH, AEROBIC = int(Action.STRENGTH), int(Action.AEROBIC_BASE)


@njit(inline="always")
def uniform(key: np.uint64, counter: np.uint64) -> float:
    """The counter-th uniform [0, 1) of stream ``key`` (``splitmix.mix``, as ``noise.py``)."""
    z = mix((counter * GOLDEN + key) & np.uint64(0xFFFFFFFFFFFFFFFF))
    return float(z >> np.uint64(11)) * U53


PAIR_COUNTERS = 18  # counters reserved per pair of normals
TRANSITION_COUNTERS = PAIR_COUNTERS + 2
OBSERVE_COUNTERS = 3 * PAIR_COUNTERS


@njit(inline="always")
def normal_pair(key: np.uint64, counter: np.uint64) -> tuple[float, float]:
    """Two independent standard normals from counters counter … counter + 17.

    Marsaglia's polar method (no trigonometry) with up to 8 attempts; if all 8 points fall
    outside the unit disc (probability ≈ 5e-6), Box–Muller on a fresh pair. Every pair
    consumes the same 18 counters, so streams stay aligned whatever is accepted.
    """
    for k in range(8):
        x = 2.0 * uniform(key, counter + np.uint64(2 * k)) - 1.0
        y = 2.0 * uniform(key, counter + np.uint64(2 * k + 1)) - 1.0
        r2 = x * x + y * y
        if 0.0 < r2 < 1.0:
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            return x * f, y * f
    radius = math.sqrt(-2.0 * math.log1p(-uniform(key, counter + np.uint64(16))))
    angle = 2.0 * math.pi * uniform(key, counter + np.uint64(17))
    return radius * math.cos(angle), radius * math.sin(angle)


@njit(inline="always")
def effective_m(m: float, sat: float) -> float:
    """Saturating effect size of maladaptation, sat·tanh(m/sat)."""
    if m == 0.0:  # the common case (never overreached): skip the tanh
        return 0.0
    return sat * math.tanh(m / sat)


@njit(inline="always", cache=True)
def geometric_sum(decay):
    """1 / (1 − decay): the steady level of a daily recursion x ← x·decay + 1."""
    return 1.0 / (1.0 - decay)


@njit(inline="always", cache=True)
def steady_state(w, fitness_decay, fatigue_decay, gain_decay, k3):
    """(fitness g, gain s, fatigue h) after training at load ``w`` every day forever.

    Scalars inside kernels, arrays from Python (``dynamics.initial``): the one derivation
    of the steady state, which calibration's replay of candidate time constants also uses.
    """
    a1, a2, a3 = geometric_sum(fitness_decay), geometric_sum(fatigue_decay), \
        geometric_sum(gain_decay)
    return a1 * w, a3 * w, k3 * a2 * a3 * w * w


@njit(inline="always")
def fatigue_day(s: float, h: float, w: float, psi: float, gain_decay: float,
                fatigue_decay: float, k3: float) -> tuple[float, float]:
    """Gain s and fatigue h after a day at load ``w`` with fatigue weight ``psi``: the
    fatigue gain k2 = k3·s grows with recent load (Busso 2003)."""
    s = s * gain_decay + w
    h = h * fatigue_decay + k3 * s * psi * w
    return s, h


@njit(inline="always")
def busso_day(g: float, s: float, h: float, m: float, w: float, phi: float, psi: float,
              p) -> tuple[float, float, float, float]:
    """One day of fitness g, gain s, fatigue h and maladaptation m of the athlete ``p``
    at load ``w`` with fitness and fatigue weights ``phi``, ``psi``."""
    s, h = fatigue_day(s, h, w, psi, p["gain_decay"], p["fatigue_decay"], p["k3"])
    g = g * p["fitness_decay"] + phi * w
    m = m * p["maladaptation_decay"] + p["maladaptation_rate"] * max(
        0.0, h / p["fatigue_at_optimum"] - p["overload_threshold"])
    return g, s, h, m


@njit(inline="always")
def acute_day(ahrv: float, arhr: float, a: int, sensitivity: float, q
              ) -> tuple[float, float]:
    """Next morning's acute ln RMSSD shift and RHR rise after action ``a`` (they fade with
    ``q["acute_decay"]``); ``sensitivity`` scales the HRV drop (1 = the population's)."""
    return (ahrv * q["acute_decay"] - q["hrv_acute_drop"][a] * sensitivity,
            arhr * q["acute_decay"] + q["rhr_acute_rise"][a])


@njit(inline="always")
def daily_hazard(m: float, atl: float, ctl: float, h: float, dur: float, p, q) -> float:
    """Probability of falling ill or injured on a day ending in this state."""
    log_hazard = (p["log_illness_base_rate"]
                  + q["hazard_per_maladaptation"]
                  * effective_m(m, q["maladaptation_saturation"])
                  + q["hazard_per_spike"] * max(0.0, atl / (ctl + 10.0) - q["spike_ratio"])
                  + q["hazard_per_fatigue"] * max(0.0, h / p["fatigue_at_optimum"] - 1.0)
                  - p["durability_protection"] * min(dur / q["durability_reference"], 1.5))
    return -math.expm1(-math.exp(log_hazard))


@njit(inline="always")
def transition_row(x, a: int, w: float, u_onset: float, u_length: float, p, q) -> tuple:
    """One athlete's day: ``AthleteRow`` x, action ``a`` at realised load ``w``, uniforms
    for illness onset and length (see ``dynamics.transition``).

    Returns (the next morning's ``AthleteRow``, the day's illness hazard).
    """
    g, s, h, m = busso_day(x.fitness, x.gain, x.fatigue, x.maladaptation, w,
                           q["fitness_weight"][a], q["fatigue_weight"][a], p)
    ill_now = x.ill_days > 0
    trained_ill = ill_now and a >= AEROBIC
    if trained_ill:
        m += q["maladaptation_if_trained_ill"]
    atl = x.atl * q["atl_decay"] + w * (1.0 - q["atl_decay"])
    ctl = x.ctl * q["ctl_decay"] + w * (1.0 - q["ctl_decay"])
    dur = x.durability * q["durability_decay"] + (1.0 if a == STRENGTH else 0.0)
    hazard = daily_hazard(m, atl, ctl, h, dur, p, q)
    if ill_now:
        ill = x.ill_days - 1 + (1 if trained_ill else 0)
    elif u_onset < hazard:
        ill = 1 + math.ceil(-math.log1p(-u_length) * (p["illness_mean_days"] - 1.5))
    else:
        ill = 0
    ahrv, arhr = acute_day(x.acute_hrv, x.acute_rhr, a, p["hrv_acute_sensitivity"], q)
    return AthleteRow(g, s, h, m, dur, ahrv, arhr, ill, atl, ctl), hazard


@njit(inline="always")
def performance_row(g: float, h: float, m: float, ill: int, p, q) -> float:
    sick = q["performance_cost_when_ill"] if ill > 0 else 0.0
    me = effective_m(m, q["maladaptation_saturation"])
    return q["baseline_performance"] * (1.0 - p["maladaptation_cost"] * me - sick) \
        + p["k1"] * g - h


@njit(inline="always")
def test_performance_row(g: float, s: float, h: float, m: float, days: int, p, q) -> float:
    """Performance after ``days`` of complete rest from this state, illness aside: what a
    test after a standard taper would show (see ``dynamics.test_performance``)."""
    if h <= p["overload_threshold"] * p["fatigue_at_optimum"]:
        # With no load, fatigue only falls, so it never crosses the overload threshold and
        # every state variable just decays: the days of rest have a closed form.
        return performance_row(g * p["fitness_decay"] ** days,
                               h * p["fatigue_decay"] ** days,
                               m * p["maladaptation_decay"] ** days, 0, p, q)
    for _ in range(days):
        g, s, h, m = busso_day(g, s, h, m, 0.0, 0.0, 0.0, p)
    return performance_row(g, h, m, 0, p, q)


@njit(cache=True)
def test_performance(S, days, P, pop_1):
    """(len(days), N): test performance after each number of rest days in ``days``."""
    q = pop_1[0]
    n = S.shape[0]
    out = np.empty((days.shape[0], n))
    for i in range(n):
        x = load_row(S, i)
        for j in range(days.shape[0]):
            out[j, i] = test_performance_row(x.fitness, x.gain, x.fatigue, x.maladaptation,
                                             days[j], P[i], q)
    return out


@njit(cache=True)
def transition(S, action, load, use_load, P, pop_1, keys, counters, noisy, out):
    """Fill the state record ``out`` with the next morning (see ``dynamics.transition``)."""
    q = pop_1[0]
    for i in range(S.shape[0]):
        p, a, c, key = P[i], action[i], counters[i], keys[i]
        z = normal_pair(key, c)[0] if noisy else 0.0
        u_onset = uniform(key, c + np.uint64(PAIR_COUNTERS)) if noisy else 1.0
        u_length = min(uniform(key, c + np.uint64(PAIR_COUNTERS + 1)), 0.999999) \
            if noisy else 0.999999
        w = load[i] if use_load else (p["session_loads"][a]
                                      * math.exp(q["compliance_noise"] * z))
        x, _ = transition_row(load_row(S, i), a, w, u_onset, u_length, p, q)
        store_row(out, i, x)
        o = out[i]
        o["day"], o["last_load"], o["last_action"] = S[i]["day"] + 1, w, a


@njit(cache=True)
def performance(S, P, pop_1):
    """Modelled performance per athlete (see ``dynamics.performance``)."""
    q = pop_1[0]
    n = S.shape[0]
    out = np.empty(n)
    for i in range(n):
        x = load_row(S, i)
        out[i] = performance_row(x.fitness, x.fatigue, x.maladaptation, x.ill_days, P[i], q)
    return out


@njit(inline="always")
def latent_row(x, p, q) -> tuple[float, float, float, float]:
    """Noise-free ln RMSSD, RHR, sleep h and efficiency % of ``AthleteRow`` x."""
    ratio = x.fatigue / p["fatigue_at_optimum"]
    me = effective_m(x.maladaptation, q["maladaptation_saturation"])
    sick = 1.0 if x.ill_days > 0 else 0.0
    ln_hrv = (p["ln_hrv_baseline"] + x.acute_hrv + p["hrv_fatigue_sensitivity"] * ratio
              + q["hrv_per_maladaptation"] * me + q["hrv_when_ill"] * sick)
    rhr = (p["rhr_baseline_bpm"] + x.acute_rhr + q["rhr_per_fatigue"] * ratio
           + q["rhr_per_maladaptation"] * me + q["rhr_when_ill"] * sick)
    sleep = p["sleep_baseline_hours"] + q["sleep_hours_per_maladaptation"] * me \
        + q["sleep_hours_when_ill"] * sick
    eff = p["sleep_efficiency_baseline"] + q["sleep_eff_per_maladaptation"] * me \
        + q["sleep_eff_when_ill"] * sick
    return ln_hrv, rhr, sleep, eff


@njit(inline="always")
def recovery_row(ln_hrv: float, rhr: float, sleep: float, p, q) -> float:
    """Recovery score 0–100 from HRV, RHR and sleep against the personal baselines."""
    logit = (q["recovery_bias"]
             + q["recovery_weight_hrv"] * (ln_hrv - p["ln_hrv_baseline"]) / p["hrv_noise_log"]
             - q["recovery_weight_rhr"] * (rhr - p["rhr_baseline_bpm"]) / p["rhr_noise_bpm"]
             + q["recovery_weight_sleep"] * (sleep - p["sleep_baseline_hours"])
             / p["sleep_noise_hours"])
    return 100.0 / (1.0 + math.exp(-logit))


@njit(cache=True)
def recovery(ln_hrv, rhr, sleep, rows, P, pop_1):
    """Recovery scores of readings (k,) of athletes ``rows`` (k,); NaN in, NaN out."""
    q = pop_1[0]
    out = np.empty(ln_hrv.shape[0])
    for k in range(ln_hrv.shape[0]):
        out[k] = recovery_row(ln_hrv[k], rhr[k], sleep[k], P[rows[k]], q)
    return out


@njit(cache=True)
def latent(S, P, pop_1):
    """Noise-free (ln RMSSD, RHR, sleep h, efficiency %) rows, shape (4, N)."""
    q = pop_1[0]
    n = S.shape[0]
    out = np.empty((4, n))
    for i in range(n):
        out[0, i], out[1, i], out[2, i], out[3, i] = latent_row(load_row(S, i), P[i], q)
    return out


@njit(cache=True)
def observe(S, P, pop_1, keys, counters, noisy):
    """(N, 6): RMSSD ms, RHR, recovery, sleep h, efficiency %, then yesterday's strain."""
    q = pop_1[0]
    n = S.shape[0]
    out = np.empty((n, 6))
    share = q["life_stress_share"]
    own = math.sqrt(1.0 - share * share)
    e = np.zeros(6)
    for i in range(n):
        p, key, c = P[i], keys[i], counters[i]
        if noisy:
            for j in range(3):
                e[2 * j], e[2 * j + 1] = normal_pair(key, c + np.uint64(PAIR_COUNTERS * j))
        base_hrv, base_rhr, base_sleep, base_eff = latent_row(load_row(S, i), p, q)
        stress = e[0]  # shared shock: a bad day lowers HRV and sleep and raises RHR together
        ln_hrv = base_hrv + p["hrv_noise_log"] * (own * e[1] - share * stress)
        rhr = base_rhr + p["rhr_noise_bpm"] * (own * e[2] + share * stress)
        sleep = min(max(base_sleep + p["sleep_noise_hours"] * (own * e[3] - share * stress),
                        2.0), 13.0)
        eff = min(max(base_eff + p["sleep_efficiency_noise"] * e[4], 50.0), 99.0)
        strain = q["strain_scale"] * math.log1p((S[i]["last_load"] + p["life_load"])
                                                / q["strain_offset"])
        out[i, 0] = math.exp(ln_hrv)
        out[i, 1] = rhr
        out[i, 2] = recovery_row(ln_hrv, rhr, sleep, p, q)
        out[i, 3], out[i, 4] = sleep, eff
        out[i, 5] = min(max(strain + q["strain_noise"] * e[5], 0.0), 21.0)
    return out


@njit(cache=True)
def project(S, action, load, days_perf, days_ctl, P, pop_1):
    """(performance now, performance after ``days_perf`` and CTL after ``days_ctl`` days of
    repeating ``action`` at ``load`` every day), deterministic and illness aside. An empty
    ``load`` means each action's nominal load."""
    q = pop_1[0]
    n = S.shape[0]
    now = np.empty(n)
    perf = np.empty(n)
    ctl_out = np.empty(n)
    lam = q["ctl_decay"] ** days_ctl
    nominal = load.shape[0] == 0
    for i in range(n):
        p, a = P[i], action[i]
        w = p["session_loads"][a] if nominal else load[i]
        x = load_row(S, i)
        now[i] = performance_row(x.fitness, x.fatigue, x.maladaptation, 0, p, q)
        phi, psi = q["fitness_weight"][a], q["fatigue_weight"][a]
        gi, si, hi, mi = x.fitness, x.gain, x.fatigue, x.maladaptation
        for _ in range(days_perf):
            gi, si, hi, mi = busso_day(gi, si, hi, mi, w, phi, psi, p)
        perf[i] = performance_row(gi, hi, mi, 0, p, q)
        ctl_out[i] = x.ctl * lam + w * (1.0 - lam)
    return now, perf, ctl_out
