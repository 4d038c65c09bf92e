"""Apple Health as per-type CSVs (the XML attributes as columns, as export.xml converters
write them): ``HeartRateVariabilitySDNN.csv``, ``RestingHeartRate.csv``,
``SleepAnalysis.csv``, ``Workout.csv``; dates local with their offset."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pandas as pd

from .truth import at, wake_hour

RECORD = ["sourceName", "sourceVersion", "device", "type", "unit", "creationDate",
          "startDate", "endDate", "value"]
WORKOUT = ["sourceName", "sourceVersion", "device", "creationDate", "startDate", "endDate",
           "workoutActivityType", "duration", "durationUnit", "totalDistance",
           "totalEnergyBurned"]
WATCH = "Ann’s Apple Watch"
TYPE = {"Running": "HKWorkoutActivityTypeRunning", "Cycling": "HKWorkoutActivityTypeCycling",
        "HIIT": "HKWorkoutActivityTypeHighIntensityIntervalTraining",
        "Walking": "HKWorkoutActivityTypeWalking",
        "Weightlifting": "HKWorkoutActivityTypeTraditionalStrengthTraining"}


def _t(t) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0100")


def _write(path: Path, head: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        w.writerows(rows)


def write_apple_csvs(folder: Path, truth: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    hrv, rhr, sleep, work = [], [], [], []
    for r in truth.itertuples():
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        probe = end - timedelta(hours=1)
        hrv.append([WATCH, "10.2", "Watch", "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
                    "ms", _t(end), _t(probe), _t(probe + timedelta(minutes=1)),
                    round(r.hrv * .7, 1)])
        rhr.append([WATCH, "10.2", "Watch", "HKQuantityTypeIdentifierRestingHeartRate",
                    "count/min", _t(end), _t(at(r.date, 0.1)), _t(at(r.date, 23.9)), int(r.rhr)])
        asleep_end = start + timedelta(hours=r.sleep_h)
        sleep.append([WATCH, "10.2", "Watch", "HKCategoryTypeIdentifierSleepAnalysis", "",
                      _t(end), _t(start), _t(end), "HKCategoryValueSleepAnalysisInBed"])
        sleep.append([WATCH, "10.2", "Watch", "HKCategoryTypeIdentifierSleepAnalysis", "",
                      _t(end), _t(start), _t(asleep_end), "HKCategoryValueSleepAnalysisAsleepCore"])
        w = r.workout
        if w is not None:
            ws = at(r.date, w.start_hour)
            work.append([WATCH, "10.2", "Watch", _t(ws), _t(ws),
                         _t(ws + timedelta(minutes=w.minutes)), TYPE[w.name], w.minutes, "min",
                         5.0, 400])
    _write(folder / "HeartRateVariabilitySDNN.csv", RECORD, hrv)
    _write(folder / "RestingHeartRate.csv", RECORD, rhr)
    _write(folder / "SleepAnalysis.csv", RECORD, sleep)
    _write(folder / "Workout.csv", WORKOUT, work)
    return folder
