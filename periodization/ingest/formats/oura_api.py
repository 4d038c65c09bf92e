"""Oura API v2 JSON (``/v2/usercollection/…`` pages saved as files: ``{"data": [...],
"next_token": ...}``, or the bare list).

Documents are recognised by their records' fields, whatever the file is called:

* **sleep** (``average_hrv``, ``lowest_heart_rate``, ``total_sleep_duration`` …, one
  record per sleep period): the night is the ``type = long_sleep`` period of its ``day``,
  else the longest; ``late_nap``/``rest``/``nap`` periods never. ``average_hrv`` (RMSSD,
  ms) → ``hrv_rmssd_ms``, ``lowest_heart_rate`` → ``resting_hr``,
  ``total_sleep_duration`` (s) → ``sleep_hours``, ``efficiency`` → ``sleep_efficiency``.
* **daily_readiness** (``score``, ``contributors``): ``score`` → ``recovery``.
* **daily_sleep** (the sleep score: the same ``score``, ``contributors`` and ``day``, told
  apart by its contributors, e.g. ``deep_sleep``, ``rem_sleep``): recognised, not read; a
  sleep score is no recovery.
* **workout** (``activity``, ``intensity``, ``start_datetime``, ``end_datetime``):
  load and action as for the Membership Hub ``workout.csv``.
* **daily_activity** (``high_activity_time``, ``medium_activity_time``, s): the coarse
  load, only without workouts.

``day`` is Oura's own date of the morning; timestamps are local with their offset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.csvtable import parse_days, parse_wall_clock
from periodization.ingest.formats.oura import main_sleeps, with_training
from periodization.ingest.jsonfile import load_json, number, records
from periodization.ingest.load import activity_time_load, no_workouts, workout_table
from periodization.ingest.sources import Member, fail

FORMAT = "oura-api"
NAMES = frozenset({"sleep.json", "daily_readiness.json", "workout.json", "daily_activity.json",
                   "daily_sleep.json"})
READINESS_PARTS = frozenset({"activity_balance", "body_temperature", "hrv_balance",
                             "previous_day_activity", "previous_night", "recovery_index",
                             "resting_heart_rate", "sleep_balance"})
SLEEP_SCORE_PARTS = frozenset({"deep_sleep", "latency", "rem_sleep", "restfulness", "timing",
                               "total_sleep"})
SNIFF = (b'"average_hrv"', b'"next_token"', b'"temperature_trend_deviation"')


def kind_of(rows: list[dict]) -> str | None:
    keys = set().union(*(r.keys() for r in rows[:20])) if rows else set()
    if {"average_hrv", "lowest_heart_rate"} & keys or "total_sleep_duration" in keys:
        return "sleep"
    if {"score", "contributors"} <= keys and "day" in keys and "steps" not in keys:
        # daily_sleep (the sleep score) has the same fields as daily_readiness: only the
        # contributors tell them apart, and its score is no recovery
        parts = set().union(*(r["contributors"].keys() for r in rows[:20]
                              if isinstance(r.get("contributors"), dict)))
        if parts & SLEEP_SCORE_PARTS and not parts & READINESS_PARTS:
            return "sleep_score"
        return "readiness"
    if {"activity", "start_datetime"} <= keys:
        return "workout"
    if "high_activity_time" in keys:
        return "activity"
    return None


def _frame(rows: list[dict], fields: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({col: [number(r.get(key)) for r in rows] for col, key in fields.items()})


def _days(rows: list[dict], where: str) -> pd.Series:
    return parse_days(pd.Series([str(r.get("day") or "") for r in rows]), where, "day")


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from Oura API v2 documents (see the module docstring)."""
    docs: dict[str, tuple[list[dict], str]] = {}
    for member in members:
        rows = records(load_json(member), member.where)
        kind = kind_of(rows)
        if kind is not None:
            docs.setdefault(kind, ([], member.where))[0].extend(rows)
    if "sleep" not in docs and "readiness" not in docs and "sleep_score" in docs:
        raise fail(ctx.where, "only Oura daily_sleep records (the sleep score, not readiness): "
                              "add sleep.json or daily_readiness.json")
    if "sleep" not in docs and "readiness" not in docs:
        raise fail(ctx.where, "no Oura sleep or daily_readiness records (fields such as "
                              "'average_hrv' or 'score' with 'contributors')")
    parts = []
    if "sleep" in docs:
        rows, where = docs["sleep"]
        out = _frame(rows, {"hrv_rmssd_ms": "average_hrv", "resting_hr": "lowest_heart_rate",
                            "sleep_efficiency": "efficiency",
                            "sleep_hours": "total_sleep_duration"})
        out["sleep_hours"] = out["sleep_hours"] / 3600.0
        out.insert(0, "date", _days(rows, where))
        kind = np.array([str(r.get("type") or "").lower() for r in rows])
        parts.append(main_sleeps(out, kind, ctx, where.rpartition("/")[2]))
    if "readiness" in docs:
        rows, where = docs["readiness"]
        frame = pd.DataFrame({"date": _days(rows, where),
                              "recovery": [number(r.get("score")) for r in rows]})
        parts.append(frame.dropna(subset=["date"]).groupby("date")[["recovery"]].last())
    workouts = _workouts(*docs["workout"]) if "workout" in docs else no_workouts()
    activity = None
    if "activity" in docs and not len(workouts):
        rows, where = docs["activity"]
        load = activity_time_load(np.array([number(r.get("high_activity_time")) for r in rows])
                                  / 3600, np.array([number(r.get("medium_activity_time"))
                                                    for r in rows]) / 3600)
        activity = pd.Series(load, index=_days(rows, where)).groupby(level=0).last()
    daily = pd.concat(parts, axis=1, sort=True)
    all_days = daily.index.union(pd.DatetimeIndex(workouts["date"].unique())).unique()
    daily = daily.reindex(all_days).rename_axis("date").reset_index()
    ctx.labels.update(hrv_rmssd_ms="average_hrv", resting_hr="lowest_heart_rate")
    return with_training(daily, workouts, activity, ctx)


def _workouts(rows: list[dict], where: str) -> pd.DataFrame:
    start = parse_wall_clock(pd.Series([str(r.get("start_datetime") or "") for r in rows]),
                             where, "start_datetime")
    end = parse_wall_clock(pd.Series([str(r.get("end_datetime") or "") for r in rows]),
                           where, "end_datetime")
    minutes = ((end - start).dt.total_seconds() / 60.0).to_numpy(dtype=np.float64, copy=True)
    minutes[minutes < 0] = np.nan
    day = _days(rows, where).fillna(start.dt.normalize())
    names = pd.Series([str(r.get("activity") or "") for r in rows])
    levels = pd.Series([str(r.get("intensity") or "") for r in rows])
    workouts = workout_table(day, minutes, names, intensity=levels)
    return workouts[workouts["date"].notna()]
