"""Writes the good-file fixtures under ``good/`` and what each must import as (``expected/``).

Run from the repository root: ``python tests/ingest/importers/make_fixtures.py``. The output
is committed; tests only read it. Each fixture is built from day-level "truth" drawn with a
fixed seed and written the way the real export writes it (headers, units, delimiters,
timestamps in UTC or local with offsets, naps, duplicate sources, a timezone trip). The
expected tables are computed here from that truth and the documented rules (load rates,
zone TRIMP, action rules), never by calling the importers.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent / "good"
EXPECTED = HERE / "expected"
TRIMP = 100.0 / 240.0
RATE = {"REST": 0, "ACTIVE_RECOVERY": 25, "AEROBIC_BASE": 50, "TEMPO": 85, "HIIT": 110,
        "STRENGTH": 50}
ACTION_ID = {"REST": 0, "ACTIVE_RECOVERY": 1, "AEROBIC_BASE": 2, "TEMPO": 3, "HIIT": 4,
             "STRENGTH": 5, "UNKNOWN": -1}
EXPECTED_COLUMNS = ["date", "hrv_rmssd_ms", "hrv_sdnn_ms", "resting_hr", "sleep_hours",
                    "sleep_efficiency", "recovery", "strain", "load", "action", "atl", "ctl"]


def header(text: str, sep: str = ",") -> list[str]:
    return text.split(sep)


def days(start: str, n: int) -> list[date]:
    first = date.fromisoformat(start)
    return [first + timedelta(days=i) for i in range(n)]


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",",
              raw: bool = False) -> None:
    """``raw``: never quote (JSON cells stay as written, like Oura's ``;`` files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        quoting = {"quoting": csv.QUOTE_NONE, "quotechar": None} if raw else {}
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n", **quoting)
        writer.writerow(header)
        writer.writerows(rows)


def write_expected(name: str, rows: list[dict]) -> None:
    cols = [c for c in EXPECTED_COLUMNS if any(c in r for r in rows)]
    write_csv(EXPECTED / f"{name}.csv", cols,
              [["" if r.get(c) is None else r.get(c) for c in cols] for r in rows])


def europe_offset(utc: datetime) -> timedelta:
    """Central European time: +01:00, +02:00 from 2024-03-31 01:00 UTC."""
    return timedelta(hours=2 if utc >= datetime(2024, 3, 31, 1) else 1)


def session(plan: tuple | None) -> dict:
    """Expected load and action of a day with one workout (…, minutes, …, action) or none."""
    if not plan:
        return {"load": 0.0, "action": ACTION_ID["REST"]}
    minutes, action = plan[1], plan[-1]
    return {"load": minutes / 60 * RATE[action], "action": ACTION_ID[action]}


def zone_load(minutes: float, zones: list[float]) -> float:
    return minutes * sum(z / 100 * (k + 1) for k, z in enumerate(zones)) * TRIMP


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


def offset_text(offset: timedelta, colon: bool = True) -> str:
    """``+01:00`` (or ``+0100``) for a UTC offset."""
    minutes = int(offset.total_seconds() // 60)
    hours, mins = divmod(abs(minutes), 60)
    return f"{'+' if minutes >= 0 else '-'}{hours:02d}{':' if colon else ''}{mins:02d}"


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


# ----------------------------------------------------------------------- Apple Health
WATCH, PHONE, SLEEP_APP, RING, STRAVA = ("Ann’s Apple Watch", "Ann’s iPhone", "AutoSleep",
                                         "Oura", "Strava")
APPLE_PLAN = {  # weekday → (activity type, minutes, expected action)
    1: ("HighIntensityIntervalTraining", 30, "HIIT"), 2: ("Running", 45, "AEROBIC_BASE"),
    3: ("TraditionalStrengthTraining", 50, "STRENGTH"), 4: ("Walking", 40, "ACTIVE_RECOVERY"),
    5: ("Cycling", 90, "AEROBIC_BASE"), 6: ("Yoga", 30, "ACTIVE_RECOVERY"),
}
APPLE_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
]>
<HealthData locale="en_DE">
 <ExportDate value="2024-04-30 08:00:00 +0200"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-05-01"
  HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""


def apple_offset(utc: datetime) -> timedelta:
    if datetime(2024, 4, 11, 14) <= utc < datetime(2024, 4, 16, 23):  # a trip to New York
        return timedelta(hours=-4)
    return europe_offset(utc)


def apple_time(utc: datetime) -> str:
    off = apple_offset(utc)
    return f"{stamp(utc + off)} {offset_text(off, colon=False)}"


def morning_offset(d: date) -> timedelta:
    return apple_offset(datetime(d.year, d.month, d.day, 6))


def make_apple() -> None:
    rng = np.random.default_rng(14)
    lines = [APPLE_HEAD]

    def record(kind, source, start, end, value, unit="", children=""):
        unit_attr = f' unit="{unit}"' if unit else ""
        body = f">\n{children}  </Record>" if children else "/>"
        lines.append(f' <Record type="{kind}" sourceName="{source}" sourceVersion="10.4"'
                     f'{unit_attr} creationDate="{apple_time(end)}" startDate="{apple_time(start)}"'
                     f' endDate="{apple_time(end)}" value="{value}"{body}\n')

    def local(d, hour, minute=0):  # a local wall time of morning d → UTC
        return datetime(d.year, d.month, d.day, hour, minute) - morning_offset(d)

    expected = []
    hk = "HKQuantityTypeIdentifier"
    sleep_kind = "HKCategoryTypeIdentifierSleepAnalysis"
    stage = "HKCategoryValueSleepAnalysis"
    no_watch_nights = {date(2024, 3, 20), date(2024, 4, 2)}
    for d in days("2024-03-10", 45):
        if d == date(2024, 3, 27):
            continue  # nothing recorded at all that day
        e = {"date": d.isoformat()}
        a, b = int(rng.integers(30, 70)), int(rng.integers(30, 70))
        beats = "".join(f'    <InstantaneousBeatsPerMinute bpm="{60 + k}" time="2:10:0{k}.00"/>\n'
                        for k in range(3))
        meta = ("   <HeartRateVariabilityMetadataList>\n"
                f"{beats}   </HeartRateVariabilityMetadataList>\n")
        record(f"{hk}HeartRateVariabilitySDNN", WATCH, local(d, 2, 10), local(d, 2, 11), a, "ms",
               meta)
        record(f"{hk}HeartRateVariabilitySDNN", WATCH, local(d, 5, 40), local(d, 5, 41), b, "ms")
        record(f"{hk}HeartRateVariabilitySDNN", WATCH, local(d, 15), local(d, 15, 1), 25, "ms")
        record(f"{hk}HeartRateVariabilitySDNN", RING, local(d, 6), local(d, 6, 1), 99, "ms")
        rhr = int(rng.integers(46, 60))
        record(f"{hk}RestingHeartRate", WATCH, local(d, 6), local(d, 23, 59), rhr, "count/min")
        record(f"{hk}RestingHeartRate", RING, local(d, 6, 5), local(d, 6, 6), rhr + 6,
               "count/min")
        record(f"{hk}HeartRate", WATCH, local(d, 9), local(d, 9), 72, "count/min")
        record(f"{hk}StepCount", PHONE, local(d, 9), local(d, 10), 812, "count")
        e.update(hrv_sdnn_ms=(a + b) / 2, resting_hr=rhr)
        bed = local(d, 0, 0) - timedelta(minutes=int(rng.integers(30, 80)))  # last evening
        if d in no_watch_nights:  # only the sleep app and the phone this night
            end = bed + timedelta(minutes=440)
            record(sleep_kind, SLEEP_APP, bed, end, f"{stage}AsleepUnspecified")
            record(sleep_kind, PHONE, bed - timedelta(minutes=20), end + timedelta(minutes=10),
                   f"{stage}InBed")
            e.update(sleep_hours=440 / 60, sleep_efficiency=100 * 440 / 470)
        else:
            stages = [("AsleepCore", 90), ("AsleepDeep", 50),
                      ("AsleepCore", int(rng.integers(60, 100))), ("Awake", 10),
                      ("AsleepREM", 50), ("AsleepCore", int(rng.integers(100, 150))),
                      ("AsleepREM", 40)]
            t, asleep = bed, 0
            for name, minutes in stages:
                record(sleep_kind, WATCH, t, t + timedelta(minutes=minutes), f"{stage}{name}")
                t += timedelta(minutes=minutes)
                asleep += 0 if name == "Awake" else minutes
            record(sleep_kind, SLEEP_APP, bed + timedelta(minutes=5), t - timedelta(minutes=5),
                   f"{stage}AsleepUnspecified")  # overlaps the watch: ignored
            in_bed = (t - bed).total_seconds() / 60 + 25
            record(sleep_kind, PHONE, bed - timedelta(minutes=20), t + timedelta(minutes=5),
                   f"{stage}InBed")
            e.update(sleep_hours=asleep / 60, sleep_efficiency=100 * asleep / in_bed)
            if d.weekday() >= 5:  # an afternoon nap: not the night's sleep
                record(sleep_kind, WATCH, local(d, 14), local(d, 14, 30),
                       f"{stage}AsleepUnspecified")
        plan = APPLE_PLAN.get(d.weekday())
        if plan:
            kind, minutes, _ = plan
            start = local(d, 20, 30) if d.weekday() < 5 else local(d, 10)
            if d == date(2024, 4, 16):  # before the overnight flight home
                start = local(d, 17)
            end = start + timedelta(minutes=minutes)
            stats = ('  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
                     f'startDate="{apple_time(start)}" endDate="{apple_time(end)}" '
                     'average="141" unit="count/min"/>\n'
                     '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n')
            lines.append(f' <Workout workoutActivityType="HKWorkoutActivityType{kind}" '
                         f'duration="{minutes}" durationUnit="min" sourceName="{WATCH}" '
                         f'sourceVersion="10.4" startDate="{apple_time(start)}" '
                         f'endDate="{apple_time(end)}">\n{stats} </Workout>\n')
            if kind in ("Running", "Cycling"):  # the same session again, from Strava
                lines.append(f' <Workout workoutActivityType="HKWorkoutActivityType{kind}" '
                             f'duration="{minutes - 0.5}" durationUnit="min" '
                             f'sourceName="{STRAVA}" startDate="'
                             f'{apple_time(start + timedelta(minutes=1))}" endDate="'
                             f'{apple_time(end)}"/>\n')
        e.update(session(plan))
        expected.append(e)
    lines.append(' <ActivitySummary dateComponents="2024-04-23" activeEnergyBurned="512"/>\n')
    lines.append("</HealthData>\n")
    folder = HERE / "apple" / "apple_health_export"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.xml").write_text("".join(lines), encoding="utf-8")
    (folder / "export_cda.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">\n'
        "</ClinicalDocument>\n", encoding="utf-8")
    write_expected("apple", expected)


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
    write_expected("oura_trends", expected)


if __name__ == "__main__":
    make_whoop()
    make_oura()
    make_intervals()
    make_apple()
    make_generic()
    make_trends()
