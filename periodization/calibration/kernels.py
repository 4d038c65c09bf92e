"""Compiled loops of personal calibration (numba), behind ``calibrate.py``.

The observation model the fit uses (``athlete/dynamics.py``, per morning t)::

    ln RMSSD_t − offset_h = c + s_acute·A_t + σ_ρ·ρ_t + ε_h      ε_h ~ N(0, σ_h²)
    RHR_t − acute_t − offset_r = b_rhr + κ·ρ_t + ε_r            ε_r ~ N(0, σ_r²)

with A_t the acute ln RMSSD shift of unit sensitivity, κ = ``rhr_per_fatigue`` and the
fatigue ratio ρ_t = h_t/h* = X_t·u, where X_t = H_t/(a2·a3) comes from the recorded loads
through the model's own recursion (``sim.kernels.fatigue_day`` with k3 = 1, from its
``steady_state``) and depends
only on τ2 and τ3, and u = 1/w*². G cancels from ρ, so it is not identifiable here.

``response_stats`` replays every athlete's loads once per (τ2, τ3) candidate and keeps the
sufficient statistics (sums of outer products), so that every (τ2, τ3, w*) grid point is
scored in closed form by ``grid_log_posterior``: the HRV line's coefficients are
integrated out under Gaussian priors (σ_h known), the RHR intercept under a flat one.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim import kernels as K

N_LINEAR = 3  # HRV coefficients: intercept c, s_acute, σ_ρ


@njit(cache=True)
def acute_series(start, length, action, pop_1):
    """(rows, 2): acute ln RMSSD shift of unit sensitivity and acute RHR rise on each
    morning, from the sessions before it (the model's own ``acute_day``, starting at 0;
    ``pop_1``: the population record)."""
    q = pop_1[0]
    out = np.zeros((action.shape[0], 2))
    for j in range(start.shape[0]):
        ah = ar = 0.0
        for d in range(length[j]):
            k = start[j] + d
            out[k, 0], out[k, 1] = ah, ar
            ah, ar = K.acute_day(ah, ar, action[k], 1.0, q)
    return out


@njit(cache=True)
def response_stats(start, length, load, action, y_h, y_r, use_h, use_r, acute, w0, e2_grid,
                   e3_grid, pop_1):
    """Sufficient statistics per athlete j and candidate (i2, i3).

    ``y_h`` is ln RMSSD minus known offsets, ``y_r`` RHR minus the acute rise and known
    offsets; ``use_*`` select the mornings that enter the fit; ``e2_grid``/``e3_grid``
    (N, n2)/(N, n3) hold e^{−1/τ}; ``pop_1`` is the population record (fatigue weights).
    Returns Sh (N, n2, n3, 4, 4) = Σ v·vᵀ with v = (1, A, X, y_h) and Sr (N, n2, n3, 3, 3)
    = Σ r·rᵀ with r = (1, X, y_r). The sums without X are the same for every candidate and
    are taken once per athlete.
    """
    q = pop_1[0]
    n, n2, n3 = start.shape[0], e2_grid.shape[1], e3_grid.shape[1]
    Sh = np.zeros((n, n2, n3, 4, 4))
    Sr = np.zeros((n, n2, n3, 3, 3))
    fixed_h = np.zeros((4, 4))  # rows/cols 0, 1, 3 (no X)
    fixed_r = np.zeros((3, 3))  # rows/cols 0, 2
    for j in range(n):
        fixed_h[:] = 0.0
        fixed_r[:] = 0.0
        for d in range(length[j]):
            k = start[j] + d
            if use_h[k]:
                a, y = acute[k, 0], y_h[k]
                fixed_h[0, 0] += 1.0
                fixed_h[0, 1] += a
                fixed_h[0, 3] += y
                fixed_h[1, 1] += a * a
                fixed_h[1, 3] += a * y
                fixed_h[3, 3] += y * y
            if use_r[k]:
                fixed_r[0, 0] += 1.0
                fixed_r[0, 2] += y_r[k]
                fixed_r[2, 2] += y_r[k] * y_r[k]
        for i2 in range(n2):
            e2 = e2_grid[j, i2]
            for i3 in range(n3):
                e3 = e3_grid[j, i3]
                # X = h / (a2·a3) with k3 = 1, from the steady state ``initial`` starts in
                norm = 1.0 / (K.geometric_sum(e2) * K.geometric_sum(e3))
                _, s, h = K.steady_state(w0[j], 0.0, e2, e3, 1.0)
                hx = hxa = hxy = hxx = rx = rxx = rxy = 0.0
                for d in range(length[j]):
                    k = start[j] + d
                    x = h * norm
                    if use_h[k]:
                        hx += x
                        hxa += x * acute[k, 0]
                        hxy += x * y_h[k]
                        hxx += x * x
                    if use_r[k]:
                        rx += x
                        rxx += x * x
                        rxy += x * y_r[k]
                    s, h = K.fatigue_day(s, h, load[k], q["fatigue_weight"][action[k]], e3, e2,
                                         1.0)
                H = Sh[j, i2, i3]
                H[:, :] = fixed_h
                H[0, 2], H[1, 2], H[2, 2], H[2, 3] = hx, hxa, hxx, hxy
                R = Sr[j, i2, i3]
                R[:, :] = fixed_r
                R[0, 1], R[1, 1], R[1, 2] = rx, rxx, rxy
                for r in range(4):  # symmetric: fill the lower triangle
                    for c in range(r):
                        H[r, c] = H[c, r]
                for r in range(3):
                    for c in range(r):
                        R[r, c] = R[c, r]
    return Sh, Sr


@njit(inline="always")
def hrv_posterior(S, u, sig2, m, prec):
    """Gaussian posterior of the HRV line's coefficients (c, s_acute, σ_ρ) at u = 1/w*².

    ``S`` = Σ v·vᵀ with v = (1, A, X, y); the design is (1, A, u·X). Priors: flat on c,
    N(m_i, 1/prec_i) on the others. Returns (log marginal likelihood up to a constant
    shared by every u, τ2, τ3; the three posterior means; the three posterior SDs).
    Scalar code with the 3×3 inverse by cofactors: this runs for every grid point, where
    array allocations or a LAPACK call would cost more than the arithmetic.
    """
    w = 1.0 / sig2
    # P = DᵀD/σ² + diag(prec), b = Dᵀy/σ² + prec·m, with D = (1, A, u·X)
    p00 = S[0, 0] * w + prec[0]
    p01 = S[0, 1] * w
    p02 = S[0, 2] * u * w
    p11 = S[1, 1] * w + prec[1]
    p12 = S[1, 2] * u * w
    p22 = S[2, 2] * u * u * w + prec[2]
    b0 = S[0, 3] * w + prec[0] * m[0]
    b1 = S[1, 3] * w + prec[1] * m[1]
    b2 = S[2, 3] * u * w + prec[2] * m[2]
    c00 = p11 * p22 - p12 * p12
    c01 = p02 * p12 - p01 * p22
    c02 = p01 * p12 - p02 * p11
    c11 = p00 * p22 - p02 * p02
    c12 = p01 * p02 - p00 * p12
    c22 = p00 * p11 - p01 * p01
    det = p00 * c00 + p01 * c01 + p02 * c02
    mean0 = (c00 * b0 + c01 * b1 + c02 * b2) / det
    mean1 = (c01 * b0 + c11 * b1 + c12 * b2) / det
    mean2 = (c02 * b0 + c12 * b1 + c22 * b2) / det
    quad = (S[3, 3] * w + prec[0] * m[0] * m[0] + prec[1] * m[1] * m[1]
            + prec[2] * m[2] * m[2] - b0 * mean0 - b1 * mean1 - b2 * mean2)
    ll = -0.5 * quad - 0.5 * math.log(det)
    return (ll, mean0, mean1, mean2, math.sqrt(c00 / det), math.sqrt(c11 / det),
            math.sqrt(c22 / det))


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
                    ll_h = hrv_posterior(Sh[j, i2, i3], u, s2h, m, prec)[0]
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
        (_, beta[j, 0], beta[j, 1], beta[j, 2], sd[j, 0], sd[j, 1],
         sd[j, 2]) = hrv_posterior(Sh[j], u[j], sig_h[j] ** 2, m, prec)
        b_rhr[j], _ = rhr_fit(Sr[j], kappa * u[j])
        used[j, 0], used[j, 1] = Sh[j, 0, 0], Sr[j, 0, 0]
    return beta, sd, b_rhr, used
