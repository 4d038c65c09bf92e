"""The oracle: model-predictive control with the athlete's true parameters and state.

It is the reference every learned agent is measured against, "what full knowledge of this
athlete allows": it reads the world it is bound to (the true parameters and hidden state,
life stress included) and is not a learner.

**What it plans over.** The space of daily sessions itself, not a library of weekly
templates: a plan is one of the six sessions (at the athlete's usual minutes of it) for
every remaining day of the block. A free choice for each of up to 90 days is too many to
search every morning, so a plan is the next ``head_days`` days chosen freely, then a weekly
pattern repeated (seven free choices, one per weekday) up to the block's last ``end_days``
days, which are free again (room for a taper). The pattern is the cheap tail that carries
the head's end state to the block's end, where the plan is judged.

**How a plan is judged.** Every planned day is the simulator's own day
(``sim.kernels.transition_row``) in the expected world (zero innovations: no compliance
noise, life stress decaying to its mean, no new illness or injury) under the safety rules
the environment enforces (``env.kernels.fired_rules``; a blocked session becomes REST): the
rules of the plan itself (illness or injury, hard days in a row, days without rest) fire on
planned days; the recovery and HRV-crash rules depend on tomorrow's noisy readings, which a
plan does not have, so only today's real mask applies them. The score is the block's figure
of merit, the test performance on its last morning (``sim.kernels.test_performance_row``:
a week of rest, illness aside), minus the expected cost of illness and injury (each planned
healthy day's onset probability × the episode's mean length × ``illness_cost`` points per
day lost).

**How it searches.** Coordinate ascent (``plan_kernels.improve``): each weekday of the
pattern, each end day and each head day in turn (today last) takes the best of the
sessions the rules allow with the rest of the plan fixed. On an athlete's first morning the
plan starts from the best of ``start_patterns`` random weekly patterns and the six
constant ones, each repeated for the block, and is swept ``first_sweeps`` times; every
later morning yesterday's plan, one day on, is swept ``sweeps`` times (warm start) and its
first session carried out. Re-planning every morning makes it a closed-loop controller:
noise, illness and the real mask are met as they come.

**What it is not.** It is certainty-equivalent MPC, not the optimal policy of the
stochastic world: planned days see life stress decaying to its mean, so hard sessions
planned for later look worse than the closed loop makes them (it does them on the mornings
the true stress is low). Knowing today's stress is most of its lead over the heuristics.
The settings were checked on 1000 prior athletes (episode seeds 50 000 …, not those of
the tests or the benchmarks): ``illness_cost`` 0, 0.25 and 0.5 gave outcomes within 0.1
point of each other (CIs ±0.1) but 5.3, 3.5 and 3.1 injured days, 1 cost 0.25 points;
``head_days`` 3 cost 0.08 points, 14 (with 14 end days) and two sweeps a morning gained
nothing.

**Cost.** A sweep tries ≤ 5 alternatives at each of 7 + ``head_days`` + ``end_days``
positions; trying one on planned day k re-simulates days k … end plus the test's week
(each athlete's planned trajectory is cached), so a morning with R days left costs about
5·(7 + head_days)·R + 5·end_days·(end_days + 7) simulated days per sweep, about 6 800 at
R = 90 with the defaults, and about half that on average over a block. Athletes run in
parallel (numba ``prange``), each independently: the plans do not depend on the batch or
the number of threads. ``benchmarks/oracle_time.py`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from periodization.env.constraints import SafetyConfig
from periodization.policies import plan_kernels as PK
from periodization.policies.base import BasePolicy
from periodization.sim.actions import N_ACTIONS
from periodization.sim.dynamics import TEST_TAPER_DAYS
from periodization.sim.params import AthleteParams
from periodization.sim.state import STATE_DTYPE, AthleteState

WEEK = 7


@dataclass(frozen=True, kw_only=True)
class PlanSearch:
    """The oracle's search (module docstring): the plan's free days, the sweeps, the start
    patterns and the cost of an expected day lost to illness or injury (points)."""

    head_days: int = 7  # free days from today on
    end_days: int = 7  # free days at the block's end
    sweeps: int = 1  # coordinate-ascent sweeps on a morning with yesterday's plan
    first_sweeps: int = 3  # sweeps on an athlete's first morning
    start_patterns: int = 64  # random weekly patterns tried on the first morning
    seed: int = 0  # of the random start patterns (the same for every athlete)
    illness_cost: float = 0.5  # points per expected day lost to illness or injury

    def __post_init__(self) -> None:
        for name in ("head_days", "sweeps", "first_sweeps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("end_days", "start_patterns"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative")
        if self.illness_cost < 0:
            raise ValueError("illness_cost must be non-negative")

    @cached_property
    def patterns(self) -> np.ndarray:
        """(start_patterns + 6, 7) int64: random weekly patterns (uniform over the 6⁷
        weeks), then the six constant weeks."""
        rng = np.random.default_rng(self.seed)
        random = rng.integers(0, N_ACTIONS, size=(self.start_patterns, WEEK))
        constant = np.repeat(np.arange(N_ACTIONS)[:, None], WEEK, axis=1)
        return np.ascontiguousarray(np.concatenate([random, constant]), dtype=np.int64)

    @cached_property
    def record(self) -> PK.SearchRecord:
        return PK.SearchRecord(
            head_days=int(self.head_days), end_days=int(self.end_days), sweeps=int(self.sweeps),
            first_sweeps=int(self.first_sweeps), start_patterns=self.patterns,
            illness_cost=float(self.illness_cost), test_days=int(TEST_TAPER_DAYS))


class Plans:
    """Each athlete's plan (``plan`` (N, B) by block day, ``pattern`` (N, 7) by weekday) and
    the scratch its search needs; kept from one morning to the next (the warm start)."""

    def __init__(self, n: int, block_days: int) -> None:
        self.n, self.block_days = n, block_days
        self.plan = np.zeros((n, block_days), dtype=np.int64)
        self.pattern = np.zeros((n, WEEK), dtype=np.int64)
        self.traj = np.zeros((n, block_days + 1), dtype=STATE_DTYPE)
        self.hard = np.zeros((n, block_days + 1), dtype=np.int64)
        self.rest = np.zeros((n, block_days + 1), dtype=np.int64)
        self.lost = np.zeros((n, block_days + 1))
        self.seen_day = np.full(n, -1, dtype=np.int64)  # block day each plan was made for

    def fresh(self, day_in_block: np.ndarray) -> np.ndarray:
        """(N,) int64: 1 where a plan must start afresh (a new athlete or a new block)."""
        return ((self.seen_day < 0) | (day_in_block < self.seen_day)).astype(np.int64)


def _counts(values: Any) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.int64)


def improve_plans(plans: Plans, params: AthleteParams, state: AthleteState, *,
                  mask: np.ndarray, consecutive_hard: np.ndarray, days_since_rest: np.ndarray,
                  day_in_block: np.ndarray, safety: SafetyConfig, search: PlanSearch
                  ) -> np.ndarray:
    """Improve N athletes' ``plans`` this morning with ``params`` and ``state`` (whoever
    supplies them: the true world, the oracle; a calibration, ``CalibratedPlanner``) and
    return the score of each session today, (N, 6) points, −inf where ``mask`` (N, 6)
    blocks it. ``day_in_block`` (N,) is today's day of the block (0 = its first morning);
    the rules the plans obey, and their switches, come from ``safety``."""
    day = _counts(day_in_block)
    if day.min() < 0 or day.max() >= plans.block_days:
        raise ValueError(f"day_in_block must be in 0–{plans.block_days - 1}")
    morning = PK.MorningRecord(consecutive_hard=_counts(consecutive_hard),
                               days_since_rest=_counts(days_since_rest), day_in_block=day,
                               fresh=plans.fresh(day))
    scores = PK.improve(state.record, morning, np.ascontiguousarray(mask, dtype=np.bool_),
                        plans.block_days, plans.plan, plans.pattern, plans.traj, plans.hard,
                        plans.rest, plans.lost, params.packed, params.pop.packed,
                        search.record, safety.packed)
    plans.seen_day = day.copy()
    return scores


class OraclePolicy(BasePolicy):
    """MPC with the true model (module docstring): bind it to the environment's world
    before acting.

    ``planning_inputs`` says whose parameters and state it plans with; the oracle reads the
    world's true ones, ``CalibratedPlanner`` overrides it with a calibration's.
    """

    name = "oracle"

    def __init__(self, *, search: PlanSearch | None = None, **settings: Any) -> None:
        self.search = search or PlanSearch(**settings)
        self.world: Any = None
        self.plans: Plans | None = None

    def reset(self, n: int) -> None:
        super().reset(n)
        self.plans = None

    def bind(self, world: Any) -> None:
        self.world = world
        self.plans = None

    def planning_inputs(self) -> tuple[AthleteParams, AthleteState]:
        return self.world.params, self.world.state

    def scores(self, mask: np.ndarray) -> np.ndarray:
        """Improve the plans this morning; the score of each session today (N, 6)."""
        w = self.world
        if self.plans is None or self.plans.n != w.n or self.plans.block_days != w.block_days:
            self.plans = Plans(w.n, w.block_days)
        params, state = self.planning_inputs()
        return improve_plans(
            self.plans, params, state, mask=mask, consecutive_hard=w.context.consecutive_hard,
            days_since_rest=w.context.days_since_rest, day_in_block=w.day_in_block,
            safety=w.safety, search=self.search)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if self.world is None:
            raise RuntimeError("the oracle reads the true world: call bind(world) first")
        self.scores(mask)
        return self.plans.plan[np.arange(self.world.n), self.world.day_in_block].copy()
