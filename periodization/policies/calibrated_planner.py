"""The oracle's planner with parameters and a state someone estimated, not the true ones.

``CalibratedPlanner`` plans exactly as ``OraclePolicy`` does (the same search over daily
sessions, ``plan_kernels.improve``, with the same warm start from one morning to the next),
with the parameters of a calibration (or the population's medians) and its own belief of
the hidden state. It never reads the world's parameters or hidden state: each morning it
moves its belief one day forward through the model in the expected world, with what a
training log shows (yesterday's session and realised load), and takes illness and injury
from the athlete's own report (the world's ill and injured days, what ``--ill`` tells
``periodize recommend``). Its belief knows no life stress beyond what the starting state
holds (it decays to the mean). It answers "how much of the oracle's advantage survives
when the parameters are estimated".
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from periodization.policies.planner import OraclePolicy, PlanSearch
from periodization.sim import day
from periodization.sim.noise import NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState


class CalibratedPlanner(OraclePolicy):
    """MPC with given ``params`` and a believed ``state`` (N,) on the first morning.

    Bind it to a world without autoreset whose rows start with those athletes. ``search``
    (or its settings as keywords) is the oracle's ``PlanSearch``.
    """

    name = "calibrated-oracle"

    def __init__(self, params: AthleteParams, state: AthleteState, *,
                 search: PlanSearch | None = None, **settings: Any) -> None:
        super().__init__(search=search, **settings)
        self.params = params
        self.start_state = state
        self.belief = state
        self.day = np.zeros(params.n, dtype=np.int64)

    def reset(self, n: int) -> None:
        if n != self.params.n:
            raise ValueError(f"planner holds {self.params.n} athletes, reset with {n}")
        super().reset(n)
        self.belief = self.start_state
        self.day = np.zeros(n, dtype=np.int64)

    def planning_inputs(self) -> tuple[AthleteParams, AthleteState]:
        world = self.world
        if (world.day_in_block != self.day).any():
            if (world.day_in_block != self.day + 1).any():
                raise RuntimeError("CalibratedPlanner must act every day of a world without "
                                   "autoreset")
            self.belief = day.live(self.belief, world.state.last_action, self.params,
                                   NoNoise(), load=world.state.last_load, observe=False).state
            self.day = world.day_in_block.copy()
        self.belief = dataclasses.replace(self.belief, ill_days=world.state.ill_days.copy(),
                                          injured_days=world.state.injured_days.copy())
        return self.params, self.belief
