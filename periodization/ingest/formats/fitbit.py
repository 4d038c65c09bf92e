"""Fitbit data in Google Takeout (``Takeout/Fitbit/…``; the older "MyFitbitData" export
has the same files), found by name wherever they sit.

* ``sleep-YYYY-MM-DD.json`` (sleep logs): the night of a ``dateOfSleep`` (the morning)
  is its ``mainSleep`` log, else its longest; ``minutesAsleep`` / 60 → ``sleep_hours``,
  ``efficiency`` → ``sleep_efficiency`` (else 100 · ``minutesAsleep`` / ``timeInBed``).
* ``resting_heart_rate-YYYY-MM-DD.json``: ``value.value`` (bpm; 0 = not measured) of
  ``value.date`` (``MM/DD/YY``) → ``resting_hr``.
* ``Daily Heart Rate Variability Summary - YYYY-MM(-DD).csv`` (``timestamp, rmssd,
  nremhr, entropy``): ``rmssd`` (ms, measured during the night ending on that date) →
  ``hrv_rmssd_ms``.
* Google's newer layout (``Health Fitness Data_GoogleData/`` or ``Physical
  Activity_GoogleData/``): ``daily_heart_rate_variability*.csv`` (``timestamp, average
  heart rate variability milliseconds, non rem heart rate beats per minute, entropy, …``):
  the average (RMSSD, ms, during sleep) → ``hrv_rmssd_ms``; ``daily_resting_heart_rate*.csv``
  (``timestamp, beats per minute, data source``) → ``resting_hr``. The date of
  ``timestamp`` is taken as written (``2025-01-02T00:00:00Z`` is 2 January).
* ``exercise-N.json``: ``activityName``, ``startTime`` (``MM/DD/YY HH:MM:SS``, local),
  ``duration`` (ms) and ``heartRateZones`` minutes → load and action. Fitbit's three
  zones are placed on the five used here: Fat Burn → zone 2, Cardio → half zone 3, half
  zone 4, Peak → zone 5 (Out of Range → below zone 1).

Fitbit's export has no recovery score in these files (``recovery`` is left missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.csvtable import read_csv
from periodization.ingest.jsonfile import dig, load_json, number, records, stamp
from periodization.ingest.load import attach_training, mornings_table, no_workouts, workout_table
from periodization.ingest.sources import Member, fail

FORMAT = "fitbit"
SNIFF = (b'"dateOfSleep"', b'"activityName"', b'"logId"')
ZONE_SLOTS = {"fat burn": {1: 1.0}, "cardio": {2: 0.5, 3: 0.5}, "peak": {4: 1.0}}


def kind_of(member: Member) -> str | None:
    name = member.basename
    if name.startswith("sleep-") and name.endswith(".json"):
        return "sleep"
    if name.startswith("resting_heart_rate-") and name.endswith(".json"):
        return "rhr"
    if name.startswith(("daily heart rate variability summary", "daily_heart_rate_variability")
                       ) and name.endswith(".csv"):
        return "hrv"
    if name.startswith("daily_resting_heart_rate") and name.endswith(".csv"):
        return "rhr_csv"
    if name.startswith("exercise-") and name.endswith(".json"):
        return "exercise"
    return None


def _us_date(text) -> pd.Timestamp:
    return pd.to_datetime(str(text or "").split(" ")[0], format="%m/%d/%y", errors="coerce")


def _sleep(rows: list[dict], ctx: Context) -> pd.DataFrame:
    logs = []
    for r in rows:
        day = stamp(str(r.get("dateOfSleep") or ""))
        asleep, bed = number(r.get("minutesAsleep")), number(r.get("timeInBed"))
        eff = number(r.get("efficiency"))
        if not np.isfinite(eff) and bed > 0:
            eff = 100.0 * asleep / bed
        logs.append((day, bool(r.get("mainSleep")), asleep, eff))
    frame = pd.DataFrame(logs, columns=["date", "main", "asleep", "eff"]).dropna(subset=["date"])
    nights = frame.sort_values(["date", "main", "asleep"]).drop_duplicates("date", keep="last")
    if len(frame) > len(nights):
        ctx.warn(f"{len(frame) - len(nights)} nap(s) or extra sleep log(s) not counted as "
                 "the night's sleep")
    return pd.DataFrame({"sleep_hours": nights["asleep"].to_numpy() / 60.0,
                         "sleep_efficiency": nights["eff"].to_numpy()},
                        index=pd.DatetimeIndex(nights["date"]))


def _exercise(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return no_workouts()
    start = pd.to_datetime(pd.Series([str(r.get("startTime") or "") for r in rows]),
                           format="%m/%d/%y %H:%M:%S", errors="coerce")
    minutes = np.array([number(r.get("duration")) for r in rows]) / 60_000.0
    zones = np.full((len(rows), 5), np.nan)
    for i, r in enumerate(rows):
        listed = r.get("heartRateZones") or []
        if not listed:
            continue
        zones[i] = 0.0
        for z in listed:
            share = number(z.get("minutes")) / minutes[i] * 100 if minutes[i] > 0 else np.nan
            for slot, part in ZONE_SLOTS.get(str(z.get("name", "")).lower(), {}).items():
                zones[i, slot] += np.nan_to_num(share) * part
    names = pd.Series([str(r.get("activityName") or "") for r in rows])
    workouts = workout_table(start.dt.normalize(), minutes, names, zones)
    return workouts[workouts["date"].notna()]


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from Fitbit's Takeout files (see the module docstring)."""
    docs: dict[str, list] = {}
    hrv_parts, rhr_parts = [], []
    for member in sorted(members, key=lambda m: m.name):
        kind = kind_of(member)
        if kind in ("hrv", "rhr_csv"):
            table = read_csv(member, ctx, allow_empty=True)
            if len(table):
                value = (table.need("rmssd", "average_heart_rate_variability_milliseconds")
                         if kind == "hrv" else table.need("beats_per_minute"))
                column = "hrv_rmssd_ms" if kind == "hrv" else "resting_hr"
                (hrv_parts if kind == "hrv" else rhr_parts).append(pd.Series(
                    table.numbers(value, ctx, column),
                    index=table.days(table.need("timestamp"))))
        elif kind is not None:
            docs.setdefault(kind, []).extend(records(load_json(member), member.where))
    sleep = _sleep(docs.get("sleep", []), ctx)
    rhr = pd.Series({_us_date(dig(r, "value", "date") or r.get("dateTime")):
                     number(dig(r, "value", "value")) for r in docs.get("rhr", [])},
                    dtype=np.float64)
    rhr = pd.concat([rhr[rhr.index.notna()], *rhr_parts]).groupby(level=0).first()
    rhr = rhr.where(lambda v: v > 0)
    hrv = (pd.concat(hrv_parts).groupby(level=0).first() if hrv_parts
           else pd.Series(dtype=np.float64))
    if not len(sleep) and not rhr.notna().any() and not hrv.notna().any():
        raise fail(ctx.where, "no Fitbit sleep, resting heart rate or HRV files (sleep-*.json, "
                              "resting_heart_rate-*.json, Daily Heart Rate Variability Summary, "
                              "daily_heart_rate_variability*.csv)")
    workouts = _exercise(docs.get("exercise", []))
    out = mornings_table(hrv, rhr, sleep, workouts)
    attach_training(out, workouts, listed="exercise" in docs, warn=ctx.warn,
                    unlisted="no Fitbit exercise files: load and action unknown")
    ctx.warn("Fitbit's export has no recovery score in these files: recovery left missing")
    return out
