"""Apple Health nights, computed by whole-table operations, against the rule written out
one day at a time (the module docstring's definition, as the importer once ran it), on
random overlapping records of several sources, stages, offsets and in-bed records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.ingest.formats.apple_sleep import (
    ASLEEP,
    IN_BED,
    SESSION_GAP,
    _covered,
    is_watch,
    nights,
    union,
)

SOURCES = ["Ann’s Apple Watch", "AutoSleep", "Ann’s iPhone", "Oura", "Bob’s Watch"]
VALUES = [*sorted(ASLEEP), *sorted(IN_BED), "HKCategoryValueSleepAnalysisAwake"]


def reference_nights(sleep: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Per source: asleep intervals united, split into sessions at gaps over SESSION_GAP,
    each on the local date of its first record ending at the session's end. Per day: a
    watch's sessions if any, the source with the most sleep (first name on a tie), its
    longest session (the first on a tie); efficiency against the overlapping in-bed
    records."""
    asleep = sleep[sleep["value"].isin(ASLEEP)]
    in_bed = sleep[sleep["value"].isin(IN_BED)]
    bed_s, bed_e = in_bed["start"].to_numpy(np.int64), in_bed["end"].to_numpy(np.int64)
    sessions = []
    for source, rows in asleep.groupby("source", sort=True):
        s, e = union(rows["start"].to_numpy(np.int64), rows["end"].to_numpy(np.int64))
        ids = np.cumsum(np.r_[True, s[1:] - e[:-1] > SESSION_GAP.value]) - 1
        local_end = rows["end"] + rows["offset"]
        for k in range(int(ids[-1]) + 1 if len(ids) else 0):
            ss, ee = s[ids == k], e[ids == k]
            last = int(np.argmax(rows["end"].to_numpy(np.int64) == ee.max()))
            sessions.append({"start": ss.min(), "end": ee.max(), "asleep": int((ee - ss).sum()),
                             "date": local_end.iloc[last].normalize(), "parts": (ss, ee),
                             "source": source})
    if not sessions:
        return pd.DataFrame(columns=["date", "sleep_hours", "sleep_efficiency"]), 0
    every = pd.DataFrame(sessions)
    out, naps = [], 0
    for day, group in every.groupby("date", sort=True):
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


def random_records(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-01-01T00:00", "ns")
    minute = np.timedelta64(60_000_000_000, "ns")
    start = base + rng.integers(0, 20 * 24 * 60, n) * minute
    minutes = rng.choice([5, 30, 90, 240, 480], n)  # stages, naps, nights, long in-bed
    end = start + minutes * minute
    shared = rng.random(n) < 0.3  # records ending together: the "first record" rule matters
    end[shared] = np.maximum(end[rng.integers(0, max(n, 1), shared.sum())], start[shared])
    records = pd.DataFrame({
        "source": rng.choice(SOURCES[: rng.integers(1, len(SOURCES) + 1)], n),
        "value": rng.choice(VALUES, n),
        "start": start, "end": end,
        "offset": pd.to_timedelta(rng.choice([-300, 0, 60, 600], n), unit="min"),
    })
    # one source written again under other names, 30 min later: days whose totals tie
    # while their efficiencies (against unshifted in-bed records) differ
    twins = records[records["source"] == records["source"].iloc[0]] if n else records
    twins = twins.assign(start=twins["start"] + 30 * minute, end=twins["end"] + 30 * minute)
    return pd.concat([records, twins.assign(source="Ann’s Oura"),
                      twins.assign(source="Carl’s Watch")], ignore_index=True)


@pytest.mark.parametrize("seed", range(40))
def test_nights_equal_the_rule_applied_one_day_at_a_time(seed):
    sleep = random_records(seed, n=[0, 1, 3, 30, 300][seed % 5])
    got, got_naps = nights(sleep)
    want, want_naps = reference_nights(sleep)
    assert got_naps == want_naps
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False, check_index_type=False)
