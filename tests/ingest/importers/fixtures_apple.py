"""The Apple Health fixture of ``make_fixtures.py``: an ``export.xml`` with several sources,
and what it must import as."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from fixture_truth import (
    HERE,
    days,
    europe_offset,
    offset_text,
    session,
    stamp,
    write_expected,
)

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
