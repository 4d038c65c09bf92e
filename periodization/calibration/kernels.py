"""Compiled loops of personal calibration (``core.jit.njit``), behind ``grid.py``.

The observation model the fit uses (``sim/observe_kernels.latent_row``, per morning t)::

    ln RMSSD_t − offset_h = c + s·A_t + σ_F·ρ_t + ε_h          ε_h ~ N(0, σ_h²)
    RHR_t − R_t − offset_r = b + κ·ρ_t + ε_r                   ε_r ~ N(0, σ_r²)

``A_t`` is the acute ln RMSSD shift of recent sessions at unit sensitivity (≤ 0; the
athlete's shift is s·A_t exactly: the model's drops scale with s and the unrecovered
factor reads them relative to s), ``R_t`` the acute resting-HR rise, both from the replay
(``replay.py``); κ = ``rhr_per_fatigue``; ρ_t = F_t/F* the fatigue ratio.

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


@njit(cache=True)
def response_sums(start, length, load, action, atl, ctl, fatigued, acute, y_h, y_r, use_h,
                  use_r, rho0, decay, gain, wstar, pop_1):
    """Every athlete's sufficient statistics for its candidates.

    Per row of the history (``start``/``length`` per athlete): the day's ``load`` and
    ``action``, ATL/CTL after it, its unrecovered factor ``fatigued``, the unit acute HRV
    shift ``acute``, the responses ``y_h``/``y_r`` and which mornings enter the fit
    (``use_h``/``use_r``). Per athlete j and candidate: ``rho0`` (N, nw) the ratio on the
    first morning, ``decay`` (N, nτ) e^{−1/τ_F}, ``gain`` (N, nτ, nw) k_F/F*, ``wstar``
    (N, nw).

    Returns (fixed (N, 9), sums (N, 7, nτ, nw)): ``fixed`` the sums without ρ — HRV
    mornings, ΣA, Σy_h, ΣA², ΣA·y_h, Σy_h², RHR mornings, Σy_r, Σy_r² — and ``sums`` Σρ,
    ΣρA, Σρ², Σρy_h over the HRV mornings, Σρ, Σρ², Σρy_r over the RHR mornings.
    """
    q = pop_1[0]
    n, nt, nw = start.shape[0], decay.shape[1], wstar.shape[1]
    fixed = np.zeros((n, 9))
    sums = np.zeros((n, 7, nt, nw))
    for j in range(n):
        days, k0 = length[j], start[j]
        inputs = fatigue_inputs(k0, days, load, action, atl, ctl, fatigued, wstar[j], q)
        f, s = fixed[j], sums[j]
        rho = np.zeros((nt, nw)) + rho0[j]
        step = decay[j].reshape(nt, 1)
        for d in range(days):
            k = k0 + d
            if use_h[k]:
                a, y = acute[k], y_h[k]
                f[0] += 1.0
                f[1] += a
                f[2] += y
                f[3] += a * a
                f[4] += a * y
                f[5] += y * y
                s[0] += rho
                s[1] += rho * a
                s[2] += rho * rho
                s[3] += rho * y
            if use_r[k]:
                y = y_r[k]
                f[6] += 1.0
                f[7] += y
                f[8] += y * y
                s[4] += rho
                s[5] += rho * rho
                s[6] += rho * y
            rho = rho * step + gain[j] * inputs[d]
    return fixed, sums
