"""WHOOP export (zip or folder): ``physiological_cycles.csv``, ``sleeps.csv``, ``workouts.csv``.

Read from ``physiological_cycles.csv`` (one row per cycle, i.e. per night + day):
``Heart rate variability (ms)`` → ``hrv_rmssd_ms`` (WHOOP HRV is RMSSD),
``Resting heart rate (bpm)`` → ``resting_hr``, ``Recovery score %`` → ``recovery``,
``Day Strain`` → ``strain``, ``Asleep duration (min)`` / 60 → ``sleep_hours``,
``Sleep efficiency %`` → ``sleep_efficiency``.

Day: the local date of ``Wake onset`` (the morning the recovery belongs to); without it,
the local date of ``Cycle start time`` + 12 h (a cycle starts at the evening's sleep onset).
Local time is the written time, or the written time shifted by ``Cycle timezone``
(``UTC+01:00``), whichever puts the middle of the nights' sleep nearer 04:00 (``_Clock``;
recorded in ``decisions['time_convention']``).

``sleeps.csv`` (when present) gives the night's sleep: the longest non-nap sleep per day
(``Nap`` true rows are never the night's sleep); the cycle's own columns fill any gaps.
A cycle whose only sleep is a nap is not a morning: its recovery, HRV and resting HR are
dropped and the night's cycle of that date is the morning.

``workouts.csv`` gives the load and action (``load``): each workout is placed on its
cycle's day (``Cycle start time``), its load is the zone TRIMP of ``Duration (min)`` and
``HR Zone 1 %`` … ``HR Zone 5 %``, its action from ``Activity name`` and zones. Days
without a workout have load 0 (REST). Without workouts, a day in WHOOP's light strain
band (< 10) is a rest day and the others' load comes from ``Day Strain``.
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
ONSET = ("sleep_onset", "sleep_onset_time", "sleep_start")
COLUMNS = {  # canonical column → accepted header keys (newest export first)
    "hrv_rmssd_ms": ("heart_rate_variability", "hrv", "hrv_rmssd"),
    "resting_hr": ("resting_heart_rate", "rhr"),
    "recovery": ("recovery_score", "recovery"),
    "strain": ("day_strain", "strain"),
    "sleep_efficiency": ("sleep_efficiency",),
}
ASLEEP = ("asleep_duration", "sleep_duration", "total_sleep_duration", "total_sleep")
NAP = ("nap", "is_nap")
TYPICAL_MIDSLEEP = 4.0  # local hour of the middle of a night's sleep (late types ~5–6)
LOCAL_EVIDENCE_HOURS = 1.0  # how much closer to it the written times must be to count as local
LIGHT_STRAIN = 10.0  # WHOOP's "light" band is 0–9.9: a day without training


def _midsleep_distance(onset: pd.Series, wake: pd.Series) -> float:
    """Mean circular distance (h) of the sleep midpoints from ``TYPICAL_MIDSLEEP``."""
    mid = onset + (wake - onset) / 2
    hours = (mid.dt.hour + mid.dt.minute / 60.0).to_numpy(dtype=np.float64)
    ok = np.isfinite(hours) & ((wake - onset).dt.total_seconds().to_numpy() > 0)
    if not ok.any():
        return np.nan
    return float(np.mean(np.abs((hours[ok] - TYPICAL_MIDSLEEP + 12.0) % 24.0 - 12.0)))


class _Clock:
    """Decides once whether WHOOP times are UTC (shift by the timezone) or already local.

    The export does not say. The convention is chosen by where the nights fall under each
    reading: the middle of a night's sleep (halfway from ``Sleep onset`` to ``Wake
    onset``) lies near 04:00 local for most people, 05:00–06:00 for late sleepers. The
    times are read as written (local) when that puts the midpoints at least
    ``LOCAL_EVIDENCE_HOURS`` closer to 04:00 on average than shifting them by ``Cycle
    timezone`` does; otherwise they are shifted (UTC: with a small offset both readings
    give the same dates). Both distances are in ``decisions['time_convention']``.
    """

    def __init__(self, table: CsvTable, ctx: Context) -> None:
        key = table.need(*CYCLE_START, what="Cycle start time")
        self.start = table.timestamps(key)
        wake_key = table.has(*WAKE)
        self.wake = (table.timestamps(wake_key)
                     if wake_key else pd.Series(pd.NaT, index=self.start.index))
        onset_key = table.has(*ONSET)
        onset = table.timestamps(onset_key) if onset_key else self.start
        self.utc = True
        if table.has(*TIMEZONE) is None:
            self.utc = False
            ctx.decide("time_convention", "local", "no 'Cycle timezone' column",
                       changed=f"{table.where}: no 'Cycle timezone' column; times taken as "
                               "local")
            return
        shift = pd.to_timedelta(self.offsets(table), unit="min")
        as_written = _midsleep_distance(onset, self.wake)
        shifted = _midsleep_distance(onset + shift, self.wake + shift)
        evidence = (f"sleep midpoints {as_written:.1f} h from 04:00 as written, "
                    f"{shifted:.1f} h shifted by 'Cycle timezone'")
        if as_written + LOCAL_EVIDENCE_HOURS < shifted:
            self.utc = False
            ctx.decide("time_convention", "local", evidence,
                       changed=f"{table.where}: times look local already ({evidence}); "
                               "'Cycle timezone' not applied")
        else:
            ctx.decide("time_convention", "utc", evidence)

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


def _main_sleeps(member: Member, ctx: Context, clock: _Clock
                 ) -> tuple[pd.DataFrame, set[str]]:
    """(the night's sleep per day, the ``Cycle start time`` of cycles whose only sleep is
    a nap). A nap never stands for the night."""
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
    nap_cycles: set[str] = set()
    if start_key is not None:
        cycle = table.text(start_key).str.strip()
        night = pd.Series(~nap).groupby(cycle.to_numpy()).any()
        nap_cycles = set(night.index[~night.to_numpy()])
    if nap.any():
        ctx.warn(f"{int(nap.sum())} nap(s) in {SLEEPS_FILE} not counted as the night's sleep")
    sleeps = sleeps[~nap & sleeps["date"].notna()]
    sleeps = sleeps.sort_values("sleep_hours", kind="stable", na_position="first")
    return sleeps.drop_duplicates("date", keep="last").set_index("date"), nap_cycles


def _drop_nap_cycles(days: pd.DataFrame, nap_cycles: set[str], ctx: Context) -> pd.DataFrame:
    """A cycle that began with a nap is not a morning: its readings are dropped and it
    ranks below the night's cycle of the same date (its strain and workouts still count)."""
    is_nap = days["cycle_start"].isin(nap_cycles).to_numpy()
    if not is_nap.any():
        return days
    readings = [c for c in ("hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours",
                            "sleep_efficiency") if c in days.columns]
    days.loc[is_nap, readings] = np.nan
    rank = days["_rank"].astype("int64").to_numpy()
    days["_rank"] = np.where(is_nap, rank - 2**62, rank)  # below every night's cycle
    ctx.warn(f"{int(is_nap.sum())} cycle(s) began with a nap: their recovery, HRV and "
             "resting HR are not a morning's and were left out")
    return days


