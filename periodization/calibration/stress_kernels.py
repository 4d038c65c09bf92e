"""Life stress from the readings: a Kalman smoother over the model's stress process.

In the athlete model (``sim.kernels``) life stress is two AR(1) components in SD units,
x_s (persistence ``stress_persistence_slow``) and x_f (``stress_persistence_fast``), mixed
as z = √s·x_s + √(1 − s)·x_f (s = ``slow_stress_share``), and a morning's reading j shows
it with a share of its day-to-day SD σ_j (``sim.observe_kernels.observe``)::

    reading_j − expected_j = σ_j·(ℓ_j·z + √(1 − share²)·e_j)        e_j ~ N(0, 1)

with ℓ = −share for ln RMSSD and sleep, +share for resting HR (share =
``life_stress_share``). ``stress_smoother`` returns E[x_s, x_f | every reading] of each
morning (Rauch–Tung–Striebel), scalar code over one athlete's days.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit


@njit(cache=True)
def stress_smoother(start, length, resid, sd, use, loading, pop_1):
    """Smoothed (x_s, x_f), shape (rows, 2), of N athletes' histories.

    ``resid`` (rows, k) readings less their expected value, ``sd`` (N, k) their day-to-day
    SDs, ``use`` (rows, k) which enter, ``loading`` (k,) ℓ_j; ``pop_1`` the population
    record (persistences and shares)."""
    q = pop_1[0]
    f1, f2 = q.stress_persistence_slow, q.stress_persistence_fast
    h1, h2 = math.sqrt(q.slow_stress_share), math.sqrt(1.0 - q.slow_stress_share)
    noise = 1.0 - q.life_stress_share ** 2
    rows, k = resid.shape[0], resid.shape[1]
    mf = np.zeros((rows, 2))  # filtered means
    pf = np.zeros((rows, 3))  # filtered covariances (p11, p12, p22)
    out = np.zeros((rows, 2))
    for j in range(start.shape[0]):
        m1 = m2 = p12 = 0.0
        p11 = p22 = 1.0  # the stationary distribution
        for d in range(length[j]):
            t = start[j] + d
            if d > 0:  # predict from yesterday
                m1, m2 = f1 * m1, f2 * m2
                p11 = f1 * f1 * p11 + 1.0 - f1 * f1
                p12 = f1 * f2 * p12
                p22 = f2 * f2 * p22 + 1.0 - f2 * f2
            for c in range(k):
                if not use[t, c]:
                    continue
                a, b = loading[c] * h1, loading[c] * h2
                y = resid[t, c] / sd[j, c]
                ph1, ph2 = p11 * a + p12 * b, p12 * a + p22 * b
                s = a * ph1 + b * ph2 + noise
                g1, g2 = ph1 / s, ph2 / s
                innovation = y - a * m1 - b * m2
                m1, m2 = m1 + g1 * innovation, m2 + g2 * innovation
                p11, p12, p22 = p11 - g1 * ph1, p12 - g1 * ph2, p22 - g2 * ph2
            mf[t, 0], mf[t, 1] = m1, m2
            pf[t, 0], pf[t, 1], pf[t, 2] = p11, p12, p22
        # backward pass: x_t | all = filtered + G·(smoothed_{t+1} − predicted_{t+1})
        last = start[j] + length[j] - 1
        out[last, 0], out[last, 1] = mf[last, 0], mf[last, 1]
        for d in range(length[j] - 2, -1, -1):
            t = start[j] + d
            p11, p12, p22 = pf[t, 0], pf[t, 1], pf[t, 2]
            q11 = f1 * f1 * p11 + 1.0 - f1 * f1  # predicted covariance of t + 1
            q12 = f1 * f2 * p12
            q22 = f2 * f2 * p22 + 1.0 - f2 * f2
            det = q11 * q22 - q12 * q12
            # G = P·F·Q⁻¹ with F = diag(f1, f2)
            a11, a12, a21, a22 = p11 * f1, p12 * f2, p12 * f1, p22 * f2
            g11 = (a11 * q22 - a12 * q12) / det
            g12 = (a12 * q11 - a11 * q12) / det
            g21 = (a21 * q22 - a22 * q12) / det
            g22 = (a22 * q11 - a21 * q12) / det
            e1 = out[t + 1, 0] - f1 * mf[t, 0]
            e2 = out[t + 1, 1] - f2 * mf[t, 1]
            out[t, 0] = mf[t, 0] + g11 * e1 + g12 * e2
            out[t, 1] = mf[t, 1] + g21 * e1 + g22 * e2
    return out
