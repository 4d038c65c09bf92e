"""How a planned session (action, minutes, load multiplier) enters the athlete model.

The one place that knows which version of the world ``periodize simulate`` runs on, so
switching to World v2 is an edit of this file only:

* **minutes** — World v1's dynamics take no session length. Here minutes are emulated as
  the session's load scaled by minutes / typical minutes (``SESSION_GUIDE``), with the
  same compliance noise the model draws itself: at the typical minutes and a multiplier of
  1 a day is bit for bit ``dynamics.transition`` without ``load=``. World v2 takes
  ``transition(..., minutes=)``; the edit is to pass minutes there (and keep the load
  multiplier as a scale of the resulting load).
* **minutes ↔ load** — ``load_per_minute`` and ``expected_load`` give the load a session of
  given minutes is expected to carry (v1: linear in minutes), which protocols use to match
  load across plans; World v2 puts its own mapping here.
* **injury** — World v1 has one illness/injury episode state (``ill_days``) and no separate
  injury; ``SEPARATE_INJURY`` is False, ``injured_days`` is 0 for everyone and callers say
  so. World v2 adds ``AthleteState.injured_days``.

Shapes: every array is per athlete, (N,); per-athlete, per-action tables are (N, 6).
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim import dynamics, kernels
from periodization.sim.actions import SESSION_GUIDE, Action
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState

WORLD_VERSION = 1
SEPARATE_INJURY = False  # v1: illness and injury are one episode state

# Typical minutes of each action (REST: 0), the length the nominal session load stands for.
TYPICAL_MINUTES = np.array([SESSION_GUIDE[a][1] for a in Action], dtype=np.float64)
INJURY_NOTE = ("World v1 has no separate injury state: injured_days are 0 and ill_days "
               "count every illness or injury episode")


@njit(cache=True)
def _realised_load(nominal, action, ratio, keys, counters, compliance, noisy):
    """Load (TSS) of each athlete's session: nominal[i, a]·ratio[i]·exp(σ·z), with z the
    normal the model's transition kernel would draw from the same counters."""
    n = action.shape[0]
    out = np.empty(n)
    for i in range(n):
        z = kernels.normal_pair(keys[i], counters[i])[0] if noisy else 0.0
        out[i] = nominal[i, action[i]] * ratio[i] * math.exp(compliance * z)
    return out


def load_ratio(action: np.ndarray, minutes: np.ndarray | None,
               load_scale: np.ndarray | None) -> np.ndarray | None:
    """Multiplier of each athlete's nominal session load (N,), or None for exactly 1."""
    if minutes is None and load_scale is None:
        return None
    n = action.shape[0]
    ratio = np.ones(n)
    if minutes is not None:
        typical = TYPICAL_MINUTES[action]
        ratio = np.where(typical > 0, np.asarray(minutes, dtype=np.float64) / np.where(
            typical > 0, typical, 1.0), 1.0)
    if load_scale is not None:
        ratio = ratio * np.asarray(load_scale, dtype=np.float64)
    return ratio


def step(state: AthleteState, action: np.ndarray, params: AthleteParams,
         rng: KeyedRandom | NoNoise, *, minutes: np.ndarray | None = None,
         load_scale: np.ndarray | None = None) -> AthleteState:
    """One day: each athlete does ``action`` (N,) for ``minutes`` (N,; None = typical) with
    its load multiplied by ``load_scale`` (N,; None = 1), then sleeps a night."""
    a = np.ascontiguousarray(action, dtype=np.int64)
    ratio = load_ratio(a, minutes, load_scale)
    if ratio is None:
        return dynamics.transition(state, a, params, rng)
    noisy = isinstance(rng, KeyedRandom)
    n = a.shape[0]
    keys = rng.keys if noisy else np.zeros(n, dtype=np.uint64)
    counters = rng.counters if noisy else np.zeros(n, dtype=np.uint64)
    nominal = np.ascontiguousarray(params.session_loads)
    load = _realised_load(nominal, a, np.ascontiguousarray(ratio), keys, counters,
                          float(params.pop.compliance_noise), noisy)
    return dynamics.transition(state, a, params, rng, load=load)


def load_per_minute(params: AthleteParams) -> np.ndarray:
    """(N, 6) expected load per minute of each action (TSS/min; REST 0): the nominal
    session load over its typical minutes. Matching load by minutes divides by this."""
    loads = params.session_loads
    return np.where(TYPICAL_MINUTES > 0, loads / np.where(TYPICAL_MINUTES > 0,
                                                          TYPICAL_MINUTES, 1.0), 0.0)


def expected_load(params: AthleteParams, action: np.ndarray, minutes: np.ndarray
                  ) -> np.ndarray:
    """Expected load (TSS) of sessions ``action`` (N, k) lasting ``minutes`` (N, k)."""
    per_minute = load_per_minute(params)
    return np.take_along_axis(per_minute, np.asarray(action, dtype=np.int64), axis=1) * minutes


def injured_days(state: AthleteState) -> np.ndarray:
    """Days of injury left (N,); World v1 has no separate injury, so 0."""
    return np.zeros(state.ill_days.shape[0], dtype=np.int64)


def ill_days(state: AthleteState) -> np.ndarray:
    """Days of illness left (N,); in World v1 illness and injury alike."""
    return state.ill_days
