"""Compiled per-athlete loops of what a wearable shows (numba), behind ``dynamics.observe``.

Readings are the latent physiology of the morning (``latent_row``) plus the day's life
stress, which the dynamics carry as a state (``kernels.stress``: a bad stretch lowers HRV
and sleep and raises resting HR together, and it also makes hard sessions adapt less), plus
independent measurement noise. Records as in ``kernels.py``.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim.kernels import PAIR_COUNTERS, effective_m, normal_pair, stress
from periodization.sim.records import load_row


@njit(inline="always")
def latent_row(x, p, q) -> tuple[float, float, float, float]:
    """Noise-free, stress-free ln RMSSD, RHR (bpm), sleep (h) and efficiency (%) of the
    ``AthleteRow`` x: the personal baselines moved by recent sessions' acute drop, the
    fatigue ratio F/F*, maladaptation and illness."""
    ratio = x.fatigue / p.fatigue_at_optimum
    me = effective_m(x.maladaptation, q.maladaptation_saturation)
    sick = 1.0 if x.ill_days > 0 else 0.0
    ln_hrv = (p.ln_hrv_baseline - x.hrv_fast - x.hrv_slow + p.hrv_fatigue_sensitivity * ratio
              + q.hrv_per_maladaptation * me + q.hrv_when_ill * sick)
    rhr = (p.rhr_baseline_bpm + x.acute_rhr + q.rhr_per_fatigue * ratio
           + q.rhr_per_maladaptation * me + q.rhr_when_ill * sick)
    sleep = p.sleep_baseline_hours + q.sleep_hours_per_maladaptation * me \
        + q.sleep_hours_when_ill * sick
    eff = p.sleep_efficiency_baseline + q.sleep_eff_per_maladaptation * me \
        + q.sleep_eff_when_ill * sick
    return ln_hrv, rhr, sleep, eff


@njit(inline="always")
def recovery_row(ln_hrv: float, rhr: float, sleep: float, p, q) -> float:
    """Recovery score 0–100 from HRV, RHR and sleep against the personal baselines."""
    logit = (q.recovery_bias
             + q.recovery_weight_hrv * (ln_hrv - p.ln_hrv_baseline) / p.hrv_noise_log
             - q.recovery_weight_rhr * (rhr - p.rhr_baseline_bpm) / p.rhr_noise_bpm
             + q.recovery_weight_sleep * (sleep - p.sleep_baseline_hours)
             / p.sleep_noise_hours)
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
    share = q.life_stress_share
    own = math.sqrt(1.0 - share * share)
    e = np.zeros(6)
    for i in range(n):
        p, key, c = P[i], keys[i], counters[i]
        if noisy:
            for j in range(3):
                e[2 * j], e[2 * j + 1] = normal_pair(key, c + np.uint64(PAIR_COUNTERS * j))
        x = load_row(S, i)
        base_hrv, base_rhr, base_sleep, base_eff = latent_row(x, p, q)
        z = stress(x, q)  # a state, not noise: the expected world shows it too
        ln_hrv = base_hrv + p.hrv_noise_log * (own * e[1] - share * z)
        rhr = base_rhr + p.rhr_noise_bpm * (own * e[2] + share * z)
        sleep = min(max(base_sleep + p.sleep_noise_hours * (own * e[3] - share * z), 2.0), 13.0)
        eff = min(max(base_eff + p.sleep_efficiency_noise * e[4], 50.0), 99.0)
        strain = q.strain_scale * math.log1p((S[i].last_load + p.life_load) / q.strain_offset)
        out[i, 0] = math.exp(ln_hrv)
        out[i, 1] = rhr
        out[i, 2] = recovery_row(ln_hrv, rhr, sleep, p, q)
        out[i, 3], out[i, 4] = sleep, eff
        out[i, 5] = min(max(strain + q.strain_noise * e[5], 0.0), 21.0)
    return out
