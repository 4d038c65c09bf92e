"""From a raw daily table to clean rows the features can use, for any number of athletes.

Steps (each athlete on its own complete calendar, first to last recorded day):

1. **Validate**: required columns (``schema.REQUIRED_COLUMNS``), numeric types, one row per
   (athlete, date). Problems raise ``DataError`` with a one-line message.
2. **Plausibility**: values outside ``schema.PLAUSIBLE_RANGE`` (HRV of 0 or 900 ms, …) are
   excluded (set missing) and counted in the report, never used.
3. **Drop**: athletes missing more than 20 % of days (any wearable column) are dropped and
   listed in the drop report with their missing share.
4. **Impute** wearable gaps *causally* (only past values), so the same rule serves offline
   tables and today's real-time reading with no train/serve skew: the first two days of a
   gap are forward-filled; from the third day on, the gap takes the median of the last 7
   observed values. A gap at the very start (nothing observed yet) takes the median of the
   first 7 observed values. Every filled cell is flagged in ``<column>_imputed``.
   Training columns: a missing load is 0 only when the action is REST, otherwise the row's
   load is missing and the athlete is reported; an unknown action is −1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest import schema

MAX_MISSING_SHARE = 0.20
FFILL_DAYS = 2
MEDIAN_WINDOW = 7


@dataclass(frozen=True)
class Preprocessed:
    table: pd.DataFrame  # canonical columns + <col>_imputed flags, no NaN in wearable columns
    dropped: pd.DataFrame  # athlete_id, missing_pct, reason
    implausible: dict[str, int]  # column → values excluded as implausible


def validate(df: pd.DataFrame, *, source: str = "table") -> pd.DataFrame:
    """Check columns and types; return a copy with parsed dates and numeric columns."""
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{source}: missing required column '{missing[0]}'")
    if df.empty:
        raise DataError(f"{source}: no rows")
    out = df.copy()
    out["athlete_id"] = out["athlete_id"].astype(str)
    try:
        out["date"] = pd.to_datetime(out["date"]).dt.tz_localize(None).dt.normalize()
    except (ValueError, TypeError) as exc:
        raise DataError(f"{source}: column 'date' has values that are not dates ({exc})") from None
    for col in (*schema.WEARABLE_COLUMNS, "load", *[c for c in schema.OPTIONAL_COLUMNS
                                                     if c in out.columns]):
        converted = pd.to_numeric(out[col], errors="coerce")
        bad = converted.isna() & out[col].notna()
        if bad.any():
            raise DataError(f"{source}: column '{col}' holds non-numeric values "
                            f"(e.g. {out[col][bad].iloc[0]!r})")
        out[col] = converted.astype(np.float64)
    action = pd.to_numeric(out["action"], errors="coerce")
    if (action.isna() & out["action"].notna()).any():
        raise DataError(f"{source}: column 'action' must hold action ids 0-5 or be empty")
    out["action"] = action.fillna(-1).astype(np.int64)
    dup = out.duplicated(["athlete_id", "date"])
    if dup.any():
        row = out.loc[dup].iloc[0]
        raise DataError(f"{source}: duplicated day {row['date'].date()} for athlete "
                        f"{row['athlete_id']}")
    return out.sort_values(["athlete_id", "date"], kind="stable").reset_index(drop=True)


def exclude_implausible(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    out = df.copy()
    counts: dict[str, int] = {}
    for col, (lo, hi) in schema.PLAUSIBLE_RANGE.items():
        if col not in out.columns or col == "action":
            continue
        bad = (out[col] < lo) | (out[col] > hi)
        if bad.any():
            counts[col] = int(bad.sum())
            out.loc[bad, col] = np.nan
    bad_action = (out["action"] < -1) | (out["action"] > schema.PLAUSIBLE_RANGE["action"][1])
    if bad_action.any():
        counts["action"] = int(bad_action.sum())
        out.loc[bad_action, "action"] = -1
    return out, counts


def complete_calendar(df: pd.DataFrame) -> pd.DataFrame:
    """One row per athlete and day from first to last date (new rows are all missing)."""
    span = df.groupby("athlete_id", sort=True)["date"].agg(["min", "max"])
    lengths = ((span["max"] - span["min"]).dt.days + 1).to_numpy()
    ids = np.repeat(span.index.to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    dates = np.repeat(span["min"].to_numpy(), lengths) + offsets.astype("timedelta64[D]")
    full = pd.DataFrame({"athlete_id": ids, "date": dates})
    out = full.merge(df, on=["athlete_id", "date"], how="left", sort=False)
    out["action"] = out["action"].fillna(-1).astype(np.int64)
    return out


def _median_of_valid(window: np.ndarray) -> np.ndarray:
    """Column medians of a (k, N) array ignoring NaN (NaN where a column has none)."""
    ordered = np.sort(window, axis=0)  # NaN sort last
    count = np.isfinite(window).sum(axis=0)
    lo = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[None, :], axis=0)[0]
    hi = np.take_along_axis(ordered, np.maximum(count // 2, 0)[None, :], axis=0)[0]
    return np.where(count > 0, 0.5 * (lo + hi), np.nan)


def impute_causal(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN in a (days,) or (days, N) array as described in the module docstring.

    Returns the filled array and the bool flags of filled cells (same shape).
    """
    x = np.array(values, dtype=np.float64, copy=True)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    flags = np.isnan(x)
    days, n = x.shape
    # Leading gap: median of the first observed values (the only non-causal fill).
    seen = np.cumsum(~flags, axis=0)
    first_vals = np.where(~flags & (seen <= MEDIAN_WINDOW), x, np.nan)
    lead = flags & (seen == 0)
    if lead.any():
        x = np.where(lead, _median_of_valid(first_vals)[None, :], x)
    last = np.full((MEDIAN_WINDOW, n), np.nan)  # last observed values, newest last
    run = np.zeros(n, dtype=np.int64)
    for d in range(days):
        gap = flags[d]
        if not gap.any():
            run[:] = 0
            last = np.concatenate([last[1:], x[d][None, :]])
            continue
        run = np.where(gap, run + 1, 0)
        fill = last[-1]  # forward fill
        long_gap = gap & (run > FFILL_DAYS)
        if long_gap.any():
            fill = np.where(long_gap, _median_of_valid(last), fill)
        x[d] = np.where(gap & ~np.isnan(fill) & ~lead[d], fill, x[d])
        last = np.where(gap, last, np.concatenate([last[1:], x[d][None, :]]))
    return (x[:, 0], flags[:, 0]) if squeeze else (x, flags)


