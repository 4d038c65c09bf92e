"""The Polar Flow account export (``polar-user-data-export*.zip``: one JSON file per
record kind), found by name wherever the files sit.

* ``nightly_recovery_*.json`` (Nightly Recharge, one record per ``night``):
  ``meanNightlyRecoveryRmssd`` (ms) → ``hrv_rmssd_ms``; ``meanNightlyRecoveryRri`` (mean
  beat-to-beat interval of the first hours of sleep, ms) → ``resting_hr`` = 60 000 / RRI.
  Keys are matched without regard to case: the account export spells them ``…Rmssd`` /
  ``…Rri``, Polar's own data classes and older files ``…RMSSD`` / ``…RRI``
  (Polar exports no resting HR as such: an approximation); the Nightly Recharge status
  ``recoveryIndicator`` (1–6) → ``recovery`` = (status − 1) · 20, else the ANS charge
  ``ansStatus`` (−10…+10) → (charge + 10) · 5.
* ``sleep_result_*.json`` (``night``, ``evaluation.asleepDuration`` / ``sleepSpan`` as
  ISO 8601 durations, ``evaluation.analysis.efficiencyPercent``, hypnogram
  ``sleepStart``/``sleepEnd``) → ``sleep_hours``, ``sleep_efficiency``.
* ``training-session-*.json`` (``exercises``: ``startTime`` in UTC with
  ``timezoneOffset`` minutes, ``duration`` ISO 8601, ``sport``, optional
  ``zones.heart_rate[].inZone``) → load and action.

Which morning a ``night`` is: Polar names a night by the date it began on or the date it
ended on depending on the file's vintage; it is decided from the hypnogram (the date
``sleepEnd`` falls on) and recorded in ``decisions['night_date']``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.jsonfile import dig, load_json, number, records, stamp
from periodization.ingest.load import attach_training, no_workouts, workout_table
from periodization.ingest.sources import Member, fail

FORMAT = "polar"
SNIFF = (b'"meanNightlyRecoveryRmssd"', b'"meanNightlyRecoveryRMSSD"', b'"exercises"',
         b'"sleepScoreResult"', b'"evaluation"')
_ISO = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")


def kind_of(member: Member) -> str | None:
    name = member.basename
    if not name.endswith(".json"):
        return None
    if name.startswith("nightly_recovery") and "blob" not in name:
        return "recovery"
    if name.startswith("sleep_result"):
        return "sleep"
    if name.startswith("training-session"):
        return "training"
    if name.startswith("account-data"):
        return "account"  # the profile: claimed, not read
    return None


def iso_minutes(text) -> float:
    """``PT7H20M30S`` → 440.5 (NaN when not an ISO 8601 duration)."""
    m = _ISO.match(str(text or "").strip())
    if not m or not any(m.groups()):
        return float("nan")
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return d * 1440 + h * 60 + mi + s / 60


def _day(text) -> pd.Timestamp:
    return stamp(str(text or "")[:10])


def _night_shift(rows: list[dict], ctx: Context) -> pd.Timedelta:
    """0 days when ``night`` is the morning's date, 1 when it is the evening's."""
    ends = [(_day(r.get("night")), _day(dig(r, "sleepResult", "hypnogram", "sleepEnd")))
            for r in rows]
    pairs = [(a, b) for a, b in ends if pd.notna(a) and pd.notna(b)]
    later = sum((b - a).days == 1 for a, b in pairs)
    shift = pd.Timedelta(days=1 if pairs and later > len(pairs) / 2 else 0)
    ctx.decide("night_date", "evening" if shift.days else "morning",
               f"sleep ends the day after 'night' on {later} of {len(pairs)} nights")
    return shift


def _training(rows: list[dict]) -> pd.DataFrame:
    exercises = [e for r in rows for e in (r.get("exercises") or []) if isinstance(e, dict)]
    if not exercises:
        return no_workouts()
    start = pd.to_datetime(pd.Series([str(e.get("startTime") or "")[:19] for e in exercises]),
                           format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    offset = pd.to_timedelta([np.nan_to_num(number(e.get("timezoneOffset"))) for e in exercises],
                             unit="min")
    minutes = np.array([iso_minutes(e.get("duration")) for e in exercises])
    zones = np.full((len(exercises), 5), np.nan)
    for i, e in enumerate(exercises):
        listed = dig(e, "zones", "heart_rate") or []
        if len(listed) >= 5 and minutes[i] > 0:
            zones[i] = [100 * np.nan_to_num(iso_minutes(z.get("inZone"))) / minutes[i]
                        for z in listed[:5]]
    names = pd.Series([str(e.get("sport") or "") for e in exercises])
    workouts = workout_table((start + offset).dt.normalize(), minutes, names, zones)
    return workouts[workouts["date"].notna()]


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from a Polar Flow export (see the module docstring)."""
    docs: dict[str, list[dict]] = {}
    for member in sorted(members, key=lambda m: m.name):
        kind = kind_of(member)
        if kind not in (None, "account"):
            doc = load_json(member)
            rows = [doc] if kind == "training" and isinstance(doc, dict) else records(
                doc, member.where)
            docs.setdefault(kind, []).extend(rows)
    sleep_rows = docs.get("sleep", [])
    shift = _night_shift(sleep_rows, ctx) if sleep_rows else pd.Timedelta(0)
    nights: dict[pd.Timestamp, dict] = {}
    for r in docs.get("recovery", []):
        day = _day(r.get("night"))
        if pd.isna(day):
            continue
        key = {k.lower(): k for k in r if isinstance(k, str)}  # one spelling per file
        rri = number(r.get(key.get("meannightlyrecoveryrri")))
        status, charge = number(r.get("recoveryIndicator")), number(r.get("ansStatus"))
        recovery = ((status - 1) * 20 if np.isfinite(status) else (charge + 10) * 5)
        nights.setdefault(day + shift, {}).update(
            hrv_rmssd_ms=number(r.get(key.get("meannightlyrecoveryrmssd"))),
            resting_hr=60_000.0 / rri if rri > 0 else np.nan, recovery=recovery)
    for r in sleep_rows:
        day = _day(r.get("night"))
        if pd.isna(day):
            continue
        asleep = iso_minutes(dig(r, "evaluation", "asleepDuration"))
        span = iso_minutes(dig(r, "evaluation", "sleepSpan"))
        eff = number(dig(r, "evaluation", "analysis", "efficiencyPercent"))
        if not np.isfinite(eff) and span > 0:
            eff = 100 * asleep / span
        nights.setdefault(day + shift, {}).update(sleep_hours=asleep / 60, sleep_efficiency=eff)
    if not nights:
        raise fail(ctx.where, "no Polar Nightly Recharge or sleep records (nightly_recovery_*"
                              ".json, sleep_result_*.json)")
    workouts = _training(docs.get("training", []))
    out = pd.DataFrame.from_dict(nights, orient="index").rename_axis("date").reset_index()
    extra = pd.DatetimeIndex(workouts["date"].unique()).difference(pd.DatetimeIndex(out["date"]))
    out = pd.concat([out, pd.DataFrame({"date": extra})], ignore_index=True)
    attach_training(out, workouts, listed="training" in docs, warn=ctx.warn,
                    unlisted="no Polar training sessions: load and action unknown")
    if "recovery" in docs:
        ctx.warn("Polar exports no resting HR: the mean heart rate of the first hours of "
                 "sleep (60 000 / meanNightlyRecoveryRri) stands in for it")
    return out
