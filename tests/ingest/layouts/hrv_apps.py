"""HRV4Training and Elite HRV CSV exports (one row per morning measurement; HRV4Training
writes ``-`` for missing values and its recovery points on a 0–10 scale)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .truth import at, header, wake_hour

HRV4T = header("date,time,HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points,sleep_time,"
               "sleep_quality,mental_energy,muscle_soreness,fatigue,physical_condition,"
               "training,trainingRPE,trainingTSS,trainingMotivation,lifestyle,sickness,"
               "alcohol,advice")
ELITE = header("Date Time Start,Date Time End,Reading Type,Position,Breathing Pattern,Tags,"
               "Morning Readiness,HR,HRV,lnRMSSD,RMSSD,NN50,PNN50,SDNN,Total Power,LF Power,"
               "HF Power,LF/HF Ratio")


def _write(path: Path, head: list[str], rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        w.writerows(rows)
    return path


def write_hrv4training(path: Path, truth: pd.DataFrame) -> Path:
    rows = []
    for i, r in enumerate(truth.itertuples()):
        tss = "-" if r.workout is None else round(r.workout.trimp)
        wake = at(r.date, wake_hour(r))
        rmssd = "-" if i % 17 == 5 else r.hrv  # a missed measurement now and then
        rows.append([r.date.isoformat(), wake.strftime("%H:%M"), int(r.rhr),
                     round(60000 / r.rhr), round(r.hrv * .8, 1), rmssd, 35, 800, 900,
                     round(r.recovery / 10, 1), r.sleep_h, 4, 3, 2, 2, 3,
                     "-" if r.workout is None else r.workout.name, 6, tss, 3, 3, 0, 0,
                     "Train as planned"])
    return _write(path, HRV4T, rows)


def write_elite(path: Path, truth: pd.DataFrame, *, newer: bool = False) -> Path:
    """Elite HRV's export; ``newer`` heads the reading type ``Type`` (not ``Reading Type``)
    and lists readings newest first, as later versions of the app do."""
    import math

    rows = []
    for r in truth.itertuples():
        wake = at(r.date, wake_hour(r))
        ln = math.log(r.hrv)
        rows.append([wake.strftime("%Y-%m-%d %H:%M:%S"), wake.strftime("%Y-%m-%d %H:%M:%S"),
                     "Morning Readiness", "Lying", "Unguided", "", round(r.recovery / 10),
                     int(r.rhr), round(ln * 15.385, 1), round(ln, 3), r.hrv, 20, 15,
                     round(r.hrv * .8, 1), 3000, 900, 1200, 0.75])
        if r.workout is not None:  # an open reading after training: not the morning's
            later = at(r.date, 19.0).strftime("%Y-%m-%d %H:%M:%S")
            rows.append([later, later, "Open Reading", "Sitting", "Unguided", "", "",
                         int(r.rhr) + 15, 40, 3.0, 20.0, 2, 1, 18, 900, 300, 200, 1.5])
    if newer:
        return _write(path, ["Type" if h == "Reading Type" else h for h in ELITE], rows[::-1])
    return _write(path, ELITE, rows)
