"""Day-level truth every layout writer renders: one athlete's mornings and workouts.

``make_truth(days, seed, last_day)`` gives one row per calendar day: the morning's RMSSD
(ms), resting HR (bpm), sleep (h), efficiency (%), recovery (0–100), the night's sleep
onset (local hour, may exceed 24 for after-midnight onsets) and the day's workout
(``name``, ``minutes``, HR-zone shares in %, the intended action name) or none. A weekly
plan with noise: rest days, easy, base, tempo, intervals and strength sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

PLAN = {  # weekday → (activity name, minutes, zone % z1..z5, action) or None
    0: None,
    1: ("Running", 50, (10, 60, 20, 5, 0), "AEROBIC_BASE"),
    2: ("HIIT", 35, (10, 10, 15, 20, 40), "HIIT"),
    3: ("Cycling", 70, (5, 30, 40, 20, 0), "TEMPO"),
    4: ("Walking", 40, (80, 10, 0, 0, 0), "ACTIVE_RECOVERY"),
    5: ("Weightlifting", 60, (40, 30, 10, 0, 0), "STRENGTH"),
    6: ("Running", 95, (5, 70, 20, 5, 0), "AEROBIC_BASE"),
}
RATE = {"REST": 0, "ACTIVE_RECOVERY": 25, "AEROBIC_BASE": 50, "TEMPO": 85, "HIIT": 110,
        "STRENGTH": 50}


@dataclass(frozen=True)
class Workout:
    name: str
    minutes: float
    zones: tuple[float, ...]
    action: str
    start_hour: float  # local

    @property
    def trimp(self) -> float:
        """The documented zone TRIMP (1 h in zone 4 = 100)."""
        return self.minutes * sum(z / 100 * (k + 1) for k, z in enumerate(self.zones)) * 100 / 240

    @property
    def rate_load(self) -> float:
        return self.minutes / 60 * RATE[self.action]


def make_truth(days: int, seed: int, last_day: date = date(2026, 3, 1)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = [last_day - timedelta(days=days - 1 - i) for i in range(days)]
    n = len(dates)
    hrv = np.exp(np.log(62) + 0.12 * rng.standard_normal(n)).round(1)
    rhr = np.round(50 + 2.5 * rng.standard_normal(n)).clip(38, 80)
    sleep = (7.4 + 0.6 * rng.standard_normal(n)).clip(4.5, 10.0).round(2)
    eff = np.round(90 + 3 * rng.standard_normal(n)).clip(70, 99)
    recovery = np.round(60 + 18 * rng.standard_normal(n)).clip(3, 99)
    onset = (23.0 + 0.7 * rng.standard_normal(n)).round(2)  # local hour of sleep onset
    workouts = []
    for d in dates:
        plan = PLAN[d.weekday()]
        if plan is None or rng.random() < 0.08:  # a few planned sessions are skipped
            workouts.append(None)
            continue
        name, minutes, zones, action = plan
        minutes = float(round(minutes * rng.uniform(0.85, 1.15)))
        workouts.append(Workout(name, minutes, zones, action, float(rng.choice([7.0, 12.5, 18.0]))))
    return pd.DataFrame({"date": dates, "hrv": hrv, "rhr": rhr, "sleep_h": sleep, "eff": eff,
                         "recovery": recovery, "onset": onset, "workout": workouts})


def header(text: str) -> list[str]:
    """A vendor's header line as its list of column names."""
    return text.split(",")


def wake_hour(row) -> float:
    """Local hour of the morning's wake-up (onset + time in bed)."""
    return row.onset + row.sleep_h / (row.eff / 100) - 24.0


def at(day: date, hour: float):
    """Local wall-clock datetime of ``hour`` (may be negative or ≥ 24) on ``day``."""
    from datetime import datetime
    return datetime(day.year, day.month, day.day) + timedelta(hours=float(hour))
