"""Replay recorded training through the athlete model: the hidden state a history implies.

Every athlete starts in the steady state of ``dynamics.initial`` (habitual load = their
early mean load; ATL/CTL from the platform's when the table has them) and lives their
recorded days in the expected world (``NoNoise``: no illness, no compliance noise; life
stress only as the readings show it), each day's session at its recorded load
(``sim.day.live(..., load=, observe=False)``). The result is the model's view of every
recorded morning and the state on the morning of each athlete's last day: base and
intensity fitness, the adaptation still pending, fatigue, recent volume and intensity,
maladaptation and durability follow from the loads alone once the parameters are known.

It also keeps what the calibration's fatigue recursion reads and which does not depend on
the candidate (τ_F, w*): the acute after-effects of recent sessions, ATL/CTL after each
day and each session's unrecovered factor (``calibration/kernels.py``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from periodization.calibration import kernels as CK
from periodization.calibration.history import History
from periodization.sim import day, dynamics
from periodization.sim.batch import where
from periodization.sim.noise import NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState


@dataclass(frozen=True)
class Replay:
    """The replay of N athletes' histories; per-row arrays follow ``History``'s rows."""

    state: AthleteState  # (N,) the morning of each athlete's last recorded day
    latent: np.ndarray  # (rows, 4) noise-free ln RMSSD, RHR, sleep h, efficiency %
    maladaptation: np.ndarray  # (rows,) M on each morning
    fatigue_ratio: np.ndarray  # (rows,) ρ = F/F* on each morning
    acute_hrv: np.ndarray  # (rows,) ln RMSSD shift of recent sessions at unit sensitivity
    acute_rhr: np.ndarray  # (rows,) resting-HR rise from recent sessions, bpm
    atl: np.ndarray  # (rows,) ATL after the day's session, TSS/day
    ctl: np.ndarray  # (rows,) CTL after the day's session, TSS/day
    fatigued: np.ndarray  # (rows,) the day's unrecovered factor (≥ 1)


def replay(params: AthleteParams, history: History, *, stress: np.ndarray | None = None
           ) -> Replay:
    """Replay ``history`` (N athletes) with ``params`` (N,) (see the module docstring).

    ``stress`` (rows, 2): the life stress (slow, fast components) each morning is known to
    have (``calibration/stress.py``); the expected world's (none) without it."""
    n, days = history.n, int(history.length.max())
    rows = (history.day_index, history.athlete_index)
    load = np.zeros((days, n))
    action = np.zeros((days, n), dtype=np.int64)
    load[rows], action[rows] = history.load, history.action
    state = dynamics.initial(params, day=history.first_day)
    seed = history.pmc_seed
    state = dataclasses.replace(state, atl=np.where(np.isfinite(seed[:, 0]), seed[:, 0], state.atl),
                                ctl=np.where(np.isfinite(seed[:, 1]), seed[:, 1], state.ctl))
    world = NoNoise()
    known = np.zeros((days, n, 2))
    if stress is not None:
        known[rows] = stress
    last = history.length - 1
    latent = np.empty((days, n, 4))
    per_day = {k: np.zeros((days, n)) for k in (
        "maladaptation", "fatigue_ratio", "acute_hrv", "acute_rhr", "atl", "ctl", "fatigued")}
    for d in range(days):
        if stress is not None:
            state = dataclasses.replace(state, stress_slow=known[d, :, 0],
                                        stress_fast=known[d, :, 1])
        latent[d] = np.stack(dynamics.latent_physiology(state, params), axis=1)
        per_day["maladaptation"][d] = state.maladaptation
        per_day["fatigue_ratio"][d] = dynamics.fatigue_ratio(state, params)
        per_day["acute_hrv"][d] = -(state.hrv_fast + state.hrv_slow) / params.hrv_acute_sensitivity
        per_day["acute_rhr"][d] = state.acute_rhr
        per_day["fatigued"][d] = CK.unrecovered_factors(state.record, params.packed,
                                                        params.pop.packed)
        if d == days - 1:
            break
        nxt = day.live(state, action[d], params, world, load=load[d], observe=False).state
        per_day["atl"][d], per_day["ctl"][d] = nxt.atl, nxt.ctl
        # athletes whose history has ended keep the morning of their last day
        state = nxt if d < last.min() else where(d < last, nxt, state)
    return Replay(state=state, latent=latent[rows],
                  **{k: v[rows] for k, v in per_day.items()})
