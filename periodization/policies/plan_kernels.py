"""Compiled loops of the oracle's planner (numba): planned days in the expected world, the
plan's score, and the coordinate search that improves each athlete's plan every morning.

A **plan** is one session per remaining day of the block, stored by block day
(``plan[i, t]``, t = 0 … B − 1). It has three parts (see ``planner.py`` for the why):

* the **head**: the next ``head_days`` days (today first), each free;
* the **middle**: from the head's end to the end part, a weekly pattern (``pattern[i, w]``,
  w the weekday, 0 = Monday), repeated; it is the cheap tail that values the state at the
  head's end, so a short head is still judged by the block's last morning;
* the **end**: the block's last ``end_days`` days, each free (room for a taper).

A planned day (``planned_day``) is the simulator's own day (``sim.kernels.transition_row``)
with zero innovations (no compliance noise, life stress decaying to its mean, no new
episode) at the athlete's usual minutes of the session, after the environment's safety
rules (``env.kernels.fired_rules``, the one implementation): a session they block becomes
REST, as the environment does. A plan has no readings yet, so only the rules of the plan
itself (illness and injury, hard days in a row, days without rest) fire on planned
mornings; today's real mask (which also holds the recovery and HRV-crash rules, read from
this morning's noisy readings) applies to today.

The **score** of a plan is the block's figure of merit, the test performance on its last
morning (``test_performance_row``: ``test_days`` of rest, illness aside), minus the
expected cost of illness and injury: Σ over planned healthy days of each hazard's onset
probability × that episode's mean length (``illness_mean_days``, ``injury_mean_days``) ×
``illness_cost`` points per day lost.

The **search** (``improve``) is coordinate ascent: position by position (each weekday of the
pattern, each end day, each head day from the last to the first, today last), every
session the rules leave allowed is tried with the rest of the plan fixed and the best kept
(a change must gain more than ``EPSILON`` points). Each athlete's planned trajectory
(state, rule counters and expected lost days on each planned morning) is cached, so trying
a session on day k re-simulates only days k … end. On an athlete's first morning the plan
starts from the best of the search's start patterns (random weekly patterns and the six
constant ones), each repeated for the block, and is swept ``first_sweeps`` times; on later
mornings yesterday's plan is kept (warm start) and swept ``sweeps`` times. Athletes are
independent (``prange``): the result does not depend on the batch or the number of threads.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import prange

from periodization.core.jit import njit
from periodization.env import kernels as EK
from periodization.features import kernels as FK
from periodization.sim import kernels as K
from periodization.sim.records import load_row, store_row

REST = 0
N_ACTIONS = 6
EPSILON = 1e-9  # points a change must gain to be kept (no churn between equal plans)

# The search's settings (``planner.PlanSearch`` builds it): positions, sweeps, start
# patterns (k, 7) int64, the points an expected lost day costs and the final test's taper.
SearchRecord = namedtuple("SearchRecord", (
    "head_days", "end_days", "sweeps", "first_sweeps", "start_patterns", "illness_cost",
    "test_days"))
# Each athlete's morning, (N,) int64 each: the rules' counters, the block day (0 = the
# block's first morning), whether its plan starts afresh this morning (1) or is kept.
MorningRecord = namedtuple("MorningRecord", (
    "consecutive_hard", "days_since_rest", "day_in_block", "fresh"))


@njit(inline="always")
def planned_day(x, a: int, hard: int, since_rest: int, first: bool, p, q, safety):
    """One planned day from ``AthleteRow`` x: the rules (not on the ``first`` day, which
    today's real mask governs), then session ``a`` at the athlete's usual minutes in the
    expected world. Returns (next row, expected days lost to a new illness or injury, the
    rules' counters after the day: consecutive hard days, days without rest)."""
    if not first:
        fired = EK.fired_rules(np.nan, np.nan, np.nan, np.nan, hard, since_rest,
                               x.ill_days + x.injured_days, safety)
        if not EK.allowed(fired, a, safety):
            a = REST
    w = p.session_loads[a]
    y, ill_hazard, injury_hazard = K.transition_row(x, a, w, p.session_minutes[a], 0.0, 0.0,
                                                    1.0, 1.0, 0.5, p, q)
    lost = K.expected_days_lost(x, ill_hazard, injury_hazard, p)
    hard, since_rest = FK.day_counters(hard, since_rest, a, w, safety.high_intensity)
    return y, lost, hard, since_rest


@njit
def score_from(k0: int, days: int, t0: int, plan_i, traj, hard_c, rest_c, lost_c, keep: bool,
               p, q, safety, search) -> float:
    """Score of athlete's plan ``plan_i`` (by block day; today is block day ``t0``) from
    planned morning ``k0`` (0 = today) to the end, ``days`` days after today in all,
    starting from the cached morning k0. With ``keep`` the trajectory is cached anew from
    k0 on (after a change is kept)."""
    x = load_row(traj, k0)
    hard, since_rest, lost = hard_c[k0], rest_c[k0], lost_c[k0]
    for k in range(k0, days):
        x, lost_today, hard, since_rest = planned_day(x, plan_i[t0 + k], hard, since_rest,
                                                      k == 0, p, q, safety)
        lost += lost_today
        if keep:
            store_row(traj, k + 1, x)
            hard_c[k + 1], rest_c[k + 1], lost_c[k + 1] = hard, since_rest, lost
    return K.test_performance_row(x, search.test_days, p, q) - search.illness_cost * lost


@njit(inline="always")
def fill_weekday(plan_i, w: int, a: int, lo: int, hi: int, weekday0: int, t0: int) -> int:
    """Set block days lo … hi − 1 whose weekday is ``w`` to ``a`` (today, block day t0, has
    weekday ``weekday0``); returns the first such day's offset from today (−1 if none)."""
    first = lo + (w - (weekday0 + lo - t0)) % 7
    for t in range(first, hi, 7):
        plan_i[t] = a
    return first - t0 if first < hi else -1


@njit
def best_at(t: int, k: int, days: int, t0: int, score: float, candidates, plan_i, traj, hard_c,
            rest_c, lost_c, scores_i, p, q, safety, search) -> float:
    """Try every session in ``candidates`` (6,) at block day t (planned day k), keep the
    best; returns the plan's score after. ``scores_i`` (6,) gets each session's score there
    (−inf where not a candidate)."""
    current = plan_i[t]
    best, best_score = current, score
    for a in range(N_ACTIONS):
        if a == current:
            scores_i[a] = score
            continue
        if not candidates[a]:
            scores_i[a] = -np.inf
            continue
        plan_i[t] = a
        s = score_from(k, days, t0, plan_i, traj, hard_c, rest_c, lost_c, False, p, q, safety,
                       search)
        scores_i[a] = s
        if s > best_score + EPSILON:
            best, best_score = a, s
    plan_i[t] = best
    if best != current:
        score_from(k, days, t0, plan_i, traj, hard_c, rest_c, lost_c, True, p, q, safety,
                   search)
    return best_score


@njit(inline="always")
def rule_candidates(k: int, traj, hard_c, rest_c, safety) -> np.ndarray:
    """(6,) the sessions the plan-only rules leave allowed on planned morning k (a blocked
    one would be REST, which is tried anyway)."""
    x = load_row(traj, k)
    fired = EK.fired_rules(np.nan, np.nan, np.nan, np.nan, hard_c[k], rest_c[k],
                           x.ill_days + x.injured_days, safety)
    out = np.empty(N_ACTIONS, dtype=np.bool_)
    for a in range(N_ACTIONS):
        out[a] = EK.allowed(fired, a, safety)
    return out


@njit
def improve_athlete(S, i: int, mask_i, blocks: int, hard0: int, rest0: int, t0: int,
                    fresh: bool, plan_i, pattern_i, traj, hard_c, rest_c, lost_c, scores_i, P,
                    pop_1, search, safety_1) -> None:
    """Improve athlete i's plan this morning (module docstring); ``scores_i`` (6,) gets the
    score of each session today with the rest of the plan fixed (−inf where masked). The
    records come as (1,) arrays: numba's parallel loops pass no record scalars."""
    p, q, safety = P[i], pop_1[0], safety_1[0]
    days = blocks - t0
    weekday0 = S[i].day % 7
    head_end = min(t0 + search.head_days, blocks)
    end_start = max(blocks - search.end_days, head_end)
    store_row(traj, 0, load_row(S, i))
    hard_c[0], rest_c[0], lost_c[0] = hard0, rest0, 0.0
    sweeps = search.sweeps
    if fresh:  # the best start pattern, repeated for the whole block
        best_score, best = -np.inf, 0
        for c in range(search.start_patterns.shape[0]):
            for w in range(7):
                fill_weekday(plan_i, w, search.start_patterns[c, w], t0, blocks, weekday0, t0)
            if not mask_i[plan_i[t0]]:
                plan_i[t0] = REST
            s = score_from(0, days, t0, plan_i, traj, hard_c, rest_c, lost_c, False, p, q,
                           safety, search)
            if s > best_score:
                best_score, best = s, c
        for w in range(7):
            pattern_i[w] = search.start_patterns[best, w]
            fill_weekday(plan_i, w, pattern_i[w], t0, blocks, weekday0, t0)
        sweeps = search.first_sweeps
    for w in range(7):  # the middle follows the pattern (the head has moved on a day)
        fill_weekday(plan_i, w, pattern_i[w], head_end, end_start, weekday0, t0)
    if not mask_i[plan_i[t0]]:
        plan_i[t0] = REST
    score = score_from(0, days, t0, plan_i, traj, hard_c, rest_c, lost_c, True, p, q, safety,
                       search)
    for _ in range(sweeps):
        for w in range(7):  # the pattern: one weekday of the middle at a time
            k = fill_weekday(plan_i, w, pattern_i[w], head_end, end_start, weekday0, t0)
            if k < 0:
                continue
            current = pattern_i[w]
            best, best_score = current, score
            for a in range(N_ACTIONS):
                if a == current:
                    continue
                fill_weekday(plan_i, w, a, head_end, end_start, weekday0, t0)
                s = score_from(k, days, t0, plan_i, traj, hard_c, rest_c, lost_c, False, p,
                               q, safety, search)
                if s > best_score + EPSILON:
                    best, best_score = a, s
            fill_weekday(plan_i, w, best, head_end, end_start, weekday0, t0)
            pattern_i[w] = best
            if best != current:
                score = score_from(k, days, t0, plan_i, traj, hard_c, rest_c, lost_c, True, p,
                                   q, safety, search)
        for t in range(blocks - 1, t0, -1):  # end days, then head days, from the last
            if head_end <= t < end_start:
                continue
            k = t - t0
            allowed = rule_candidates(k, traj, hard_c, rest_c, safety)
            score = best_at(t, k, days, t0, score, allowed, plan_i, traj, hard_c, rest_c,
                            lost_c, scores_i, p, q, safety, search)
        # today last, among the sessions today's real mask allows: scores_i holds each
        # one's score with the rest of the plan as it ends up
        score = best_at(t0, 0, days, t0, score, mask_i, plan_i, traj, hard_c, rest_c, lost_c,
                        scores_i, p, q, safety, search)


@njit(cache=True, parallel=True)
def improve(S, morning, mask, blocks, plan, pattern, traj, hard_c, rest_c, lost_c, P, pop_1,
            search, safety_1):
    """Improve every athlete's plan in place (``plan`` (N, B), ``pattern`` (N, 7)) and return
    the scores of today's sessions (N, 6), −inf where masked.

    ``S``: the planning state's record (``AthleteState.record``); ``morning``:
    ``MorningRecord``; ``mask``: today's real mask (N, 6); ``blocks``: B, the block's
    length in days; ``traj`` (N, B + 1) state records and ``hard_c``, ``rest_c``, ``lost_c``
    (N, B + 1): scratch for the cached trajectories.
    """
    n = S.shape[0]
    scores = np.empty((n, N_ACTIONS))
    for i in prange(n):
        improve_athlete(S, i, mask[i], blocks, morning.consecutive_hard[i],
                        morning.days_since_rest[i], morning.day_in_block[i],
                        morning.fresh[i] != 0, plan[i], pattern[i], traj[i], hard_c[i],
                        rest_c[i], lost_c[i], scores[i], P, pop_1, search, safety_1)
    return scores


@njit
def pattern_scores_athlete(S, i: int, mask_i, blocks: int, hard0: int, rest0: int, t0: int,
                           patterns, traj, hard_c, rest_c, lost_c, out_i, P, pop_1, search,
                           safety_1) -> None:
    """``out_i`` (k,): athlete i's score of each weekly pattern (``pattern_scores``)."""
    p, q, safety = P[i], pop_1[0], safety_1[0]
    weekday0 = S[i].day % 7
    plan_i = np.empty(blocks, dtype=np.int64)
    store_row(traj, 0, load_row(S, i))
    hard_c[0], rest_c[0], lost_c[0] = hard0, rest0, 0.0
    for c in range(patterns.shape[0]):
        for w in range(7):
            fill_weekday(plan_i, w, patterns[c, w], t0, blocks, weekday0, t0)
        if not mask_i[plan_i[t0]]:
            plan_i[t0] = REST
        out_i[c] = score_from(0, blocks - t0, t0, plan_i, traj, hard_c, rest_c, lost_c, False,
                              p, q, safety, search)


@njit(cache=True, parallel=True)
def pattern_scores(S, morning, mask, blocks, patterns, traj, hard_c, rest_c, lost_c, P, pop_1,
                   search, safety_1):
    """(N, k): the score of each weekly pattern (k, 7) repeated for the rest of the block,
    for each athlete (today's session REST where the real mask blocks the pattern's)."""
    n = S.shape[0]
    out = np.empty((n, patterns.shape[0]))
    for i in prange(n):
        pattern_scores_athlete(S, i, mask[i], blocks, morning.consecutive_hard[i],
                               morning.days_since_rest[i], morning.day_in_block[i], patterns,
                               traj[i], hard_c[i], rest_c[i], lost_c[i], out[i], P, pop_1,
                               search, safety_1)
    return out
