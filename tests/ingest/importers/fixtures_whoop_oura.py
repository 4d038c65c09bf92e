"""The WHOOP and Oura fixtures of ``make_fixtures.py``: the exports' own files, headers and
timestamps, and what each must import as."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
from fixture_truth import (
    ACTION_ID,
    HERE,
    days,
    header,
    offset_text,
    session,
    stamp,
    write_csv,
    write_expected,
    zone_load,
)

# ---------------------------------------------------------------------------- WHOOP
WHOOP_PLAN = {  # weekday → [(activity, minutes, zones %, intended action)]
    0: [],
    1: [("Running", 40, [10, 15, 15, 20, 40], "HIIT")],
    2: [("Cycling", 75, [20, 60, 15, 5, 0], "AEROBIC_BASE")],
    3: [("Running", 50, [5, 15, 40, 35, 5], "TEMPO")],
    4: [("Walking", 35, [70, 10, 0, 0, 0], "ACTIVE_RECOVERY")],
    5: [("Cycling", 120, [15, 65, 15, 5, 0], "AEROBIC_BASE"),
        ("Weightlifting", 45, [40, 30, 10, 0, 0], "STRENGTH")],
    6: [("Functional Fitness", 50, [30, 30, 20, 10, 0], "STRENGTH")],
}
WHOOP_CYCLES = header("Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting "
                      "heart rate (bpm),Heart rate variability (ms),Skin temp (celsius),Blood "
                      "oxygen %,Day Strain,Energy burned (cal),Max HR (bpm),Average HR "
                      "(bpm),Sleep onset,Wake onset,Sleep performance %,Respiratory rate "
                      "(rpm),Asleep duration (min),In bed duration (min),Light sleep duration "
                      "(min),Deep (SWS) duration (min),REM duration (min),Awake duration "
                      "(min),Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep "
                      "consistency %")
WHOOP_SLEEPS = header("Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake "
                      "onset,Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In "
                      "bed duration (min),Light sleep duration (min),Deep (SWS) duration "
                      "(min),REM duration (min),Awake duration (min),Sleep need (min),Sleep debt "
                      "(min),Sleep efficiency %,Sleep consistency %,Nap")
WHOOP_WORKOUTS = header("Cycle start time,Cycle end time,Cycle timezone,Workout start "
                        "time,Workout end time,Duration (min),Activity name,Activity "
                        "Strain,Energy burned (cal),Max HR (bpm),Average HR (bpm),HR Zone 1 %,HR "
                        "Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled")


def whoop_offset(morning: date) -> timedelta:
    if date(2024, 4, 9) <= morning <= date(2024, 4, 13):  # a trip to Tokyo
        return timedelta(hours=9)
    return timedelta(hours=2 if morning >= date(2024, 3, 31) else 1)


def tz_name(offset: timedelta) -> str:
    return f"UTC{offset_text(offset)}"


def make_whoop() -> None:
    rng = np.random.default_rng(11)
    gap = {date(2024, 3, 19), date(2024, 3, 20), date(2024, 3, 21)}
    unscored, no_cycle_sleep = date(2024, 4, 2), date(2024, 3, 26)
    mornings = [d for d in days("2024-03-04", 56) if d not in gap]
    cycles, sleeps, workouts, expected = [], [], [], []
    starts = []
    nights = []
    for d in mornings:
        off = whoop_offset(d)
        wake = datetime(d.year, d.month, d.day, 6, 30) + timedelta(minutes=int(rng.integers(0, 75)))
        asleep = int(rng.integers(370, 500))
        awake = int(rng.integers(15, 45))
        onset = wake - timedelta(minutes=asleep + awake)
        nights.append((d, off, onset - off, wake - off, asleep, awake))
        starts.append(onset - off)
    for i, (d, off, onset_utc, wake_utc, asleep, awake) in enumerate(nights):
        last = i == len(nights) - 1
        start_s = stamp(onset_utc)
        end_s = "" if last else stamp(nights[i + 1][2])
        eff = round(100 * asleep / (asleep + awake))
        hrv, rhr = int(rng.integers(45, 90)), int(rng.integers(46, 58))
        rec = int(rng.integers(20, 96))
        strain = None if last else round(float(rng.uniform(6, 18)), 1)
        scored = d != unscored
        light, deep = int(asleep * 0.5), int(asleep * 0.22)
        cycle_sleep = [asleep, asleep + awake] if d != no_cycle_sleep else ["", ""]
        cycles.append([start_s, end_s, tz_name(off), rec if scored else "", rhr if scored else "",
                       hrv if scored else "", 33.6 if scored else "", 95.8 if scored else "",
                       "" if strain is None else strain, "" if last else 2400, "" if last else 171,
                       "" if last else 68, stamp(onset_utc), stamp(wake_utc), 88, 14.6,
                       *cycle_sleep, light, deep, asleep - light - deep, awake, 480, 20,
                       eff, 81])
        sleeps.append([start_s, end_s, tz_name(off), stamp(onset_utc), stamp(wake_utc), 88, 14.6,
                       asleep, asleep + awake, light, deep, asleep - light - deep, awake, 480,
                       20, eff, 81, "false"])
        plan = [] if last else WHOOP_PLAN[d.weekday()]
        if date(2024, 4, 9) <= d <= date(2024, 4, 13):
            plan = [("Walking", 35, [70, 10, 0, 0, 0], "ACTIVE_RECOVERY")]
        if d.weekday() >= 5 and not last:  # weekend nap: never the night's sleep
            nap_start = datetime(d.year, d.month, d.day, 14, 0) - off
            sleeps.append([start_s, end_s, tz_name(off), stamp(nap_start),
                           stamp(nap_start + timedelta(minutes=40)), "", "", 35, 40, 30, 5, 0, 5,
                           "", "", 88, "", "true"])
        loads = []
        for k, (name, minutes, zones, action) in enumerate(plan):
            begin = datetime(d.year, d.month, d.day, 10 if d.weekday() >= 5 else 18) - off
            begin += timedelta(hours=3 * k)
            workouts.append([start_s, end_s, tz_name(off), stamp(begin),
                             stamp(begin + timedelta(minutes=minutes)), minutes, name,
                             round(float(rng.uniform(5, 15)), 1), 500, 175, 140, *zones,
                             "true" if name != "Weightlifting" else "false"])
            loads.append((zone_load(minutes, zones), action))
        if loads:
            load = sum(x for x, _ in loads)
            action = max(loads)[1]
        else:
            load, action = (None, "UNKNOWN") if last else (0.0, "REST")
        expected.append({"date": d.isoformat(), "hrv_rmssd_ms": hrv if scored else None,
                         "resting_hr": rhr if scored else None, "recovery": rec if scored else None,
                         "sleep_hours": asleep / 60, "sleep_efficiency": eff, "strain": strain,
                         "load": load, "action": ACTION_ID[action]})
    folder = HERE / "whoop"
    write_csv(folder / "physiological_cycles.csv", WHOOP_CYCLES, cycles[::-1])  # newest first
    write_csv(folder / "sleeps.csv", WHOOP_SLEEPS, sleeps[::-1])
    write_csv(folder / "workouts.csv", WHOOP_WORKOUTS, workouts[::-1])
    write_csv(folder / "journal_entries.csv", ["Cycle start time", "Cycle end time",
                                                "Cycle timezone", "Question text",
                                                "Answered yes", "Notes"],
              [[cycles[0][0], cycles[0][1], cycles[0][2], "Have any alcoholic drinks?", "false",
                ""]])
    write_expected("whoop", expected)


# ----------------------------------------------------------------------------- Oura
OURA_PLAN = {  # weekday → (activity, minutes, intensity, expected action)
    1: ("running", 45, "hard", "TEMPO"), 2: ("cycling", 70, "moderate", "AEROBIC_BASE"),
    3: ("hiit", 30, "moderate", "HIIT"), 4: ("walking", 40, "easy", "ACTIVE_RECOVERY"),
    5: ("strengthTraining", 50, "moderate", "STRENGTH"), 6: ("running", 60, "easy",
                                                             "ACTIVE_RECOVERY"),
}
SLEEPMODEL = header("id;average_breath;average_heart_rate;average_hrv;awake_time;bedtime_end;bedt"
                    "ime_start;day;deep_sleep_duration;efficiency;latency;light_sleep_duration;lo"
                    "west_heart_rate;readiness;readiness_score_delta;rem_sleep_duration;restless_"
                    "periods;sleep_score_delta;time_in_bed;total_sleep_duration;type", sep=";")


def oura_offset(morning: date) -> timedelta:
    if date(2024, 4, 20) <= morning <= date(2024, 4, 23):  # a trip to New York
        return timedelta(hours=-4)
    return timedelta(hours=2 if morning >= date(2024, 3, 31) else 1)


def iso(t: datetime, off: timedelta) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S") + offset_text(off)


def make_oura() -> None:
    rng = np.random.default_rng(12)
    gap = {date(2024, 4, 15), date(2024, 4, 16)}
    no_sleep, split_night = date(2024, 3, 26), date(2024, 3, 15)
    sleep_rows, ready_rows, activity_rows, workout_rows, expected = [], [], [], [], []
    n = 0

    def period(d, start, minutes_asleep, awake_min, kind, hrv, low):
        nonlocal n
        n += 1
        off = oura_offset(d)
        tib = (minutes_asleep + awake_min) * 60
        total = minutes_asleep * 60
        eff = round(100 * total / tib)
        end = start + timedelta(seconds=tib)
        ready = json.dumps({"contributors": {"hrv_balance": 80}, "score": 80})
        sleep_rows.append([f"s{n:04d}", 14.5, low + 7, hrv, awake_min * 60, iso(end, off),
                           iso(start, off), d.isoformat(), int(total * 0.2), eff, 600,
                           int(total * 0.55), low, ready, 1, total - int(total * 0.2)
                           - int(total * 0.55), 210, 2, tib, total, kind])
        return total / 3600, eff

    for d in days("2024-03-04", 56):
        if d in gap:
            continue
        expect = {"date": d.isoformat()}
        hrv, low = int(rng.integers(40, 95)), int(rng.integers(44, 60))
        if d == split_night:  # two "sleep" periods, no long_sleep: the longer one counts
            period(d, datetime(d.year, d.month, d.day) - timedelta(minutes=30), 180, 20, "sleep",
                   hrv - 10, low + 3)
            hours, eff = period(d, datetime(d.year, d.month, d.day, 3, 50), 200, 10, "sleep",
                                hrv, low)
        elif d != no_sleep:
            bed = datetime(d.year, d.month, d.day) - timedelta(minutes=int(rng.integers(20, 80)))
            hours, eff = period(d, bed, int(rng.integers(380, 490)), int(rng.integers(15, 50)),
                                "long_sleep", hrv, low)
            if d.weekday() >= 5:  # an afternoon nap on the same day
                period(d, datetime(d.year, d.month, d.day, 14), 35, 5, "late_nap", 30, 70)
        if d != no_sleep:
            expect.update(hrv_rmssd_ms=hrv, resting_hr=low, sleep_hours=hours,
                          sleep_efficiency=eff)
        score = int(rng.integers(55, 95))
        ready_rows.append([f"r{d:%m%d}", json.dumps({"activity_balance": 80, "hrv_balance": 75,
                                                     "resting_heart_rate": 90}),
                           d.isoformat(), score, -0.1, 0.05, iso(datetime(d.year, d.month,
                                                                          d.day), oura_offset(d))])
        expect["recovery"] = score
        activity_rows.append([f"a{d:%m%d}", 1800, 80, d.isoformat(), 2700, 1200, 3000, 9000,
                              2500, 9000])
        plan = OURA_PLAN.get(d.weekday())
        if plan:
            name, minutes, level, _ = plan
            start = datetime(d.year, d.month, d.day, 17, 30)
            workout_rows.append([f"w{d:%m%d}", name, 400, d.isoformat(), 8000,
                                 iso(start + timedelta(minutes=minutes), oura_offset(d)), level, "",
                                 "autodetected", iso(start, oura_offset(d))])
        expect.update(session(plan))
        expected.append(expect)
    folder = HERE / "oura" / "App Data"
    write_csv(folder / "sleepmodel.csv", SLEEPMODEL, sleep_rows, ";", raw=True)
    write_csv(folder / "dailyreadiness.csv", ["id", "contributors", "day", "score",
                                              "temperature_deviation",
                                              "temperature_trend_deviation", "timestamp"],
              ready_rows, ";")
    write_csv(folder / "dailyactivity.csv", ["id", "active_calories", "score", "day",
                                             "high_activity_time", "medium_activity_time",
                                             "low_activity_time", "steps", "total_calories",
                                             "target_meters"], activity_rows, ";")
    write_csv(folder / "workout.csv", ["id", "activity", "calories", "day", "distance",
                                       "end_datetime", "intensity", "label", "source",
                                       "start_datetime"], workout_rows, ";")
    write_expected("oura", expected)
