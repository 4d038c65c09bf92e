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

# Hidden-state fields written to the cohort's evaluation-only files, in this order: the
# state the dynamics evolve (``records.AthleteRow``).
HIDDEN_FIELDS = (
    "base_slow", "base_fast", "intensity", "pending_base", "pending_intensity", "fatigue",
    "strain", "hard_load", "maladaptation", "durability", "hrv_fast", "hrv_slow",
    "acute_rhr", "stress_slow", "stress_fast", "ill_days", "injured_days", "atl", "ctl",
)  # fmt: skip


@dataclass(frozen=True)
class AthleteState:
    """True state of N athletes on the morning of ``day`` (every field has shape (N,)).

    Units: fitness and fatigue in performance points (p0 = 100 untrained); loads in TSS.
    """

    day: np.ndarray  # int64, days since an epoch that is a Monday (weekday = day % 7)
    base_slow: np.ndarray  # slow aerobic base fitness, points (τ weeks to months)
    base_fast: np.ndarray  # fast aerobic base fitness, points (τ about ten days)
    intensity: np.ndarray  # intensity fitness, points; saturates at the athlete's capacity
    pending_base: np.ndarray  # base stimulus done but not yet adapted to (weighted TSS)
    pending_intensity: np.ndarray  # intensity stimulus not yet adapted to (hard units)
    fatigue: np.ndarray  # F: what rest removes, points (F* at w* every day)
    strain: np.ndarray  # L: recent volume, EWMA of weighted load, TSS/day
    hard_load: np.ndarray  # H: recent intensity, EWMA, hard sessions per week
    maladaptation: np.ndarray  # M: hidden non-functional overreaching, ≥ 0 (1 ≈ clear NFOR)
    durability: np.ndarray  # D: Σ strength sessions·exp(−Δ/τ_D), sessions
    hrv_fast: np.ndarray  # ln RMSSD drop from recent sessions that clears within a day
    hrv_slow: np.ndarray  # ln RMSSD drop from recent sessions that clears over days
    acute_rhr: np.ndarray  # short-lived resting-HR rise from recent sessions, bpm (≥ 0)
    stress_slow: np.ndarray  # slow life-stress level, SD units (weeks)
    stress_fast: np.ndarray  # fast life-stress level, SD units (days)
    ill_days: np.ndarray  # int64, days of illness left including today (0 = healthy)
    injured_days: np.ndarray  # int64, days of injury left including today
    atl: np.ndarray  # acute training load after yesterday, TSS/day (τ = pop.atl_days)
    ctl: np.ndarray  # chronic training load after yesterday, TSS/day (τ = pop.ctl_days)
    last_load: np.ndarray  # realised load of yesterday, TSS
    last_action: np.ndarray  # int64, yesterday's action id, −1 before any

    @property
    def ill(self) -> np.ndarray:
        """Ill *or* injured: the days the safety rule allows only rest or active recovery."""
        return (self.ill_days > 0) | (self.injured_days > 0)

    @property
    def base(self) -> np.ndarray:
        return self.base_slow + self.base_fast

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
INT_FIELDS = frozenset({"day", "ill_days", "injured_days", "last_action"})
STATE_DTYPE = record_dtype(AthleteState, ints=INT_FIELDS)

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
