"""Garmin FIT files (a device's monitoring, sleep and HRV files, and activities; also
COROS and other FIT writers' activities), read with ``fitdecode`` (the ``fit`` extra).

Messages used (FIT profile names; timestamps are UTC):

* ``hrv_status_summary.last_night_average`` (overnight RMSSD, ms) → ``hrv_rmssd_ms`` on
  the local date of its timestamp (the morning it is computed);
* ``monitoring_hr_data.resting_heart_rate`` (else ``current_day_resting_heart_rate``)
  → ``resting_hr`` on its local date;
* ``sleep_level`` (light, deep, rem = asleep; awake; unmeasurable): each level lasts
  until the next message; a night is a file's run of messages without a gap over 4 h,
  dated by the local date it ends on. ``sleep_hours`` = time asleep, ``sleep_efficiency`` = 100 ·
  asleep / the night's span; the longest run of a date is the night, others naps;
* ``session`` (``sport`` and ``sub_sport``, ``start_time``, ``total_timer_time`` s,
  ``time_in_hr_zone`` s per zone, index 0 below zone 1) → load (zone TRIMP) and action.

Local time: each file's ``monitoring_info.local_timestamp`` − ``timestamp`` (else
``device_settings.time_zone_offset``) gives the offset; without either the date is the
UTC date (``decisions['time_convention']``). FIT has no recovery score.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.common import Context
from periodization.ingest.load import attach_training, no_workouts, workout_table
from periodization.ingest.sources import Member, fail

FORMAT = "garmin-fit"
EXTRA = "fit"
MAX_FIT_BYTES = 64 * 1024 * 1024
# fitdecode decodes every record (header, definition, data, CRC) in Python, ~40-60 µs
# each on a slow core, so 64 MB of 6-byte records would take minutes; a day of 1-second
# data messages is 86 400 records and a 48-hour ultra ~175 000, so a file with more is
# not a device's and is refused (per file: an export of many files is bounded by its size)
MAX_FIT_MESSAGES = 500_000
ASLEEP = frozenset({"light", "deep", "rem"})
NIGHT_GAP = pd.Timedelta(hours=4)  # within a file; each sleep file is one night
WANTED = frozenset({"hrv_status_summary", "monitoring_hr_data", "sleep_level", "session",
                    "monitoring_info", "device_settings"})


def is_fit(head: bytes) -> bool:
    return len(head) >= 12 and head[8:12] == b".FIT"


def _fitdecode():
    try:
        import fitdecode
    except ImportError:
        raise DataError("reading FIT files needs the 'fit' extra: pip install "
                        "'periodization[fit]' (it installs fitdecode)") from None
    return fitdecode


def _utc(value) -> pd.Timestamp:
    return pd.Timestamp(value).tz_convert(None) if getattr(value, "tzinfo", None) else (
        pd.Timestamp(value) if value is not None else pd.NaT)


def _messages(member: Member) -> list[tuple[str, dict]]:
    fitdecode = _fitdecode()
    data = member.read_bytes(MAX_FIT_BYTES)
    out = []
    try:
        # a CRC mismatch is damage: refused, never read as if it were data
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE,
                                 error_handling=fitdecode.ErrorHandling.RAISE) as reader:
            for seen, frame in enumerate(reader, start=1):
                # every record counts (a definition costs as much to decode as data)
                if seen > MAX_FIT_MESSAGES:
                    raise fail(member.where, f"more than {MAX_FIT_MESSAGES:,} records in one "
                                             "FIT file; a device's file holds far fewer")
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name in WANTED:
                    out.append((frame.name, {f.name: f.value for f in frame.fields}))
    except DataError:
        raise
    except (fitdecode.FitError, AssertionError, ValueError, KeyError, IndexError, TypeError,
            struct.error, OverflowError) as exc:  # fitdecode asserts on some damage
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise fail(member.where, f"corrupt FIT file ({reason})") from None
    return out


def _offset(messages: list[tuple[str, dict]]) -> pd.Timedelta | None:
    for name, f in messages:
        if name == "monitoring_info" and f.get("local_timestamp") and f.get("timestamp"):
            return (_utc(f["local_timestamp"]) - _utc(f["timestamp"])).round("15min")
    for name, f in messages:
        if name == "device_settings" and f.get("time_zone_offset") is not None:
            offset = f["time_zone_offset"]
            offset = offset[0] if isinstance(offset, tuple | list) else offset
            return pd.Timedelta(hours=float(offset))
    return None


def _nights(levels: list[tuple[pd.Timestamp, str]]) -> list[dict]:
    """Runs of ``sleep_level`` messages → ``{date, asleep_h, span_h}`` (local times)."""
    levels = sorted(levels)
    out, run = [], []
    for t, level in levels:
        if run and t - run[-1][0] > NIGHT_GAP:
            out.append(run)
            run = []
        run.append((t, level))
    if run:
        out.append(run)
    nights = []
    for run in out:
        if len(run) < 2:
            continue
        asleep = sum((run[i + 1][0] - run[i][0]).total_seconds() for i in range(len(run) - 1)
                     if run[i][1] in ASLEEP)
        span = (run[-1][0] - run[0][0]).total_seconds()
        nights.append({"date": run[-1][0].normalize(), "asleep_h": asleep / 3600,
                       "span_h": span / 3600})
    return nights


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from FIT files (see the module docstring)."""
    hrv, rhr, nights_found, sessions, no_offset = {}, {}, [], [], 0
    for member in sorted(members, key=lambda m: m.name):
        messages = _messages(member)
        offset = _offset(messages)
        if offset is None:
            no_offset += 1
            offset = pd.Timedelta(0)
        levels = []
        for name, f in messages:
            stamp = _utc(f.get("timestamp")) + offset if f.get("timestamp") else pd.NaT
            if name == "hrv_status_summary" and pd.notna(stamp):
                hrv[stamp.normalize()] = float(f.get("last_night_average") or np.nan)
            elif name == "monitoring_hr_data" and pd.notna(stamp):
                value = f.get("resting_heart_rate") or f.get("current_day_resting_heart_rate")
                if value:
                    rhr[stamp.normalize()] = float(value)
            elif name == "sleep_level" and pd.notna(stamp):
                levels.append((stamp, str(f.get("sleep_level"))))
            elif name == "session" and f.get("start_time") is not None:
                sessions.append((_utc(f["start_time"]) + offset, f))
        nights_found.extend(_nights(levels))
    ctx.decide("time_convention", "utc" if no_offset else "local",
               f"{no_offset} of {len(members)} FIT file(s) without a local-time offset",
               changed=(f"{no_offset} FIT file(s) say nothing of local time: their days are "
                        "UTC dates") if no_offset else None)
    nights = pd.DataFrame(nights_found, columns=["date", "asleep_h", "span_h"])
    if len(nights):
        nights = nights.sort_values(["date", "asleep_h"]).drop_duplicates("date", keep="last")
    if not hrv and not rhr and not len(nights):
        raise fail(ctx.where, "no HRV status, resting heart rate or sleep messages in these "
                              "FIT files (activities alone have no morning readings)")
    workouts = _sessions(sessions)
    index = pd.DatetimeIndex(sorted(set(hrv) | set(rhr) | set(nights["date"])
                                    | set(workouts["date"])))
    out = pd.DataFrame({"date": index})
    out["hrv_rmssd_ms"] = out["date"].map(pd.Series(hrv, dtype=np.float64))
    out["resting_hr"] = out["date"].map(pd.Series(rhr, dtype=np.float64))
    by_date = nights.set_index("date")
    out["sleep_hours"] = out["date"].map(by_date["asleep_h"]).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sleep_efficiency"] = 100 * out["sleep_hours"] / out["date"].map(
            by_date["span_h"]).astype(np.float64)
    attach_training(out, workouts, listed=sessions, warn=ctx.warn,
                    unlisted="no activity sessions in these FIT files: load and action unknown")
    ctx.warn("FIT files hold no recovery score: recovery left missing")
    return out


def _sessions(sessions: list[tuple[pd.Timestamp, dict]]) -> pd.DataFrame:
    if not sessions:
        return no_workouts()
    minutes = np.array([float(f.get("total_timer_time") or f.get("total_elapsed_time") or np.nan)
                        / 60 for _, f in sessions])
    zones = np.full((len(sessions), 5), np.nan)
    for i, (_, f) in enumerate(sessions):
        z = f.get("time_in_hr_zone")
        if isinstance(z, tuple | list) and len(z) >= 6 and minutes[i] > 0:
            zones[i] = [100 * float(s or 0) / (minutes[i] * 60) for s in z[1:6]]
    names = pd.Series([f"{f.get('sport') or ''} {f.get('sub_sport') or ''}".replace(
        "generic", "").strip() for _, f in sessions])
    days = pd.Series([t.normalize() for t, _ in sessions])
    return workout_table(days, minutes, names, zones)
