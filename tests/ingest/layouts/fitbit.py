"""Fitbit in Google Takeout: ``Takeout/Fitbit/Global Export Data/`` (sleep, resting heart
rate and exercise JSON, one file per month or per 100 exercises) and
``Takeout/Fitbit/Heart Rate Variability/Daily Heart Rate Variability Summary - *.csv``."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

from .truth import at, wake_hour


def _us(t) -> str:
    return t.strftime("%m/%d/%y %H:%M:%S")


def write_takeout(folder: Path, truth: pd.DataFrame, *, google_layout: bool = False) -> Path:
    """The Takeout; ``google_layout`` writes HRV and resting HR as Google's newer
    ``Health Fitness Data_GoogleData/daily_*.csv`` files (timestamps in UTC form, one file
    per month) instead of the HRV summary CSVs and resting-HR JSON."""
    root = folder / "Takeout" / "Fitbit"
    data, hrv_dir = root / "Global Export Data", root / "Heart Rate Variability"
    data.mkdir(parents=True, exist_ok=True)
    hrv_dir.mkdir(parents=True, exist_ok=True)
    months: dict[str, dict[str, list]] = {}
    exercises = []
    for i, r in enumerate(truth.itertuples()):
        key = f"{r.date:%Y-%m}-01"
        month = months.setdefault(key, {"sleep": [], "rhr": [], "hrv": []})
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        bed = round((end - start).total_seconds() / 60)
        month["sleep"].append({"logId": 1000 + i, "dateOfSleep": r.date.isoformat(),
                               "startTime": start.strftime("%Y-%m-%dT%H:%M:%S.000"),
                               "endTime": end.strftime("%Y-%m-%dT%H:%M:%S.000"),
                               "duration": bed * 60000, "minutesToFallAsleep": 5,
                               "minutesAsleep": round(r.sleep_h * 60), "minutesAwake":
                               bed - round(r.sleep_h * 60), "timeInBed": bed,
                               "efficiency": int(r.eff), "type": "stages", "mainSleep": True})
        if i % 8 == 3:  # an afternoon nap log
            nap = at(r.date, 15.0)
            month["sleep"].append({"logId": 5000 + i, "dateOfSleep": r.date.isoformat(),
                                   "startTime": nap.strftime("%Y-%m-%dT%H:%M:%S.000"),
                                   "endTime": (nap + timedelta(minutes=40))
                                   .strftime("%Y-%m-%dT%H:%M:%S.000"),
                                   "minutesAsleep": 35, "timeInBed": 40, "efficiency": 88,
                                   "type": "classic", "mainSleep": False})
        month["rhr"].append({"dateTime": f"{r.date:%m/%d/%y} 00:00:00",
                             "value": {"date": f"{r.date:%m/%d/%y}", "value": float(r.rhr),
                                       "error": 6.2}})
        month["hrv"].append([f"{r.date.isoformat()}T00:00:00", r.hrv, round(r.rhr + 3, 1),
                             2.6])
        w = r.workout
        if w is not None:
            ws = at(r.date, w.start_hour)
            fat, cardio, peak = w.zones[0] + w.zones[1], w.zones[2] + w.zones[3], w.zones[4]
            zones = [{"name": "Out of Range", "min": 30, "max": 99, "minutes": 0},
                     {"name": "Fat Burn", "min": 99, "max": 139,
                      "minutes": round(w.minutes * fat / 100, 2)},
                     {"name": "Cardio", "min": 139, "max": 169,
                      "minutes": round(w.minutes * cardio / 100, 2)},
                     {"name": "Peak", "min": 169, "max": 220,
                      "minutes": round(w.minutes * peak / 100, 2)}]
            exercises.append({"logId": 9000 + i, "activityName": w.name, "activityTypeId": 90009,
                              "averageHeartRate": 140, "calories": 500,
                              "duration": round(w.minutes * 60000),
                              "activeDuration": round(w.minutes * 60000),
                              "startTime": _us(ws), "heartRateZones": zones})
    google = root / "Health Fitness Data_GoogleData"
    for key, month in months.items():
        (data / f"sleep-{key}.json").write_text(json.dumps(month["sleep"]))
        if google_layout:
            google.mkdir(exist_ok=True)
            _google_csvs(google, key, month)
            continue
        (data / f"resting_heart_rate-{key}.json").write_text(json.dumps(month["rhr"]))
        with open(hrv_dir / f"Daily Heart Rate Variability Summary - {key[:7]}.csv", "w",
                  newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["timestamp", "rmssd", "nremhr", "entropy"])
            w.writerows(month["hrv"])
    for k in range(0, len(exercises), 100):
        (data / f"exercise-{k}.json").write_text(json.dumps(exercises[k:k + 100]))
    return folder


def _google_csvs(google: Path, key: str, month: dict[str, list]) -> None:
    with open(google / f"daily_heart_rate_variability_{key}.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["timestamp", "average heart rate variability milliseconds",
                    "non rem heart rate beats per minute", "entropy",
                    "deep sleep root mean square of successive differences milliseconds",
                    "data source"])
        w.writerows([[f"{day}Z", hrv, nrem, ent, round(hrv * 1.1, 1), "Charge 6"]
                     for day, hrv, nrem, ent in month["hrv"]])
    with open(google / f"daily_resting_heart_rate_{key}.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["timestamp", "beats per minute", "data source"])
        w.writerows([[f"20{r['value']['date'][6:8]}-{r['value']['date'][:2]}-"
                      f"{r['value']['date'][3:5]}T00:00:00Z", r["value"]["value"], "Charge 6"]
                     for r in month["rhr"]])
