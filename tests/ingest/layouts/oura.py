"""Oura: the legacy trends CSV (two vintages: activity times in seconds in the older one,
minutes in the newer) and the API v2 JSON files (``sleep``, ``daily_readiness``,
``workout`` documents as the API returns them: ``{"data": [...], "next_token": null}``).
"""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

from .truth import at, header, wake_hour

TRENDS = header(
    "date,Sleep Score,Total Sleep Score,REM Sleep Score,Deep Sleep Score,Sleep Efficiency "
    "Score,Restfulness Score,Sleep Latency Score,Sleep Timing Score,Total Bedtime,Total "
    "Sleep Time,Awake Time,REM Sleep Time,Light Sleep Time,Deep Sleep Time,Restless Sleep,"
    "Sleep Efficiency,Sleep Latency,Sleep Timing,Sleep Timing,Bedtime Start,Bedtime End,"
    "Average Resting Heart Rate,Lowest Resting Heart Rate,Average HRV,Temperature Deviation "
    "(°C),Respiratory Rate,Activity Score,Stay Active Score,Move Every Hour Score,Meet Daily "
    "Targets Score,Training Frequency Score,Training Volume Score,Recovery Time Score,"
    "Activity Burn,Total Burn,Target Calories,Steps,Daily Movement,Inactive Time,Rest Time,"
    "Low Activity Time,Medium Activity Time,High Activity Time,Non-wear Time,Average MET,"
    "Long Periods of Inactivity,Readiness Score,Previous Night Score,Sleep Balance Score,"
    "Previous Day Activity Score,Activity Balance Score,Temperature Score,Resting Heart Rate "
    "Score,HRV Balance Score,Recovery Index Score")
INTENSITY = {"ACTIVE_RECOVERY": "easy", "AEROBIC_BASE": "moderate", "TEMPO": "hard",
             "HIIT": "hard", "STRENGTH": "moderate"}


def activity_minutes(row) -> tuple[float, float]:
    """(high, medium) activity minutes of a day: the workout's hard and easy parts."""
    w = row.workout
    if w is None:
        return 0.0, 12.0
    hard = w.minutes * (w.zones[2] + w.zones[3] + w.zones[4]) / 100
    return round(hard), round(w.minutes - hard + 12)


def write_trends(path: Path, truth: pd.DataFrame, *, seconds: bool) -> Path:
    """``seconds``: the older vintage (activity times in seconds, summing to 86 400)."""
    unit = 60 if seconds else 1
    rows = []
    for r in truth.itertuples():
        high, medium = activity_minutes(r)
        total = round(r.sleep_h * 3600)
        bed = round(total / (r.eff / 100))
        low, nonwear = 180.0, 30.0
        rest = r.sleep_h * 60 + 40
        inactive = 1440 - high - medium - low - nonwear - rest
        times = [round(x * unit) for x in (inactive, rest, low, medium, high, nonwear)]
        start = at(r.date, r.onset - 24).strftime("%Y-%m-%dT%H:%M:%S+01:00")
        end = at(r.date, wake_hour(r)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
        rows.append([r.date.isoformat(), 78, 80, 70, 90, 85, 60, 75, 90, bed, total, bed - total,
                     round(total * .2), round(total * .55), round(total * .25), 35, int(r.eff),
                     600, 13000, "", start, end, r.rhr + 6, int(r.rhr), round(r.hrv), -0.1, 14.2,
                     80, 70, 90, 80, 90, 90, 95, 400, 2500, 450, 8000, 6000, *times, 1.4, 0,
                     int(r.recovery), 70, 70, 70, 70, 90, 80, 75, 70])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRENDS)
        w.writerows(rows)
    return path


def write_api(folder: Path, truth: pd.DataFrame) -> Path:
    """Oura API v2 documents: ``sleep.json`` (a nap some days), ``daily_readiness.json``,
    ``daily_sleep.json`` (the sleep score: same fields ``score``/``contributors``/``day``,
    a different score), ``workout.json``; timestamps local with their offset."""
    folder.mkdir(parents=True, exist_ok=True)
    sleep, ready, sleep_scores, workouts = [], [], [], []
    for i, r in enumerate(truth.itertuples()):
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        total = round(r.sleep_h * 3600)
        sleep.append({"id": f"s{i}", "average_breath": 14.5, "average_heart_rate": r.rhr + 5,
                      "average_hrv": round(r.hrv), "awake_time": round(total / r.eff * 100) - total,
                      "bedtime_end": end.isoformat() + "+01:00",
                      "bedtime_start": start.isoformat() + "+01:00", "day": r.date.isoformat(),
                      "deep_sleep_duration": round(total * .2), "efficiency": int(r.eff),
                      "heart_rate": {"interval": 300.0, "items": [r.rhr + 6, r.rhr + 2],
                                     "timestamp": start.isoformat() + "+01:00"},
                      "hrv": {"interval": 300.0, "items": [r.hrv - 5, r.hrv + 5],
                              "timestamp": start.isoformat() + "+01:00"},
                      "latency": 600, "light_sleep_duration": round(total * .55),
                      "lowest_heart_rate": int(r.rhr), "movement_30_sec": "1112211",
                      "period": 0, "readiness": {"score": int(r.recovery)},
                      "readiness_score_delta": 1, "rem_sleep_duration": round(total * .25),
                      "restless_periods": 200, "sleep_phase_5_min": "4422",
                      "sleep_score_delta": 1, "time_in_bed": round(total / r.eff * 100),
                      "total_sleep_duration": total, "type": "long_sleep"})
        if i % 6 == 2:  # an afternoon nap: never the night
            nap = at(r.date, 15.0)
            sleep.append({"id": f"n{i}", "average_hrv": round(r.hrv * .5),
                          "day": r.date.isoformat(),
                          "bedtime_start": nap.isoformat() + "+01:00",
                          "bedtime_end": (nap + timedelta(minutes=30)).isoformat() + "+01:00",
                          "efficiency": 70, "lowest_heart_rate": int(r.rhr + 10),
                          "total_sleep_duration": 1500, "type": "late_nap"})
        ready.append({"id": f"r{i}", "contributors": {"hrv_balance": 80, "resting_heart_rate": 75},
                      "day": r.date.isoformat(), "score": int(r.recovery),
                      "temperature_deviation": -0.1, "temperature_trend_deviation": 0.05,
                      "timestamp": f"{r.date.isoformat()}T00:00:00+01:00"})
        sleep_scores.append({"id": f"d{i}", "contributors": {
            "deep_sleep": 90, "efficiency": 85, "latency": 70, "rem_sleep": 80,
            "restfulness": 60, "timing": 95, "total_sleep": 75}, "day": r.date.isoformat(),
            "score": 100 - int(r.recovery) // 2,
            "timestamp": f"{r.date.isoformat()}T00:00:00+01:00"})
        w = r.workout
        if w is not None:
            ws = at(r.date, w.start_hour)
            workouts.append({"id": f"w{i}", "activity": w.name.lower(), "calories": 400.0,
                             "day": r.date.isoformat(), "distance": None,
                             "end_datetime": (ws + timedelta(minutes=w.minutes)).isoformat()
                             + "+01:00", "intensity": INTENSITY[w.action], "label": None,
                             "source": "manual", "start_datetime": ws.isoformat() + "+01:00"})
    for name, data in (("sleep.json", sleep), ("daily_readiness.json", ready),
                       ("daily_sleep.json", sleep_scores), ("workout.json", workouts)):
        (folder / name).write_text(json.dumps({"data": data, "next_token": None}, indent=1))
    return folder
