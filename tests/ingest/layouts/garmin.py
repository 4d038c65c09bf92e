"""Garmin: the Connect data export (``DI_CONNECT/…`` JSON, overlapping date-range files
as Garmin splits them) and a device's FIT files (one wellness file per day with the
morning's HRV status and resting HR, one sleep file per night, one file per activity)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from .fit import FitWriter, fit_time
from .truth import at, wake_hour

SPORT = {"Running": ("running", 1, 0), "Cycling": ("cycling", 2, 0), "HIIT": ("hiit", 62, 0),
         "Walking": ("walking", 11, 0), "Weightlifting": ("strength_training", 10, 20)}


def _gmt(t: datetime, offset_min: int) -> str:
    return (t - timedelta(minutes=offset_min)).strftime("%Y-%m-%dT%H:%M:%S.0")


def _ms(t: datetime) -> float:
    return (t - datetime(1970, 1, 1)).total_seconds() * 1000.0


def write_connect(folder: Path, truth: pd.DataFrame, *, offset_min: int = 60,
                  zone_unit_s: float = 0.001) -> Path:
    """The account export (``DI_CONNECT``). Time in HR zones is written in milliseconds,
    as the export writes it (``zone_unit_s`` 0.001); 1.0 writes seconds, as files saved
    from Connect's web API do."""
    wellness = folder / "DI_CONNECT" / "DI-Connect-Wellness"
    aggregator = folder / "DI_CONNECT" / "DI-Connect-Aggregator"
    fitness = folder / "DI_CONNECT" / "DI-Connect-Fitness"
    for d in (wellness, aggregator, fitness):
        d.mkdir(parents=True, exist_ok=True)
    nights, health, uds, acts = [], [], [], []
    for r in truth.itertuples():
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        asleep = r.sleep_h * 3600
        nights.append({"calendarDate": r.date.isoformat(),
                       "sleepStartTimestampGMT": _gmt(start, offset_min),
                       "sleepEndTimestampGMT": _gmt(end, offset_min),
                       "deepSleepSeconds": round(asleep * .2), "lightSleepSeconds":
                       round(asleep * .55), "remSleepSeconds": round(asleep * .25),
                       "awakeSleepSeconds": round((end - start).total_seconds() - asleep),
                       "unmeasurableSeconds": 0, "averageRespiration": 14.0, "retro": False,
                       "sleepScores": {"overallScore": 80}})
        health.append({"calendarDate": r.date.isoformat(), "metrics": [
            {"type": "HRV", "value": r.hrv, "status": "IN_RANGE", "baselineLowerLimit": 50,
             "baselineUpperLimit": 75}, {"type": "HR", "value": r.rhr + 4},
            {"type": "RESPIRATION", "value": 14.1}]})
        uds.append({"calendarDate": r.date.isoformat(), "restingHeartRate": int(r.rhr),
                    "minHeartRate": int(r.rhr) - 3, "totalSteps": 9000})
        w = r.workout
        if w is not None:
            ws = at(r.date, w.start_hour)
            acts.append({"activityType": SPORT[w.name][0], "startTimeLocal": _ms(ws),
                         "startTimeGmt": _ms(ws - timedelta(minutes=offset_min)),
                         "duration": w.minutes * 60000.0, "avgHr": 140,
                         **{f"hrTimeInZone_{k + 1}": w.minutes * 60 * z / 100 / zone_unit_s
                            for k, z in enumerate(w.zones)}})
    nights.append({"retro": False})  # a record without data, as real files have
    half = len(nights) // 2
    first = nights[:half + 1]  # the two files overlap by one night, as Garmin's do
    (wellness / "2025-01-01_2025-09-01_111_sleepData.json").write_text(json.dumps(first))
    (wellness / "2025-09-01_2026-12-31_111_sleepData.json").write_text(json.dumps(nights[half:]))
    (wellness / "2025-01-01_2026-12-31_111_healthStatusData.json").write_text(json.dumps(health))
    (aggregator / "UDSFile_2025-01-01_2026-12-31.json").write_text(json.dumps(uds))
    (fitness / "ann_0_summarizedActivities.json").write_text(
        json.dumps([{"summarizedActivitiesExport": acts}]))
    return folder


def write_fit(folder: Path, truth: pd.DataFrame, *, offset_min: int = 60) -> Path:
    """Per day a wellness FIT (HRV status, resting HR), per night a sleep FIT, per
    activity an activity FIT; timestamps UTC, each file with its local offset."""
    folder.mkdir(parents=True, exist_ok=True)
    shift = timedelta(minutes=offset_min)
    for i, r in enumerate(truth.itertuples()):
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        morning = end + timedelta(minutes=20)
        w = FitWriter()
        w.add("file_id", type=32, manufacturer=1, product=3500, serial_number=777,
              time_created=fit_time(morning - shift))
        w.add("monitoring_info", timestamp=fit_time(morning - shift),
              local_timestamp=fit_time(morning))
        w.add("hrv_status_summary", timestamp=fit_time(morning - shift),
              weekly_average=62 * 128, last_night_average=round(r.hrv * 128), status=4)
        w.add("monitoring_hr_data", timestamp=fit_time(morning - shift),
              resting_heart_rate=int(r.rhr), current_day_resting_heart_rate=int(r.rhr))
        (folder / f"{r.date:%Y%m%d}_wellness.fit").write_bytes(w.bytes())
        s = FitWriter()
        s.add("file_id", type=49, manufacturer=1, product=3500, serial_number=777,
              time_created=fit_time(end - shift))
        s.add("monitoring_info", timestamp=fit_time(start - shift),
              local_timestamp=fit_time(start))
        bed = (end - start).total_seconds()
        awake_each = (bed - r.sleep_h * 3600) / 2
        t = start
        asleep = r.sleep_h * 3600
        stages = [(1, awake_each)] + [(level, asleep * share / 5) for _ in range(5)
                                      for level, share in ((2, .55), (3, .2), (4, .25))]
        for level, seconds in [*stages, (1, awake_each)]:  # five sleep cycles, as a watch logs
            s.add("sleep_level", timestamp=fit_time(t - shift), sleep_level=level)
            t += timedelta(seconds=seconds)
        s.add("sleep_level", timestamp=fit_time(t - shift), sleep_level=1)
        (folder / f"{r.date:%Y%m%d}_sleep.fit").write_bytes(s.bytes())
        wk = r.workout
        if wk is not None:
            ws = at(r.date, wk.start_hour)
            a = FitWriter()
            a.add("file_id", type=4, manufacturer=1, product=3500, serial_number=777,
                  time_created=fit_time(ws - shift))
            a.add("monitoring_info", timestamp=fit_time(ws - shift), local_timestamp=fit_time(ws))
            secs = wk.minutes * 60
            a.add("session", timestamp=fit_time(ws - shift + timedelta(minutes=wk.minutes)),
                  start_time=fit_time(ws - shift), sport=SPORT[wk.name][1],
                  sub_sport=SPORT[wk.name][2],
                  total_elapsed_time=round(secs * 1000), total_timer_time=round(secs * 1000),
                  time_in_hr_zone=[0, *[round(secs * z / 100 * 1000) for z in wk.zones]])
            (folder / f"{r.date:%Y%m%d}_{i}_activity.fit").write_bytes(a.bytes())
    return folder
