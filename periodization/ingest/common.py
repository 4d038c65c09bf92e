"""What every importer shares: the result type, time parsing and the final clean-up.

``finish`` turns an importer's day rows into the canonical table (``schema``): it drops
rows without a date and rows dated outside ``MIN_DATE``..today+2 (counted in
``excluded['date']``; if none is left that is a ``DataError``), excludes implausible values
(``schema.PLAUSIBLE_RANGE``; a column whose every value is implausible is a ``DataError``,
a few are set missing and counted), merges days that appear more than once (the
highest-ranked row wins, gaps are filled from the others; a warning counts them and any
conflicts) and checks that some wearable value is left.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from periodization.ingest import schema
from periodization.ingest.sources import fail

MIN_DATE = pd.Timestamp("1990-01-01")
TOO_EARLY, TOO_LATE = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-10")  # csvtable
FUTURE_SLACK_DAYS = 2  # a local date may run ahead of this machine's clock

# Apple's SDNN is not in the canonical schema's ranges; it is held to the RMSSD range.
HRV_SDNN_RANGE = schema.PLAUSIBLE_RANGE["hrv_rmssd_ms"]
CANONICAL = ("athlete_id", "date", "hrv_rmssd_ms", "resting_hr", "sleep_hours",
             "sleep_efficiency", "recovery", "strain", "load", "action")
OPTIONAL = ("atl", "ctl", "hrv_sdnn_ms")
WEARABLE = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery",
            "hrv_sdnn_ms")
UNITS = {"hrv_rmssd_ms": "ms", "hrv_sdnn_ms": "ms", "resting_hr": "bpm", "sleep_hours": "h",
         "sleep_efficiency": "%", "recovery": "", "strain": "", "load": "", "atl": "",
         "ctl": ""}

# at most 3 spaces after "UTC": an unbounded \s* rescans a long run of blanks from each
# of its positions (a cell of 20 000 spaces took 5 s)
_OFFSET = re.compile(r"(?:UTC|GMT)?\s{0,3}([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportResult:
    """One athlete's wearable export in the canonical daily schema.

    ``table``: ``athlete_id, date, hrv_rmssd_ms, resting_hr, sleep_hours,
    sleep_efficiency, recovery, strain, load, action`` (+ ``atl, ctl, hrv_sdnn_ms`` when
    the format has them); one row per calendar day, sorted; unknown values NaN, unknown
    action −1. ``excluded``: column → values dropped as implausible or unreadable.
    ``hrv_kind``: 'rmssd', 'sdnn' or 'none'. ``decisions``: what the importer decided
    from the data (units, scales, time convention, HRV kind, …): name → ``{"chosen",
    "evidence"}``, JSON-able; it reaches ``recommend --json`` under ``source``.
    """

    table: pd.DataFrame
    source_format: str
    path: str
    warnings: list[str]
    excluded: dict[str, int]
    hrv_kind: str
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Context:
    """Book-keeping an importer fills while it reads."""

    where: str
    source_format: str
    athlete_id: str
    warnings: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    hrv_kind: str = "rmssd"
    labels: dict[str, str] = field(default_factory=dict)  # canonical column → source name
    merge_rule: str = "the latest record wins, gaps are filled from the others"
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def decide(self, name: str, chosen: Any, evidence: str, *,
               changed: str | None = None) -> None:
        """Record a decision taken from the data (``decisions``); ``changed``: a warning
        to give because the decision changed how the file is read from the default."""
        self.decisions[name] = {"chosen": chosen, "evidence": evidence}
        if changed:
            self.warn(changed)

    def exclude(self, column: str, count: int, message: str) -> None:
        """Count ``count`` values of ``column`` as excluded and say why in a warning."""
        self.excluded[column] = self.excluded.get(column, 0) + int(count)
        self.warn(message)

    def label(self, column: str) -> str:
        source = self.labels.get(column)
        return f"'{source}' ({column})" if source and source != column else column


def offset_minutes(cells: pd.Series) -> np.ndarray:
    """UTC offsets such as ``UTC+01:00``, ``+0100``, ``-05:00``, ``UTC`` → minutes (NaN if none)."""
    text = cells.astype(str).str.strip()
    parts = text.str.extract(_OFFSET)
    sign = np.where(parts[0] == "-", -1.0, 1.0)
    hours = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=np.float64)
    mins = pd.to_numeric(parts[2], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
    out = sign * (hours * 60 + mins)
    utc = text.str.upper().isin(["UTC", "GMT", "Z", "UTC+0", "UTC+00:00"]).to_numpy()
    return np.where(utc, 0.0, out)


def _check_dates(daily: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    undated = daily["date"].isna()
    if undated.all():
        raise fail(ctx.where, "no row has a date")
    if undated.any():
        ctx.warn(f"{int(undated.sum())} row(s) without a date skipped")
        daily = daily[~undated]
    latest = pd.Timestamp(dt.date.today()) + pd.Timedelta(days=FUTURE_SLACK_DAYS)
    outside = (daily["date"] < MIN_DATE) | (daily["date"] > latest)
    if outside.any():
        first = daily.loc[outside, "date"].iloc[0]
        example = ("a placeholder such as 0001-01-01 or 9999-12-31"
                   if first in (TOO_EARLY, TOO_LATE) else first.date())
        span = f"{MIN_DATE.date()}..{latest.date()}"
        if outside.all():
            raise fail(ctx.where, f"every date is outside {span} (e.g. {example}); "
                                  "not a plausible export")
        ctx.exclude("date", outside.sum(),
                    f"{int(outside.sum())} row(s) dated outside {span} excluded (e.g. {example})")
        daily = daily[~outside]
    return daily


def _exclude_implausible(daily: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    ranges = {**schema.PLAUSIBLE_RANGE, "hrv_sdnn_ms": HRV_SDNN_RANGE}
    for col, (lo, hi) in ranges.items():
        if col not in daily.columns or col == "action":
            continue
        values = daily[col].to_numpy(dtype=np.float64)
        present = ~np.isnan(values)
        bad = present & ((values < lo) | (values > hi))
        if not bad.any():
            continue
        examples = ", ".join(f"{v:g}" for v in pd.unique(values[bad])[:3])
        unit = f" {UNITS.get(col, '')}".rstrip()
        if bad.sum() == present.sum():
            raise fail(ctx.where, f"every value of {ctx.label(col)} is implausible (e.g. "
                                  f"{examples}; plausible {lo:g}–{hi:g}{unit}); nothing usable")
        ctx.exclude(col, bad.sum(), f"{int(bad.sum())} implausible value(s) of {ctx.label(col)} "
                                    f"excluded (e.g. {examples}; plausible {lo:g}–{hi:g}{unit})")
        daily[col] = np.where(bad, np.nan, values)
    if "action" in daily.columns:
        action = daily["action"].to_numpy(dtype=np.float64)
        bad = ~np.isnan(action) & ((action < -1) | (action > schema.PLAUSIBLE_RANGE["action"][1]))
        if bad.any():
            ctx.exclude("action", bad.sum(),
                        f"{int(bad.sum())} action id(s) outside 0–5 treated as unknown")
            daily["action"] = np.where(bad, -1, action)
    return daily


def _merge_days(daily: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    rank = daily["_rank"] if "_rank" in daily.columns else pd.Series(
        np.arange(len(daily)), index=daily.index)
    daily = daily.assign(_rank=rank.to_numpy()).sort_values(["date", "_rank"], kind="stable")
    if "action" in daily.columns:
        daily["action"] = daily["action"].where(daily["action"] >= 0)
    dup = daily["date"].duplicated(keep=False)
    if dup.any():
        values = [c for c in daily.columns if c not in ("date", "_rank")]
        groups = daily[dup].groupby("date")[values]
        conflicts = int((groups.nunique() > 1).any(axis=1).sum())
        n_days = int(daily.loc[dup, "date"].nunique())
        ctx.warn(f"{n_days} day(s) appear more than once and were merged ({ctx.merge_rule})"
                 + (f"; {conflicts} of them had conflicting values" if conflicts else ""))
        daily = daily.groupby("date", sort=True, as_index=False)[values].last()
    return daily.drop(columns="_rank", errors="ignore")


RMSSD_PREFERRED_SHARE = 0.5  # RMSSD on at least this share of the HRV days: RMSSD is used


def _choose_hrv(daily: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """One HRV statistic for the whole series, never RMSSD and SDNN mixed.

    RMSSD is preferred: it is used when it is on at least ``RMSSD_PREFERRED_SHARE`` of
    the days with any HRV, and the SDNN values are then dropped; otherwise SDNN is the
    series (``hrv_kind`` 'sdnn') and the few RMSSD values are dropped. The choice and
    the day counts are recorded in ``decisions['hrv_kind']``.
    """
    def present(col: str) -> pd.Series:
        return daily[col].notna() if col in daily.columns else pd.Series(False, daily.index)

    rmssd, sdnn = present("hrv_rmssd_ms"), present("hrv_sdnn_ms")
    n_r, n_s, n_any = int(rmssd.sum()), int(sdnn.sum()), int((rmssd | sdnn).sum())
    evidence = f"RMSSD on {n_r} day(s), SDNN on {n_s} day(s)"
    if n_s == 0:
        ctx.hrv_kind = "rmssd" if n_r else "none"
    elif n_r == 0:
        ctx.hrv_kind = "sdnn"
        if not any("SDNN" in w for w in ctx.warnings):
            ctx.warn("only SDNN HRV in this export: kept in hrv_sdnn_ms, hrv_rmssd_ms left "
                     "missing")
    elif n_r >= RMSSD_PREFERRED_SHARE * n_any:
        ctx.hrv_kind = "rmssd"
        daily = daily.assign(hrv_sdnn_ms=np.nan)
        ctx.warn(f"HRV: both RMSSD ({n_r} days) and SDNN ({n_s} days) are present; RMSSD is "
                 "used and SDNN left out (the two never share a baseline)")
    else:
        ctx.hrv_kind = "sdnn"
        daily = daily.assign(hrv_rmssd_ms=np.nan)
        ctx.warn(f"HRV: RMSSD on only {n_r} of {n_any} HRV days; SDNN is used for the whole "
                 "series and the few RMSSD values left out (never mixed)")
    if "hrv_sdnn_ms" in daily.columns and not daily["hrv_sdnn_ms"].notna().any():
        daily = daily.drop(columns="hrv_sdnn_ms")
    ctx.decide("hrv_kind", ctx.hrv_kind, evidence)
    return daily


SCALE_CHECK_DAYS = 7  # a unit is judged on at least a week of values
SHORTEST_MEDIAN_NIGHT_H = 1.0


def _check_scales(daily: pd.DataFrame, ctx: Context) -> None:
    """Refuse a series whose values are each plausible but whose whole is another unit:
    recovery 0–1 (a fraction, not a 0–100 score: every morning would read red) and
    nights whose median is under an hour (a spreadsheet's fraction of a day, or hours
    converted again as if they were seconds; nights of 0, which some exports write when
    not measured, left aside). Sleep in seconds or minutes read as hours is already out of
    the plausible range."""
    def series(col: str) -> np.ndarray:
        if col not in daily.columns:
            return np.empty(0)
        values = daily[col].to_numpy(dtype=np.float64)
        return values[~np.isnan(values)]

    recovery = series("recovery")
    if len(recovery) >= SCALE_CHECK_DAYS and recovery.max() <= 1.0 and recovery.max() > 0:
        raise fail(ctx.where, f"every {ctx.label('recovery')} value is between 0 and 1 "
                              f"({len(recovery)} days): a fraction, not a 0–100 score; "
                              "multiply it by 100")
    sleep = series("sleep_hours")
    sleep = sleep[sleep > 0]  # some exports write 0 for a night not measured
    if len(sleep) >= SCALE_CHECK_DAYS and np.median(sleep) < SHORTEST_MEDIAN_NIGHT_H:
        raise fail(ctx.where, f"{ctx.label('sleep_hours')} is {np.median(sleep):.3g} h on "
                              f"a median night ({len(sleep)} nights): too small for hours "
                              "(a fraction of a day, or hours divided as if seconds?)")


def finish(daily: pd.DataFrame, ctx: Context, *, require_wearable: bool = True) -> ImportResult:
    """Canonical, checked, one-row-per-day ``ImportResult`` from an importer's rows.
    ``require_wearable=False`` for a training-only source (merged with others later)."""
    daily = daily.reset_index(drop=True).copy()
    daily["date"] = pd.to_datetime(daily["date"]).astype("datetime64[ns]").dt.normalize()
    daily = _check_dates(daily, ctx)
    daily = _exclude_implausible(daily.copy(), ctx)
    daily = _merge_days(daily, ctx)
    _check_scales(daily, ctx)
    daily = _choose_hrv(daily, ctx)
    present = [c for c in WEARABLE if c in daily.columns and daily[c].notna().any()]
    if not present and require_wearable:
        raise fail(ctx.where, "no usable HRV, resting heart rate, sleep or recovery value "
                              "in any row")
    out = pd.DataFrame({"athlete_id": ctx.athlete_id, "date": daily["date"].to_numpy()})
    for col in (*CANONICAL[2:], *OPTIONAL):
        if col in daily.columns:
            out[col] = daily[col].to_numpy(dtype=np.float64)
        elif col in CANONICAL:
            out[col] = np.nan
    out["action"] = np.nan_to_num(out["action"].to_numpy(), nan=-1.0).astype(np.int64)
    out["athlete_id"] = out["athlete_id"].astype(str)
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    return ImportResult(table=out, source_format=ctx.source_format, path=ctx.where,
                        warnings=list(ctx.warnings), excluded=dict(ctx.excluded),
                        hrv_kind=ctx.hrv_kind, decisions=dict(ctx.decisions))
