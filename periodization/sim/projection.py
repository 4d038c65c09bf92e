"""Where an athlete goes if one session were repeated every day (deterministic).

Used by the reward's medium and long terms ("what today's session does to CTL in 14 days
and to performance in 30 days, if you kept doing it"): honest, action-dependent
pre-computed future metrics from the model itself, run forward by the same per-day
recursion as ``dynamics.transition`` (``kernels.busso_day``), without noise or illness.
"""

from __future__ import annotations

import numpy as np

from periodization.sim import kernels
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState


def project_constant(state: AthleteState, action: np.ndarray, params: AthleteParams, *,
                     performance_days: int, ctl_days: int, load: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(performance now, performance after ``performance_days``, CTL after ``ctl_days``) of
    repeating ``action`` daily at ``load`` (default: its nominal load), each shape (N,).
    Performance here is illness aside, now as in the projection."""
    return kernels.project(
        state.record, np.ascontiguousarray(action, dtype=np.int64),
        np.empty(0) if load is None else np.ascontiguousarray(load, dtype=float),
        performance_days, ctl_days, params.packed, params.pop.packed)
