"""Compiled loops of personal calibration (numba), behind ``calibrate.py``.

The observation model the fit uses (``athlete/dynamics.py``, per morning t)::

    ln RMSSD_t − offset_h = c + s_acute·A_t + σ_ρ·ρ_t + ε_h      ε_h ~ N(0, σ_h²)
    RHR_t − acute_t − offset_r = b_rhr + κ·ρ_t + ε_r            ε_r ~ N(0, σ_r²)

with A_t the acute ln RMSSD shift of unit sensitivity, κ = ``rhr_per_fatigue`` and the
fatigue ratio ρ_t = h_t/h* = X_t·u, where X_t = H_t/(a2·a3) comes from the recorded loads
through the model's own recursion (``athlete.kernels.busso_day`` with k3 = 1) and depends
only on τ2 and τ3, and u = 1/w*². G cancels from ρ, so it is not identifiable here.

``response_stats`` replays every athlete's loads once per (τ2, τ3) candidate and keeps the
sufficient statistics (sums of outer products), so that every (τ2, τ3, w*) grid point is
scored in closed form by ``grid_log_posterior``: the HRV line's coefficients are
integrated out under Gaussian priors (σ_h known), the RHR intercept under a flat one.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from periodization.athlete import kernels as K

N_LINEAR = 3  # HRV coefficients: intercept c, s_acute, σ_ρ


@njit(cache=True)
def acute_series(start, length, action, A, decay):
    """(rows, 2): acute ln RMSSD shift of unit sensitivity and acute RHR rise on each
    morning, from the sessions before it (the model's recursion, starting at 0)."""
    out = np.zeros((action.shape[0], 2))
    for j in range(start.shape[0]):
        ah = ar = 0.0
        for d in range(length[j]):
            k = start[j] + d
            out[k, 0], out[k, 1] = ah, ar
            a = action[k]
            ah = ah * decay - A[K.HRV_DROP, a]
            ar = ar * decay + A[K.RHR_RISE, a]
    return out


@njit(cache=True)
def response_stats(start, length, load, action, y_h, y_r, use_h, use_r, acute, w0, e2_grid,
                   e3_grid, A):
    """Sufficient statistics per athlete j and candidate (i2, i3).

    ``y_h`` is ln RMSSD minus known offsets, ``y_r`` RHR minus the acute rise and known
    offsets; ``use_*`` select the mornings that enter the fit; ``e2_grid``/``e3_grid``
    (N, n2)/(N, n3) hold e^{−1/τ}. Returns Sh (N, n2, n3, 4, 4) = Σ v·vᵀ with
    v = (1, A, X, y_h) and Sr (N, n2, n3, 3, 3) = Σ r·rᵀ with r = (1, X, y_r).
    """
    n, n2, n3 = start.shape[0], e2_grid.shape[1], e3_grid.shape[1]
    Sh = np.zeros((n, n2, n3, 4, 4))
    Sr = np.zeros((n, n2, n3, 3, 3))
    v = np.empty(4)
    r = np.empty(3)
    for j in range(n):
        for i2 in range(n2):
            e2 = e2_grid[j, i2]
            for i3 in range(n3):
                e3 = e3_grid[j, i3]
                a2, a3 = 1.0 / (1.0 - e2), 1.0 / (1.0 - e3)
                norm = 1.0 / (a2 * a3)
                s, h = a3 * w0[j], a2 * a3 * w0[j] * w0[j]  # steady state of ``initial``
                for d in range(length[j]):
                    k = start[j] + d
                    x = h * norm
                    if use_h[k]:
                        v[0], v[1], v[2], v[3] = 1.0, acute[k, 0], x, y_h[k]
                        for p in range(4):
                            for q in range(p, 4):
                                Sh[j, i2, i3, p, q] += v[p] * v[q]
                    if use_r[k]:
                        r[0], r[1], r[2] = 1.0, x, y_r[k]
                        for p in range(3):
                            for q in range(p, 3):
                                Sr[j, i2, i3, p, q] += r[p] * r[q]
                    a = action[k]
                    _, s, h, _ = K.busso_day(0.0, s, h, 0.0, load[k], 0.0, A[K.FAT_W, a],
                                             1.0, e2, e3, 1.0, 1.0, 0.0, 1.0, 1.0)
                for p in range(4):
                    for q in range(p):
                        Sh[j, i2, i3, p, q] = Sh[j, i2, i3, q, p]
                for p in range(3):
                    for q in range(p):
                        Sr[j, i2, i3, p, q] = Sr[j, i2, i3, q, p]
    return Sh, Sr


@njit(inline="always")
def hrv_posterior(S, u, sig2, m, prec):
    """Gaussian posterior of the HRV line's coefficients (c, s_acute, σ_ρ) at u = 1/w*².

    ``S`` = Σ v·vᵀ with v = (1, A, X, y); the design is (1, A, u·X). Priors: flat on c,
    N(m_i, 1/prec_i) on the others. Returns (mean (3,), covariance (3, 3), log marginal
    likelihood up to a constant shared by every u, τ2, τ3).
    """
    scale = np.array([1.0, 1.0, u])
    P = np.empty((3, 3))
    b = np.empty(3)
    for p in range(3):
        for q in range(3):
            P[p, q] = S[p, q] * scale[p] * scale[q] / sig2
        P[p, p] += prec[p]
        b[p] = S[p, 3] * scale[p] / sig2 + prec[p] * m[p]
    L = np.linalg.cholesky(P)
    logdet = 0.0
    for p in range(3):
        logdet += 2.0 * math.log(L[p, p])
    cov = np.linalg.inv(P)
    mean = cov @ b
    quad = S[3, 3] / sig2 - b @ mean
    for p in range(3):
        quad += prec[p] * m[p] * m[p]
    return mean, cov, -0.5 * quad - 0.5 * logdet


@njit(inline="always")
def rhr_fit(S, c):
    """(intercept, centred residual sum of squares) of y_r = b + c·X given the slope c."""
    n = S[0, 0]
    if n < 1.0:
        return 0.0, 0.0
    mx, my = S[0, 1] / n, S[0, 2] / n
    cxx = S[1, 1] - n * mx * mx
    cxy = S[1, 2] - n * mx * my
    cyy = S[2, 2] - n * my * my
    return my - c * mx, max(cyy - 2.0 * c * cxy + c * c * cxx, 0.0)


@njit(cache=True)
def grid_log_posterior(Sh, Sr, u_grid, log_prior, sig_h, sig_r, m, prec, kappa):
    """Log posterior (N, n2, n3, nw) of (τ2, τ3, w*) on the grid, up to a constant per
    athlete. ``log_prior`` is (n2, n3, nw); ``sig_h``/``sig_r`` (N,) are the noise SDs."""
    n, n2, n3 = Sh.shape[0], Sh.shape[1], Sh.shape[2]
    nw = u_grid.shape[0]
    out = np.empty((n, n2, n3, nw))
    for j in range(n):
        s2h, s2r = sig_h[j] ** 2, sig_r[j] ** 2
        for i2 in range(n2):
            for i3 in range(n3):
                for iw in range(nw):
                    u = u_grid[iw]
                    _, _, ll_h = hrv_posterior(Sh[j, i2, i3], u, s2h, m, prec)
                    _, sse = rhr_fit(Sr[j, i2, i3], kappa * u)
                    out[j, i2, i3, iw] = ll_h - 0.5 * sse / s2r + log_prior[i2, i3, iw]
    return out


@njit(cache=True)
def linear_fits(Sh, Sr, u, sig_h, m, prec, kappa):
    """At one (τ2, τ3, w*) per athlete (Sh (N, 4, 4), Sr (N, 3, 3), u (N,)): HRV
    coefficient means (N, 3) and SDs (N, 3), RHR intercepts (N,) and mornings used (N, 2)."""
    n = Sh.shape[0]
    beta, sd = np.empty((n, N_LINEAR)), np.empty((n, N_LINEAR))
    b_rhr, used = np.empty(n), np.empty((n, 2))
    for j in range(n):
        mean, cov, _ = hrv_posterior(Sh[j], u[j], sig_h[j] ** 2, m, prec)
        for p in range(N_LINEAR):
            beta[j, p], sd[j, p] = mean[p], math.sqrt(cov[p, p])
        b_rhr[j], _ = rhr_fit(Sr[j], kappa * u[j])
        used[j, 0], used[j, 1] = Sh[j, 0, 0], Sr[j, 0, 0]
    return beta, sd, b_rhr, used
