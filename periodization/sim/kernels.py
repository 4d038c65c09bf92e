"""Compiled per-athlete loops of the athlete model (numba), behind ``dynamics.py``.

The equations are documented in ``dynamics.py``; this module implements them once, as
scalar code over one athlete, looped over the batch. Parameters are packed into an (N, K)
matrix (``pack_params``) and shared constants into a vector and a per-action table
(``pack_population``), addressed by the named column constants below.

Randomness is counter-based (``noise.py``): athlete i's draws depend only on its key and
counter, so results do not depend on the batch. ``transition`` uses ``TRANSITION_COUNTERS``
per athlete (a normal pair, illness onset, illness length), ``observe``
``OBSERVE_COUNTERS`` (three normal pairs).
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit

from periodization.sim.splitmix import GOLDEN, U53, mix

# --- per-athlete parameter columns (pack_params) -------------------------------------------
(K1, K3, E1, E2, E3, EM, KM, THETA, HSTAR, CM, LOG_HAZ0, ILL_MEAN, DUR_PROT, LN_HRV0, HRV_SD,
 HRV_ACUTE, HRV_FAT, RHR0, RHR_SD, SLEEP0, SLEEP_SD, EFF0, EFF_SD, LIFE) = range(24)
LOAD0 = 24  # six columns: nominal session load of each action
N_PARAM_COLUMNS = LOAD0 + 6

# --- population constants (pack_population) ------------------------------------------------
(P0, COMPLIANCE, ACUTE_DECAY, DUR_DECAY, DUR_REF, RHR_PER_FAT, HRV_PER_M, RHR_PER_M,
 SLEEP_PER_M, EFF_PER_M, STRESS_SHARE, HRV_ILL, RHR_ILL, SLEEP_ILL, EFF_ILL, PERF_ILL, HZ_M,
 HZ_SPIKE, SPIKE_RATIO, HZ_FAT, M_TRAINED_ILL, ATL_DECAY, CTL_DECAY, REC_BIAS, REC_W_HRV,
 REC_W_RHR, REC_W_SLEEP, STRAIN_SCALE, STRAIN_OFFSET, STRAIN_SD, M_SAT) = range(31)
# per-action table rows
FIT_W, FAT_W, HRV_DROP, RHR_RISE = range(4)
STRENGTH, AEROBIC = 5, 2


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
    if m == 0.0:  # the common case (never overreached): skip the tanh
        return 0.0
    return sat * math.tanh(m / sat)


@njit(inline="always")
def busso_day(g: float, s: float, h: float, m: float, w: float, phi: float, psi: float,
              e1: float, e2: float, e3: float, em: float, k3: float, km: float,
              theta: float, hstar: float) -> tuple[float, float, float, float]:
    """One day of fitness g, gain s, fatigue h and maladaptation m for one athlete."""
    s = s * e3 + w
    g = g * e1 + phi * w
    h = h * e2 + k3 * s * psi * w
    m = m * em + km * max(0.0, h / hstar - theta)
    return g, s, h, m


@njit(inline="always")
def daily_hazard(m: float, atl: float, ctl: float, h: float, dur: float, p: np.ndarray,
                 Q: np.ndarray) -> float:
    """Probability of falling ill or injured on a day ending in this state."""
    log_hazard = (p[LOG_HAZ0] + Q[HZ_M] * effective_m(m, Q[M_SAT])
                  + Q[HZ_SPIKE] * max(0.0, atl / (ctl + 10.0) - Q[SPIKE_RATIO])
                  + Q[HZ_FAT] * max(0.0, h / p[HSTAR] - 1.0)
                  - p[DUR_PROT] * min(dur / Q[DUR_REF], 1.5))
    return -math.expm1(-math.exp(log_hazard))


@njit(inline="always")
def transition_row(g: float, s: float, h: float, m: float, dur: float, ahrv: float,
                   arhr: float, ill: int, atl: float, ctl: float, a: int, w: float,
                   u_onset: float, u_length: float, p: np.ndarray, Q: np.ndarray,
                   A: np.ndarray) -> tuple:
    """One athlete's day: action ``a`` at realised load ``w`` (see ``dynamics.transition``).

    Returns (g, s, h, m, durability, acute HRV, acute RHR, ill days, ATL, CTL, hazard).
    """
    g, s, h, m = busso_day(g, s, h, m, w, A[FIT_W, a], A[FAT_W, a], p[E1], p[E2], p[E3],
                           p[EM], p[K3], p[KM], p[THETA], p[HSTAR])
    ill_now = ill > 0
    trained_ill = ill_now and a >= AEROBIC
    if trained_ill:
        m += Q[M_TRAINED_ILL]
    atl = atl * Q[ATL_DECAY] + w * (1.0 - Q[ATL_DECAY])
    ctl = ctl * Q[CTL_DECAY] + w * (1.0 - Q[CTL_DECAY])
    dur = dur * Q[DUR_DECAY] + (1.0 if a == STRENGTH else 0.0)
    hazard = daily_hazard(m, atl, ctl, h, dur, p, Q)
    if ill_now:
        ill = ill - 1 + (1 if trained_ill else 0)
    elif u_onset < hazard:
        ill = 1 + math.ceil(-math.log1p(-u_length) * (p[ILL_MEAN] - 1.5))
    else:
        ill = 0
    ahrv = ahrv * Q[ACUTE_DECAY] - A[HRV_DROP, a] * p[HRV_ACUTE]
    arhr = arhr * Q[ACUTE_DECAY] + A[RHR_RISE, a]
    return g, s, h, m, dur, ahrv, arhr, ill, atl, ctl, hazard


@njit(inline="always")
def performance_row(g: float, h: float, m: float, ill: int, p: np.ndarray,
                    Q: np.ndarray) -> float:
    sick = Q[PERF_ILL] if ill > 0 else 0.0
    return Q[P0] * (1.0 - p[CM] * effective_m(m, Q[M_SAT]) - sick) + p[K1] * g - h


@njit(inline="always")
def test_performance_row(g: float, s: float, h: float, m: float, days: int, p: np.ndarray,
                         Q: np.ndarray) -> float:
    """Performance after ``days`` of complete rest from this state, illness aside: what a
    test after a standard taper would show (see ``dynamics.test_performance``)."""
    if h <= p[THETA] * p[HSTAR]:
        # With no load, fatigue only falls, so it never crosses the overload threshold and
        # every state variable just decays: the days of rest have a closed form.
        return performance_row(g * p[E1] ** days, h * p[E2] ** days, m * p[EM] ** days, 0,
                               p, Q)
    for _ in range(days):
        g, s, h, m = busso_day(g, s, h, m, 0.0, 0.0, 0.0, p[E1], p[E2], p[E3], p[EM], p[K3],
                               p[KM], p[THETA], p[HSTAR])
    return performance_row(g, h, m, 0, p, Q)


@njit(cache=True)
def test_performance(g, s, h, m, days, P, Q):
    """(len(days), N): test performance after each number of rest days in ``days``."""
    n = g.shape[0]
    out = np.empty((days.shape[0], n))
    for i in range(n):
        for j in range(days.shape[0]):
            out[j, i] = test_performance_row(g[i], s[i], h[i], m[i], days[j], P[i], Q)
    return out


@njit(cache=True)
def transition(day, g, s, h, m, dur, ahrv, arhr, ill, atl, ctl, action, load, use_load,
               P, Q, A, keys, counters, noisy):
    """Arrays of the next morning (see ``dynamics.transition``)."""
    n = day.shape[0]
    out_f = np.empty((10, n))
    out_ill = np.empty(n, dtype=np.int64)
    for i in range(n):
        p, a, c, key = P[i], action[i], counters[i], keys[i]
        z = normal_pair(key, c)[0] if noisy else 0.0
        u_onset = uniform(key, c + np.uint64(PAIR_COUNTERS)) if noisy else 1.0
        u_length = min(uniform(key, c + np.uint64(PAIR_COUNTERS + 1)), 0.999999) \
            if noisy else 0.999999
        w = load[i] if use_load else p[LOAD0 + a] * math.exp(Q[COMPLIANCE] * z)
        (out_f[0, i], out_f[1, i], out_f[2, i], out_f[3, i], out_f[4, i], out_f[5, i],
         out_f[6, i], out_ill[i], out_f[7, i], out_f[8, i], _) = transition_row(
            g[i], s[i], h[i], m[i], dur[i], ahrv[i], arhr[i], ill[i], atl[i], ctl[i], a, w,
            u_onset, u_length, p, Q, A)
        out_f[9, i] = w
    return out_f, out_ill


@njit(cache=True)
def performance(g, h, m, ill, P, Q):
    """Modelled performance per athlete (see ``dynamics.performance``)."""
    n = g.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = performance_row(g[i], h[i], m[i], ill[i], P[i], Q)
    return out


@njit(inline="always")
def latent_row(g: float, h: float, m: float, ahrv: float, arhr: float, ill: int,
               p: np.ndarray, Q: np.ndarray) -> tuple[float, float, float, float]:
    """Noise-free ln RMSSD, RHR, sleep h and efficiency % of one athlete row p."""
    ratio = h / p[HSTAR]
    me = effective_m(m, Q[M_SAT])
    sick = 1.0 if ill > 0 else 0.0
    ln_hrv = p[LN_HRV0] + ahrv + p[HRV_FAT] * ratio + Q[HRV_PER_M] * me + Q[HRV_ILL] * sick
    rhr = p[RHR0] + arhr + Q[RHR_PER_FAT] * ratio + Q[RHR_PER_M] * me + Q[RHR_ILL] * sick
    sleep = p[SLEEP0] + Q[SLEEP_PER_M] * me + Q[SLEEP_ILL] * sick
    eff = p[EFF0] + Q[EFF_PER_M] * me + Q[EFF_ILL] * sick
    return ln_hrv, rhr, sleep, eff


@njit(inline="always")
def recovery_row(ln_hrv: float, rhr: float, sleep: float, p: np.ndarray, Q: np.ndarray
                 ) -> float:
    """Recovery score 0–100 from HRV, RHR and sleep against the personal baselines."""
    logit = (Q[REC_BIAS] + Q[REC_W_HRV] * (ln_hrv - p[LN_HRV0]) / p[HRV_SD]
             - Q[REC_W_RHR] * (rhr - p[RHR0]) / p[RHR_SD]
             + Q[REC_W_SLEEP] * (sleep - p[SLEEP0]) / p[SLEEP_SD])
    return 100.0 / (1.0 + math.exp(-logit))


@njit(cache=True)
def recovery(ln_hrv, rhr, sleep, rows, P, Q):
    """Recovery scores of readings (k,) of athletes ``rows`` (k,); NaN in, NaN out."""
    out = np.empty(ln_hrv.shape[0])
    for k in range(ln_hrv.shape[0]):
        out[k] = recovery_row(ln_hrv[k], rhr[k], sleep[k], P[rows[k]], Q)
    return out


@njit(cache=True)
def latent(g, h, m, ahrv, arhr, ill, P, Q):
    """Noise-free (ln RMSSD, RHR, sleep h, efficiency %) rows, shape (4, N)."""
    n = g.shape[0]
    out = np.empty((4, n))
    for i in range(n):
        out[0, i], out[1, i], out[2, i], out[3, i] = latent_row(
            g[i], h[i], m[i], ahrv[i], arhr[i], ill[i], P[i], Q)
    return out


@njit(cache=True)
def observe(g, h, m, ahrv, arhr, ill, last_load, P, Q, keys, counters, noisy):
    """(N, 6): RMSSD ms, RHR, recovery, sleep h, efficiency %, then yesterday's strain."""
    n = g.shape[0]
    out = np.empty((n, 6))
    share = Q[STRESS_SHARE]
    own = math.sqrt(1.0 - share * share)
    e = np.zeros(6)
    for i in range(n):
        p, key, c = P[i], keys[i], counters[i]
        if noisy:
            for j in range(3):
                e[2 * j], e[2 * j + 1] = normal_pair(key, c + np.uint64(PAIR_COUNTERS * j))
        base_hrv, base_rhr, base_sleep, base_eff = latent_row(
            g[i], h[i], m[i], ahrv[i], arhr[i], ill[i], p, Q)
        stress = e[0]  # shared shock: a bad day lowers HRV and sleep and raises RHR together
        ln_hrv = base_hrv + p[HRV_SD] * (own * e[1] - share * stress)
        rhr = base_rhr + p[RHR_SD] * (own * e[2] + share * stress)
        sleep = min(max(base_sleep + p[SLEEP_SD] * (own * e[3] - share * stress), 2.0), 13.0)
        eff = min(max(base_eff + p[EFF_SD] * e[4], 50.0), 99.0)
        strain = Q[STRAIN_SCALE] * math.log1p((last_load[i] + p[LIFE]) / Q[STRAIN_OFFSET])
        out[i, 0] = math.exp(ln_hrv)
        out[i, 1] = rhr
        out[i, 2] = recovery_row(ln_hrv, rhr, sleep, p, Q)
        out[i, 3], out[i, 4] = sleep, eff
        out[i, 5] = min(max(strain + Q[STRAIN_SD] * e[5], 0.0), 21.0)
    return out


