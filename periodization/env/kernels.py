"""Compiled per-athlete loops of the environment layer (numba): the safety rules and mask,
the soft penalty and the reward components of one step.

Definitions live in ``constraints.py`` and ``reward.py``; these loops implement them once,
so a single environment (a batch of one) pays no per-operation numpy overhead. They read
named records, by field name: the safety config ``safety`` (``SafetyConfig.packed``: its
switches and thresholds, plus the table ``safety["blocks"][r, a]`` of the actions rule r
blocks and ``safety["high_intensity"][a]``), the reward config ``reward``
(``RewardConfig.packed``), this
and tomorrow's morning (``MorningContext.record``) and the step's outlook (``Outlook``). A config
record comes as a (1,) array (``safety_1``), read as ``safety = safety_1[0]``.

``reading_rules`` and ``plan_rules`` are the one implementation of the five rules for one
athlete (``fired_rules`` joins them): ``rules`` calls them for the environment's mask, and
the oracle's rollout (``policies/planner.py``) calls ``plan_rules`` (``plan_allows``) for
the days it plans: hard days, days without rest and illness follow from the plan, while a
planned morning has no reading for the recovery and HRV-crash rules (today's real mask
applies those).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from periodization.core.jit import njit

N_RULES = 5
COMPONENT_ROWS = 9  # base, short, medium, long, recovery_bonus, penalty, gain, shaped_gain,
# days_lost
# reward.VERSIONS order: the kernel's version codes
V2, V1, OUTCOME, SHAPED = range(4)

# What a step's reward reads besides the two mornings, each (N,): test performance before
# and after the step and at the block's start, the 30-day projection (and performance now
# it starts from), CTL before and its 14-day projection, the shaping potential before and
# after, and the days a new illness or injury of the day was expected to cost.
Outlook = namedtuple("Outlook", (
    "perf_before", "perf_after", "perf_start", "perf_long", "perf_now", "ctl_before",
    "ctl_medium", "capacity_before", "capacity_after", "days_lost"))


@njit(inline="always")
def reading_rules(recovery: float, ln_hrv: float, base_mean: float, base_sd: float, safety
                  ) -> tuple[bool, bool]:
    """The rules on the morning's readings (low recovery, HRV crash) for one athlete; a rule
    switched off never fires."""
    return (safety["low_recovery"] and recovery < safety["low_recovery_threshold"],
            safety["hrv_crash"] and ln_hrv < base_mean - safety["hrv_crash_sd"] * base_sd)


@njit(inline="always")
def plan_rules(consecutive_hard: int, days_since_rest: int, ill: int, safety
               ) -> tuple[bool, bool, bool]:
    """The rules on the training log and illness (consecutive hard days, days without
    rest, ill) for one athlete: what a plan alone decides."""
    return (safety["consecutive_hard"] and consecutive_hard > safety["max_consecutive_hard"],
            safety["no_recent_rest"] and days_since_rest >= safety["max_days_without_rest"],
            safety["ill"] and ill > 0)


@njit(inline="always")
def fired_rules(recovery: float, ln_hrv: float, base_mean: float, base_sd: float,
                consecutive_hard: int, days_since_rest: int, ill: int, safety
                ) -> tuple[bool, bool, bool, bool, bool]:
    """Which of the five rules fire for one athlete this morning (``RULE_NAMES`` order)."""
    low, crash = reading_rules(recovery, ln_hrv, base_mean, base_sd, safety)
    hard, no_rest, sick = plan_rules(consecutive_hard, days_since_rest, ill, safety)
    return low, crash, hard, no_rest, sick


@njit(inline="always")
def allowed(fired: tuple[bool, bool, bool, bool, bool], a: int, safety) -> bool:
    """Whether action ``a`` survives the rules that ``fired``."""
    for r in range(N_RULES):  # noqa: SIM110 (numba compiles no generator expressions)
        if fired[r] and safety["blocks"][r, a]:
            return False
    return True


@njit(inline="always")
def plan_allows(fired: tuple[bool, bool, bool], a: int, safety) -> bool:
    """Whether action ``a`` survives the ``plan_rules`` that fired (rules 2–4)."""
    blocks = safety["blocks"]
    return not ((fired[0] and blocks[2, a]) or (fired[1] and blocks[3, a])
                or (fired[2] and blocks[4, a]))


@njit(cache=True)
def rules(today, ill, safety_1):
    """(fired (N, 5) bool, mask (N, 6) bool): rules firing on the morning ``today``
    (``MorningContext.record``) with illness ``ill`` (N,), and the actions they leave allowed."""
    safety = safety_1[0]
    n = today.shape[0]
    fired = np.zeros((n, N_RULES), dtype=np.bool_)
    mask = np.ones((n, 6), dtype=np.bool_)
    for i in range(n):
        m = today[i]
        f = fired_rules(m["recovery"], m["ln_hrv"], m["hrv_baseline_mean"], m["hrv_baseline_sd"],
                        m["consecutive_hard"], m["days_since_rest"], ill[i], safety)
        for r in range(N_RULES):
            fired[i, r] = f[r]
        for a in range(6):
            mask[i, a] = allowed(f, a, safety)
    return fired, mask


@njit(inline="always")
def soft_penalty(a: int, recovery_today: float, hard_before: int, crash_next: bool,
                 safety) -> float:
    """The seed's soft penalty of action ``a`` (``constraints`` module docstring)."""
    n_hard = hard_before + 1 if safety["high_intensity"][a] else 0
    penalty = 0.0
    if a != 0 and recovery_today < safety["penalty_recovery_threshold"]:
        penalty += 1.0
    penalty += 0.5 * max(n_hard - safety["max_consecutive_hard"], 0.0)
    if crash_next:
        penalty += 1.0
    return penalty


