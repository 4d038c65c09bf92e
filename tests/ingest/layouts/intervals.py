"""intervals.icu downloads: the wellness CSV (API field names as columns) and the
activities CSV (one row per activity, ``icu_training_load`` the activity's load)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .truth import at, header

WELLNESS = header(
    "id,ctl,atl,rampRate,ctlLoad,atlLoad,weight,restingHR,hrv,hrvSDNN,menstrualPhase,"
    "kcalConsumed,sleepSecs,sleepScore,sleepQuality,avgSleepingHR,soreness,fatigue,stress,"
    "mood,motivation,injury,spO2,systolic,diastolic,hydration,readiness,bodyFat,vo2max,"
    "comments,steps,respiration,locked")
ACTIVITIES = header(
    "id,start_date_local,type,name,moving_time,elapsed_time,distance,"
    "icu_training_load,icu_intensity,average_heartrate,max_heartrate,icu_atl,icu_ctl,"
    "trimp,calories")
KIND = {"Running": "Run", "Cycling": "Ride", "HIIT": "HIIT", "Walking": "Walk",
        "Weightlifting": "WeightTraining"}


def write_wellness(path: Path, truth: pd.DataFrame, *, readiness_scale: float = 100.0,
                   hrv: str = "rmssd") -> Path:
    """``readiness_scale`` 10: an app writing readiness 0–10. ``hrv``: 'rmssd', 'sdnn'
    or 'mixed' (RMSSD from one app on most days, SDNN from another on the rest)."""
    rows = []
    ctl = atl = 40.0
    for i, r in enumerate(truth.itertuples()):
        load = 0.0 if r.workout is None else round(r.workout.trimp)
        ctl += (load - ctl) * (1 - 0.97647)
        atl += (load - atl) * (1 - 0.86688)
        rmssd = r.hrv if hrv == "rmssd" or (hrv == "mixed" and i % 3) else ""
        sdnn = round(r.hrv * 0.62, 1) if hrv == "sdnn" or (hrv == "mixed" and not i % 3) else ""
        ready = round(r.recovery * readiness_scale / 100, 1 if readiness_scale == 10 else 0)
        rows.append([r.date.isoformat(), round(ctl, 2), round(atl, 2), 1.1, load, load, 70.2,
                     int(r.rhr), rmssd, sdnn, "", "", round(r.sleep_h * 3600), 80, 2,
                     r.rhr + 6, "", "", "", "", "", "", 97, "", "", "", ready, "", "", "",
                     9000, 14.1, "false"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(WELLNESS)
        w.writerows(rows)
    return path


def write_activities(path: Path, truth: pd.DataFrame) -> Path:
    rows = []
    for i, r in enumerate(truth.itertuples()):
        w = r.workout
        if w is None:
            continue
        start = at(r.date, w.start_hour).strftime("%Y-%m-%dT%H:%M:%S")
        rows.append([f"i{1000 + i}", start, KIND[w.name], f"{w.name} session",
                     round(w.minutes * 60), round(w.minutes * 62), 10000, round(w.trimp), 0.8,
                     140, 175, 50, 45, round(w.trimp * 1.2), 500])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(ACTIVITIES)
        wr.writerows(rows)
    return path