@njit(cache=True)
def project(g, s, h, m, ctl, action, load, days_perf, days_ctl, P, Q, A):
    """(performance now, performance after ``days_perf`` and CTL after ``days_ctl`` days of
    repeating ``action`` at ``load`` every day), deterministic and illness aside. An empty
    ``load`` means each action's nominal load."""
    n = g.shape[0]
    now = np.empty(n)
    perf = np.empty(n)
    ctl_out = np.empty(n)
    lam = Q[CTL_DECAY] ** days_ctl
    nominal = load.shape[0] == 0
    for i in range(n):
        p, a = P[i], action[i]
        w = p[LOAD0 + a] if nominal else load[i]
        now[i] = performance_row(g[i], h[i], m[i], 0, p, Q)
        phi, psi = A[FIT_W, a], A[FAT_W, a]
        e1, e2, e3, em, k3, km, theta, hstar = (p[E1], p[E2], p[E3], p[EM], p[K3], p[KM],
                                                 p[THETA], p[HSTAR])
        gi, si, hi, mi = g[i], s[i], h[i], m[i]
        for _ in range(days_perf):
            gi, si, hi, mi = busso_day(gi, si, hi, mi, w, phi, psi, e1, e2, e3, em, k3, km,
                                       theta, hstar)
        perf[i] = performance_row(gi, hi, mi, 0, p, Q)
        ctl_out[i] = ctl[i] * lam + w * (1.0 - lam)
    return now, perf, ctl_out


