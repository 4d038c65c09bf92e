"""The athlete's true (hidden) state and what a wearable shows of it, as structs of arrays.

Timing convention: a state is the athlete on the *morning* of ``day``, before that day's
session. ``transition`` applies the day's session and returns the next morning's state;
``observe`` reads the morning's wearable values (and the previous day's load and strain).

The compiled kernels read a state as one structured array (``AthleteState.record``,
``STATE_DTYPE``, generated from the dataclass's fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from periodization.sim.batch import record_dtype, to_record

# Hidden-state fields written to the cohort's evaluation-only files, in this order.
HIDDEN_FIELDS = (
    "fitness", "gain", "fatigue", "maladaptation", "durability", "acute_hrv", "acute_rhr",
    "ill_days", "atl", "ctl",
)  # fmt: skip


@dataclass(frozen=True)
class AthleteState:
    """True state of N athletes on the morning of ``day`` (every field has shape (N,))."""

    day: np.ndarray  # int64, days since an epoch that is a Monday (weekday = day % 7)
    fitness: np.ndarray  # g: Σ w·exp(−Δ/τ1), TSS-days (Busso fitness impulse)
    gain: np.ndarray  # s: Σ w·exp(−Δ/τ3), TSS-days; the fatigue gain is k2 = k3·s
    fatigue: np.ndarray  # h: Σ k2(i)·w(i)·exp(−Δ/τ2), performance points
    maladaptation: np.ndarray  # M: hidden non-functional overreaching, ≥ 0 (1 ≈ clear NFOR)
    durability: np.ndarray  # D: Σ strength sessions·exp(−Δ/τ_D), sessions
    acute_hrv: np.ndarray  # short-lived ln RMSSD shift from recent sessions (≤ 0)
    acute_rhr: np.ndarray  # short-lived resting-HR rise from recent sessions, bpm (≥ 0)
    ill_days: np.ndarray  # int64, days of illness/injury left including today (0 = healthy)
    atl: np.ndarray  # acute training load after yesterday, TSS/day (τ = pop.atl_days)
    ctl: np.ndarray  # chronic training load after yesterday, TSS/day (τ = pop.ctl_days)
    last_load: np.ndarray  # realised load of yesterday, TSS
    last_action: np.ndarray  # int64, yesterday's action id, −1 before any

    @property
    def ill(self) -> np.ndarray:
        return self.ill_days > 0

    @property
    def weekday(self) -> np.ndarray:
        """0 = Monday … 6 = Sunday."""
        return self.day % 7

    @cached_property
    def record(self) -> np.ndarray:
        """The state as one (N,) structured array of ``STATE_DTYPE``, the named record the
        compiled kernels read (``S[i].fitness``). Built on first use (a state from
        ``transition`` comes with it); states are values, never changed in place."""
        return to_record(self, STATE_DTYPE)


# Generated from the dataclass: a new state field is a new record field.
STATE_DTYPE = record_dtype(AthleteState, ints=("day", "ill_days", "last_action"))

READING_COLUMNS = ("hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours", "sleep_efficiency")


@dataclass(frozen=True)
class Observation:
    """What a wearable reports on the morning of ``day``.

    ``readings`` is (N, 5) in ``READING_COLUMNS`` order: RMSSD (ms), resting HR (bpm),
    recovery (0–100), sleep (h, last night), sleep efficiency (%); the properties name them.
    """

    day: np.ndarray  # int64
    readings: np.ndarray  # (N, 5)
    strain: np.ndarray  # yesterday's strain, 0–21
    load: np.ndarray  # yesterday's training load, TSS

    @property
    def hrv_rmssd_ms(self) -> np.ndarray:
        return self.readings[:, 0]

    @property
    def resting_hr(self) -> np.ndarray:
        return self.readings[:, 1]

    @property
    def recovery(self) -> np.ndarray:
        return self.readings[:, 2]

    @property
    def sleep_hours(self) -> np.ndarray:
        return self.readings[:, 3]

    @property
    def sleep_efficiency(self) -> np.ndarray:
        return self.readings[:, 4]