@njit(cache=True)
def reward_components(action, today, tomorrow, outlook, safety_1, reward_1):
    """(components (9, N): base, short, medium, long, recovery_bonus, penalty, gain,
    shaped_gain, days_lost; reward (N,)) — the formulas of ``reward.py``."""
    safety, reward = safety_1[0], reward_1[0]
    n = action.shape[0]
    out = np.empty((COMPONENT_ROWS, n))
    total = np.empty(n)
    for i in range(n):
        a = action[i]
        now, nxt = today[i], tomorrow[i]
        crash = nxt["ln_hrv"] < (nxt["hrv_baseline_mean"]
                                 - safety["hrv_crash_sd"] * nxt["hrv_baseline_sd"])
        penalty = soft_penalty(a, now["recovery"], now["consecutive_hard"], crash, safety)
        rec = nxt["recovery"]
        start = outlook.perf_start[i]
        out[0, i] = reward["base"]
        out[1, i] = 100.0 * (nxt["ln_hrv"] - nxt["hrv_baseline_mean"])
        out[2, i] = outlook.ctl_medium[i] - outlook.ctl_before[i]
        out[3, i] = 100.0 * (outlook.perf_long[i] - outlook.perf_now[i]) / outlook.perf_now[i]
        out[4, i] = reward["bonus_high"] if rec >= 70.0 else (reward["bonus_mid"] if rec >= 50.0
                                                           else 0.0)
        out[5, i] = penalty
        out[6, i] = 100.0 * (outlook.perf_after[i] - outlook.perf_before[i]) / start
        out[7, i] = 100.0 * (outlook.capacity_after[i] - outlook.capacity_before[i]) / start
        out[8, i] = outlook.days_lost[i]
        lost = reward["w_days_lost"] * out[8, i]
        version = reward["version_code"]
        if version == V1:  # the seed's original
            total[i] = 0.2 * out[1, i] / 10.0 + 0.3 * out[2, i] / 5.0 + 0.5 * out[3, i] / 10.0 \
                - penalty
        elif version == OUTCOME:
            total[i] = out[6, i] - reward["w_penalty"] * penalty - lost
        elif version == SHAPED:
            total[i] = out[7, i] - reward["w_penalty"] * penalty - lost
        else:  # v2, the seed's improved
            total[i] = (out[0, i] + reward["w_short"] * out[1, i] + reward["w_medium"] * out[2, i]
                        + reward["w_long"] * out[3, i]
                        + (out[4, i] if reward["recovery_bonus"] else 0.0)
                        - reward["w_penalty"] * penalty)
    return out, total
