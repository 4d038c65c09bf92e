"""The Garmin Connect data export (Account → Data Management → Export Your Data): JSON
files under ``DI_CONNECT/``, found by name wherever they sit.

* ``DI-Connect-Wellness/*_sleepData.json`` (one record per night; files overlap, a
  night is counted once): ``calendarDate`` is the morning; asleep = ``deepSleepSeconds``
  + ``lightSleepSeconds`` + ``remSleepSeconds`` → ``sleep_hours``; ``sleep_efficiency``
  = 100 · asleep / (``sleepEndTimestampGMT`` − ``sleepStartTimestampGMT``), else
  asleep / (asleep + ``awakeSleepSeconds``). Records without sleep seconds are skipped.
* ``DI-Connect-Wellness/*_healthStatusData.json`` (``calendarDate`` + ``metrics``):
  the ``HRV`` metric (overnight RMSSD, ms) → ``hrv_rmssd_ms``.
* ``DI-Connect-Aggregator/UDSFile_*.json`` (daily summaries): ``restingHeartRate`` →
  ``resting_hr`` (0 = not measured).
* ``DI-Connect-Fitness/*summarizedActivities.json`` (``[{"summarizedActivitiesExport":
  [...]}]``): each activity's ``activityType``, ``duration`` (ms, or s — decided from
  the values), ``startTimeLocal`` (ms since the epoch, local wall clock; else
  ``startTimeGmt``) and ``hrTimeInZone_1`` … ``_5`` (ms in the export, s in files from
  the web API — decided from their total against the duration) → load (zone TRIMP, else
  duration × the action's rate) and action.

Garmin's export holds no recovery score (``recovery`` is left missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.jsonfile import dig, load_json, number, records, stamp
from periodization.ingest.load import attach_training, mornings_table, no_workouts, workout_table
from periodization.ingest.sources import Member, fail

FORMAT = "garmin-connect"
SNIFF = (b'"calendarDate"', b'"summarizedActivitiesExport"')


def kind_of(member: Member) -> str | None:
    name = member.basename
    if not name.endswith(".json"):
        return None
    if name.endswith("_sleepdata.json"):
        return "sleep"
    if name.endswith("_healthstatusdata.json"):
        return "health"
    if name.startswith("udsfile_"):
        return "uds"
    if "summarizedactivities" in name:
        return "activities"
    return None


def _date(value) -> pd.Timestamp:
    day = stamp(str(value or ""))
    return day if pd.notna(day) else pd.NaT


def _gmt(value) -> pd.Timestamp:
    return stamp(str(value or "").replace("T", " ").split(".")[0], "%Y-%m-%d %H:%M:%S")


def _sleep(rows: list[dict]) -> pd.DataFrame:
    out = {}
    for r in rows:
        day = _date(r.get("calendarDate"))
        parts = [number(r.get(k)) for k in ("deepSleepSeconds", "lightSleepSeconds",
                                            "remSleepSeconds")]
        if pd.isna(day) or not np.isfinite(parts).any():
            continue
        asleep = float(np.nansum(parts))
        span = (_gmt(r.get("sleepEndTimestampGMT"))
                - _gmt(r.get("sleepStartTimestampGMT"))).total_seconds()
        awake = number(r.get("awakeSleepSeconds"))
        bed = span if np.isfinite(span) and span > 0 else asleep + np.nan_to_num(awake)
        out[day] = (asleep / 3600.0, 100.0 * asleep / bed if bed > 0 else np.nan)
    return pd.DataFrame.from_dict(out, orient="index",
                                  columns=["sleep_hours", "sleep_efficiency"])


def _metric(rows: list[dict], kind: str) -> pd.Series:
    out = {}
    for r in rows:
        day = _date(r.get("calendarDate"))
        for m in r.get("metrics") or []:
            if isinstance(m, dict) and str(m.get("type", "")).upper() == kind and pd.notna(day):
                value = number(m.get("value"))
                out[day] = value if value > 0 else np.nan
    return pd.Series(out, dtype=np.float64)


def _resting(rows: list[dict]) -> pd.Series:
    out = {}
    for r in rows:
        day, value = _date(r.get("calendarDate")), number(r.get("restingHeartRate"))
        if pd.notna(day):
            out[day] = value if value > 0 else np.nan
    return pd.Series(out, dtype=np.float64)


def _zone_seconds(acts: list[dict], seconds: np.ndarray, ctx: Context) -> np.ndarray:
    """(n, 5) seconds in HR zones 1–5 of each activity (NaN where absent).

    The account export writes ``hrTimeInZone_0…6`` in milliseconds, as it writes
    ``duration``; files saved from Connect's web API write seconds. The unit is decided
    from the file: the zones' total cannot exceed the session, so a median total above 30
    times the session's seconds is milliseconds (the two differ by 1000 times).
    """
    raw = np.array([[number(a.get(f"hrTimeInZone_{k}")) for k in range(7)] for a in acts])
    listed = np.isfinite(raw).any(axis=1) & (seconds > 0)
    if not listed.any():
        return raw[:, 1:6]
    ratio = float(np.median(np.nansum(raw[listed], axis=1) / seconds[listed]))
    in_ms = ratio > 30.0
    ctx.decide("hr_zone_unit", "ms" if in_ms else "s",
               f"median time in zones {ratio:.3g} times the session's seconds")
    with np.errstate(invalid="ignore", divide="ignore"):
        return raw[:, 1:6] / (1000.0 if in_ms else 1.0)


def _activities(rows: list[dict], ctx: Context) -> pd.DataFrame:
    acts = [a for r in rows for a in (r.get("summarizedActivitiesExport") or [r])
            if isinstance(a, dict) and "duration" in a]
    if not acts:
        return no_workouts()
    duration = np.array([number(a.get("duration")) for a in acts])
    in_ms = np.nanmedian(duration) > 20_000  # 20 000 s would be a 5.5-h median session
    ctx.decide("activity_duration_unit", "ms" if in_ms else "s",
               f"median activity duration {np.nanmedian(duration):g}")
    minutes = duration / (60_000.0 if in_ms else 60.0)
    local = np.array([number(a.get("startTimeLocal")) for a in acts])
    gmt = np.array([number(a.get("startTimeGmt")) for a in acts])
    if not np.isfinite(local).any():
        ctx.decide("activity_day", "utc", "no startTimeLocal: activities placed on their "
                   "UTC date", changed="Garmin activities have no startTimeLocal: placed on "
                                       "their UTC date")
    start = np.where(np.isfinite(local), local, gmt)
    days = pd.to_datetime(pd.Series(start), unit="ms", errors="coerce").dt.normalize()
    zone_s = _zone_seconds(acts, minutes * 60.0, ctx)
    with np.errstate(invalid="ignore", divide="ignore"):  # a 0-minute manual entry
        zones = 100.0 * zone_s / (minutes[:, None] * 60.0)
    names = pd.Series([str(dig(a, "activityType", "typeKey") or a.get("activityType") or "")
                       for a in acts])
    workouts = workout_table(days, minutes, names, zones)
    return workouts[workouts["date"].notna() & np.isfinite(workouts["minutes"])]


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from the Garmin Connect export's JSON files (see the module docstring)."""
    docs: dict[str, list[dict]] = {}
    for member in sorted(members, key=lambda m: m.name):
        kind = kind_of(member)
        if kind is not None:
            docs.setdefault(kind, []).extend(records(load_json(member), member.where,
                                                     ("data", "sleepDatas")))
    sleep = _sleep(docs.get("sleep", []))
    hrv = _metric(docs.get("health", []), "HRV")
    rhr = _resting(docs.get("uds", []))
    if not len(sleep) and not hrv.notna().any() and not rhr.notna().any():
        raise fail(ctx.where, "no Garmin sleep, HRV or resting heart rate records "
                              "(*_sleepData.json, *_healthStatusData.json, UDSFile_*.json)")
    workouts = _activities(docs.get("activities", []), ctx)
    out = mornings_table(hrv, rhr, sleep, workouts)
    attach_training(out, workouts, listed="activities" in docs, warn=ctx.warn,
                    unlisted="no Garmin activities (*summarizedActivities.json): load and "
                             "action unknown")
    ctx.labels.update(hrv_rmssd_ms="HRV (healthStatusData)", resting_hr="restingHeartRate")
    ctx.warn("Garmin's export has no recovery score: recovery left missing")
    return out
