"""Replay recorded training through the athlete model: the hidden state a history implies.

Every athlete starts in the steady state of ``initial`` (habitual load = their early mean
load) and lives their recorded days in the expected world (``NoNoise``: no illness, no
compliance noise), each day's session at its recorded load (``transition(..., load=)``).
The result is the model's view of every recorded morning and the state on the morning of
each athlete's last day: fitness, fatigue, the fatigue gain and maladaptation follow from
the loads alone once the parameters are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.calibration.history import History
from periodization.sim import day, dynamics
from periodization.sim.batch import where
from periodization.sim.noise import NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState


@dataclass(frozen=True)
class Replay:
    state: AthleteState  # (N,) the morning of each athlete's last recorded day
    latent: np.ndarray  # (rows, 4) noise-free ln RMSSD, RHR, sleep h, efficiency %
    maladaptation: np.ndarray  # (rows,) M on each morning
    fatigue_ratio: np.ndarray  # (rows,) ρ = h/h* on each morning


def replay(params: AthleteParams, history: History) -> Replay:
    """Replay ``history`` (N athletes) with ``params`` (N,) (see the module docstring)."""
    n, days = history.n, int(history.length.max())
    rows = (history.day_index, history.athlete_index)
    load = np.zeros((days, n))
    action = np.zeros((days, n), dtype=np.int64)
    load[rows], action[rows] = history.load, history.action
    state = dynamics.initial(params, day=history.first_day)
    latent = np.empty((days, n, 4))
    m = np.empty((days, n))
    ratio = np.empty((days, n))
    world = NoNoise()
    last = history.length - 1
    for d in range(days):
        latent[d] = np.stack(dynamics.latent_physiology(state, params), axis=1)
        m[d], ratio[d] = state.maladaptation, dynamics.fatigue_ratio(state, params)
        if d == days - 1:
            break
        nxt = day.live(state, action[d], params, world, load=load[d], observe=False).state
        # athletes whose history has ended keep the morning of their last day
        state = nxt if d < last.min() else where(d < last, nxt, state)
    return Replay(state=state, latent=latent[rows], maladaptation=m[rows],
                  fatigue_ratio=ratio[rows])
