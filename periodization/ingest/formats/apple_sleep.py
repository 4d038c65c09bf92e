"""Nights of sleep from Apple Health ``HKCategoryTypeIdentifierSleepAnalysis`` records.

Several sources (the watch, the phone, a sleep app, a ring) write overlapping records, and
one source writes a record per stage. Per source, the asleep stages (``Asleep``,
``AsleepUnspecified``, ``AsleepCore``, ``AsleepDeep``, ``AsleepREM``; never ``InBed`` or
``Awake``) are united (overlaps counted once) and split into sessions wherever no sleep is
recorded for more than ``SESSION_GAP``. A session belongs to the local date it ends on
(the morning). Per day one source is used, a watch if there is one, else the source with
the most sleep that day, and its longest session is the night; shorter ones are naps.

``sleep_hours`` is that session's asleep time. ``sleep_efficiency`` = 100 · asleep / in bed,
where in bed is the union of the session's asleep intervals with every source's ``InBed``
records that overlap it; without an overlapping ``InBed`` record it is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SESSION_GAP = pd.Timedelta(hours=2)
ASLEEP = frozenset({"HKCategoryValueSleepAnalysisAsleep",
                    "HKCategoryValueSleepAnalysisAsleepUnspecified",
                    "HKCategoryValueSleepAnalysisAsleepCore",
                    "HKCategoryValueSleepAnalysisAsleepDeep",
                    "HKCategoryValueSleepAnalysisAsleepREM", "1", "3", "4", "5"})
IN_BED = frozenset({"HKCategoryValueSleepAnalysisInBed", "0"})


def union(starts: np.ndarray, ends: np.ndarray, gap: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Merge intervals (int64 ns) that overlap or lie within ``gap`` of each other."""
    if len(starts) == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] > reach[:-1] + gap
    return s[new], np.maximum.reduceat(e, np.flatnonzero(new))


def _covered(starts: np.ndarray, ends: np.ndarray) -> int:
    s, e = union(starts, ends)
    return int((e - s).sum())


def is_watch(source: str) -> bool:
    return "watch" in source.lower()


def _sessions(rows: pd.DataFrame) -> pd.DataFrame:
    """Sessions of one source: start, end (UTC ns), asleep ns, day, intervals."""
    s, e = union(rows["start"].to_numpy(np.int64), rows["end"].to_numpy(np.int64))
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] - e[:-1] > SESSION_GAP.value
    ids = np.cumsum(new) - 1
    local_end = rows["end"] + rows["offset"]
    out = []
    for k in range(int(ids[-1]) + 1 if len(ids) else 0):
        ss, ee = s[ids == k], e[ids == k]
        last = int(np.argmax(rows["end"].to_numpy(np.int64) == ee.max()))
        out.append({"start": ss.min(), "end": ee.max(), "asleep": int((ee - ss).sum()),
                    "date": local_end.iloc[last].normalize(), "parts": (ss, ee)})
    return pd.DataFrame(out)


def nights(sleep: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Per local date: ``sleep_hours`` and ``sleep_efficiency``; also the number of naps.

    ``sleep`` columns: ``source``, ``value`` (category value), ``start``/``end`` (UTC
    datetime64) and ``offset`` (timedelta to local time).
    """
    asleep = sleep[sleep["value"].isin(ASLEEP)]
    in_bed = sleep[sleep["value"].isin(IN_BED)]
    bed_s = in_bed["start"].to_numpy(np.int64)
    bed_e = in_bed["end"].to_numpy(np.int64)
    sessions = []
    for source, rows in asleep.groupby("source", sort=True):
        found = _sessions(rows)
        if len(found):
            sessions.append(found.assign(source=source))
    if not sessions:
        return pd.DataFrame(columns=["date", "sleep_hours", "sleep_efficiency"]), 0
    all_sessions = pd.concat(sessions, ignore_index=True)
    out, naps = [], 0
    for day, group in all_sessions.groupby("date", sort=True):
        per_source = group.groupby("source")["asleep"].sum()
        watches = [s for s in per_source.index if is_watch(s)]
        pool = per_source[watches] if watches else per_source
        chosen = group[group["source"] == pool.idxmax()]
        main = chosen.loc[chosen["asleep"].idxmax()]
        naps += len(chosen) - 1
        overlap = (bed_s < main["end"]) & (bed_e > main["start"])
        efficiency = np.nan
        if overlap.any():
            ps, pe = main["parts"]
            bed = _covered(np.concatenate([ps, bed_s[overlap]]),
                           np.concatenate([pe, bed_e[overlap]]))
            efficiency = 100.0 * main["asleep"] / bed
        out.append({"date": day, "sleep_hours": main["asleep"] / 3.6e12,
                    "sleep_efficiency": efficiency})
    return pd.DataFrame(out), naps
