"""Oura exports: the Membership Hub "Export data" zip/folder, and the legacy trends CSV.

**Membership Hub** (``App Data/*.csv``, snake_case, usually ``;``-separated, JSON in some
cells). Every file is keyed by ``day`` (the morning a sleep ends on, as Oura assigns it):

* ``sleepmodel.csv`` (one row per sleep period): the day's main sleep is its
  ``type = long_sleep`` period, else its longest; naps and rests are ignored.
  ``average_hrv`` (RMSSD, ms) → ``hrv_rmssd_ms``, ``lowest_heart_rate`` (bpm) →
  ``resting_hr``, ``total_sleep_duration`` (s) / 3600 → ``sleep_hours``, ``efficiency``
  (1–100) → ``sleep_efficiency``.
* ``dailyreadiness.csv``: ``score`` → ``recovery``.
* ``workout.csv``: ``activity``, ``intensity`` (easy/moderate/hard) and
  ``start_datetime``–``end_datetime`` → load and action (duration × rate of the action;
  days without a workout: load 0, REST).
* ``dailyactivity.csv`` (only without workouts): ``high_activity_time`` and
  ``medium_activity_time`` (s) → a coarse load; the action stays unknown unless the load
  is that of a rest day.

**Legacy trends CSV** (Title Case, one row per ``date``): ``Average HRV``,
``Lowest Resting Heart Rate``, ``Total Sleep Time`` or ``Total Sleep Duration`` (s),
``Sleep Efficiency`` (%, not ``Sleep Efficiency Score``), ``Readiness Score`` and
``High/Medium Activity Time`` (min) for the coarse load.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.csvtable import CsvTable, duration_hours, read_csv
from periodization.ingest.load import (
    activity_time_load,
    daily_training,
    no_workouts,
    workout_table,
)
from periodization.ingest.sources import Member, fail

FORMAT = "oura"
TRENDS_FORMAT = "oura-trends"
FILES = {"sleep": "sleepmodel.csv", "readiness": "dailyreadiness.csv",
         "activity": "dailyactivity.csv", "workout": "workout.csv"}
SLEEP_MARKERS = frozenset({"total_sleep_duration", "average_hrv", "lowest_heart_rate",
                           "bedtime_start", "bedtime_end", "time_in_bed"})
READINESS_MARKERS = frozenset({"score", "contributors", "temperature_trend_deviation"})
ACTIVITY_MARKERS = frozenset({"high_activity_time", "medium_activity_time", "steps"})
WORKOUT_MARKERS = frozenset({"activity", "intensity", "start_datetime", "end_datetime"})
TRENDS_MARKERS = frozenset({"average_hrv", "lowest_resting_heart_rate", "readiness_score",
                            "sleep_score", "total_sleep_time", "total_bedtime",
                            "average_resting_heart_rate"})
NAP_TYPES = frozenset({"late_nap", "rest", "deleted", "nap"})


def _numbers(table: CsvTable, ctx: Context, col: str, *aliases: str) -> np.ndarray | None:
    key = table.has(*aliases)
    if key is None:
        return None
    ctx.labels[col] = table.label(key)
    return table.numbers(key, ctx, col)


def _table(member: Member, ctx: Context, allow_empty: bool = False) -> CsvTable:
    table = read_csv(member, ctx, allow_empty=allow_empty)
    return table


SLEEP_COLUMNS = {  # canonical column → (header keys, default duration unit or None)
    "hrv_rmssd_ms": (("average_hrv",), None),
    "resting_hr": (("lowest_heart_rate",), None),
    "sleep_efficiency": (("efficiency", "sleep_efficiency"), None),
    "sleep_hours": (("total_sleep_duration", "total_sleep"), "s"),
}
TRENDS_COLUMNS = {
    "hrv_rmssd_ms": (("average_hrv",), None),
    "resting_hr": (("lowest_resting_heart_rate", "lowest_heart_rate"), None),
    "sleep_hours": (("total_sleep_time", "total_sleep_duration"), "s"),
    "sleep_efficiency": (("sleep_efficiency",), None),
    "recovery": (("readiness_score",), None),
}


def _columns(table: CsvTable, ctx: Context, spec: dict[str, tuple[tuple[str, ...], str | None]],
             date_keys: tuple[str, ...] = ("day", "date")) -> pd.DataFrame:
    """The date and the canonical columns of ``spec`` (at least one must be present)."""
    if not any(table.has(*aliases) for aliases, _ in spec.values()):
        wanted = ", ".join(f"'{aliases[0]}'" for aliases, _ in spec.values())
        raise fail(table.where, f"missing columns {wanted}")
    out = pd.DataFrame({"date": table.days(table.need(*date_keys))})
    for col, (aliases, unit) in spec.items():
        values = _numbers(table, ctx, col, *aliases)
        if values is not None and unit:
            values = duration_hours(values, table.units[table.has(*aliases)], unit)
        out[col] = values if values is not None else np.nan
    return out


def main_sleeps(out: pd.DataFrame, kind: np.ndarray, ctx: Context, where: str) -> pd.DataFrame:
    """The night of each day from sleep periods (``out``: date + canonical columns,
    ``kind``: each period's ``type``): the ``long_sleep`` period, else the longest;
    naps and rests never (``NAP_TYPES``). Indexed by date."""
    naps = np.isin(kind, list(NAP_TYPES))
    out = out.assign(_main=(kind == "long_sleep").astype(float),
                     _len=out["sleep_hours"].fillna(-1.0))
    out = out[~naps & out["date"].notna()]
    ordered = out.sort_values(["date", "_main", "_len"], kind="stable")
    main = ordered.drop_duplicates("date", keep="last")
    dropped = int(naps.sum()) + len(out) - len(main)
    if dropped:
        ctx.warn(f"{dropped} nap(s) or shorter sleep period(s) in {where} not counted as "
                 "the night's sleep")
    return main.drop(columns=["_main", "_len"]).set_index("date")


def _main_sleep(member: Member, ctx: Context) -> pd.DataFrame:
    table = _table(member, ctx)
    out = _columns(table, ctx, SLEEP_COLUMNS)
    type_key = table.has("type", "sleep_type")
    kind = table.text(type_key).str.lower().to_numpy() if type_key else np.full(len(out), "")
    return main_sleeps(out, kind, ctx, member.basename)


def _readiness(member: Member, ctx: Context) -> pd.Series:
    table = _table(member, ctx)
    days = table.days(table.need("day", "date"))
    score = _numbers(table, ctx, "recovery", "score", "readiness_score")
    if score is None:
        raise fail(table.where, "missing column 'score'")
    frame = pd.DataFrame({"date": days, "recovery": score}).dropna(subset=["date"])
    return frame.groupby("date")["recovery"].last()


def _workouts(member: Member, ctx: Context) -> pd.DataFrame:
    table = _table(member, ctx, allow_empty=True)
    if not len(table):
        return no_workouts()
    start_key = table.need("start_datetime", "start")
    start = table.timestamps(start_key)
    end_key = table.has("end_datetime", "end")
    end = table.timestamps(end_key) if end_key else start
    day_key = table.has("day", "date")
    day = table.days(day_key) if day_key else start.dt.normalize()
    minutes = ((end - start).dt.total_seconds() / 60.0).to_numpy(dtype=np.float64, copy=True)
    minutes[minutes < 0] = np.nan
    name_key, level_key = table.has("activity", "label"), table.has("intensity")
    workouts = workout_table(day.fillna(start.dt.normalize()), minutes,
                             table.text(name_key) if name_key else None,
                             intensity=table.text(level_key) if level_key else None)
    return workouts[workouts["date"].notna()]


ACTIVITY_TIME_KEYS = (("inactive_time", "sedentary_time"), ("rest_time", "resting_time"),
                      ("low_activity_time",), ("medium_activity_time",),
                      ("high_activity_time",), ("non_wear_time",))
SECONDS_PER_DAY, MINUTES_PER_DAY = 86_400.0, 1_440.0
DAY_SUM_TOLERANCE = 0.2  # a day's activity times may miss the full day by this share


def activity_time_unit(table: CsvTable, ctx: Context, default: str) -> str:
    """'s' or 'min' for the activity-time columns, decided from the data.

    Oura's six activity-time columns (inactive, rest, low, medium, high, non-wear) cover
    the whole day, so their per-day sum is ~86 400 in seconds or ~1 440 in minutes
    (older trends exports write seconds, newer ones minutes). Without all six, a high or
    medium time above 1 440 can only be seconds. A header unit wins over both.
    """
    keys = [k for aliases in ACTIVITY_TIME_KEYS if (k := table.has(*aliases))]
    written = {table.units[k] for k in keys} - {""}
    if written:
        unit = written.pop()
        ctx.decide("activity_time_unit", unit, f"the header names the unit ({unit})")
        return unit
    values = np.column_stack([pd.to_numeric(table.text(k), errors="coerce") for k in keys])
    unit, evidence = default, "no evidence either way; the format's documented unit"
    if len(keys) >= 5:
        sums = np.nansum(values, axis=1)
        median = float(np.median(sums[sums > 0])) if (sums > 0).any() else np.nan
        for candidate, day in (("s", SECONDS_PER_DAY), ("min", MINUTES_PER_DAY)):
            if abs(median - day) <= DAY_SUM_TOLERANCE * day:
                unit = candidate
                evidence = (f"the {len(keys)} activity-time columns sum to {median:.0f} a "
                            f"day (a day is {day:.0f} {candidate})")
    elif np.nanmax(values, initial=0.0) > MINUTES_PER_DAY:
        unit, evidence = "s", "activity times above 1 440 (more minutes than a day has)"
    names = {"s": "seconds", "min": "minutes"}
    changed = (f"{table.where}: activity times read as {names[unit]}, not {names[default]} "
               f"({evidence})" if unit != default else None)
    ctx.decide("activity_time_unit", unit, evidence, changed=changed)
    return unit


def _activity_load(table: CsvTable, ctx: Context, unit: str) -> pd.Series | None:
    high_key = table.has("high_activity_time")
    if high_key is None:
        return None
    unit = activity_time_unit(table, ctx, unit)
    medium_key = table.has("medium_activity_time")
    high = duration_hours(table.numbers(high_key, ctx, "load"), unit, unit)
    medium = (duration_hours(table.numbers(medium_key, ctx, "load"), unit, unit)
              if medium_key else np.zeros_like(high))
    days = table.days(table.need("day", "date"))
    load = pd.Series(activity_time_load(high, medium), index=days)
    return load[load.index.notna()].groupby(level=0).last()


def with_training(days: pd.DataFrame, workouts: pd.DataFrame,
                   activity: pd.Series | None, ctx: Context) -> pd.DataFrame:
    if len(workouts):
        training = daily_training(workouts, days["date"])
    else:
        base = (days["date"].map(activity).to_numpy(dtype=np.float64) if activity is not None
                else np.full(len(days), np.nan))
        ctx.warn("no workouts in the export: load estimated from activity time"
                 if activity is not None else "no workouts or activity in the export: "
                 "load and action unknown")
        training = daily_training(no_workouts(), days["date"], base)
    days["load"] = training["load"].to_numpy()
    days["action"] = training["action"].to_numpy()
    return days


def read(files: dict[str, Member], ctx: Context) -> pd.DataFrame:
    """Day rows from Membership Hub files (``FILES`` keys → members)."""
    if "sleep" not in files and "readiness" not in files:
        raise fail(ctx.where, "Oura export without sleepmodel.csv or dailyreadiness.csv")
    parts = []
    if "sleep" in files:
        parts.append(_main_sleep(files["sleep"], ctx))
    if "readiness" in files:
        parts.append(_readiness(files["readiness"], ctx).to_frame())
    workouts = _workouts(files["workout"], ctx) if "workout" in files else no_workouts()
    activity = (_activity_load(_table(files["activity"], ctx), ctx, "s")
                if "activity" in files and not len(workouts) else None)
    daily = pd.concat(parts, axis=1, sort=True)
    all_days = daily.index.union(pd.DatetimeIndex(workouts["date"].unique())).unique()
    daily = daily.reindex(all_days).rename_axis("date").reset_index()
    return with_training(daily, workouts, activity, ctx)


def read_trends(member: Member, ctx: Context) -> pd.DataFrame:
    """Day rows from a legacy Oura trends CSV (see the module docstring)."""
    table = _table(member, ctx)
    out = _columns(table, ctx, TRENDS_COLUMNS, ("date", "day"))
    activity = _activity_load(table, ctx, "min")
    return with_training(out, no_workouts(), activity, ctx)
