"""The HRV and RHR lines of personal calibration, scored in closed form for every candidate.

Given one candidate's sufficient statistics (``kernels.response_sums``), the HRV line
ln RMSSD − offset = c + s·A + σ_F·ρ has Gaussian priors N(m_i, 1/prec_i) on its three
coefficients (an all but flat one on c) and a known noise SD, so its coefficients integrate
out exactly: ``hrv_line`` returns the log marginal likelihood (up to a constant shared by
every candidate), the posterior means and SDs. The RHR line RHR − R − offset = b + κ·ρ has
its slope fixed by the population (κ) and a flat prior on b: ``rhr_line`` returns b and the
residual sum of squares. Elementwise over any leading shape (athletes × candidates), the
3×3 inverse by cofactors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The statistics' order (``kernels.response_sums``).
N_H, SUM_A, SUM_YH, SUM_AA, SUM_AYH, SUM_YHYH, N_R, SUM_YR, SUM_YRYR = range(9)
RHO_H, RHO_A, RHO_RHO_H, RHO_YH, RHO_R, RHO_RHO_R, RHO_YR = range(7)


@dataclass(frozen=True)
class HrvLine:
    log_evidence: np.ndarray  # log marginal likelihood, up to a shared constant
    mean: np.ndarray  # (..., 3) posterior means of (c, s, σ_F)
    sd: np.ndarray  # (..., 3) posterior SDs


def _fixed(fixed: np.ndarray, index: int, ndim: int) -> np.ndarray:
    """Column ``index`` of ``fixed`` (N, 9), shaped to broadcast against (N, …) sums."""
    return fixed[:, index].reshape((-1,) + (1,) * (ndim - 1))


def hrv_line(fixed: np.ndarray, sums: np.ndarray, sig: np.ndarray, mean: np.ndarray,
             precision: np.ndarray) -> HrvLine:
    """The HRV line for ``fixed`` (N, 9) and ``sums`` (N, 7, …); ``sig`` (N,) noise SDs."""
    ndim = sums.ndim - 1
    f = {i: _fixed(fixed, i, ndim) for i in range(9)}
    w = 1.0 / _fixed(sig[:, None] ** 2, 0, ndim)
    m, prec = mean, precision
    p00 = f[N_H] * w + prec[0]
    p01 = f[SUM_A] * w
    p02 = sums[:, RHO_H] * w
    p11 = f[SUM_AA] * w + prec[1]
    p12 = sums[:, RHO_A] * w
    p22 = sums[:, RHO_RHO_H] * w + prec[2]
    b0 = f[SUM_YH] * w + prec[0] * m[0]
    b1 = f[SUM_AYH] * w + prec[1] * m[1]
    b2 = sums[:, RHO_YH] * w + prec[2] * m[2]
    c00 = p11 * p22 - p12 * p12
    c01 = p02 * p12 - p01 * p22
    c02 = p01 * p12 - p02 * p11
    c11 = p00 * p22 - p02 * p02
    c12 = p01 * p02 - p00 * p12
    c22 = p00 * p11 - p01 * p01
    det = p00 * c00 + p01 * c01 + p02 * c02
    means = [(c00 * b0 + c01 * b1 + c02 * b2) / det, (c01 * b0 + c11 * b1 + c12 * b2) / det,
             (c02 * b0 + c12 * b1 + c22 * b2) / det]
    quad = (f[SUM_YHYH] * w + prec[0] * m[0] ** 2 + prec[1] * m[1] ** 2 + prec[2] * m[2] ** 2
            - b0 * means[0] - b1 * means[1] - b2 * means[2])
    sds = [np.sqrt(c / det) for c in (c00, c11, c22)]
    return HrvLine(log_evidence=-0.5 * quad - 0.5 * np.log(det),
                   mean=np.stack(means, axis=-1), sd=np.stack(sds, axis=-1))


def rhr_line(fixed: np.ndarray, sums: np.ndarray, kappa: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """(intercept b, residual sum of squares) of the RHR line for every candidate."""
    ndim = sums.ndim - 1
    n = np.maximum(_fixed(fixed, N_R, ndim), 1.0)
    mx, my = sums[:, RHO_R] / n, _fixed(fixed, SUM_YR, ndim) / n
    cxx = sums[:, RHO_RHO_R] - n * mx * mx
    cxy = sums[:, RHO_YR] - n * mx * my
    cyy = _fixed(fixed, SUM_YRYR, ndim) - n * my * my
    return my - kappa * mx, np.maximum(cyy - 2.0 * kappa * cxy + kappa**2 * cxx, 0.0)
