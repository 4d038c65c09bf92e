"""The oracle: model-predictive control with the athlete's true parameters and state.

Every morning, for each athlete, it scores candidate plans for the rest of the block by
running the model forward (the same per-day recursion as the simulator,
``athlete.kernels.transition_row``, without noise) and carries out the first session of
the best plan. A candidate is today's session (any allowed action) followed by a weekly
template from a library, optionally ending in a taper of a few days. The plan's score is
the block's figure of merit, the test performance on its last morning
(``dynamics.test_performance``), minus the expected cost of illness
(Σ daily hazard × mean illness length × ``illness_cost`` points per ill day). During the
rollout the planner obeys the deterministic safety rules (illness, consecutive hard days,
days without rest), as the environment would. The recovery rule depends on tomorrow's
noisy reading; planning as if the expected reading decided it blocked plans that are
usually allowed (validation outcome 7.52 % with it, 8.13 % without), so only today's real
mask applies it. Replanning daily makes it a closed-loop controller: noise, illness and the
real mask are met as they come.

It is the reference every learned agent is measured against: "what full knowledge of
this athlete allows". It is not a learner and reads the world it is bound to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from periodization.core.jit import njit
from periodization.env.constraints import SafetyConfig
from periodization.policies.base import AE, AR, HI, ST, TE, BasePolicy, R
from periodization.sim import kernels as K
from periodization.sim.actions import HIGH_INTENSITY
from periodization.sim.dynamics import TEST_TAPER_DAYS
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState

# Weekly templates (Monday first), from light to heavy; strength versions included.
TEMPLATES = np.array([
    [R, AR, AE, AR, AE, AR, AE],
    [R, AE, AR, AE, AR, AE, AE],
    [R, AE, AE, AE, AR, AE, AE],
    [R, AE, AE, AE, AE, AE, AE],
    [R, AE, TE, AE, AR, AE, AE],
    [R, AE, TE, AE, AR, HI, AE],
    [R, AE, ST, AE, AR, HI, AE],
    [R, AE, HI, AE, AE, HI, AE],
    [R, AE, HI, AE, ST, HI, AE],
    [R, TE, AE, HI, AE, HI, AE],
    [R, HI, AE, HI, AE, HI, AE],
    [R, HI, AE, HI, TE, HI, AE],
    [R, HI, TE, HI, AE, HI, TE],
    [R, HI, HI, AE, HI, HI, AE],
    # hard days with a recovery day between them
    [R, HI, R, HI, R, HI, AE],
    [R, HI, AR, HI, AR, HI, AE],
    [R, HI, AE, HI, R, HI, AE],
    [R, HI, AE, R, HI, AE, HI],
    [R, HI, TE, R, HI, AE, HI],
    [R, HI, ST, HI, R, HI, AE],
    [AE, HI, R, HI, AE, HI, R],
    [HI, R, HI, R, HI, R, HI],
], dtype=np.int64)  # fmt: skip
TAPER_DAYS = np.array([0, 3, 5, 7, 10, 14], dtype=np.int64)
# A taper keeps some intensity and cuts volume: each session one notch lighter.
TAPER = np.array([R, R, AR, AE, TE, AR], dtype=np.int64)


@njit(inline="always")
def _rollout(i, a0, a1, k, t, g, s, h, m, dur, ahrv, arhr, ill, atl, ctl, weekday, hard0,
             since_rest0, remaining, P, Q, A, templates, taper_days, taper, high_intensity,
             rules, illness_cost, test_days):
    """Score of one plan for athlete i: a0 today, then a1 (−1: the template) tomorrow, then
    template k, with the last ``taper_days[t]`` days one notch lighter."""
    p = P[i]
    gi, si, hi, mi, di = g[i], s[i], h[i], m[i], dur[i]
    vi, ri, li, ai, ci = ahrv[i], arhr[i], ill[i], atl[i], ctl[i]
    hard, since_rest, expected_ill = hard0[i], since_rest0[i], 0.0
    for d in range(remaining[i]):
        a = a0
        if d > 0:
            a = a1 if d == 1 and a1 >= 0 else templates[k, (weekday[i] + d) % 7]
            if d >= remaining[i] - taper_days[t]:
                a = taper[a]
            # The deterministic rules the environment would enforce.
            if li > 0 and a >= 2:
                a = 0
            if rules[0] >= 0 and high_intensity[a] and hard > rules[0]:
                a = 0
            if rules[1] >= 0 and since_rest >= rules[1] and a >= 2:
                a = 0
        was_ill = li > 0
        gi, si, hi, mi, di, vi, ri, li, ai, ci, hazard = K.transition_row(
            gi, si, hi, mi, di, vi, ri, li, ai, ci, a, p[K.LOAD0 + a], 1.0, 0.5, p, Q, A)
        if not was_ill:
            expected_ill += hazard * p[K.ILL_MEAN]
        hard = hard + 1 if high_intensity[a] else 0
        since_rest = 0 if a == 0 else since_rest + 1
    return K.test_performance_row(gi, si, hi, mi, test_days, p, Q) - illness_cost * expected_ill


@njit(cache=True)
def plan_scores(g, s, h, m, dur, ahrv, arhr, ill, atl, ctl, weekday, hard0, since_rest0,
                remaining, mask, P, Q, A, templates, taper_days, taper, high_intensity,
                rules, illness_cost, test_days, second_day):
    """Best plan score per (athlete, first action), shape (N, 6); −inf if masked.

    Plans: every template × taper length, and with ``second_day`` every second-day action
    too (6× the search). ``rules`` = (max consecutive hard days, days without rest that
    force rest; negative = rule off).
    """
    n = g.shape[0]
    out = np.full((n, 6), -np.inf)
    seconds = np.arange(6) if second_day else np.array([-1])
    for i in range(n):
        for a0 in range(6):
            if not mask[i, a0]:
                continue
            for a1 in seconds:
                for k in range(templates.shape[0]):
                    for t in range(taper_days.shape[0]):
                        score = _rollout(i, a0, a1, k, t, g, s, h, m, dur, ahrv, arhr, ill,
                                         atl, ctl, weekday, hard0, since_rest0, remaining, P,
                                         Q, A, templates, taper_days, taper, high_intensity,
                                         rules, illness_cost, test_days)
                        out[i, a0] = max(out[i, a0], score)
    return out


def plan_scores_for(params: AthleteParams, state: AthleteState, *, mask: np.ndarray,
                    consecutive_hard: np.ndarray, days_since_rest: np.ndarray,
                    remaining: np.ndarray, safety: SafetyConfig, illness_cost: float = 0.5,
                    templates: np.ndarray = TEMPLATES, taper_days: np.ndarray = TAPER_DAYS,
                    second_day: bool = False) -> np.ndarray:
    """``plan_scores`` for N athletes described by ``params`` and ``state`` (N,), whoever
    supplies them: the true world (the oracle) or a calibration (``CalibratedPlanner``).

    ``remaining`` (N,) is the number of days left in the block including today; the
    rules the rollout obeys come from ``safety``.
    """
    q, table = params.pop.packed
    rules = np.array([
        safety.max_consecutive_hard if safety.consecutive_hard else -1,
        safety.max_days_without_rest if safety.no_recent_rest else -1,
    ], dtype=np.float64)
    return plan_scores(
        state.fitness, state.gain, state.fatigue, state.maladaptation, state.durability,
        state.acute_hrv, state.acute_rhr, state.ill_days, state.atl, state.ctl, state.day % 7,
        np.asarray(consecutive_hard, dtype=np.int64), np.asarray(days_since_rest, dtype=np.int64),
        np.maximum(np.asarray(remaining, dtype=np.int64), 1),
        np.ascontiguousarray(mask, dtype=np.bool_), params.packed, q, table,
        np.ascontiguousarray(templates, dtype=np.int64),
        np.ascontiguousarray(taper_days, dtype=np.int64), TAPER, HIGH_INTENSITY, rules,
        illness_cost, TEST_TAPER_DAYS, second_day)


def best_first_actions(scores: np.ndarray) -> np.ndarray:
    """Today's action of each athlete's best plan, (N,) int64."""
    return scores.argmax(axis=1).astype(np.int64)


class OraclePolicy(BasePolicy):
    """MPC with the true model: bind it to the environment's world before acting.

    ``planning_inputs`` says whose parameters and state it plans with; the oracle reads the
    world's true ones, ``CalibratedPlanner`` overrides it with a calibration's.
    """

    name = "oracle"

    def __init__(self, *, illness_cost: float = 0.5, second_day: bool = False,
                 templates: np.ndarray = TEMPLATES, taper_days: np.ndarray = TAPER_DAYS) -> None:
        self.illness_cost = illness_cost
        self.second_day = second_day
        self.templates = np.ascontiguousarray(templates, dtype=np.int64)
        self.taper_days = np.ascontiguousarray(taper_days, dtype=np.int64)
        self.world: Any = None

    def bind(self, world: Any) -> None:
        self.world = world

    def planning_inputs(self) -> tuple[AthleteParams, AthleteState]:
        return self.world.params, self.world.state

    def scores(self, mask: np.ndarray) -> np.ndarray:
        w = self.world
        params, state = self.planning_inputs()
        return plan_scores_for(
            params, state, mask=mask, consecutive_hard=w.context.consecutive_hard,
            days_since_rest=w.context.days_since_rest, remaining=w.block_days - w.day_in_block,
            safety=w.safety, illness_cost=self.illness_cost, templates=self.templates,
            taper_days=self.taper_days, second_day=self.second_day)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if self.world is None:
            raise RuntimeError("the oracle reads the true world: call bind(world) first")
        return best_first_actions(self.scores(mask))
