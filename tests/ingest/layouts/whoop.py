"""A WHOOP app export folder (``physiological_cycles.csv``, ``sleeps.csv``,
``workouts.csv``, ``journal_entries.csv``) with the app's exact headers.

``convention`` says how times are written: 'local' (wall clock, ``Cycle timezone``
beside it) or 'utc'. ``naps``: every 9th day the athlete naps in the afternoon and the
nap opens a cycle of its own (its recovery 1–13 %), as in real exports. ``workouts``:
False writes a header-only ``workouts.csv`` (an export without workouts).
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .truth import at, header, wake_hour

CYCLES = header(
    "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate "
    "(bpm),Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,Energy "
    "burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,Sleep performance %,"
    "Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light sleep duration "
    "(min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),Sleep need "
    "(min),Sleep debt (min),Sleep efficiency %,Sleep consistency %")
SLEEPS = header(
    "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,Sleep "
    "performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),Light "
    "sleep duration (min),Deep (SWS) duration (min),REM duration (min),Awake duration (min),"
    "Sleep need (min),Sleep debt (min),Sleep efficiency %,Sleep consistency %,Nap")
WORKOUTS = header(
    "Cycle start time,Cycle end time,Cycle timezone,Workout start time,Workout end time,"
    "Duration (min),Activity name,Activity Strain,Energy burned (cal),Max HR (bpm),Average "
    "HR (bpm),HR Zone 1 %,HR Zone 2 %,HR Zone 3 %,HR Zone 4 %,HR Zone 5 %,GPS enabled")
NAP_EVERY = 9


def _zone(offset_min: int) -> str:
    sign = "+" if offset_min >= 0 else "-"
    h, m = divmod(abs(offset_min), 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def day_strain(row) -> float:
    """Day strain: ~4–9 from daily life, more with a workout (WHOOP's 0–21 scale)."""
    base = 5.0 + 3.0 * ((row.rhr * 7 + row.sleep_h * 13) % 1.0)
    if row.workout is None:
        return round(base, 1)
    return round(min(20.5, 9.5 + row.workout.trimp / 12.0), 1)


def write_whoop(folder: Path, truth: pd.DataFrame, *, offset_min: int = 60,
                convention: str = "local", naps: bool = False, workouts: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shift = timedelta(minutes=-offset_min if convention == "utc" else 0)

    def stamp(t: datetime | None) -> str:
        return "" if t is None else (t + shift).strftime("%Y-%m-%d %H:%M:%S")

    zone = _zone(offset_min)
    rows = list(truth.itertuples())
    onsets = [at(r.date, r.onset - 24.0) for r in rows]
    wakes = [at(r.date, wake_hour(r)) for r in rows]
    cycles, sleeps, works = [], [], []
    for i, r in enumerate(rows):
        start = onsets[i]
        end = onsets[i + 1] if i + 1 < len(rows) else None
        in_bed = (wakes[i] - onsets[i]).total_seconds() / 60
        asleep = round(r.sleep_h * 60)
        nap = naps and i % NAP_EVERY == 4 and end is not None
        strain = "" if end is None else day_strain(r)
        if nap:  # the afternoon nap opens its own cycle, which ends at the next night
            nap_start, nap_end = at(r.date, 14.0), at(r.date, 14.7)
            end_night = nap_start
        else:
            end_night = end
        cycles.append([stamp(start), stamp(end_night), zone, int(r.recovery), int(r.rhr), r.hrv,
                       33.4, 95.6, strain, 2200, 170, 62, stamp(start), stamp(wakes[i]), 88, 15.1,
                       asleep, round(in_bed), round(asleep * .55), round(asleep * .2),
                       round(asleep * .25), round(in_bed - asleep), 480, 20, int(r.eff), 80])
        sleeps.append([stamp(start), stamp(end_night), zone, stamp(start), stamp(wakes[i]), 88,
                       15.1, asleep, round(in_bed), round(asleep * .55), round(asleep * .2),
                       round(asleep * .25), round(in_bed - asleep), 480, 20, int(r.eff), 80,
                       "false"])
        if nap:
            low = int(1 + (i * 7) % 13)
            cycles.append([stamp(nap_start), stamp(end), zone, low, int(r.rhr + 9),
                           round(r.hrv * 0.45, 1), 33.9, 95.0, "", 400, 120, 70, stamp(nap_start),
                           stamp(nap_end), 20, 15.9, 38, 42, 30, 4, 4, 4, 480, 300, 90, 40])
            sleeps.append([stamp(nap_start), stamp(end), zone, stamp(nap_start), stamp(nap_end),
                           20, 15.9, 38, 42, 30, 4, 4, 4, 480, 300, 90, 40, "true"])
        w = r.workout
        if workouts and w is not None:
            ws = at(r.date, w.start_hour)
            works.append([stamp(start), stamp(end_night), zone, stamp(ws),
                          stamp(ws + timedelta(minutes=w.minutes)), w.minutes, w.name,
                          round(w.trimp / 10, 1), 500, 175, 140, *w.zones, "true"])
    cycles.reverse()  # the app writes the newest cycle first
    sleeps.reverse()
    _write(folder / "physiological_cycles.csv", CYCLES, cycles)
    _write(folder / "sleeps.csv", SLEEPS, sleeps)
    _write(folder / "workouts.csv", WORKOUTS, works)
    _write(folder / "journal_entries.csv", ["Cycle start time", "Cycle end time",
                                            "Cycle timezone", "Question text", "Answered yes",
                                            "Notes"], [])
    return folder


def nap_days(truth: pd.DataFrame) -> np.ndarray:
    """(days,) True on the days whose afternoon holds a nap cycle (``naps=True``)."""
    idx = np.arange(len(truth))
    return (idx % NAP_EVERY == 4) & (idx < len(truth) - 1)
