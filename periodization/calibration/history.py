"""One or many athletes' daily history as flat arrays, ready to be replayed through the model.

Input: a canonical daily table (``schema.py``) on complete calendars, sorted by
(athlete_id, date), before imputation (missing readings are NaN). Each athlete occupies
rows ``start[j] … start[j] + length[j] − 1``.

The model needs an action id 0–5 and a load for every day, the table may not have them:

* unknown action (−1): REST when the load is at most ``REST_LOAD`` (or unknown), otherwise
  AEROBIC_BASE (the commonest session; the same 15-point line the importers use);
* unknown load: 0 for REST, otherwise the athlete's typical load for that action (their
  median ratio of recorded to nominal load × the action's nominal load).

A platform's ATL/CTL on the first day (intervals.icu's, a cohort's) seed the replay's
(``pmc_seed``): the load-spike term of fatigue reads ATL against CTL, and CTL remembers
six weeks of training before the record.

Nominal loads are the reference athlete's session loads (typical minutes × TSS per minute,
``AthleteParams.session_loads`` at the reference optimal load and a session scale of 1), so
``load_ratio`` is the athlete's session size against the population's: capacity × scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.features.table import load_seeds
from periodization.ingest.actions import REST_LOAD
from periodization.sim.actions import Action
from periodization.sim.params import Population

EPOCH_MONDAY = pd.Timestamp("1970-01-05")  # model day numbers count from a Monday


@dataclass(frozen=True)
class History:
    """Flat per-day arrays (rows,) of N athletes, athlete j in rows start[j] … + length[j]."""

    athlete_ids: list[str]
    start: np.ndarray  # (N,) int64
    length: np.ndarray  # (N,) int64
    first_day: np.ndarray  # (N,) model day number of each athlete's first date
    last_date: list[pd.Timestamp]
    ln_hrv: np.ndarray  # ln RMSSD, NaN = missing
    rhr: np.ndarray
    sleep: np.ndarray
    efficiency: np.ndarray
    strain: np.ndarray
    recorded_load: np.ndarray  # NaN = unknown
    recorded_action: np.ndarray  # −1 = unknown
    load: np.ndarray  # every day filled (see module docstring)
    action: np.ndarray  # every day 0–5
    load_ratio: np.ndarray  # (N,) median recorded / nominal session load (NaN: no sessions)
    pmc_seed: np.ndarray  # (N, 2) ATL, CTL before the first day from a platform's (NaN: none)

    @property
    def n(self) -> int:
        return len(self.athlete_ids)

    @property
    def athlete_index(self) -> np.ndarray:
        """(rows,) athlete of each row."""
        return np.repeat(np.arange(self.n), self.length)

    @property
    def day_index(self) -> np.ndarray:
        """(rows,) day of each row within its athlete's history."""
        return np.arange(len(self.load)) - np.repeat(self.start, self.length)

    def per_athlete(self, values: np.ndarray, how: str = "mean") -> np.ndarray:
        """(N,) mean, SD or count of each athlete's finite values."""
        ok = np.isfinite(values)
        idx = self.athlete_index[ok]
        count = np.bincount(idx, minlength=self.n).astype(np.float64)
        if how == "count":
            return count
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(idx, values[ok], minlength=self.n) / count
            if how == "mean":
                return mean
            dev = values[ok] - mean[idx]
            return np.sqrt(np.bincount(idx, dev * dev, minlength=self.n)
                           / np.maximum(count - 1.0, 1.0))

    def first_days_mean_load(self, days: int) -> np.ndarray:
        """(N,) mean filled load of each athlete's first ``days`` days."""
        early = self.day_index < days
        idx = self.athlete_index[early]
        return (np.bincount(idx, self.load[early], minlength=self.n)
                / np.bincount(idx, minlength=self.n))


def _pmc_seed(first_rows: pd.DataFrame, pop: Population) -> np.ndarray:
    """(N, 2) ATL/CTL before each athlete's first day, backed out of the platform's values
    after it as the features do (``features.table.load_seeds``); NaN where there are none."""
    seeds = np.stack(load_seeds(first_rows, pop=pop), axis=1)
    for c, col in enumerate(("atl", "ctl")):
        known = (first_rows[col].notna().to_numpy() if col in first_rows.columns
                 else np.zeros(len(first_rows), dtype=bool))
        seeds[:, c] = np.where(known, seeds[:, c], np.nan)
    return seeds


def build_history(table: pd.DataFrame, nominal_load: np.ndarray, pop: Population) -> History:
    """Arrays of ``table`` (see the module docstring); ``nominal_load`` (6,) is the
    reference athlete's session load per action (TSS); ``pop`` the population (its PMC
    decays)."""
    ids, start = np.unique(table["athlete_id"].to_numpy().astype(str), return_index=True)
    length = np.diff(np.append(start, len(table)))
    dates = pd.to_datetime(table["date"])
    first_day = (dates.iloc[start] - EPOCH_MONDAY).dt.days.to_numpy(dtype=np.int64)
    last = [dates.iloc[s + n - 1] for s, n in zip(start, length, strict=True)]

    def column(name: str) -> np.ndarray:
        if name not in table.columns:
            return np.full(len(table), np.nan)
        return table[name].to_numpy(dtype=np.float64)

    hrv = column("hrv_rmssd_ms")
    with np.errstate(divide="ignore", invalid="ignore"):
        ln_hrv = np.where(hrv > 0, np.log(hrv), np.nan)
    recorded_load = column("load")
    recorded_action = table["action"].to_numpy(dtype=np.int64)
    action = np.where(recorded_action >= 0, recorded_action,
                      np.where(np.nan_to_num(recorded_load) > REST_LOAD, int(Action.AEROBIC_BASE),
                               int(Action.REST)))
    nominal = nominal_load[action]
    athlete = np.repeat(np.arange(len(ids)), length)
    session = (recorded_action > 0) & np.isfinite(recorded_load) & (recorded_load > 0)
    ratio = pd.Series(recorded_load[session] / nominal[session]).groupby(
        athlete[session]).median().reindex(range(len(ids))).to_numpy()
    typical = np.where(np.isfinite(ratio), ratio, 1.0)[athlete] * nominal
    load = np.where(np.isfinite(recorded_load), recorded_load,
                    np.where(action == int(Action.REST), 0.0, typical))
    return History(
        athlete_ids=[str(i) for i in ids], start=start.astype(np.int64),
        length=length.astype(np.int64), first_day=first_day, last_date=last, ln_hrv=ln_hrv,
        rhr=column("resting_hr"), sleep=column("sleep_hours"),
        efficiency=column("sleep_efficiency"), strain=column("strain"),
        recorded_load=recorded_load, recorded_action=recorded_action, load=load,
        action=action.astype(np.int64), load_ratio=ratio,
        pmc_seed=_pmc_seed(table.iloc[start].assign(load=load[start]), pop))


def successive_difference_sd(values: np.ndarray, history: History) -> np.ndarray:
    """(N,) day-to-day noise SD from differences of consecutive observed days (÷ √2):
    insensitive to slow trends, a first guess before the model has been fitted."""
    diff = np.full(len(values), np.nan)
    diff[1:] = values[1:] - values[:-1]
    diff[history.start] = np.nan  # never across athletes
    return history.per_athlete(diff, "sd") / np.sqrt(2.0)
