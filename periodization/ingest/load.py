"""Daily training load (TSS-like points, 1 h at threshold ≈ 100) from what an export has.

Best to coarsest:

* **Heart-rate zones** (WHOOP ``workouts.csv``): Edwards' TRIMP, minutes in zone *k* weighted
  *k* (1–5; time below zone 1 counts 0), scaled by ``TRIMP_SCALE`` = 100/240 so that one hour
  in zone 4 = 100: zone 1 ≈ 25/h, zone 2 ≈ 50/h, zone 3 ≈ 75/h, zone 4 = 100/h, zone 5 ≈ 125/h.
* **Workout duration and kind** (Apple ``<Workout>``, Oura ``workout.csv``, WHOOP workouts
  without zones): minutes × ``RATE_PER_HOUR`` of the workout's action (see ``actions``).
* **Activity minutes** (Oura ``dailyactivity``/trends): high-intensity time at 85/h plus
  medium-intensity time at 25/h.
* **WHOOP day strain** alone: ``strain_load`` = A·(exp(B·strain) − 1), monotone and convex
  like strain's quasi-logarithmic scale, with A = 13.1, B = 0.14 chosen so that strain
  10 ≈ 40, 14 ≈ 80 and 18 ≈ 150 (no official conversion exists; an assumption).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from periodization.ingest.actions import UNKNOWN, day_action, workout_action
from periodization.sim.actions import Action

ZONES = ("z1", "z2", "z3", "z4", "z5")
TRIMP_SCALE = 100.0 / 240.0
STRAIN_A = 13.1
STRAIN_B = 0.14
RATE_PER_HOUR = {int(Action.REST): 0.0, int(Action.ACTIVE_RECOVERY): 25.0,
                 int(Action.AEROBIC_BASE): 50.0, int(Action.TEMPO): 85.0,
                 int(Action.HIIT): 110.0, int(Action.STRENGTH): 50.0, UNKNOWN: 50.0}
HIGH_ACTIVITY_PER_HOUR = 85.0
MEDIUM_ACTIVITY_PER_HOUR = 25.0


def zone_load(minutes: np.ndarray, zones_pct: np.ndarray) -> np.ndarray:
    """Edwards-TRIMP load of workouts; ``zones_pct`` is (n, 5) % of duration per zone."""
    pct = np.nan_to_num(np.asarray(zones_pct, dtype=np.float64)) / 100.0
    weighted = pct @ np.arange(1.0, 6.0)
    return np.asarray(minutes, dtype=np.float64) * weighted * TRIMP_SCALE


def strain_load(strain: np.ndarray) -> np.ndarray:
    """TSS-like load from WHOOP day strain (0–21); NaN stays NaN."""
    s = np.asarray(strain, dtype=np.float64)
    return STRAIN_A * np.expm1(STRAIN_B * s)


def activity_time_load(high_hours: np.ndarray, medium_hours: np.ndarray) -> np.ndarray:
    """Coarse load from daily minutes of high and medium activity (given in hours)."""
    return (HIGH_ACTIVITY_PER_HOUR * np.asarray(high_hours, dtype=np.float64)
            + MEDIUM_ACTIVITY_PER_HOUR * np.nan_to_num(np.asarray(medium_hours, np.float64)))


def workout_table(date: pd.Series, minutes: np.ndarray, name: pd.Series | None = None,
                  zones: np.ndarray | None = None, intensity: pd.Series | None = None
                  ) -> pd.DataFrame:
    """Workouts with their action and load: ``date, minutes, action, load``."""
    n = len(date)
    names = name.astype(str).to_numpy() if name is not None else np.full(n, "")
    levels = intensity.astype(str).to_numpy() if intensity is not None else np.full(n, "")
    z = np.full((n, 5), np.nan) if zones is None else np.asarray(zones, dtype=np.float64)
    minutes = np.asarray(minutes, dtype=np.float64)
    actions = np.array([workout_action(names[i], minutes[i], z[i], levels[i])
                        for i in range(n)], dtype=np.int64)
    has_zones = np.isfinite(z).any(axis=1)
    coarse = minutes / 60.0 * np.array([RATE_PER_HOUR[int(a)] for a in actions])
    load = np.where(has_zones, zone_load(minutes, z), coarse)
    return pd.DataFrame({"date": pd.to_datetime(date).to_numpy(), "minutes": minutes,
                         "action": actions, "load": load})


def no_workouts() -> pd.DataFrame:
    """An empty workout table (an export without workouts)."""
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "minutes": [],
                         "action": pd.Series(dtype=np.int64), "load": []})


def daily_training(workouts: pd.DataFrame, days: pd.Series,
                   base_load: np.ndarray | None = None) -> pd.DataFrame:
    """Per day of ``days``: ``load`` (sum of workout loads) and ``action`` (``day_action``).

    Days without a workout get ``base_load`` (default 0: the export lists every workout),
    which may be NaN where the day is not known to be complete.
    """
    days = pd.to_datetime(days).reset_index(drop=True)
    base = np.zeros(len(days)) if base_load is None else np.asarray(base_load, np.float64)
    load = np.full(len(days), np.nan)
    # workouts sorted by date and cut into one slice of numpy arrays per date: a pandas
    # group per date cost ~0.5 ms and ~100 kB each (20 000 workout days: 22 s, 200 MB)
    dated = workouts[workouts["date"].notna()]  # as groupby: an undated workout is no day's
    w_dates = dated["date"].to_numpy("datetime64[ns]").view(np.int64)  # ns: one key type
    order = np.argsort(w_dates, kind="stable")
    w_dates = w_dates[order]
    w_actions = dated["action"].to_numpy()[order]
    w_loads = dated["load"].to_numpy(np.float64)[order]
    dates, starts = np.unique(w_dates, return_index=True)
    ends = np.r_[starts[1:], len(w_dates)][: len(starts)]  # no workout: no slice
    bounds = dict(zip(dates, zip(starts, ends, strict=True), strict=True))
    actions = np.empty(len(days), dtype=np.int64)
    for i, day in enumerate(days.to_numpy("datetime64[ns]").view(np.int64)):
        span = bounds.get(day)
        if span is None:
            load[i] = base[i]
            actions[i] = day_action(np.empty(0), np.empty(0), base[i])
        else:
            a, b = span
            load[i] = np.nansum(w_loads[a:b])
            actions[i] = day_action(w_actions[a:b], w_loads[a:b], load[i])
    return pd.DataFrame({"date": days, "load": load, "action": actions})


def attach_training(out: pd.DataFrame, workouts: pd.DataFrame, *, listed: bool,
                    warn: Callable[[str], None], unlisted: str) -> None:
    """Set ``out``'s ``load`` and ``action`` columns from ``workouts`` on ``out["date"]``.

    ``listed``: the export holds its workout records, so a day without one is a day without
    training (load 0). Without them a day's load is unknown (NaN), not 0 (a rest day
    nobody recorded would otherwise read as rest), and ``unlisted`` is warned.
    """
    if listed:
        training = daily_training(workouts, out["date"])
    else:
        warn(unlisted)
        training = daily_training(workouts, out["date"], np.full(len(out), np.nan))
    out["load"], out["action"] = training["load"].to_numpy(), training["action"].to_numpy()


def mornings_table(hrv: pd.Series, rhr: pd.Series, sleep: pd.DataFrame,
                   workouts: pd.DataFrame) -> pd.DataFrame:
    """One row per date that has any of HRV, resting HR, sleep (``sleep_hours``,
    ``sleep_efficiency`` columns) or a workout: the morning readings of series indexed by
    date, NaN where a series has no value (load and action: ``attach_training``)."""
    index = sleep.index.union(hrv.index).union(rhr.index).union(
        pd.DatetimeIndex(workouts["date"].unique()))
    out = pd.DataFrame({"date": index})
    out["hrv_rmssd_ms"] = out["date"].map(hrv).astype(np.float64)
    out["resting_hr"] = out["date"].map(rhr).astype(np.float64)
    for col in ("sleep_hours", "sleep_efficiency"):
        out[col] = out["date"].map(sleep[col]).astype(np.float64) if len(sleep) else np.nan
    return out