def preprocess(df: pd.DataFrame, *, source: str = "table",
               max_missing_share: float = MAX_MISSING_SHARE) -> Preprocessed:
    """Validate, exclude implausible values, drop sparse athletes and impute gaps."""
    table = validate(df, source=source)
    table, implausible = exclude_implausible(table)
    table = complete_calendar(table)
    wearable = list(schema.WEARABLE_COLUMNS)
    missing_day = table[wearable].isna().any(axis=1)
    share = missing_day.groupby(table["athlete_id"]).mean()
    drop_ids = share.index[share > max_missing_share]
    dropped = pd.DataFrame({
        "athlete_id": drop_ids,
        "missing_pct": (100.0 * share[drop_ids]).round(1).to_numpy(),
        "reason": f"more than {100 * max_missing_share:.0f} % of days missing",
    })
    table = table[~table["athlete_id"].isin(drop_ids)].reset_index(drop=True)
    if table.empty:
        raise DataError(f"{source}: every athlete misses more than "
                        f"{100 * max_missing_share:.0f} % of days; nothing left to use")
    table = impute_table(table)
    return Preprocessed(table=table, dropped=dropped, implausible=implausible)


def impute_table(table: pd.DataFrame) -> pd.DataFrame:
    """Step 4 on a validated table on complete calendars (sorted by athlete and date):
    wearable gaps filled causally and flagged in ``<column>_imputed``; a REST day's
    unknown load is 0. Returns a new table."""
    table = table.copy()
    rest_unknown_load = table["load"].isna() & (table["action"] == 0)
    table.loc[rest_unknown_load, "load"] = 0.0
    # Impute all athletes at once on a (days, athletes) grid; padding after an athlete's
    # last day cannot affect its earlier, causally imputed, values.
    ids, first = np.unique(table["athlete_id"].to_numpy(), return_index=True)
    counts = np.diff(np.append(first, len(table)))
    rows = np.arange(len(table)) - np.repeat(first, counts)
    pick = (rows, np.repeat(np.arange(len(ids)), counts))
    for col in schema.WEARABLE_COLUMNS:
        grid = np.full((int(counts.max()), len(ids)), np.nan)
        grid[pick] = table[col].to_numpy(dtype=np.float64)
        filled, flags = impute_causal(grid)
        table[col] = filled[pick]
        table[f"{col}_imputed"] = flags[pick]
    return table


def split_athletes(athlete_ids: list[str] | np.ndarray, seed: int,
                   shares: tuple[float, float, float] = (0.70, 0.15, 0.15)
                   ) -> dict[str, list[str]]:
    """Athlete-level train/val/test split, fixed by ``seed`` (ids sorted first)."""
    ids = np.array(sorted(set(map(str, athlete_ids))))
    order = np.random.default_rng(seed).permutation(len(ids))
    n_train = round(shares[0] * len(ids))
    n_val = round(shares[1] * len(ids))
    shuffled = ids[order]
    return {
        "train": sorted(shuffled[:n_train].tolist()),
        "val": sorted(shuffled[n_train:n_train + n_val].tolist()),
        "test": sorted(shuffled[n_train + n_val:].tolist()),
    }
