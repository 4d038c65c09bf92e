"""Apple Health ``export.xml`` (or the export zip), streamed (``xmlstream``).

The file is never loaded whole: each top-level element is handled when it ends and then
cleared, so memory stays flat however large the export is (a zip member is streamed).
Dates such as ``2024-03-01 23:10:00 +0100`` are local wall-clock times with their offset.

* ``HKQuantityTypeIdentifierHeartRateVariabilitySDNN`` (ms) → ``hrv_sdnn_ms``: Apple's HRV
  is **SDNN**, not RMSSD, so ``hrv_rmssd_ms`` stays empty and ``hrv_kind`` is 'sdnn'. Per
  local day the mean of the readings taken before noon (overnight/morning), else of all.
* ``HKQuantityTypeIdentifierRestingHeartRate`` (count/min) → ``resting_hr``, per day mean.
* ``HKCategoryTypeIdentifierSleepAnalysis`` → ``sleep_hours``, ``sleep_efficiency``
  (``apple_sleep``: asleep stages only, overlaps counted once, the night on its morning).
* ``<Workout>`` (``workoutActivityType``, ``duration``) → load (duration × rate of its
  action) and action, on the local date it starts. Two overlapping workouts from different
  sources (the watch and a phone app) are one workout: the watch's is kept.

For HRV and resting HR, a day's readings come from one source: a watch if any, else the
source with the most readings that day. Apple Health has no recovery score (left missing).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from zipfile import BadZipFile

import numpy as np
import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.common import Context, offset_minutes
from periodization.ingest.csvtable import parse_wall_clock
from periodization.ingest.formats.apple_sleep import is_watch, nights
from periodization.ingest.load import attach_training, no_workouts, workout_table
from periodization.ingest.sources import Member, fail
from periodization.ingest.xmlstream import iter_events

FORMAT = "apple-health"
HRV = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
RHR = "HKQuantityTypeIdentifierRestingHeartRate"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
WANTED = frozenset({HRV, RHR, SLEEP})
_MINUTES = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "h": 60.0, "hr": 60.0}


def _stream(member: Member) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(records, workouts) as attribute tuples; raises ``DataError`` on a broken file."""
    records: list[tuple[str, ...]] = []
    workouts: list[tuple[str, ...]] = []
    with member.open() as fh:
        try:
            root, depth = None, 0
            for event, elem in iter_events(fh, member.where):
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag != "HealthData":
                            tag = elem.tag.rpartition("}")[2]
                            raise fail(member.where, f"XML root is <{tag}>, not an Apple "
                                                     "Health export (<HealthData>)")
                    depth += 1
                    continue
                depth -= 1
                if depth != 1:
                    continue
                a = elem.attrib
                if elem.tag == "Record" and a.get("type") in WANTED:
                    records.append((a["type"], a.get("sourceName", ""), a.get("startDate", ""),
                                    a.get("endDate", ""), a.get("value", "")))
                elif elem.tag == "Workout":
                    workouts.append((a.get("workoutActivityType", ""), a.get("sourceName", ""),
                                     a.get("startDate", ""), a.get("endDate", ""),
                                     a.get("duration", ""), a.get("durationUnit", "min")))
                root.clear()
        except DataError:
            raise
        except ET.ParseError as exc:
            raise fail(member.where, f"malformed or truncated XML ({exc})") from None
        except (LookupError, UnicodeError, ValueError) as exc:
            raise fail(member.where, f"unreadable XML ({exc})") from None
        except (BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise fail(member.where, f"corrupt data while reading ({exc})") from None
    return records, workouts


def _times(frame: pd.DataFrame, column: str, ctx: Context, where: str) -> pd.DataFrame:
    """Adds ``<column>_local`` (wall clock) and ``<column>_utc``; drops unreadable rows."""
    local = parse_wall_clock(frame[column], where, column, strict=False)
    offset = pd.to_timedelta(np.nan_to_num(offset_minutes(frame[column])), unit="min")
    frame = frame.assign(**{f"{column}_local": local, f"{column}_utc": local - offset,
                            f"{column}_offset": offset})
    bad = local.isna()
    if bad.any():
        ctx.exclude("date", bad.sum(), f"{int(bad.sum())} record(s) with an unreadable "
                                       f"{column} skipped")
    return frame[~bad]


def _one_source_per_day(rows: pd.DataFrame) -> pd.DataFrame:
    counts = rows.groupby(["date", "source"]).size().rename("n").reset_index()
    counts["watch"] = counts["source"].map(is_watch)
    best = counts.sort_values(["date", "watch", "n", "source"], ascending=[True, False, False,
                                                                           True])
    chosen = best.drop_duplicates("date")[["date", "source"]]
    return rows.merge(chosen, on=["date", "source"])


def _daily_quantity(records: pd.DataFrame, kind: str, morning_only: bool) -> pd.Series:
    rows = records[records["type"] == kind].copy()
    rows["number"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows[rows["number"].notna()]
    if rows.empty:
        return pd.Series(dtype=np.float64)
    rows["date"] = rows["startDate_local"].dt.normalize()
    rows = _one_source_per_day(rows)
    if morning_only:
        morning = rows["startDate_local"].dt.hour < 12
        has_morning = morning.groupby(rows["date"]).transform("any")
        rows = rows[morning | ~has_morning]
    return rows.groupby("date")["number"].mean()


def _dedupe_workouts(w: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Overlapping workouts from different sources are one: keep the watch's (or longest)."""
    w = w.sort_values("startDate_utc", kind="stable").reset_index(drop=True)
    start = w["startDate_utc"].to_numpy(np.int64)
    end = np.maximum(w["endDate_utc"].to_numpy(np.int64), start)
    cluster = np.zeros(len(w), dtype=np.int64)
    reach = np.maximum.accumulate(end)
    if len(w) > 1:
        cluster[1:] = np.cumsum(start[1:] >= reach[:-1])
    w["cluster"], w["watch"] = cluster, w["source"].map(is_watch)
    rank = w.groupby(["cluster", "source"])["minutes"].sum().rename("total").reset_index()
    rank["watch"] = rank["source"].map(is_watch)
    best = rank.sort_values(["cluster", "watch", "total"], ascending=[True, False, False])
    keep = best.drop_duplicates("cluster")[["cluster", "source"]]
    kept = w.merge(keep, on=["cluster", "source"])
    return kept, len(w) - len(kept)


def _workouts(rows: list[tuple[str, ...]], ctx: Context, where: str) -> pd.DataFrame:
    cols = ["name", "source", "startDate", "endDate", "duration", "unit"]
    w = pd.DataFrame(rows, columns=cols)
    w = _times(_times(w, "startDate", ctx, where), "endDate", ctx, where)
    factor = w["unit"].str.lower().map(_MINUTES).fillna(1.0)
    minutes = pd.to_numeric(w["duration"], errors="coerce") * factor
    span = (w["endDate_utc"] - w["startDate_utc"]).dt.total_seconds() / 60.0
    w["minutes"] = minutes.fillna(span)
    w, duplicates = _dedupe_workouts(w)
    if duplicates:
        ctx.warn(f"{duplicates} workout(s) recorded twice by different sources counted once")
    return workout_table(w["startDate_local"].dt.normalize(), w["minutes"].to_numpy(),
                         w["name"])


def read(member: Member, ctx: Context) -> pd.DataFrame:
    """Day rows from an Apple Health export (see the module docstring)."""
    raw, raw_workouts = _stream(member)
    if not raw:
        raise fail(member.where, "no heart rate variability, resting heart rate or sleep "
                                 "records in this Apple Health export")
    return build_days(raw, raw_workouts, ctx, member.where)


def build_days(raw: list[tuple[str, ...]], raw_workouts: list[tuple[str, ...]], ctx: Context,
               where: str) -> pd.DataFrame:
    """Day rows from Apple Health records ``(type, source, startDate, endDate, value)`` and
    workouts ``(activity type, source, startDate, endDate, duration, unit)``, whatever
    file they came from (``export.xml`` or per-type CSVs)."""
    records = pd.DataFrame(raw, columns=["type", "source", "startDate", "endDate", "value"])
    records = _times(_times(records, "startDate", ctx, where), "endDate", ctx, where)
    hrv = _daily_quantity(records, HRV, morning_only=True)
    rhr = _daily_quantity(records, RHR, morning_only=False)
    sleep_rows = records[records["type"] == SLEEP]
    sleep, naps = nights(pd.DataFrame({
        "source": sleep_rows["source"], "value": sleep_rows["value"],
        "start": sleep_rows["startDate_utc"], "end": sleep_rows["endDate_utc"],
        "offset": sleep_rows["endDate_offset"]}))
    if naps:
        ctx.warn(f"{naps} nap(s) or shorter sleep session(s) not counted as the night's sleep")
    workouts = _workouts(raw_workouts, ctx, where) if raw_workouts else no_workouts()
    days = pd.concat([hrv.index.to_series(), rhr.index.to_series(), sleep["date"],
                      workouts["date"]]).dropna().astype("datetime64[ns]")
    out = pd.DataFrame({"date": np.unique(days.to_numpy())})
    out["hrv_sdnn_ms"] = out["date"].map(hrv).astype(np.float64)
    out["resting_hr"] = out["date"].map(rhr).astype(np.float64)
    for col in ("sleep_hours", "sleep_efficiency"):
        out[col] = out["date"].map(sleep.set_index("date")[col]).astype(np.float64)
    attach_training(out, workouts, listed=bool(len(workouts)), warn=ctx.warn,
                    unlisted="no workouts in the export: load and action unknown")
    ctx.hrv_kind = "sdnn"
    ctx.labels.update(hrv_sdnn_ms=HRV, resting_hr=RHR)
    ctx.warn("Apple Health HRV is SDNN, not RMSSD: kept in hrv_sdnn_ms, hrv_rmssd_ms left "
             "missing")
    ctx.warn("Apple Health has no recovery score: recovery left missing")
    return out
