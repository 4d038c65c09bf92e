"""A random search over weekly plans with the true model: the yardstick the oracle must
beat to show that planning day by day is worth more than picking a good week.

On each athlete's first morning it draws ``patterns`` weekly patterns (uniform over the
6⁷ weeks, the same draws for every athlete), scores each repeated for the whole block
exactly as the oracle scores a plan (``plan_kernels.pattern_scores``: the true parameters
and state, the expected world, the plan-only safety rules, test performance on the last
morning minus the expected cost of illness and injury) and keeps the best. It then follows
that week open-loop; a session the real mask blocks falls back to the next easier allowed
one, as every heuristic does. It reads the true world, like the oracle.

With ``replan`` it picks the best pattern afresh every morning from the true state and does
today's session of it (model-predictive control over repeated weeks, closed loop): what
the oracle's search adds beyond re-planning then shows on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from periodization.policies import plan_kernels as PK
from periodization.policies.base import BasePolicy, allowed_or_easier
from periodization.policies.planner import WEEK, Plans, PlanSearch
from periodization.sim.actions import N_ACTIONS


class WeeklySearchPolicy(BasePolicy):
    """The best of ``patterns`` random weekly patterns for each athlete, repeated."""

    name = "weekly-search"

    def __init__(self, *, patterns: int = 1000, seed: int = 0, replan: bool = False,
                 illness_cost: float | None = None) -> None:
        if patterns < 1:
            raise ValueError("patterns must be at least 1")
        cost = PlanSearch().illness_cost if illness_cost is None else illness_cost
        self.search = PlanSearch(illness_cost=cost)
        self.replan = replan
        if replan:
            self.name = "weekly-mpc"
        rng = np.random.default_rng(seed)
        self.patterns = np.ascontiguousarray(rng.integers(0, N_ACTIONS, size=(patterns, WEEK)),
                                             dtype=np.int64)
        self.world: Any = None
        self.chosen: np.ndarray | None = None  # (N, 7) each athlete's week, by weekday
        self.seen_day = np.zeros(0, dtype=np.int64)  # block day each row was last seen on

    def reset(self, n: int) -> None:
        super().reset(n)
        self.chosen = None

    def bind(self, world: Any) -> None:
        self.world = world
        self.chosen = None

    def scores(self, mask: np.ndarray) -> np.ndarray:
        """(N, patterns): each pattern's score for each athlete this morning."""
        w = self.world
        scratch = Plans(w.n, w.block_days)
        morning = PK.MorningRecord(
            consecutive_hard=np.ascontiguousarray(w.context.consecutive_hard, dtype=np.int64),
            days_since_rest=np.ascontiguousarray(w.context.days_since_rest, dtype=np.int64),
            day_in_block=np.ascontiguousarray(w.day_in_block, dtype=np.int64),
            fresh=np.ones(w.n, dtype=np.int64))
        return PK.pattern_scores(w.state.record, morning, np.ascontiguousarray(mask),
                                 w.block_days, self.patterns, scratch.traj, scratch.hard,
                                 scratch.rest, scratch.lost, w.params.packed,
                                 w.params.pop.packed, self.search.record, w.safety.packed)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if self.world is None:
            raise RuntimeError("the weekly search reads the true world: call bind(world) first")
        w = self.world
        if self.chosen is None or len(self.chosen) != w.n:
            self.chosen = np.zeros((w.n, WEEK), dtype=np.int64)
            self.seen_day = np.full(w.n, -1, dtype=np.int64)
        new = (self.seen_day < 0) | (w.day_in_block < self.seen_day)  # a new block starts
        if self.replan:
            new[:] = True
        if new.any():
            best = self.patterns[self.scores(mask).argmax(axis=1)]
            self.chosen[new] = best[new]
        self.seen_day = np.asarray(w.day_in_block, dtype=np.int64).copy()
        preferred = self.chosen[np.arange(w.n), w.state.day % WEEK]
        return allowed_or_easier(preferred, mask)
