"""The oracle: model-predictive control with the athlete's true parameters and state.

Every morning, for each athlete, it scores candidate plans for the rest of the block by
running the model forward (the same per-day recursion as the simulator,
``sim.kernels.transition_row``, without noise) and carries out the first session of
the best plan. A candidate is today's session (any allowed action) followed by a weekly
template from a library, optionally ending in a taper of a few days. The plan's score is
the block's figure of merit, the test performance on its last morning
(``dynamics.test_performance``), minus the expected cost of illness
(Σ daily hazard × mean illness length × ``illness_cost`` points per ill day). During the
rollout the planner obeys the safety rules as the environment would, through the
environment's own rules kernel (``env.kernels.plan_rules``) with the config's switches:
illness, consecutive hard days and days without rest depend only on the plan. The
recovery and HRV-crash rules (``reading_rules``) depend on tomorrow's noisy readings,
which a plan does not have: planning as if the expected reading decided them blocked plans
that are usually allowed (validation outcome 7.52 % with the
recovery rule emulated, 8.13 % without), so only today's real mask applies them.
Replanning daily makes it a closed-loop controller: noise, illness and the real mask are
met as they come.

It is the reference every learned agent is measured against: "what full knowledge of
this athlete allows". It is not a learner and reads the world it is bound to.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from periodization.core.jit import njit
from periodization.env import kernels as EK
from periodization.env.constraints import SafetyConfig
from periodization.features import kernels as FK
from periodization.policies.base import AE, AR, HI, ST, TE, BasePolicy, R
from periodization.sim import kernels as K
from periodization.sim.dynamics import TEST_TAPER_DAYS
from periodization.sim.params import AthleteParams
from periodization.sim.records import load_row
from periodization.sim.state import AthleteState

REST = R

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


# The plans searched (``PlanSearch``): weekly templates, taper lengths, the one-notch-lighter
# map, whether every second-day action is tried, the points an expected ill day costs and
# the taper of the final test.
PlanSearch = namedtuple("PlanSearch", (
    "templates", "taper_days", "taper", "second_day", "illness_cost", "test_days"))
# Each athlete's calendar this morning, (N,) each: the rules' counters and days left.
PlanContext = namedtuple("PlanContext", ("consecutive_hard", "days_since_rest", "remaining"))


@njit(inline="always")
def _planned_session(d: int, a0: int, a1: int, k: int, t: int, weekday: int,
                     remaining: int, search) -> int:
    """Day ``d``'s session of the plan (a0 today, a1 tomorrow unless −1, then template k,
    the last ``taper_days[t]`` days one notch lighter)."""
    if d == 0:
        return a0
    a = a1 if d == 1 and a1 >= 0 else search.templates[k, (weekday + d) % 7]
    if d >= remaining - search.taper_days[t]:
        a = search.taper[a]
    return a


@njit(inline="always")
def _rollout(x, weekday: int, hard: int, since_rest: int, remaining: int, a0: int, a1: int,
             k: int, t: int, p, q, search, safety) -> float:
    """Score of one plan for the athlete in ``AthleteRow`` x with parameters ``p``: the
    test performance after the block minus the expected cost of illness."""
    expected_ill = 0.0
    for d in range(remaining):
        a = _planned_session(d, a0, a1, k, t, weekday, remaining, search)
        # The environment's rules on a planned morning (today's real mask is applied by the
        # caller): those the plan alone decides; there is no reading for the others.
        if d > 0 and not EK.plan_allows(EK.plan_rules(hard, since_rest, x.ill_days, safety),
                                        a, safety):
            a = REST
        was_ill = x.ill_days > 0
        w = p["session_loads"][a]
        x, hazard = K.transition_row(x, a, w, 1.0, 0.5, p, q)
        if not was_ill:
            expected_ill += hazard * p["illness_mean_days"]
        hard, since_rest = FK.day_counters(hard, since_rest, a, w, safety["high_intensity"])
    return (K.test_performance_row(x.fitness, x.gain, x.fatigue, x.maladaptation,
                                   search.test_days, p, q)
            - search.illness_cost * expected_ill)


@njit(cache=True)
def plan_scores(S, ctx, mask, P, pop_1, search, safety_1):
    """Best plan score per (athlete, first action), shape (N, 6); −inf if masked.

    ``S``: the planning state's record (``AthleteState.record``), ``ctx``: ``PlanContext``,
    ``mask``: today's real mask (N, 6). Plans: every template × taper length, and with
    ``search.second_day`` every second-day action too (6× the search).
    """
    q, safety = pop_1[0], safety_1[0]
    n = S.shape[0]
    out = np.full((n, 6), -np.inf)
    seconds = np.arange(6) if search.second_day else np.array([-1])
    for i in range(n):
        x, p, weekday = load_row(S, i), P[i], S[i]["day"] % 7
        for a0 in range(6):
            if not mask[i, a0]:
                continue
            for a1 in seconds:
                for k in range(search.templates.shape[0]):
                    for t in range(search.taper_days.shape[0]):
                        score = _rollout(x, weekday, ctx.consecutive_hard[i],
                                         ctx.days_since_rest[i], ctx.remaining[i], a0, a1, k,
                                         t, p, q, search, safety)
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
    rules the rollout obeys, and their switches, come from ``safety``.
    """
    ctx = PlanContext(consecutive_hard=np.asarray(consecutive_hard, dtype=np.int64),
                      days_since_rest=np.asarray(days_since_rest, dtype=np.int64),
                      remaining=np.maximum(np.asarray(remaining, dtype=np.int64), 1))
    search = PlanSearch(templates=np.ascontiguousarray(templates, dtype=np.int64),
                        taper_days=np.ascontiguousarray(taper_days, dtype=np.int64),
                        taper=TAPER, second_day=bool(second_day),
                        illness_cost=float(illness_cost), test_days=TEST_TAPER_DAYS)
    return plan_scores(state.record, ctx, np.ascontiguousarray(mask, dtype=np.bool_),
                       params.packed, params.pop.packed, search, safety.packed)


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
