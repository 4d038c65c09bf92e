"""Statistics for paired policy comparisons with the athlete as the unit: cluster-bootstrap
confidence intervals (an athlete's blocks are resampled together) and the paired Wilcoxon
signed-rank test on athlete means (scipy).

``clusters`` is a (n,) array naming each row's athlete; ``None`` makes every row its own
athlete. Resampling rows when an athlete has several correlated blocks would count each
block as new evidence and give intervals too narrow (``tests/evaluation/test_stats.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

RESAMPLES = 2000


def _codes(clusters: np.ndarray | None, n: int) -> tuple[np.ndarray, int]:
    """(n,) cluster code of each row (0 … G−1, in order of first appearance) and G."""
    if clusters is None:
        return np.arange(n), n
    codes, uniques = pd.factorize(np.asarray(clusters), sort=False)
    if len(codes) != n:
        raise ValueError(f"{len(codes)} cluster labels for {n} rows")
    return codes, len(uniques)


def cluster_weights(groups: int, *, seed: int, resamples: int = RESAMPLES) -> np.ndarray:
    """(resamples, groups) float64, read-only: how often each athlete is drawn in each
    bootstrap resample (``groups`` draws with replacement per resample). Cached: a report
    resamples the same athletes for every metric of every policy (80 intervals at 1000
    athletes took 12 s to draw afresh)."""
    return _weights(groups, seed, resamples)


@functools.lru_cache(maxsize=4)
def _weights(groups: int, seed: int, resamples: int) -> np.ndarray:
    idx = np.random.default_rng(seed).integers(0, groups, size=(resamples, groups))
    flat = idx + groups * np.arange(resamples)[:, None]
    w = np.bincount(flat.ravel(), minlength=resamples * groups).reshape(resamples, groups)
    w = w.astype(np.float64)
    w.flags.writeable = False
    return w


def cluster_means(columns: list[np.ndarray], clusters: np.ndarray | None = None, *,
                  seed: int = 0, resamples: int = RESAMPLES) -> np.ndarray:
    """(k, resamples) bootstrap means of k paired columns (each (n,)), resampling whole
    athletes: a resample's mean is Σ w_g · sum_g / Σ w_g · n_g over athletes g."""
    data = np.stack([np.asarray(c, dtype=np.float64) for c in columns])  # (k, n)
    codes, groups = _codes(clusters, data.shape[1])
    sums = np.stack([np.bincount(codes, weights=row, minlength=groups) for row in data])
    counts = np.bincount(codes, minlength=groups).astype(np.float64)
    w = cluster_weights(groups, seed=seed, resamples=resamples)
    return (w @ sums.T).T / (w @ counts)  # (k, R)


def _interval(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def n_athletes(clusters: np.ndarray | None, n: int) -> int:
    return _codes(clusters, n)[1]


def mean_ci95(values: np.ndarray, *, clusters: np.ndarray | None = None, seed: int = 0,
              resamples: int = RESAMPLES) -> tuple[float, float]:
    """Percentile-bootstrap 95 % CI of the mean, resampling athletes (degenerate data or a
    single athlete: the mean itself)."""
    x = np.asarray(values, dtype=np.float64)
    if not len(x):
        return float("nan"), float("nan")
    if np.ptp(x) == 0 or n_athletes(clusters, len(x)) < 2:
        return float(x.mean()), float(x.mean())
    return _interval(cluster_means([x], clusters, seed=seed, resamples=resamples)[0])


def paired_bootstrap_ci95(columns: list[np.ndarray], statistic: Callable[..., np.ndarray], *,
                          clusters: np.ndarray | None = None, seed: int = 0,
                          resamples: int = RESAMPLES) -> tuple[float, float]:
    """Percentile-bootstrap 95 % CI of ``statistic(mean_1, …, mean_k)`` resampling whole
    athletes, so the k paired columns stay paired (share of the oracle's outcome =
    mean(agent) / mean(oracle); a paired difference = mean(a) − mean(b)).

    ``statistic`` is vectorised over resamples. Resamples where it is not finite (a zero
    denominator) are left out; NaN when none is.
    """
    data = [np.asarray(c, dtype=np.float64) for c in columns]
    if n_athletes(clusters, len(data[0])) < 2:
        value = float(statistic(*[c.mean() for c in data]))
        return value, value
    means = cluster_means(data, clusters, seed=seed, resamples=resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.asarray(statistic(*means), dtype=np.float64)
    return _interval(values)


def diff_ci95(a: np.ndarray, b: np.ndarray, *, clusters: np.ndarray | None = None,
              seed: int = 0) -> tuple[float, tuple[float, float]]:
    """Mean paired difference a − b with its athlete-bootstrap CI."""
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(d.mean()), mean_ci95(d, clusters=clusters, seed=seed)


def ratio_ci95(a: np.ndarray, b: np.ndarray, *, clusters: np.ndarray | None = None,
               seed: int = 0) -> tuple[float, tuple[float, float]]:
    """mean(a) / mean(b) (e.g. the share of the oracle's outcome) with its CI."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(a.mean() / b.mean())
    return value, paired_bootstrap_ci95([a, b], lambda x, y: x / y, clusters=clusters,
                                        seed=seed)


def athlete_means(values: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """(G,) mean of each athlete's rows, athletes in order of first appearance."""
    x = np.asarray(values, dtype=np.float64)
    codes, groups = _codes(clusters, len(x))
    return np.bincount(codes, weights=x, minlength=groups) / np.bincount(codes,
                                                                         minlength=groups)


def paired_wilcoxon(a: np.ndarray, b: np.ndarray, *, clusters: np.ndarray | None = None
                    ) -> dict[str, float]:
    """Two-sided Wilcoxon signed-rank test of a − b on athlete means (the rows of one
    athlete are averaged first: blocks of one athlete are not independent).

    Returns the statistic, the p-value, the mean and median difference (over athletes),
    the share of athletes where a is better, and how many athletes the test rests on.
    All-zero differences give p = 1.
    """
    d = athlete_means(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64),
                      clusters)
    if np.all(d == 0):
        return {"statistic": 0.0, "p_value": 1.0, "mean_diff": 0.0, "median_diff": 0.0,
                "share_better": 0.0, "athletes": len(d)}
    res = stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided")
    return {"statistic": float(res.statistic), "p_value": float(res.pvalue),
            "mean_diff": float(d.mean()), "median_diff": float(np.median(d)),
            "share_better": float((d > 0).mean()), "athletes": len(d)}
