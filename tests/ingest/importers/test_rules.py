"""The documented rules on their own: header matching, load, actions, sleep nights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.ingest.actions import day_action, workout_action
from periodization.ingest.common import offset_minutes
from periodization.ingest.csvtable import normalize_header
from periodization.ingest.formats.apple_sleep import nights, union
from periodization.ingest.load import strain_load, zone_load
from periodization.sim.actions import Action

NAN = np.nan


@pytest.mark.parametrize("header,key,unit", [
    ("Resting heart rate (bpm)", "resting_heart_rate", "bpm"),
    ("resting heart rate [bpm]", "resting_heart_rate", "bpm"),
    ("RESTING_HEART_RATE", "resting_heart_rate", ""),
    (" \ufeffRestingHeartRate ", "resting_heart_rate", ""),
    ("restingHR", "resting_hr", ""),
    ("hrvSDNN", "hrv_sdnn", ""),
    ("Recovery score %", "recovery_score", "%"),
    ("Deep (SWS) duration (min)", "deep_duration", "min"),
    ("HR Zone 3 %", "hr_zone_3", "%"),
    ("Temperature Deviation (°C)", "temperature_deviation", "°c"),
])
def test_headers_match_tolerantly(header, key, unit):
    assert normalize_header(header) == (key, unit)


def test_offsets_in_every_spelling():
    cells = pd.Series(["UTC+01:00", "+0200", "-05:00", "UTC", "UTC-03:30", "", "GMT+9"])
    got = offset_minutes(cells)
    assert got[:5].tolist() == [60, 120, -300, 0, -210]
    assert np.isnan(got[5]) and got[6] == 540


def test_strain_mapping_hits_its_anchors_and_is_convex():
    assert strain_load(np.array([10.0, 14.0, 18.0])) == pytest.approx([40, 80, 150], rel=0.02)
    grid = np.linspace(0, 21, 50)
    loads = strain_load(grid)
    assert loads[0] == 0 and (np.diff(loads) > 0).all() and (np.diff(loads, 2) > 0).all()


def test_an_hour_in_zone_4_is_100():
    assert zone_load(np.array([60.0]), np.array([[0, 0, 0, 100, 0]]))[0] == pytest.approx(100)
    assert zone_load(np.array([60.0]), np.array([[100, 0, 0, 0, 0]]))[0] == pytest.approx(25)
    assert zone_load(np.array([60.0]), np.array([[0, 0, 0, 0, 0]]))[0] == 0  # below zone 1


@pytest.mark.parametrize("name,minutes,zones,intensity,action", [
    ("Functional Fitness", 50, [30, 30, 20, 10, 0], "", Action.STRENGTH),
    ("Weightlifting", 45, None, "", Action.STRENGTH),
    ("HKWorkoutActivityTypeTraditionalStrengthTraining", 40, None, "", Action.STRENGTH),
    ("strengthTraining", 40, None, "moderate", Action.STRENGTH),
    ("Running", 40, [10, 15, 15, 20, 40], "", Action.HIIT),
    ("Running", 50, [5, 15, 40, 35, 5], "", Action.TEMPO),
    ("Cycling", 90, [20, 60, 15, 5, 0], "", Action.AEROBIC_BASE),
    ("Cycling", 60, [80, 10, 0, 0, 0], "", Action.ACTIVE_RECOVERY),
    ("Running", 12, [0, 10, 60, 30, 0], "", Action.ACTIVE_RECOVERY),  # short
    ("HKWorkoutActivityTypeHighIntensityIntervalTraining", 30, None, "", Action.HIIT),
    ("HKWorkoutActivityTypeYoga", 30, None, "", Action.ACTIVE_RECOVERY),
    ("running", 45, None, "hard", Action.TEMPO),
    ("running", 60, None, "easy", Action.ACTIVE_RECOVERY),
    ("HKWorkoutActivityTypeCycling", 90, None, "", Action.AEROBIC_BASE),
    ("HKWorkoutActivityTypeCycling", 10, None, "", Action.ACTIVE_RECOVERY),
    ("Golf", 120, None, "", -1),
])
def test_workout_actions(name, minutes, zones, intensity, action):
    z = None if zones is None else np.array(zones, dtype=float)
    assert workout_action(name, minutes, z, intensity) == int(action)


def test_day_action_rules():
    empty = np.empty(0)
    assert day_action(empty, empty, 0.0) == Action.REST
    assert day_action(empty, empty, 12.0) == Action.REST  # daily life only
    assert day_action(empty, empty, 40.0) == -1  # load without a known session
    assert day_action(empty, empty, NAN) == -1  # nothing known
    # the session that brought the most load decides the day
    assert day_action(np.array([5, 2]), np.array([24.0, 105.0]), 129.0) == Action.AEROBIC_BASE
    assert day_action(np.array([-1, 1]), np.array([90.0, 10.0]), 100.0) == Action.ACTIVE_RECOVERY
    assert day_action(np.array([-1]), np.array([90.0]), 90.0) == -1


def test_union_counts_overlaps_once():
    s, e = union(np.array([0, 5, 20, 8]), np.array([10, 12, 30, 9]))
    assert s.tolist() == [0, 20] and e.tolist() == [12, 30]


def _sleep(rows):
    frame = pd.DataFrame(rows, columns=["source", "value", "start", "end"])
    frame["start"] = pd.to_datetime(frame["start"]).astype("datetime64[ns]")
    frame["end"] = pd.to_datetime(frame["end"]).astype("datetime64[ns]")
    frame["offset"] = pd.Timedelta(hours=1)
    return frame


def test_sleep_night_prefers_the_watch_and_ignores_naps_and_in_bed():
    v = "HKCategoryValueSleepAnalysis"
    frame = _sleep([
        ("Watch", f"{v}AsleepCore", "2024-03-01 22:00", "2024-03-02 01:00"),
        ("Watch", f"{v}AsleepDeep", "2024-03-02 00:30", "2024-03-02 02:00"),  # overlaps
        ("Watch", f"{v}Awake", "2024-03-02 02:00", "2024-03-02 02:30"),
        ("Watch", f"{v}AsleepREM", "2024-03-02 02:30", "2024-03-02 05:30"),
        ("Watch", f"{v}AsleepUnspecified", "2024-03-02 13:00", "2024-03-02 13:30"),  # nap
        ("Sleep app", f"{v}AsleepUnspecified", "2024-03-01 21:00", "2024-03-02 06:00"),
        ("Phone", f"{v}InBed", "2024-03-01 21:45", "2024-03-02 05:45"),
    ])
    out, naps = nights(frame)
    assert naps == 1 and len(out) == 1
    night = out.iloc[0]
    assert night["date"] == pd.Timestamp("2024-03-02")
    assert night["sleep_hours"] == pytest.approx(7.0)  # 22:00–02:00 + 02:30–05:30
    assert night["sleep_efficiency"] == pytest.approx(100 * 7.0 / 8.0)  # in bed 21:45–05:45


def test_sleep_without_in_bed_has_unknown_efficiency():
    frame = _sleep([("Ring", "HKCategoryValueSleepAnalysisAsleep", "2024-03-01 23:00",
                     "2024-03-02 06:00")])
    out, _ = nights(frame)
    assert out.iloc[0]["sleep_hours"] == pytest.approx(7.0)
    assert np.isnan(out.iloc[0]["sleep_efficiency"])
