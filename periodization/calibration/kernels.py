"""Compiled loops of personal calibration (``core.jit.njit``), behind ``grid.py``.

The observation model the fit uses (``sim/observe_kernels.latent_row``, per morning t)::

    ln RMSSD_t − offset_h = c + s·A_t + β_h·m_t + σ_F·ρ_t + ε_h     ε_h ~ N(0, σ_h²)
    RHR_t − R_t − offset_r = b + β_r·m_t + κ·ρ_t + ε_r              ε_r ~ N(0, σ_r²)

``A_t`` is the acute ln RMSSD shift of recent sessions at unit sensitivity (≤ 0; the
athlete's shift is s·A_t exactly: the model's drops scale with s and the unrecovered
factor reads them relative to s), ``R_t`` the acute resting-HR rise, ``m_t`` the replayed
maladaptation's effect size, all from the replay (``replay.py``); κ = ``rhr_per_fatigue``;
ρ_t = F_t/F* the fatigue ratio. The regressors that do not depend on the candidate
((1, A, m) and (1, m)) come in as matrices, so the lines can change without this kernel.

ρ comes from the recorded loads through the model's own fatigue step
(``sim.kernels.fatigue_next``): its input on day t (the step from zero fatigue at unit
gain) depends on the candidate w* — the superlinear session term (w/w*)^e and the floor of
the load-spike ratio — and on ATL/CTL after the day and the day's unrecovered factor,
which come from the replay and are the same for every candidate. The step is
F·e^{−1/τ_F} + k_F·input, so on the ratio the gain is k_F/F* and the fatigue share f
cancels (it is not identifiable here). A test holds the grid's ρ equal to the replay's.

Every (τ_F, w*) candidate of an athlete is carried at once, as (nτ, nw) arrays: one pass
over the days per athlete, with the kernel's inputs computed once per w* (array code, so
that one athlete's ``recommend``, which runs the kernels as plain Python, stays fast).
The sufficient statistics it returns are scored in numpy (``lines.py``).
"""

from __future__ import annotations

import numpy as np

from periodization.core.jit import njit
from periodization.sim import kernels as K
from periodization.sim.records import load_row


@njit(cache=True)
def unrecovered_factors(S, P, pop_1):
    """(N,) the unrecovered factor of today's session for each athlete of the state record
    ``S`` (``sim.kernels.unrecovered_factor``)."""
    q = pop_1[0]
    out = np.empty(S.shape[0])
    for i in range(S.shape[0]):
        out[i] = K.unrecovered_factor(load_row(S, i), P[i], q)
    return out


@njit(inline="always")
def fatigue_inputs(k0, days, load, action, atl, ctl, fatigued, wstar, q):
    """(days, nw) each day's fatigue input at unit gain from zero fatigue, per candidate
    w* (``sim.kernels.fatigue_next``)."""
    out = np.zeros((days, wstar.shape[0]))
    for d in range(days):
        k = k0 + d
        for iw in range(wstar.shape[0]):
            out[d, iw] = K.fatigue_next(0.0, action[k], load[k], atl[k], ctl[k], fatigued[k],
                                        wstar[iw], 0.0, 1.0, q)
    return out


@njit(inline="always")
def _line_sums(k0, days, x, y, use, R):
    """(gram (k+1, k+1), cross (k+2, m)) of one line over one athlete's used mornings, with
    ``R`` (days, m) the candidates' ρ: Gram of (x, y) and Σρ·x, Σρ², Σρ·y (matrix products,
    so plain Python runs them in numpy and the JIT in BLAS)."""
    k = x.shape[1]
    W = np.zeros((k + 1, days))  # (x, y) of used mornings, 0 elsewhere
    for d in range(days):
        if use[k0 + d]:
            for c in range(k):
                W[c, d] = x[k0 + d, c]
            W[k, d] = y[k0 + d]
    gram = np.dot(W, W.T.copy())
    used = np.zeros((1, days))
    for d in range(days):
        used[0, d] = 1.0 if use[k0 + d] else 0.0
    cross = np.empty((k + 2, R.shape[1]))
    xr = np.dot(W, R)
    cross[:k] = xr[:k]
    cross[k] = np.dot(used, R * R)[0]
    cross[k + 1] = xr[k]
    return gram, cross


@njit(cache=True)
def response_sums(start, length, load, action, atl, ctl, fatigued, x_h, y_h, x_r, y_r, use_h,
                  use_r, rho0, decay, gain, wstar, pop_1):
    """Every athlete's sufficient statistics for its candidates.

    Per row of the history (``start``/``length`` per athlete): the day's ``load`` and
    ``action``, ATL/CTL after it and its unrecovered factor ``fatigued``; the regressors
    that do not depend on the candidate (``x_h`` (rows, k_h), ``x_r`` (rows, k_r)), the
    responses ``y_h``/``y_r`` and which mornings enter each line (``use_h``/``use_r``).
    Per athlete j and candidate: ``rho0`` (N, nw) the ratio on the first morning, ``decay``
    (N, nτ) e^{−1/τ_F}, ``gain`` (N, nτ, nw) k_F/F*, ``wstar`` (N, nw).

    Returns (gram_h (N, k_h + 1, k_h + 1), gram_r, cross_h (N, k_h + 2, nτ, nw), cross_r):
    the Gram matrices of (x, y) over each line's mornings, the same for every candidate,
    and per candidate Σρ·x, Σρ² and Σρ·y.
    """
    q = pop_1[0]
    n, nt, nw = start.shape[0], decay.shape[1], wstar.shape[1]
    kh, kr = x_h.shape[1], x_r.shape[1]
    gram_h, gram_r = np.zeros((n, kh + 1, kh + 1)), np.zeros((n, kr + 1, kr + 1))
    cross_h, cross_r = np.zeros((n, kh + 2, nt, nw)), np.zeros((n, kr + 2, nt, nw))
    for j in range(n):
        days, k0 = length[j], start[j]
        inputs = fatigue_inputs(k0, days, load, action, atl, ctl, fatigued, wstar[j], q)
        R = np.empty((days, nt, nw))  # ρ of every morning and candidate
        rho = np.zeros((nt, nw)) + rho0[j]
        tmp = np.empty((nt, nw))
        step = decay[j].reshape(nt, 1)
        for d in range(days):
            R[d] = rho
            # tomorrow's ratio: ρ·e^{−1/τ_F} + (k_F/F*)·input, in place
            np.multiply(rho, step, rho)
            np.multiply(gain[j], inputs[d], tmp)
            np.add(rho, tmp, rho)
        flat = R.reshape(days, nt * nw)
        g, c = _line_sums(k0, days, x_h, y_h, use_h, flat)
        gram_h[j], cross_h[j] = g, c.reshape(kh + 2, nt, nw)
        g, c = _line_sums(k0, days, x_r, y_r, use_r, flat)
        gram_r[j], cross_r[j] = g, c.reshape(kr + 2, nt, nw)
    return gram_h, gram_r, cross_h, cross_r
