"""Features of a whole daily table, by the same incremental calls as day-by-day use.

Athletes become the batch; the loop runs over days. Each athlete starts on its own first
date (its weekday, its ATL/CTL seed), so tables whose athletes cover different periods work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.features import daily as F
from periodization.features.daily import FeatureState
from periodization.sim.batch import where
from periodization.sim.params import Population


@dataclass(frozen=True)
class TableFeatures:
    raw: np.ndarray  # (rows, 31) raw features, aligned with the input table's rows
    recovery: np.ndarray  # (rows,) context the safety rules read
    ln_hrv: np.ndarray
    hrv_baseline_mean: np.ndarray
    hrv_baseline_sd: np.ndarray
    consecutive_hard: np.ndarray
    days_since_rest: np.ndarray
    states: list[FeatureState] | None  # per day index: the state *before* that morning
    athlete_ids: list[str]  # batch order of ``states``
    last_state: FeatureState | None = None  # per athlete: the state before its last morning


def load_seeds(first_rows: pd.DataFrame, *, pop: Population) -> tuple[np.ndarray, np.ndarray]:
    """ATL/CTL before the first day, backed out of the platform values after it (or 0),
    with the population's decays (``features.daily.record_day``)."""
    n = len(first_rows)
    load = first_rows["load"].fillna(0.0).to_numpy(dtype=np.float64)
    seeds = []
    for col, decay in (("atl", pop.atl_decay), ("ctl", pop.ctl_decay)):
        if col in first_rows.columns:
            after = first_rows[col].to_numpy(dtype=np.float64)
            before = (after - load * (1.0 - decay)) / decay
            seeds.append(np.where(np.isfinite(before), np.maximum(before, 0.0), 0.0))
        else:
            seeds.append(np.zeros(n))
    return seeds[0], seeds[1]


def features_for_table(table: pd.DataFrame, *, pop: Population, keep_states: bool = False,
                       keep_last_state: bool = False) -> TableFeatures:
    """Features for every row of a table sorted by (athlete_id, date) on complete calendars.

    ``pop`` is the population whose ATL/CTL time constants the features use (the prior the
    table's athletes are modelled with).
    ``keep_states`` keeps the state before every morning (days × athletes: memory grows
    with both); ``keep_last_state`` only each athlete's state before its last morning,
    from which ``features.morning`` continues into days not yet lived (a plan).
    """
    ids, first = np.unique(table["athlete_id"].to_numpy(), return_index=True)
    counts = np.diff(np.append(first, len(table)))
    n, days = len(ids), int(counts.max())
    # Dense (days, athletes) grid; athlete j occupies rows first[j] … first[j]+counts[j]−1.
    day_idx = np.arange(len(table)) - np.repeat(first, counts)
    ath_idx = np.repeat(np.arange(n), counts)

    def grid(col: str, fill: float) -> np.ndarray:
        g = np.full((days, n), fill)
        g[day_idx, ath_idx] = table[col].to_numpy(dtype=np.float64)
        return g

    readings = np.stack([grid(c, np.nan) for c in F.INPUT_COLUMNS], axis=2)  # (days, n, 5)
    load, action = grid("load", 0.0), grid("action", -1).astype(np.int64)
    first_rows = table.iloc[first]
    atl0, ctl0 = load_seeds(first_rows, pop=pop)
    weekday0 = pd.to_datetime(first_rows["date"]).dt.day_of_week.to_numpy()
    state = F.initial_state(n, atl=atl0, ctl=ctl0, weekday=weekday0)

    raw = np.empty((days, n, F.N_FEATURES))
    ctx_names = ("recovery", "ln_hrv", "hrv_baseline_mean", "hrv_baseline_sd",
                 "consecutive_hard", "days_since_rest")
    ctx = {k: np.empty((days, n)) for k in ctx_names}
    states: list[FeatureState] | None = [] if keep_states else None
    last_day = counts - 1
    last_state = state if keep_last_state else None
    for d in range(days):
        if states is not None:
            states.append(state)
        if last_state is not None and (last_day == d).any():
            last_state = where(last_day == d, state, last_state)
        state, raw[d], context = F.morning(state, readings[d])
        for k in ctx_names:
            ctx[k][d] = getattr(context, k)
        state = F.record_day(state, load[d], action[d], pop=pop)
    pick = (day_idx, ath_idx)
    return TableFeatures(
        raw=raw[pick], **{k: v[pick] for k, v in ctx.items()}, states=states,
        athlete_ids=[str(i) for i in ids], last_state=last_state,
    )
