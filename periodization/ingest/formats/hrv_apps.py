"""Morning-measurement HRV apps: HRV4Training and Elite HRV CSV exports (one row per
reading, taken on waking).

**HRV4Training** (``date``, ``HR``, ``AVNN``, ``SDNN``, ``rMSSD``, ``pNN50``, ``LF``,
``HF``, ``HRV4T_Recovery_Points``, ``sleep_time``, ``sleep_quality``, ``trainingTSS``,
``trainingRPE``, …; ``-`` is missing): ``rMSSD`` (ms) → ``hrv_rmssd_ms``, ``HR`` →
``resting_hr``, ``HRV4T_Recovery_Points`` (0–10) → ``recovery`` × 10, ``sleep_time`` →
``sleep_hours`` (hours, or minutes when values exceed 24), ``trainingTSS`` → ``load``.

**Elite HRV** (``Date Time Start``, ``Reading Type`` or ``Type``, ``Morning Readiness``, ``HR``,
``HRV``, ``lnRMSSD``, ``RMSSD``, ``SDNN``, …): only ``Morning Readiness`` readings when
the type is given; ``RMSSD`` (ms; else ``exp(lnRMSSD)``) → ``hrv_rmssd_ms``, ``HR`` →
``resting_hr``, ``Morning Readiness`` (1–10) → ``recovery`` × 10.

Scales are decided from the data (``score_scale``: every value ≤ 10 is a 10-point
scale). Several readings on one day: the earliest (the morning's) is used, in whatever
order the file lists them. Neither app
records sleep efficiency; training load only where HRV4Training has ``trainingTSS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.actions import day_action
from periodization.ingest.common import Context
from periodization.ingest.csvtable import CsvTable, parse_wall_clock, read_csv
from periodization.ingest.sources import Member, fail

HRV4T_FORMAT, ELITE_FORMAT = "hrv4training", "elite-hrv"
HRV4T_MARKERS = frozenset({"hrv4_t_recovery_points", "avnn", "r_mssd", "p_nn50", "lf", "hf",
                           "sleep_quality", "training_rpe", "mental_energy"})
ELITE_MARKERS = frozenset({"date_time_start", "reading_type", "morning_readiness",
                           "ln_rmssd", "position", "breathing_pattern"})
TEN_POINT_MAX = 10.0


def score_scale(values: np.ndarray, ctx: Context, name: str) -> np.ndarray:
    """A readiness-like score on 0–100: a column whose every value is ≤ 10 (over at least
    three days) is a 10-point scale and is multiplied by 10 (decided and recorded)."""
    known = values[np.isfinite(values)]
    if len(known) >= 3 and known.max() <= TEN_POINT_MAX:
        ctx.decide(f"{name}_scale", "0-10", f"all {len(known)} values ≤ 10",
                   changed=f"'{name}' is on a 0–10 scale: multiplied by 10 to read as a "
                           "0–100 recovery")
        return values * 10.0
    ctx.decide(f"{name}_scale", "0-100", f"{len(known)} values, max "
               f"{known.max() if len(known) else float('nan'):g}")
    return values


def _earliest_per_day(out: pd.DataFrame, table: CsvTable, key: str,
                      time_key: str | None = None) -> pd.DataFrame:
    """The earliest reading of each date wins (the morning's), wherever the file lists it:
    exports come newest first as well as oldest first. The time is ``key``'s own, or
    ``time_key``'s (a separate clock column, as HRV4Training writes) where ``key`` holds a
    date only. Readings without a readable time rank after the timed ones, in file order."""
    cells = table.frame[key].astype(str).str.strip()
    if time_key is not None:
        date_only = cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        cells = cells.where(~date_only, cells + " " + table.frame[time_key].astype(str))
    times = parse_wall_clock(cells, table.where, table.label(key), strict=False)
    stamp = times.to_numpy("datetime64[ns]")
    when = np.where(np.isnat(stamp), np.inf, stamp.view(np.int64).astype(np.float64))
    order = np.lexsort((np.arange(len(out)), when))
    rank = np.empty(len(out), dtype=np.int64)
    rank[order] = -np.arange(len(out))  # the merge keeps the highest rank of a date
    return out.assign(_rank=rank)


def _numbers(table: CsvTable, ctx: Context, col: str, *keys: str) -> np.ndarray:
    key = table.has(*keys)
    if key is None:
        return np.full(len(table), np.nan)
    ctx.labels[col] = table.label(key)
    return table.numbers(key, ctx, col)


def read_hrv4training(member: Member, ctx: Context) -> pd.DataFrame:
    table = read_csv(member, ctx)
    date_key = table.need("date", "timestamp_measurement", what="date")
    out = pd.DataFrame({"date": table.days(date_key)})
    out["hrv_rmssd_ms"] = _numbers(table, ctx, "hrv_rmssd_ms", "r_mssd", "rmssd")
    out["resting_hr"] = _numbers(table, ctx, "resting_hr", "hr", "heart_rate")
    out["recovery"] = score_scale(_numbers(table, ctx, "recovery", "hrv4_t_recovery_points"),
                                  ctx, "HRV4T_Recovery_Points")
    sleep = _numbers(table, ctx, "sleep_hours", "sleep_time")
    if np.isfinite(sleep).any():
        minutes = np.nanmax(sleep) > 24
        ctx.decide("sleep_time_unit", "min" if minutes else "h",
                   f"max sleep_time {np.nanmax(sleep):g}")
        out["sleep_hours"] = sleep / 60.0 if minutes else sleep
    load = _numbers(table, ctx, "load", "training_tss")
    out["load"] = load
    out["action"] = [day_action(np.empty(0), np.empty(0), x) for x in load]
    if not np.isfinite(load).any():
        ctx.warn("HRV4Training has no training load (trainingTSS empty): load unknown")
    ctx.warn("HRV4Training records no sleep efficiency: left missing")
    return _earliest_per_day(out, table, date_key, table.has("time"))


def read_elite(member: Member, ctx: Context) -> pd.DataFrame:
    table = read_csv(member, ctx)
    date_key = table.need("date_time_start", "date_time", "date", what="Date Time Start")
    type_key = table.has("reading_type", "type")  # "Reading Type", or "Type" in newer files
    if type_key is not None:
        morning = table.text(type_key).str.lower().str.contains("morning").to_numpy()
        if morning.any():
            if (~morning).any():
                ctx.warn(f"{int((~morning).sum())} reading(s) other than Morning Readiness "
                         "left out")
            table = table.subset(morning)
    out = pd.DataFrame({"date": table.days(date_key)})
    rmssd = _numbers(table, ctx, "hrv_rmssd_ms", "rmssd")
    ln = _numbers(table, ctx, "hrv_rmssd_ms", "ln_rmssd")
    if not np.isfinite(rmssd).any() and np.isfinite(ln).any():
        ctx.decide("hrv_source", "exp(lnRMSSD)", "no RMSSD column values")
        rmssd = np.exp(ln)
    if not np.isfinite(rmssd).any():
        raise fail(table.where, "no RMSSD or lnRMSSD values in this Elite HRV export")
    out["hrv_rmssd_ms"] = rmssd
    out["resting_hr"] = _numbers(table, ctx, "resting_hr", "hr", "heart_rate")
    out["recovery"] = score_scale(_numbers(table, ctx, "recovery", "morning_readiness"), ctx,
                                  "Morning Readiness")
    out["load"] = np.nan
    out["action"] = -1
    ctx.warn("Elite HRV has no sleep or training data: those are left missing")
    return _earliest_per_day(out, table, date_key)
