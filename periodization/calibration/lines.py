"""The HRV and RHR lines of personal calibration, scored in closed form for every candidate.

Each line is a Bayesian linear regression y = D·β + ε, ε ~ N(0, σ²) with σ known and a
Gaussian prior β ~ N(m, diag(1/prec)) (an all but flat one on the intercept), so β
integrates out exactly: the log marginal likelihood (up to a constant shared by every
candidate) is −½·[y·y/σ² + m·P₀·m − μ·P·μ] − ½·ln det P, with P = DᵀD/σ² + P₀ and
μ = P⁻¹(Dᵀy/σ² + P₀·m) the posterior mean (``_posterior``). The design is the regressors
that do not depend on the candidate, x, plus the fatigue ratio ρ of the candidate:

* the HRV line has ρ's coefficient σ_F free (``hrv_line``): D = (x, ρ);
* the RHR line has it fixed at the population's κ (``rhr_line``): D = x, y − κ·ρ.

The statistics come from ``kernels.response_sums``: Gram matrices of (x, y) over a line's
mornings and, per candidate, Σρ·x, Σρ², Σρ·y. Elementwise over athletes × candidates, with
numpy's batched linear algebra (4×4 at most).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Line:
    log_evidence: np.ndarray  # (N, nτ, nw) log marginal likelihood, up to a shared constant
    mean: np.ndarray  # (N, nτ, nw, p) posterior means of the coefficients
    sd: np.ndarray | None  # (N, nτ, nw, p) posterior SDs (when asked for)


def _posterior(gram: np.ndarray, xty: np.ndarray, yty: np.ndarray, sig: np.ndarray,
               mean: np.ndarray, precision: np.ndarray, sds: bool) -> Line:
    """Gram DᵀD (…, p, p), Dᵀy (…, p), y·y (…) and σ (N,) broadcast over (N, …); the
    posterior SDs (a matrix inverse per candidate) only with ``sds``."""
    extra = gram.ndim - 2 - 1  # candidate axes after the athlete's
    w = (1.0 / sig**2).reshape((-1,) + (1,) * extra)
    P = gram * w[..., None, None] + np.diag(precision)
    b = xty * w[..., None] + precision * mean
    mu = np.linalg.solve(P, b[..., None])[..., 0]
    quad = yty * w + precision @ mean**2 - np.einsum("...i,...i", mu, b)
    _, logdet = np.linalg.slogdet(P)
    sd = np.sqrt(np.diagonal(np.linalg.inv(P), axis1=-2, axis2=-1)) if sds else None
    return Line(log_evidence=-0.5 * quad - 0.5 * logdet, mean=mu, sd=sd)


def _candidates(gram: np.ndarray, cross: np.ndarray) -> tuple[np.ndarray, ...]:
    """The fixed Gram (N, k+1, k+1) and the candidates' cross sums (N, k+2, nτ, nw) as
    (xᵀx (N, 1, 1, k, k), xᵀy (N, 1, 1, k), yᵀy (N, 1, 1), Σρx (N, nτ, nw, k), Σρ², Σρy)."""
    k = gram.shape[-1] - 1
    rx = np.moveaxis(cross[:, :k], 1, -1)
    return (gram[:, None, None, :k, :k], gram[:, None, None, :k, k], gram[:, None, None, k, k],
            rx, cross[:, k], cross[:, k + 1])


def hrv_line(gram: np.ndarray, cross: np.ndarray, sig: np.ndarray, mean: np.ndarray,
             precision: np.ndarray, *, sds: bool = False) -> Line:
    """The HRV line with ρ's coefficient free (last): ``mean``/``precision`` (k + 1,)."""
    xx, xy, yy, rx, rr, ry = _candidates(gram, cross)
    k = xx.shape[-1]
    shape = rx.shape[:-1]
    full = np.empty((*shape, k + 1, k + 1))
    full[..., :k, :k] = xx
    full[..., :k, k] = rx
    full[..., k, :k] = rx
    full[..., k, k] = rr
    xty = np.concatenate([np.broadcast_to(xy, (*shape, k)), ry[..., None]], axis=-1)
    return _posterior(full, xty, np.broadcast_to(yy, shape), sig, mean, precision, sds)


def rhr_line(gram: np.ndarray, cross: np.ndarray, sig: np.ndarray, mean: np.ndarray,
             precision: np.ndarray, kappa: float, *, sds: bool = False) -> Line:
    """The RHR line with ρ's coefficient fixed at ``kappa``: ``mean``/``precision`` (k,)."""
    xx, xy, yy, rx, rr, ry = _candidates(gram, cross)
    shape = rx.shape[:-1]
    xty = xy - kappa * rx
    yty = yy - 2.0 * kappa * ry + kappa**2 * rr
    return _posterior(np.broadcast_to(xx, (*shape, *xx.shape[-2:])), xty, yty, sig, mean,
                      precision, sds)
