"""One athlete's several sources (a WHOOP export and an intervals.icu wellness file, say)
merged into one canonical table, each field from its best source.

Per column, the sources that have it are ranked by ``RANK`` (the column's own order of
formats, best first; formats not listed come last, in the order given). The best-ranked
source with the column on at least ``MIN_COVERAGE`` of its days is the column's source.

* HRV and recovery are device-specific scales (two devices' RMSSD never share a
  baseline, two vendors' recovery scores differ): they come from that one source only,
  never gap-filled from another.
* Resting HR, sleep and training (load and action together) are comparable across
  devices: the chosen source's gaps are filled from the next-ranked sources.

A conflict is a day on which two sources both have a value that differs by more than
``CONFLICT_TOLERANCE`` (relative): such days are counted per column in a warning, and
the chosen source's value is kept. ``decisions['sources']`` records which source gave
each column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.common import CANONICAL, OPTIONAL, ImportResult

MIN_COVERAGE = 0.5
CONFLICT_TOLERANCE = 0.10
SINGLE_SOURCE = ("hrv_rmssd_ms", "hrv_sdnn_ms", "recovery")
WEARABLE_ORDER = ("whoop", "oura", "oura-api", "garmin-connect", "garmin-fit", "polar",
                  "fitbit", "hrv4training", "elite-hrv", "intervals.icu", "apple-health",
                  "apple-health-csv", "oura-trends", "generic")
TRAINING_ORDER = ("intervals.icu-activities", "intervals.icu", "garmin-fit", "garmin-connect",
                  "whoop", "polar", "apple-health", "apple-health-csv", "fitbit", "oura",
                  "oura-api", "oura-trends", "generic")
RANK = {**dict.fromkeys(("hrv_rmssd_ms", "hrv_sdnn_ms", "resting_hr", "sleep_hours",
                         "sleep_efficiency", "recovery", "strain"), WEARABLE_ORDER),
        **dict.fromkeys(("load", "action", "atl", "ctl"), TRAINING_ORDER)}
TRAINING = ("load", "action")


def _rank_of(fmt: str, column: str) -> int:
    order = RANK.get(column, WEARABLE_ORDER)
    return order.index(fmt) if fmt in order else len(order)


def _known(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series(False, index=table.index)
    return table[column] >= 0 if column == "action" else table[column].notna()


def _coverage(table: pd.DataFrame, column: str) -> float:
    return float(_known(table, column).mean()) if len(table) else 0.0


def merge_sources(results: list[ImportResult], *, athlete_id: str, where: str
                  ) -> ImportResult:
    """One ``ImportResult`` from several of the same athlete (see the module docstring)."""
    if not any(r.table[c].notna().any() for r in results
               for c in ("hrv_rmssd_ms", "hrv_sdnn_ms", "resting_hr", "sleep_hours",
                         "sleep_efficiency", "recovery") if c in r.table.columns):
        from periodization.ingest.sources import fail

        raise fail(where, "none of these sources has HRV, resting HR, sleep or recovery "
                          "(training records alone cannot be advised on)")
    frames = [r.table.set_index("date") for r in results]
    days = frames[0].index
    for f in frames[1:]:
        days = days.union(f.index)
    out = pd.DataFrame(index=days)
    chosen: dict[str, str] = {}
    warnings: list[str] = []
    columns = [c for c in (*CANONICAL[2:], *OPTIONAL)
               if any(c in f.columns and _known(f, c).any() for f in frames)]
    for column in columns:
        if column == "action":
            continue  # travels with load
        order = sorted(range(len(results)),
                       key=lambda i, c=column: (_rank_of(results[i].source_format, c), i))
        having = [i for i in order if _known(frames[i], column).any()]
        best = next((i for i in having if _coverage(frames[i], column) >= MIN_COVERAGE),
                    having[0])
        fill_from = [] if column in SINGLE_SOURCE else [i for i in having if i != best]
        chosen[column] = results[best].source_format
        value = frames[best][column].reindex(days)
        action = frames[best]["action"].reindex(days) if column == "load" else None
        for i in fill_from:
            gap = value.isna()
            other = frames[i][column].reindex(days)
            value = value.where(~gap, other)
            if action is not None:
                action = action.where(~gap | other.isna(), frames[i]["action"].reindex(days))
        out[column] = value
        if action is not None:
            out["action"] = action.fillna(-1)
            chosen["action"] = chosen["load"]
        conflicts = _conflicts(frames, best, having, column, days)
        if conflicts:
            warnings.append(f"{column}: {conflicts} day(s) where "
                            f"{results[best].source_format} and another source disagree by "
                            f"more than {100 * CONFLICT_TOLERANCE:.0f} %; "
                            f"{results[best].source_format} kept")
    if "action" not in out.columns:
        out["action"] = -1
    if "hrv_rmssd_ms" in out.columns and out["hrv_rmssd_ms"].notna().any():
        out = out.drop(columns="hrv_sdnn_ms", errors="ignore")  # never both kinds
        kind = "rmssd"
    else:
        kind = "sdnn" if "hrv_sdnn_ms" in out.columns else "none"
    table = pd.DataFrame({"athlete_id": athlete_id, "date": days.to_numpy()})
    for column in (*CANONICAL[2:], *OPTIONAL):
        if column in out.columns:
            table[column] = out[column].to_numpy(dtype=np.float64)
        elif column in CANONICAL:
            table[column] = np.nan
    table["action"] = np.nan_to_num(table["action"].to_numpy(), nan=-1.0).astype(np.int64)
    formats = [r.source_format for r in results]
    used = sorted(set(chosen.values()), key=formats.index)
    notes = [f"{r.source_format} ({r.path}): {w}" for r in results for w in r.warnings]
    summary = ", ".join(f"{c} from {f}" for c, f in chosen.items())
    warnings.insert(0, f"{len(results)} sources of one athlete merged: {summary}")
    excluded: dict[str, int] = {}
    for r in results:
        for k, v in r.excluded.items():
            excluded[k] = excluded.get(k, 0) + v
    decisions = {"sources": {"chosen": chosen, "evidence": "; ".join(
        f"{r.source_format}: {r.path}" for r in results)},
        "hrv_kind": {"chosen": kind, "evidence": "HRV from " + (
            chosen.get("hrv_rmssd_ms") or chosen.get("hrv_sdnn_ms") or "no source")},
        **{f"{r.source_format}.{k}": v for r in results for k, v in r.decisions.items()}}
    return ImportResult(table=table.sort_values("date").reset_index(drop=True),
                        source_format="+".join(used), path=where,
                        warnings=warnings + notes, excluded=excluded, hrv_kind=kind,
                        decisions=decisions)


def _conflicts(frames: list[pd.DataFrame], best: int, having: list[int], column: str,
               days: pd.Index) -> int:
    """Days on which the chosen source and any other disagree beyond the tolerance."""
    if column == "action":
        return 0
    mine = frames[best][column].reindex(days).to_numpy(dtype=np.float64)
    bad = np.zeros(len(days), dtype=bool)
    for i in having:
        if i == best:
            continue
        other = frames[i][column].reindex(days).to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.abs(mine - other) / np.maximum(np.abs(mine), 1e-9)
        bad |= np.isfinite(rel) & (rel > CONFLICT_TOLERANCE)
    return int(bad.sum())
