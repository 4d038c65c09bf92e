"""How a planned session (action, minutes, load multiplier) enters the athlete model.

The one place that knows which version of the world ``periodize simulate`` runs on:

* **minutes** — World v2's dynamics take a session's length (``transition(...,
  minutes=)``): its load is minutes × the session's TSS per minute × compliance noise, and
  its acute effects grow with it. A plan entry without minutes lasts the athlete's own
  usual minutes of that session (``AthleteParams.session_minutes``: the typical minutes
  scaled by their capacity).
* **load multiplier** — a per-athlete scale of the session (protocols that set a load such
  as x·w*): it lengthens the session, so the load and the acute effects scale together.
* **minutes ↔ load** — ``load_per_minute`` and ``expected_load`` give the load a session of
  given minutes is expected to carry, which protocols use to match load across plans.
* **injury** — World v2 has separate illness and injury episodes
  (``AthleteState.ill_days``, ``injured_days``).

Shapes: every array is per athlete, (N,); per-athlete, per-action tables are (N, 6).
"""

from __future__ import annotations

import numpy as np

from periodization.sim import dynamics
from periodization.sim.actions import TYPICAL_MINUTES
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState

WORLD_VERSION = 2
SEPARATE_INJURY = True
INJURY_NOTE = ""

__all__ = ["TYPICAL_MINUTES", "expected_load", "ill_days", "injured_days", "load_per_minute",
           "session_minutes", "step"]


def session_minutes(params: AthleteParams, action: np.ndarray) -> np.ndarray:
    """Each athlete's usual minutes of ``action`` (N,) (or (N, k))."""
    a = np.asarray(action, dtype=np.int64)
    table = params.session_minutes
    if a.ndim == 1:
        return table[np.arange(params.n), a]
    return np.take_along_axis(table, a, axis=1)


def step(state: AthleteState, action: np.ndarray, params: AthleteParams,
         rng: KeyedRandom | NoNoise, *, minutes: np.ndarray | None = None,
         load_scale: np.ndarray | None = None) -> AthleteState:
    """One day: each athlete does ``action`` (N,) for ``minutes`` (N,; None = their usual
    minutes), its length multiplied by ``load_scale`` (N,; None = 1), then sleeps a night."""
    a = np.ascontiguousarray(action, dtype=np.int64)
    if minutes is None and load_scale is None:
        return dynamics.transition(state, a, params, rng)
    m = session_minutes(params, a) if minutes is None else np.asarray(minutes, dtype=float)
    if load_scale is not None:
        m = m * np.asarray(load_scale, dtype=np.float64)
    return dynamics.transition(state, a, params, rng, minutes=m)


def load_per_minute(params: AthleteParams) -> np.ndarray:
    """(N, 6) expected load per minute of each action (TSS/min; REST 0)."""
    return np.broadcast_to(params.pop.load_per_minute, (params.n, 6)).copy()


def expected_load(params: AthleteParams, action: np.ndarray, minutes: np.ndarray
                  ) -> np.ndarray:
    """Expected load (TSS) of sessions ``action`` (N, k) lasting ``minutes`` (N, k)."""
    return params.pop.load_per_minute[np.asarray(action, dtype=np.int64)] * minutes


def injured_days(state: AthleteState) -> np.ndarray:
    """Days of injury left (N,)."""
    return state.injured_days


def ill_days(state: AthleteState) -> np.ndarray:
    """Days of illness left (N,)."""
    return state.ill_days