def _strain_training(days: pd.DataFrame, strain: np.ndarray, ctx: Context) -> pd.DataFrame:
    """Load and action from ``Day Strain`` when the export has no workouts.

    Day strain includes ordinary daily life (a day without training scores ~4–9), so
    converting every day's strain into load makes every day a training day. A day in
    WHOOP's light band (strain < ``LIGHT_STRAIN``) is counted as a rest day (load 0,
    REST); a harder day's load is ``strain_load`` and its action is unknown.
    """
    light = strain < LIGHT_STRAIN
    known = np.isfinite(strain)
    base = np.where(light, 0.0, strain_load(strain))
    ctx.decide("load_source", "day_strain",
               f"no workouts; {int((light & known).sum())} of {int(known.sum())} days "
               f"under strain {LIGHT_STRAIN:g} counted as rest",
               changed="no workouts in the export: days with Day Strain under "
                       f"{LIGHT_STRAIN:g} (WHOOP's light band) counted as rest days, load "
                       "of the others estimated from Day Strain")
    return daily_training(no_workouts(), days["date"], base)


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
        sleeps, nap_cycles = _main_sleeps(sleeps_member, ctx, clock)
        days = _drop_nap_cycles(days, nap_cycles, ctx)
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
        ctx.decide("load_source", "workouts", f"{len(workouts)} workout(s) in {WORKOUTS_FILE}")
    else:
        training = _strain_training(days, strain, ctx)
    days["load"] = training["load"].to_numpy()
    days["action"] = training["action"].to_numpy()
    return days.drop(columns=["open", "cycle_start"])
