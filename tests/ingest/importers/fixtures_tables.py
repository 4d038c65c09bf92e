"""The day-table fixtures of ``make_fixtures.py``: intervals.icu wellness, the generic CSV and
Oura's trends, and what each must import as."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from fixture_truth import (
    HERE,
    days,
    header,
    write_csv,
    write_expected,
)

# ---------------------------------------------------------------------- intervals.icu
INTERVALS_HEADER = header("id,ctl,atl,rampRate,ctlLoad,atlLoad,weight,restingHR,hrv,hrvSDNN,menst"
                          "rualPhase,kcalConsumed,sleepSecs,sleepScore,sleepQuality,avgSleepingHR"
                          ",soreness,fatigue,stress,mood,motivation,injury,spO2,systolic,diastoli"
                          "c,hydration,readiness,bodyFat,vo2max,comments,steps,respiration,locked")
INTERVALS_LOADS = {0: 0, 1: 95, 2: 60, 3: 80, 4: 25, 5: 140, 6: 70}


def make_intervals() -> None:
    rng = np.random.default_rng(13)
    missing = {date(2024, 3, 12), date(2024, 3, 29)}
    ctl, atl = 45.0, 50.0
    kc, ka = np.exp(-1 / 42), np.exp(-1 / 7)
    rows, expected = [], []
    for d in days("2024-03-01", 50):
        load = INTERVALS_LOADS[d.weekday()]
        ctl, atl = ctl * kc + load * (1 - kc), atl * ka + load * (1 - ka)
        if d in missing:
            continue
        rhr, hrv = int(rng.integers(44, 56)), round(float(rng.uniform(50, 90)), 1)
        sleep = int(rng.integers(6 * 3600, 9 * 3600))
        ready = int(rng.integers(40, 95)) if d.day % 9 else ""
        no_hrv = d.day % 11 == 0
        sdnn = round(hrv * 1.3, 1) if d.day % 5 == 0 else ""
        comment = 'legs heavy, "slept badly"' if d.day % 7 == 0 else ""
        rows.append([d.isoformat(), round(ctl, 4), round(atl, 4), 1.2, load, load, 71.5, rhr,
                     "" if no_hrv else hrv, sdnn, "", "", sleep, 80, 2, rhr + 5, 1, 2, 1, 3, 3,
                     1, 97, "", "", "", ready, "", "", comment, 9000, 14.2, "false"])
        expected.append({"date": d.isoformat(), "hrv_rmssd_ms": None if no_hrv else hrv,
                         "resting_hr": rhr,  # SDNN left out: RMSSD is the series
                         "sleep_hours": sleep / 3600,
                         "recovery": None if ready == "" else ready, "load": float(load),
                         "action": 0 if load == 0 else -1, "atl": round(atl, 4),
                         "ctl": round(ctl, 4)})
    write_csv(HERE / "intervals_wellness.csv", INTERVALS_HEADER, rows)
    write_expected("intervals", expected)


# -------------------------------------------------------------------- generic & trends
def make_generic() -> None:
    rng = np.random.default_rng(15)
    names = ["REST", "tempo", "2", "HIIT", "Active Recovery", "aerobic_base", "5"]
    ids = [0, 3, 2, 4, 1, 2, 5]
    rows, expected = [], []
    for i, d in enumerate(days("2024-02-01", 45)):
        if i in (9, 10, 30):
            continue
        hrv = round(float(rng.uniform(40, 90)), 1)
        rhr, eff = int(rng.integers(45, 60)), int(rng.integers(80, 97))
        rec = int(rng.integers(20, 95))
        sleep = round(float(rng.uniform(6, 9)), 2)
        load = [0, 80, 55, 90, 25, 60, 45][i % 7]
        blank = i % 13 == 5  # a day without a recovery reading
        action = "" if i % 17 == 16 else names[i % 7]
        rows.append([d.isoformat(), "ann", hrv, rhr, sleep, eff, "" if blank else rec,
                     round(load / 10, 1), load, action])
        expected.append({"date": d.isoformat(), "hrv_rmssd_ms": hrv, "resting_hr": rhr,
                         "sleep_hours": sleep, "sleep_efficiency": eff,
                         "recovery": None if blank else rec, "strain": round(load / 10, 1),
                         "load": load, "action": -1 if action == "" else ids[i % 7]})
    write_csv(HERE / "generic.csv", ["date", "athlete_id", "hrv_rmssd_ms", "resting_hr",
                                     "sleep_hours", "sleep_efficiency", "recovery", "strain",
                                     "load", "action"], rows)
    write_expected("generic", expected)


TRENDS_HEADER = header("date,Sleep Score,Total Sleep Score,REM Sleep Score,Deep Sleep Score,Sleep"
                       " Efficiency Score,Restfulness Score,Sleep Latency Score,Sleep Timing "
                       "Score,Total Bedtime,Total Sleep Time,Awake Time,REM Sleep Time,Light "
                       "Sleep Time,Deep Sleep Time,Restless Sleep,Sleep Efficiency,Sleep "
                       "Latency,Sleep Timing,Sleep Timing,Bedtime Start,Bedtime End,Average "
                       "Resting Heart Rate,Lowest Resting Heart Rate,Average HRV,Temperature "
                       "Deviation (°C),Respiratory Rate,Activity Score,Stay Active Score,Move "
                       "Every Hour Score,Meet Daily Targets Score,Training Frequency "
                       "Score,Training Volume Score,Recovery Time Score,Activity Burn,Total "
                       "Burn,Target Calories,Steps,Daily Movement,Inactive Time,Rest Time,Low "
                       "Activity Time,Medium Activity Time,High Activity Time,Non-wear "
                       "Time,Average MET,Long Periods of Inactivity,Readiness Score,Previous "
                       "Night Score,Sleep Balance Score,Previous Day Activity Score,Activity "
                       "Balance Score,Temperature Score,Resting Heart Rate Score,HRV Balance "
                       "Score,Recovery Index Score")


def make_trends() -> None:
    rng = np.random.default_rng(16)
    rows, expected = [], []
    for d in days("2020-03-01", 40):
        total = int(rng.integers(21000, 30000))
        bed = total + int(rng.integers(900, 3000))
        eff = round(100 * total / bed)
        low, hrv = int(rng.integers(42, 56)), int(rng.integers(40, 90))
        ready = int(rng.integers(50, 95))
        high = [0, 45, 10, 60, 0, 90, 20][d.weekday()]
        medium = [10, 30, 20, 40, 15, 60, 25][d.weekday()]
        start = f"{d - timedelta(days=1)}T22:14:42-08:00"
        rows.append([d.isoformat(), 74, 74, 34, 99, 96, 53, 72, 100, bed, total, bed - total,
                     int(total * .2), int(total * .55), int(total * .25), 41, eff, 270, 13170,
                     "", start, f"{d}T05:49:42-08:00", low + 8.6, low, hrv, -0.29, 13.75, 87,
                     53, 100, 78, 100, 97, 100, 278, 2545, 350, 5703, 4799, 690, 504, 234,
                     medium, high, 0, 1.34375, 0, ready, 65, 0, 0, 0, 93, 100, 0, 20])
        load = high / 60 * 85 + medium / 60 * 25
        expected.append({"date": d.isoformat(), "hrv_rmssd_ms": hrv, "resting_hr": low,
                         "sleep_hours": total / 3600, "sleep_efficiency": eff,
                         "recovery": ready, "load": load, "action": 0 if load <= 15 else -1})
    write_csv(HERE / "oura_trends.csv", TRENDS_HEADER, rows)