def pack_params(params) -> np.ndarray:
    """(N, N_PARAM_COLUMNS) float64 matrix of the columns the kernels read."""
    cols = {
        K1: params.k1, K3: params.k3, E1: params.fitness_decay, E2: params.fatigue_decay,
        E3: params.gain_decay, EM: params.maladaptation_decay, KM: params.maladaptation_rate,
        THETA: params.overload_threshold, HSTAR: params.fatigue_at_optimum,
        CM: params.maladaptation_cost, LOG_HAZ0: np.log(params.illness_base_rate),
        ILL_MEAN: params.illness_mean_days, DUR_PROT: params.durability_protection,
        LN_HRV0: params.ln_hrv_baseline, HRV_SD: params.hrv_noise_log,
        HRV_ACUTE: params.hrv_acute_sensitivity, HRV_FAT: params.hrv_fatigue_sensitivity,
        RHR0: params.rhr_baseline_bpm, RHR_SD: params.rhr_noise_bpm,
        SLEEP0: params.sleep_baseline_hours, SLEEP_SD: params.sleep_noise_hours,
        EFF0: params.sleep_efficiency_baseline, EFF_SD: params.sleep_efficiency_noise,
        LIFE: params.life_load,
    }
    out = np.empty((params.n, N_PARAM_COLUMNS))
    for col, values in cols.items():
        out[:, col] = values
    out[:, LOAD0:LOAD0 + 6] = params.session_loads
    return out


