"""Statistics for paired policy comparisons: bootstrap confidence intervals and the paired
Wilcoxon signed-rank test (scipy)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats


def mean_ci95(values: np.ndarray, *, seed: int = 0, resamples: int = 2000
              ) -> tuple[float, float]:
    """Percentile-bootstrap 95 % confidence interval of the mean (degenerate data: the
    value itself)."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) < 2 or np.ptp(x) == 0:
        m = float(x.mean()) if len(x) else float("nan")
        return m, m
    res = stats.bootstrap((x,), np.mean, confidence_level=0.95, n_resamples=resamples,
                          method="percentile", random_state=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def paired_wilcoxon(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Two-sided Wilcoxon signed-rank test of a − b on paired episodes.

    Returns the statistic, the p-value, the mean and median difference and the share of
    episodes where a is better. All-zero differences give p = 1.
    """
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if np.all(d == 0):
        return {"statistic": 0.0, "p_value": 1.0, "mean_diff": 0.0, "median_diff": 0.0,
                "share_better": 0.0}
    res = stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided")
    return {"statistic": float(res.statistic), "p_value": float(res.pvalue),
            "mean_diff": float(d.mean()), "median_diff": float(np.median(d)),
            "share_better": float((d > 0).mean())}


def paired_bootstrap_ci95(columns: list[np.ndarray], statistic: Callable[..., np.ndarray], *,
                          seed: int = 0, resamples: int = 2000) -> tuple[float, float]:
    """Percentile-bootstrap 95 % CI of ``statistic(mean_1, …, mean_k)``, resampling whole
    episodes so the k paired columns stay paired (e.g. share of the oracle's outcome =
    mean(agent) / mean(oracle)).

    ``statistic`` receives one array of resampled means per column and is vectorised over
    them. Resamples where it is not finite (a zero denominator) are left out; NaN when
    none is.
    """
    data = np.stack([np.asarray(c, dtype=np.float64) for c in columns])  # (k, n)
    n = data.shape[1]
    if n < 2:
        value = float(statistic(*data.mean(axis=1)))
        return value, value
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    means = data[:, idx].mean(axis=2)  # (k, resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.asarray(statistic(*means), dtype=np.float64)
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)
