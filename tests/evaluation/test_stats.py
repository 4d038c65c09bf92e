"""Statistics with the athlete as the unit: cluster bootstrap and Wilcoxon on athlete means."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.evaluation.stats import (
    athlete_means,
    cluster_weights,
    diff_ci95,
    mean_ci95,
    paired_bootstrap_ci95,
    paired_wilcoxon,
    ratio_ci95,
)


def clustered(athletes: int = 30, blocks: int = 10, *, seed: int = 0):
    """Rows of ``athletes`` athletes with ``blocks`` each: a large athlete effect (sd 3) and
    small block noise (sd 0.3), so blocks of one athlete are nearly copies."""
    rng = np.random.default_rng(seed)
    effect = rng.normal(0.0, 3.0, athletes)
    ids = np.repeat(np.arange(athletes), blocks)
    return effect[ids] + rng.normal(0.0, 0.3, len(ids)), ids, effect


def test_resampling_blocks_instead_of_athletes_is_too_narrow():
    x, ids, _ = clustered()
    by_athlete = np.subtract(*reversed(mean_ci95(x, clusters=ids)))
    by_block = np.subtract(*reversed(mean_ci95(x)))  # every row its own athlete: wrong here
    # 30 nearly-repeated athletes are ~30 pieces of evidence, not 300: about sqrt(10) wider
    assert by_athlete > 2.5 * by_block
    # and the athlete interval is the one of the athlete means (each athlete once)
    means = athlete_means(x, ids)
    low, high = mean_ci95(means)
    assert by_athlete == pytest.approx(high - low, rel=0.1)


def test_athlete_interval_covers_the_true_mean_at_about_95_percent():
    hits = 0
    for rep in range(120):
        x, ids, _ = clustered(athletes=25, blocks=4, seed=100 + rep)
        low, high = mean_ci95(x, clusters=ids, seed=rep, resamples=500)
        hits += low <= 0.0 <= high  # the population mean is 0
    assert 0.85 <= hits / 120 <= 0.995


def test_cluster_weights_draw_every_athlete_count_times():
    w = cluster_weights(7, seed=3, resamples=50)
    assert w.shape == (50, 7) and (w.sum(axis=1) == 7).all()
    assert not np.array_equal(w[0], w[1])
    assert np.array_equal(w, cluster_weights(7, seed=3, resamples=50))  # seeded


def test_paired_difference_and_ratio_keep_athletes_paired():
    x, ids, _ = clustered(seed=4)
    agent, oracle = x + 5.0, x + 10.0  # the same athletes: the difference is exactly -5
    value, ci = diff_ci95(agent, oracle, clusters=ids)
    assert value == pytest.approx(-5.0) and ci == pytest.approx((-5.0, -5.0))
    ratio, (low, high) = ratio_ci95(np.full(40, 3.0), np.full(40, 4.0),
                                    clusters=np.repeat(np.arange(10), 4))
    assert ratio == 0.75 and (low, high) == (0.75, 0.75)
    noisy = 3.0 + np.random.default_rng(1).normal(0, 1, 40)
    low, high = paired_bootstrap_ci95([noisy, noisy + 1.0], lambda a, o: a / o,
                                      clusters=np.repeat(np.arange(20), 2))
    assert low < noisy.mean() / (noisy.mean() + 1) < high


def test_wilcoxon_is_on_athlete_means_not_blocks():
    # 8 athletes, 5 blocks each, every athlete better: the exact two-sided p of 8 positive
    # distinct differences is 2 / 2**8, whatever the number of blocks
    ids = np.repeat(np.arange(8), 5)
    d = (np.arange(8) + 1.0)[ids] + np.tile(np.linspace(-0.2, 0.2, 5), 8)
    res = paired_wilcoxon(d, np.zeros_like(d), clusters=ids)
    assert res["p_value"] == pytest.approx(2 / 256) and res["athletes"] == 8
    per_block = paired_wilcoxon(d, np.zeros_like(d))
    assert per_block["athletes"] == 40 and per_block["p_value"] < 1e-6  # the inflated one
    assert paired_wilcoxon(d, d, clusters=ids)["p_value"] == 1.0


def test_one_athlete_gives_a_degenerate_interval():
    assert mean_ci95(np.array([1.0, 2.0, 3.0]), clusters=np.zeros(3)) == (2.0, 2.0)
