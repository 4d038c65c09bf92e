"""Every one of the 32 features against its definition (``features.daily``), computed here
independently with plain numpy from a fully observed history: a feature scaled, shifted,
lagged or swapped with another fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.features.daily import FEATURE_NAMES, HIGH_INTENSITY
from periodization.features.table import features_for_table
from periodization.sim.prior import load_prior

POP = load_prior().population
DAYS = 45


@pytest.fixture(scope="module")
def history():
    rng = np.random.default_rng(11)
    action = rng.integers(0, 6, DAYS)
    action[[9, 10, 11, 12]] = [3, 4, 5, 4]  # a run of hard days
    return pd.DataFrame({
        "athlete_id": "a",
        "date": pd.date_range("2026-01-07", periods=DAYS),  # a Wednesday
        "hrv_rmssd_ms": rng.uniform(35, 80, DAYS),
        "resting_hr": rng.uniform(45, 60, DAYS),
        "recovery": rng.uniform(10, 95, DAYS),
        "sleep_hours": rng.uniform(5, 9, DAYS),
        "sleep_efficiency": rng.uniform(75, 95, DAYS),
        "load": np.where(action == 0, 0.0, rng.uniform(20, 150, DAYS)),
        "action": action,
    })


def slope(y: np.ndarray) -> float:
    x = np.arange(len(y), dtype=float)
    ok = np.isfinite(y)
    return float(np.polyfit(x[ok], y[ok], 1)[0]) if ok.sum() >= 3 else 0.0


def last_week(x: np.ndarray, d: int) -> np.ndarray:
    """Days d−6 … d, NaN before the record starts."""
    return np.concatenate([np.full(max(0, 6 - d), np.nan), x[max(0, d - 6):d + 1]])


def expected(h: pd.DataFrame) -> np.ndarray:
    ln = np.log(h["hrv_rmssd_ms"].to_numpy())
    rec = h["recovery"].to_numpy()
    load, action = h["load"].to_numpy(), h["action"].to_numpy()
    weekday = h["date"].dt.day_of_week.to_numpy()
    out = np.empty((DAYS, 32))
    atl = ctl = 0.0  # no platform ATL/CTL in the table: the seeds are 0
    hard = 0
    last_high = None
    for d in range(DAYS):
        base = ln[max(0, d - 28):d]
        if len(base) >= 4:
            mean, sd = base.mean(), max(base.std(), 0.03)
            z7 = (ln[max(0, d - 6):d + 1].mean() - mean) / sd
        else:
            z7 = 0.0
        if rec[d] >= 67:
            last_high = d
        since = min(d - last_high if last_high is not None else d, 28)
        tsb = ctl - atl
        out[d, :17] = [h["hrv_rmssd_ms"].iloc[d], h["resting_hr"].iloc[d], rec[d],
                  h["sleep_hours"].iloc[d], h["sleep_efficiency"].iloc[d], atl, ctl, tsb, z7,
                  100.0 * slope(last_week(ln, d)), slope(last_week(rec, d)),
                  np.sin(2 * np.pi * weekday[d] / 7), np.cos(2 * np.pi * weekday[d] / 7),
                  since, hard, rec[d] / 100 * atl, tsb * rec[d] / 100]
        # the day's session enters tomorrow's ATL, CTL and hard-day count
        atl = atl * POP.atl_decay + load[d] * (1 - POP.atl_decay)
        ctl = ctl * POP.ctl_decay + load[d] * (1 - POP.ctl_decay)
        hard = hard + 1 if HIGH_INTENSITY[action[d]] else 0
    out[:, 17:] = expected_history(h)
    return out


def running_mean(samples: list[float], start: float) -> float:
    """The personal-response estimate: a running mean that becomes an exponential average
    over the last 30 samples (``start`` before any)."""
    m = start
    for k, x in enumerate(samples, 1):
        m += (x - m) / min(k, 30)
    return m


def expected_history(h: pd.DataFrame) -> np.ndarray:
    """Features 18–32 of every day from the whole (fully observed) table, day by day."""
    ln = np.log(h["hrv_rmssd_ms"].to_numpy())
    rhr, rec = h["resting_hr"].to_numpy(), h["recovery"].to_numpy()
    load, action = h["load"].to_numpy(), h["action"].to_numpy()
    is_hard = HIGH_INTENSITY[action]
    out = np.empty((DAYS, 15))
    samples: dict[str, list[float]] = {k: [] for k in ("zh", "ze", "rh", "re")}
    for d in range(DAYS):
        hard_days = [j for j in range(d) if is_hard[j]]
        since_hard = min(d - 1 - hard_days[-1], 28) if hard_days else 28
        since_rest = 0
        while since_rest < d and action[d - 1 - since_rest] != 0:
            since_rest += 1
        base = ln[max(0, d - 28):d]
        ok = len(base) >= 4
        mean, sd = (base.mean(), max(base.std(), 0.03)) if ok else (0.0, 1.0)
        z3 = (ln[max(0, d - 2):d + 1].mean() - mean) / sd if ok else 0.0
        rhr_base = rhr[max(0, d - 28):d].mean() if d >= 4 else rhr[d]
        after_hard = d >= 1 and is_hard[d - 1]
        if ok:
            samples["zh" if after_hard else "ze"].append((ln[d] - mean) / sd)
        samples["rh" if after_hard else "re"].append(rec[d])
        out[d] = [*(load[d - k] if d >= k else 0.0 for k in (1, 2, 3)),
                  is_hard[max(0, d - 7):d].sum(), since_hard, min(since_rest, 28), z3,
                  rhr[max(0, d - 2):d + 1].mean() - rhr_base,
                  rhr[max(0, d - 6):d + 1].mean() - rhr_base,
                  running_mean(samples["zh"], 0.0), running_mean(samples["ze"], 0.0),
                  running_mean(samples["rh"], 60.0), running_mean(samples["re"], 60.0),
                  min(len(samples["rh"]), 30),
                  sum(np.exp(-(d - 1 - j) / 28) for j in range(d) if action[j] == 5)]
    return out


@pytest.mark.parametrize("name", FEATURE_NAMES)
def test_each_feature_follows_its_definition(history, name):
    got = features_for_table(history, pop=POP).raw
    want = expected(history)
    j = FEATURE_NAMES.index(name)
    np.testing.assert_allclose(got[:, j], want[:, j], rtol=1e-9, atol=1e-9, err_msg=name)
    assert np.ptp(want[:, j]) > 0  # the feature varies, so a scale error would show
