"""The next days, simulated with the calibrated model: what the coach would prescribe if
each day went as expected.

Day 0 is today: the real morning's features and today's prescription. Each following day
the athlete does yesterday's session at their calibrated load (``session_loads``), the
model moves the hidden state one day in the expected world (``NoNoise``: no noise, no new
illness), ``observe`` gives the expected morning readings, the one feature implementation
turns them into features, the safety rules mask (and ``agreement.back_off`` on mornings the
model would call overreaching) and the coach decides again. So the plan
is a forecast under the policy, not a promise: tomorrow's real readings replace it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.advice.agreement import back_off, overreaching
from periodization.advice.coach import Coach
from periodization.env import constraints as C
from periodization.env import mornings
from periodization.features import daily as F
from periodization.sim import day
from periodization.sim.noise import NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState

RECOVERY, TSB = F.FEATURE_NAMES.index("recovery"), F.FEATURE_NAMES.index("tsb")


@dataclass(frozen=True)
class Plan:
    action: np.ndarray  # (days, N) int64
    recovery: np.ndarray  # (days, N) expected morning recovery (0–100)
    tsb: np.ndarray  # (days, N) expected morning TSB


def simulate_plan(coach: Coach, *, params: AthleteParams, state: AthleteState,
                  features: F.FeatureState, raw_today: np.ndarray, action_today: np.ndarray,
                  use_model: np.ndarray, safety: C.SafetyConfig, days: int) -> Plan:
    """``days`` days from today for N athletes (``features``: the state after today's
    morning; ``state``: the model's hidden state this morning, illness included)."""
    n = params.n
    action = np.zeros((days, n), dtype=np.int64)
    recovery, tsb = np.zeros((days, n)), np.zeros((days, n))
    action[0], recovery[0], tsb[0] = action_today, raw_today[:, RECOVERY], raw_today[:, TSB]
    world, rows = NoNoise(), np.arange(n)
    for d in range(1, days):  # yesterday's session, then this morning (``sim.day``)
        load = params.session_loads[rows, action[d - 1]]
        morning = day.live(state, action[d - 1], params, world, load=load)
        state = morning.state
        seen = mornings.see(mornings.record(features, state, pop=params.pop), morning,
                            safety=safety)
        features, raw = seen.features, seen.raw
        mask = back_off(seen.mask, overreaching(state.maladaptation))
        _, action[d] = coach.decide(raw, mask, use_model)
        recovery[d], tsb[d] = raw[:, RECOVERY], raw[:, TSB]
    return Plan(action=action, recovery=recovery, tsb=tsb)
