"""Compiled per-athlete loops of the environment layer (numba): the safety rules and mask,
the soft penalty and the reward components of one step.

Definitions live in ``constraints.py`` and ``reward.py``; these loops implement them once,
so a single environment (a batch of one) pays no per-operation numpy overhead.
"""

from __future__ import annotations

import numpy as np

from periodization.core.jit import njit

# Safety config vector (constraints.SafetyConfig.packed)
(ON_LOW, ON_CRASH, ON_HARD, ON_REST, ON_ILL, LOW_REC, CRASH_SD, MAX_HARD, MAX_NO_REST,
 PEN_REC) = range(10)
# Reward config vector (reward.RewardConfig.packed); VERSION: 0 v2, 1 v1, 2 outcome, 3 shaped
BASE, BONUS_HIGH, BONUS_MID, VERSION, W_SHORT, W_MEDIUM, W_LONG, W_PENALTY, BONUS_ON = range(9)
COMPONENT_ROWS = 8  # base, short, medium, long, recovery_bonus, penalty, gain, shaped_gain


@njit(cache=True)
def rules(recovery, ln_hrv, base_mean, base_sd, consecutive_hard, days_since_rest, ill,
          blocks, safety):
    """(fired (N, 5) bool, mask (N, 6) bool): rules firing and actions they leave allowed."""
    n = recovery.shape[0]
    fired = np.zeros((n, 5), dtype=np.bool_)
    mask = np.ones((n, 6), dtype=np.bool_)
    for i in range(n):
        fired[i, 0] = safety[ON_LOW] > 0 and recovery[i] < safety[LOW_REC]
        crash_line = base_mean[i] - safety[CRASH_SD] * base_sd[i]
        fired[i, 1] = safety[ON_CRASH] > 0 and ln_hrv[i] < crash_line
        fired[i, 2] = safety[ON_HARD] > 0 and consecutive_hard[i] > safety[MAX_HARD]
        fired[i, 3] = safety[ON_REST] > 0 and days_since_rest[i] >= safety[MAX_NO_REST]
        fired[i, 4] = safety[ON_ILL] > 0 and ill[i] > 0
        for r in range(5):
            if fired[i, r]:
                for a in range(6):
                    if blocks[r, a]:
                        mask[i, a] = False
    return fired, mask


@njit(cache=True)
def reward_components(action, high_intensity, recovery_today, hard_before, recovery_next,
                      ln_hrv_next, base_mean_next, base_sd_next, perf_before, perf_after,
                      perf_start, perf_long, perf_now, ctl_before, ctl_medium, capacity_before,
                      capacity_after, safety, reward):
    """(components (8, N): base, short, medium, long, recovery_bonus, penalty, gain,
    shaped_gain; reward (N,)) — the formulas of ``reward.py``."""
    n = action.shape[0]
    out = np.empty((COMPONENT_ROWS, n))
    total = np.empty(n)
    for i in range(n):
        a = action[i]
        n_hard = hard_before[i] + 1 if high_intensity[a] else 0
        crash = ln_hrv_next[i] < base_mean_next[i] - safety[CRASH_SD] * base_sd_next[i]
        penalty = 0.0
        if a != 0 and recovery_today[i] < safety[PEN_REC]:
            penalty += 1.0
        penalty += 0.5 * max(n_hard - safety[MAX_HARD], 0.0)
        if crash:
            penalty += 1.0
        rec = recovery_next[i]
        out[0, i] = reward[BASE]
        out[1, i] = 100.0 * (ln_hrv_next[i] - base_mean_next[i])
        out[2, i] = ctl_medium[i] - ctl_before[i]
        out[3, i] = 100.0 * (perf_long[i] - perf_now[i]) / perf_now[i]
        out[4, i] = reward[BONUS_HIGH] if rec >= 70.0 else (reward[BONUS_MID] if rec >= 50.0
                                                            else 0.0)
        out[5, i] = penalty
        out[6, i] = 100.0 * (perf_after[i] - perf_before[i]) / perf_start[i]
        out[7, i] = 100.0 * (capacity_after[i] - capacity_before[i]) / perf_start[i]
        if reward[VERSION] == 1.0:  # v1, the seed's original
            total[i] = 0.2 * out[1, i] / 10.0 + 0.3 * out[2, i] / 5.0 + 0.5 * out[3, i] / 10.0 \
                - penalty
        elif reward[VERSION] == 2.0:  # outcome
            total[i] = out[6, i] - reward[W_PENALTY] * penalty
        elif reward[VERSION] == 3.0:  # shaped
            total[i] = out[7, i] - reward[W_PENALTY] * penalty
        else:  # v2, the seed's improved
            total[i] = (out[0, i] + reward[W_SHORT] * out[1, i] + reward[W_MEDIUM] * out[2, i]
                        + reward[W_LONG] * out[3, i] + reward[BONUS_ON] * out[4, i]
                        - reward[W_PENALTY] * penalty)
    return out, total
