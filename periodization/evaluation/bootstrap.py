"""Percentile-bootstrap 95 % CIs over athletes, numpy only (no scipy import on the
command line's path). Resampling whole athletes keeps paired columns paired."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RESAMPLES = 2000


def _indices(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(RESAMPLES, n))


def bootstrap(statistic: Callable[..., np.ndarray], *columns: np.ndarray, seed: int
              ) -> tuple[float, tuple[float, float]]:
    """(statistic, percentile-bootstrap 95 % CI), resampling athletes so paired columns
    stay paired. ``statistic`` takes arrays (…, n) and reduces the last axis."""
    cols = [np.asarray(c, dtype=np.float64) for c in columns]
    value = float(statistic(*cols))
    n = cols[0].shape[0]
    if n < 2:
        return value, (value, value)
    idx = _indices(n, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = np.asarray(statistic(*[c[idx] for c in cols]), dtype=np.float64)
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return value, (float("nan"), float("nan"))
    low, high = np.percentile(draws, [2.5, 97.5])
    return value, (float(low), float(high))


def mean(x: np.ndarray) -> np.ndarray:
    return np.mean(x, axis=-1)


def mean_ci(x: np.ndarray, seed: int) -> tuple[float, tuple[float, float]]:
    return bootstrap(mean, x, seed=seed)


def diff_ci(a: np.ndarray, b: np.ndarray, seed: int) -> tuple[float, tuple[float, float]]:
    """Mean paired difference a − b over athletes with its CI."""
    return bootstrap(mean, np.asarray(a) - np.asarray(b), seed=seed)


def share_ci(flags: np.ndarray, seed: int) -> tuple[float, tuple[float, float]]:
    """Share of athletes for whom ``flags`` holds, as a fraction, with its CI."""
    return bootstrap(mean, np.asarray(flags, dtype=np.float64), seed=seed)


def median_ci(x: np.ndarray, seed: int) -> tuple[float, tuple[float, float]]:
    return bootstrap(lambda v: np.median(v, axis=-1), x, seed=seed)
