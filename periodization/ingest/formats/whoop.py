"""WHOOP export (zip or folder): ``physiological_cycles.csv``, ``sleeps.csv``, ``workouts.csv``.

Read from ``physiological_cycles.csv`` (one row per cycle, i.e. per night + day):
``Heart rate variability (ms)`` → ``hrv_rmssd_ms`` (WHOOP HRV is RMSSD),
``Resting heart rate (bpm)`` → ``resting_hr``, ``Recovery score %`` → ``recovery``,
``Day Strain`` → ``strain``, ``Asleep duration (min)`` / 60 → ``sleep_hours``,
``Sleep efficiency %`` → ``sleep_efficiency``.

Day: the local date of ``Wake onset`` (the morning the recovery belongs to); without it,
the local date of ``Cycle start time`` + 12 h (a cycle starts at the evening's sleep onset).
Local time is the written time shifted by ``Cycle timezone`` (``UTC+01:00``): WHOOP's
documentation does not say whether the times are UTC, so if the written wake-up times sit
clearly closer to the morning (by more than 2 h on average) than the shifted ones, they
are read as local (with a warning). With small offsets both readings give the same days.

``sleeps.csv`` (when present) gives the night's sleep: the longest non-nap sleep per day
(``Nap`` true rows are never the night's sleep); the cycle's own columns fill any gaps.

``workouts.csv`` gives the load and action (``load``): each workout is placed on its
cycle's day (``Cycle start time``), its load is the zone TRIMP of ``Duration (min)`` and
``HR Zone 1 %`` … ``HR Zone 5 %``, its action from ``Activity name`` and zones. Days
without a workout have load 0 (REST). Without workouts, load comes from ``Day Strain``.
The current cycle (empty ``Cycle end time``) is not over: its load is only what is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import Context, offset_minutes
from periodization.ingest.csvtable import CsvTable, duration_hours, read_csv
from periodization.ingest.load import (
    daily_training,
    no_workouts,
    strain_load,
    workout_table,
)
from periodization.ingest.sources import Bundle, Member, fail

FORMAT = "whoop"
CYCLES_FILE, SLEEPS_FILE, WORKOUTS_FILE = "physiological_cycles.csv", "sleeps.csv", "workouts.csv"
MARKERS = frozenset({"cycle_start_time", "cycle_end_time", "cycle_timezone", "day_strain",
                     "recovery_score", "heart_rate_variability", "wake_onset",
                     "asleep_duration", "sleep_onset"})

CYCLE_START = ("cycle_start_time", "cycle_start", "start_time")
CYCLE_END = ("cycle_end_time", "cycle_end", "end_time")
TIMEZONE = ("cycle_timezone", "timezone", "time_zone")
WAKE = ("wake_onset", "wake_onset_time", "wake_time", "wakeup_time")
COLUMNS = {  # canonical column → accepted header keys (newest export first)
    "hrv_rmssd_ms": ("heart_rate_variability", "hrv", "hrv_rmssd"),
    "resting_hr": ("resting_heart_rate", "rhr"),
    "recovery": ("recovery_score", "recovery"),
    "strain": ("day_strain", "strain"),
    "sleep_efficiency": ("sleep_efficiency",),
}
ASLEEP = ("asleep_duration", "sleep_duration", "total_sleep_duration", "total_sleep")
NAP = ("nap", "is_nap")
MORNING, EVENING = 7.0, 23.0  # typical local hour of a wake-up and a cycle start
LOCAL_EVIDENCE_HOURS = 2.0  # how much closer to the morning written times must be to count as local


def _hour_distance(stamps: pd.Series, target: float) -> float:
    hours = (stamps.dt.hour + stamps.dt.minute / 60.0).to_numpy(dtype=np.float64)
    return float(np.nanmean(np.abs((hours - target + 12.0) % 24.0 - 12.0)))


class _Clock:
    """Decides once whether WHOOP times are UTC (shift by the timezone) or already local."""

    def __init__(self, table: CsvTable, ctx: Context) -> None:
        key = table.need(*CYCLE_START, what="Cycle start time")
        self.start = table.timestamps(key)
        wake_key = table.has(*WAKE)
        self.wake = (table.timestamps(wake_key)
                     if wake_key else pd.Series(pd.NaT, index=self.start.index))
        self.utc = True
        offsets = self.offsets(table)
        if table.has(*TIMEZONE) is None:
            ctx.warn(f"{table.where}: no 'Cycle timezone' column; times taken as local")
            self.utc = False
        elif self.wake.notna().any() or self.start.notna().any():
            use_wake = self.wake.notna().any()
            stamps, target = (self.wake, MORNING) if use_wake else (self.start, EVENING)
            shifted = stamps + pd.to_timedelta(offsets, unit="min")
            gain = _hour_distance(shifted, target) - _hour_distance(stamps, target)
            if gain > LOCAL_EVIDENCE_HOURS:
                self.utc = False
                ctx.warn(f"{table.where}: times look local already (wake-ups fall in the "
                         "morning as written); 'Cycle timezone' not applied")

    @staticmethod
    def offsets(table: CsvTable) -> np.ndarray:
        key = table.has(*TIMEZONE)
        if key is None:
            return np.zeros(len(table))
        return np.nan_to_num(offset_minutes(table.text(key)), nan=0.0)

    def local(self, stamps: pd.Series, table: CsvTable) -> pd.Series:
        if not self.utc:
            return stamps
        return stamps + pd.to_timedelta(self.offsets(table), unit="min")

    def days(self, table: CsvTable, wake: pd.Series, start: pd.Series) -> pd.Series:
        by_wake = self.local(wake, table).dt.normalize()
        by_start = (self.local(start, table) + pd.Timedelta(hours=12)).dt.normalize()
        return by_wake.fillna(by_start)


def _cycles(table: CsvTable, clock: _Clock, ctx: Context) -> pd.DataFrame:
    out = pd.DataFrame({"date": clock.days(table, clock.wake, clock.start)})
    found = 0
    for col, aliases in COLUMNS.items():
        key = table.has(*aliases)
        if key is not None:
            ctx.labels[col] = table.label(key)
            out[col] = table.numbers(key, ctx, col)
            found += 1
    asleep = table.has(*ASLEEP)
    if asleep is not None:
        ctx.labels["sleep_hours"] = table.label(asleep)
        minutes = table.numbers(asleep, ctx, "sleep_hours")
        out["sleep_hours"] = duration_hours(minutes, table.units[asleep], "min")
        found += 1
    if not found:
        raise fail(table.where, "none of the expected WHOOP columns (Heart rate variability "
                                "(ms), Resting heart rate (bpm), Recovery score %, Day Strain, "
                                "Asleep duration (min)) is present")
    end_key = table.has(*CYCLE_END)
    out["open"] = (table.text(end_key).str.strip() == "").to_numpy() if end_key else False
    out["cycle_start"] = table.text(table.need(*CYCLE_START)).str.strip().to_numpy()
    out["_rank"] = clock.start.to_numpy()
    return out


def _main_sleeps(member: Member, ctx: Context, clock: _Clock) -> pd.DataFrame:
    table = read_csv(member, ctx)
    start_key = table.has(*CYCLE_START)
    wake_key = table.need(*WAKE, what="Wake onset")
    wake = table.timestamps(wake_key)
    start = (table.timestamps(start_key)
             if start_key else wake)
    nap_key = table.has(*NAP)
    nap = (table.text(nap_key).str.lower().isin(["true", "1", "yes", "y"]).to_numpy()
           if nap_key else np.zeros(len(table), dtype=bool))
    asleep_key = table.need(*ASLEEP, what="Asleep duration (min)")
    minutes = table.numbers(asleep_key, ctx, "sleep_hours")
    sleeps = pd.DataFrame({
        "date": clock.days(table, wake, start),
        "sleep_hours": duration_hours(minutes, table.units[asleep_key], "min"),
    })
    eff_key = table.has(*COLUMNS["sleep_efficiency"])
    sleeps["sleep_efficiency"] = (table.numbers(eff_key, ctx, "sleep_efficiency")
                                  if eff_key else np.nan)
    if nap.any():
        ctx.warn(f"{int(nap.sum())} nap(s) in {SLEEPS_FILE} not counted as the night's sleep")
    sleeps = sleeps[~nap & sleeps["date"].notna()]
    sleeps = sleeps.sort_values("sleep_hours", kind="stable", na_position="first")
    return sleeps.drop_duplicates("date", keep="last").set_index("date")


def _workouts(member: Member, ctx: Context, clock: _Clock, cycle_days: dict[str, pd.Timestamp]
              ) -> pd.DataFrame | None:
    table = read_csv(member, ctx, allow_empty=True)
    if not len(table):
        return None
    cycle_key = table.has(*CYCLE_START)
    day = (table.text(cycle_key).str.strip().map(cycle_days) if cycle_key
           else pd.Series(pd.NaT, index=table.frame.index))
    start_key = table.has("workout_start_time", "workout_start", "start_time")
    if start_key is not None:
        start = table.timestamps(start_key)
        day = day.fillna(clock.local(start, table).dt.normalize())
    if day.isna().all():
        raise fail(table.where, "no workout can be placed on a day (missing 'Cycle start "
                                "time' and 'Workout start time')")
    dur_key = table.has("duration", "workout_duration")
    minutes = (duration_hours(table.numbers(dur_key, ctx, "load"),
                              table.units[dur_key], "min") * 60.0
               if dur_key else np.full(len(table), np.nan))
    zones = np.column_stack([
        table.numbers(key, ctx, "load") if (key := table.has(f"hr_zone_{i}"))
        else np.full(len(table), np.nan) for i in range(1, 6)])
    name_key = table.has("activity_name", "activity", "sport")
    names = table.text(name_key) if name_key else None
    workouts = workout_table(day, minutes, names, zones)
    return workouts[workouts["date"].notna()]


def read(bundle: Bundle, ctx: Context) -> pd.DataFrame:
    """Day rows (possibly repeated days) from a WHOOP export; see the module docstring."""
    member = bundle.find(CYCLES_FILE) or bundle.members[0]
    table = read_csv(member, ctx)
    clock = _Clock(table, ctx)
    days = _cycles(table, clock, ctx)
    sleeps_member = bundle.find(SLEEPS_FILE)
    if sleeps_member is not None:
        sleeps = _main_sleeps(sleeps_member, ctx, clock)
        for col in ("sleep_hours", "sleep_efficiency"):
            from_sleeps = days["date"].map(sleeps[col]).to_numpy(dtype=np.float64)
            current = days[col].to_numpy() if col in days else np.full(len(days), np.nan)
            days[col] = np.where(np.isnan(from_sleeps), current, from_sleeps)
    workouts_member = bundle.find(WORKOUTS_FILE)
    cycle_days = dict(zip(days["cycle_start"], days["date"], strict=True))
    workouts = (_workouts(workouts_member, ctx, clock, cycle_days)
                if workouts_member is not None else None)
    open_cycle = days["open"].to_numpy(dtype=bool)
    strain = days["strain"].to_numpy() if "strain" in days else np.full(len(days), np.nan)
    if workouts is not None and len(workouts):
        base = np.where(open_cycle, np.nan, 0.0)
        training = daily_training(workouts, days["date"], base)
    else:
        ctx.warn("no workouts in the export: load estimated from Day Strain")
        training = daily_training(no_workouts(), days["date"], strain_load(strain))
    days["load"] = training["load"].to_numpy()
    days["action"] = training["action"].to_numpy()
    return days.drop(columns=["open", "cycle_start"])

