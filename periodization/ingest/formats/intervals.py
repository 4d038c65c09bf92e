"""intervals.icu wellness CSV (the API wellness fields as columns, one row per day).

``id`` (or ``date``) is the day. Read: ``hrv`` (rMSSD, ms) → ``hrv_rmssd_ms``; ``hrvSDNN``
(ms) → ``hrv_sdnn_ms``; ``restingHR`` (bpm) → ``resting_hr``; ``sleepSecs`` / 3600 →
``sleep_hours``; ``readiness`` → ``recovery`` (0–100; a 0–10 scale is recognised and
multiplied by 10, ``readiness_scale``); ``ctl`` and ``atl`` are kept as
they are (values *after* the day's load). intervals.icu has no sleep efficiency
(``sleepQuality`` is a 1–4 rating, ``sleepScore`` a score): it is left missing.

Load: ``ctlLoad`` (the day's load that entered CTL), else ``atlLoad``; without either it is
back-calculated from consecutive ``atl`` values with the exponential 7-day form,
load_d = atl_{d−1} + (atl_d − atl_{d−1}) / (1 − e^{−1/7}) (an estimate: intervals.icu's
own smoothing may differ slightly). There are no workouts, so the action is REST when the
load is that of a rest day and unknown otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.actions import day_action
from periodization.ingest.common import Context
from periodization.ingest.csvtable import CsvTable, duration_hours, read_csv
from periodization.ingest.sources import Member, fail

FORMAT = "intervals.icu"
MARKERS = frozenset({"sleep_secs", "ramp_rate", "ctl_load", "atl_load", "hrv_sdnn",
                     "avg_sleeping_hr", "sleep_quality", "sleep_score", "readiness", "hrv",
                     "soreness", "fatigue", "mood", "motivation", "sp_o2", "respiration",
                     "kcal_consumed", "baevsky_si", "menstrual_phase", "hydration"})
COLUMNS = {  # canonical column → accepted header keys
    "hrv_rmssd_ms": ("hrv", "hrv_rmssd"),
    "hrv_sdnn_ms": ("hrv_sdnn",),
    "resting_hr": ("resting_hr", "resting_heart_rate"),
    "recovery": ("readiness",),
    "ctl": ("ctl",),
    "atl": ("atl",),
}
ATL_DECAY = float(np.exp(-1.0 / 7.0))


def _load_from_atl(dates: pd.Series, atl: np.ndarray) -> np.ndarray:
    """Back out daily load from ATL on consecutive days (NaN where a day is missing)."""
    order = np.argsort(dates.to_numpy(), kind="stable")
    d = dates.to_numpy()[order]
    a = atl[order]
    load = np.full(len(a), np.nan)
    consecutive = np.diff(d) == np.timedelta64(1, "D")
    prev, cur = a[:-1], a[1:]
    load[1:] = np.where(consecutive, prev + (cur - prev) / (1.0 - ATL_DECAY), np.nan)
    out = np.empty_like(load)
    out[order] = np.clip(load, 0.0, None)
    return out


TEN_POINT_MAX = 10.0
MIN_SCALE_EVIDENCE = 3  # readiness values needed to decide the scale


def readiness_scale(values: np.ndarray, ctx: Context) -> np.ndarray:
    """``readiness`` on 0–100, whichever scale it was written on.

    intervals.icu stores what the connected app sends: 0–100 from most, 0–10 from some
    (HRV apps, manual entry). Every value ≤ 10 over at least ``MIN_SCALE_EVIDENCE`` days
    is a 0–10 scale (a 0–100 score that never exceeds 10 would be a months-long red
    streak); it is multiplied by 10 and a warning says so.
    """
    known = values[np.isfinite(values)]
    if len(known) < MIN_SCALE_EVIDENCE:
        ctx.decide("readiness_scale", "0-100", f"only {len(known)} readiness value(s)")
        return values
    top = float(known.max())
    if top <= TEN_POINT_MAX:
        ctx.decide("readiness_scale", "0-10", f"all {len(known)} readiness values are ≤ 10 "
                   f"(max {top:g})", changed=f"'readiness' is on a 0–10 scale (max {top:g} "
                   f"over {len(known)} days): multiplied by 10 to read as a 0–100 recovery")
        return values * 10.0
    ctx.decide("readiness_scale", "0-100", f"max readiness {top:g} > 10")
    return values


def _column(table: CsvTable, ctx: Context, col: str, aliases: tuple[str, ...]) -> np.ndarray:
    key = table.has(*aliases)
    if key is None:
        return np.full(len(table), np.nan)
    ctx.labels[col] = table.label(key)
    return table.numbers(key, ctx, col)


def read(member: Member, ctx: Context) -> pd.DataFrame:
    """Day rows from an intervals.icu wellness CSV (see the module docstring)."""
    table = read_csv(member, ctx)
    date_key = table.need("id", "date", what="id")
    if not any(table.has(*aliases) for aliases in COLUMNS.values()) and not table.has(
            "sleep_secs"):
        raise fail(table.where, "missing columns 'hrv', 'restingHR', 'sleepSecs' and "
                                "'readiness' (not an intervals.icu wellness export)")
    out = pd.DataFrame({"date": table.days(date_key)})
    for col, aliases in COLUMNS.items():
        out[col] = _column(table, ctx, col, aliases)
    sleep_key = table.has("sleep_secs", "sleep_seconds")
    if sleep_key is not None:
        ctx.labels["sleep_hours"] = table.label(sleep_key)
        out["sleep_hours"] = duration_hours(table.numbers(sleep_key, ctx, "sleep_hours"),
                                            table.units[sleep_key], "s")
    out["recovery"] = readiness_scale(out["recovery"].to_numpy(), ctx)
    ctx.warn("intervals.icu has no sleep efficiency: sleep_efficiency left missing")
    load_key = table.has("ctl_load", "atl_load", "load", "training_load")
    if load_key is not None:
        ctx.labels["load"] = table.label(load_key)
        out["load"] = table.numbers(load_key, ctx, "load")
    elif np.isfinite(out["atl"]).sum() >= 2:
        out["load"] = _load_from_atl(out["date"], out["atl"].to_numpy())
        ctx.warn("no ctlLoad column: daily load back-calculated from atl")
    else:
        out["load"] = np.nan
    out["action"] = [day_action(np.empty(0), np.empty(0), x) for x in out["load"]]
    return out


ACTIVITIES_FORMAT = "intervals.icu-activities"
ACTIVITY_MARKERS = frozenset({"icu_training_load", "start_date_local", "moving_time",
                              "icu_intensity", "icu_atl", "icu_ctl", "elapsed_time"})


def read_activities(member: Member, ctx: Context) -> pd.DataFrame:
    """Training days from an intervals.icu activities CSV (one row per activity).

    ``start_date_local`` (local ISO time) is the day, ``icu_training_load`` the
    activity's load (intervals.icu's own: power, HR or pace based), ``type`` and
    ``moving_time`` (s) its action (``actions.workout_action``); without a load, the
    duration × the action's rate. Days between the first and last activity without one
    are rest days (load 0). No wearable readings: it is merged with a wellness export
    or other source of the same athlete (``merge``).
    """
    from periodization.ingest.load import daily_training, workout_table

    table = read_csv(member, ctx)
    start_key = table.need("start_date_local", "start_date", what="start_date_local")
    start = table.timestamps(start_key)
    moving_key = table.has("moving_time", "elapsed_time")
    minutes = (table.numbers(moving_key, ctx, "load") / 60.0 if moving_key
               else np.full(len(table), np.nan))
    name_key = table.has("type", "name")
    workouts = workout_table(start.dt.normalize(), minutes,
                             table.text(name_key) if name_key else None)
    load_key = table.has("icu_training_load", "training_load")
    if load_key is not None:
        ctx.labels["load"] = table.label(load_key)
        recorded = table.numbers(load_key, ctx, "load")
        workouts["load"] = np.where(np.isfinite(recorded), recorded, workouts["load"])
    workouts = workouts[workouts["date"].notna()]
    if not len(workouts):
        raise fail(table.where, "no activity with a start date")
    days = pd.Series(pd.date_range(workouts["date"].min(), workouts["date"].max(), freq="D"))
    training = daily_training(workouts, days)
    ctx.decide("load_source", "icu_training_load" if load_key else "duration",
               f"{len(workouts)} activities")
    return training