def pack_population(pop) -> tuple[np.ndarray, np.ndarray]:
    """(constants vector, (4, 6) per-action table) the kernels read."""
    q = np.empty(31)
    q[P0], q[COMPLIANCE], q[ACUTE_DECAY] = pop.baseline_performance, pop.compliance_noise, \
        pop.acute_decay
    q[DUR_DECAY], q[DUR_REF], q[RHR_PER_FAT] = pop.durability_decay, pop.durability_reference, \
        pop.rhr_per_fatigue
    q[HRV_PER_M], q[RHR_PER_M] = pop.hrv_per_maladaptation, pop.rhr_per_maladaptation
    q[SLEEP_PER_M], q[EFF_PER_M] = pop.sleep_hours_per_maladaptation, \
        pop.sleep_eff_per_maladaptation
    q[STRESS_SHARE], q[HRV_ILL], q[RHR_ILL] = pop.life_stress_share, pop.hrv_when_ill, \
        pop.rhr_when_ill
    q[SLEEP_ILL], q[EFF_ILL], q[PERF_ILL] = pop.sleep_hours_when_ill, pop.sleep_eff_when_ill, \
        pop.performance_cost_when_ill
    q[HZ_M], q[HZ_SPIKE], q[SPIKE_RATIO] = pop.hazard_per_maladaptation, pop.hazard_per_spike, \
        pop.spike_ratio
    q[HZ_FAT], q[M_TRAINED_ILL] = pop.hazard_per_fatigue, pop.maladaptation_if_trained_ill
    q[ATL_DECAY], q[CTL_DECAY] = pop.atl_decay, pop.ctl_decay
    q[REC_BIAS], q[REC_W_HRV] = pop.recovery_bias, pop.recovery_weight_hrv
    q[REC_W_RHR], q[REC_W_SLEEP] = pop.recovery_weight_rhr, pop.recovery_weight_sleep
    q[STRAIN_SCALE], q[STRAIN_OFFSET], q[STRAIN_SD] = pop.strain_scale, pop.strain_offset, \
        pop.strain_noise
    q[M_SAT] = pop.maladaptation_saturation
    table = np.stack([pop.fitness_weight, pop.fatigue_weight, pop.hrv_acute_drop,
                      pop.rhr_acute_rise])
    return q, np.ascontiguousarray(table)
