"""Compiled per-athlete loops of the 15 history features (numba), behind ``features.daily``.

Definitions are documented in ``features/daily.py`` (features 18–32); this is their one
implementation. Everything here reads the athlete's own past days and this morning's
readings only: nothing the athlete could not know that morning.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim.actions import Action

N_BASE = 17  # columns 0–16 are the one-morning features (``kernels.morning``)
N_HISTORY = 15
LOAD_DAYS = 7  # the window of recent sessions (loads and hard days), oldest first
RHR_DAYS = 28  # the resting-HR baseline window, as the HRV one
DAYS_SINCE_CAP = 28
MIN_BASELINE_VALUES = 4
# The personal-response estimates are running means that turn into exponential averages
# after RESPONSE_MEMORY samples, so an athlete whose response changes is followed.
RESPONSE_MEMORY = 30
NEUTRAL_RECOVERY = 60.0  # the estimate before any sample (the population's usual recovery)
# Recent strength work, counted over about four weeks: strength sessions protect against
# injury for weeks after them (resistance-training trials: Lauersen et al. 2014), so a
# coach counts them over a month, a session of k days ago weighing e^(−k/28).
STRENGTH_DECAY = math.exp(-1.0 / 28.0)
STRENGTH = int(Action.STRENGTH)  # a plain int: the compiled loops compare action ids


@njit(cache=True)
def morning(current, raw, base_mean, base_sd, ln_prev, rhr_hist, loads, hard,
            days_since_hard, days_since_rest, consecutive_hard, response, response_n,
            strength):
    """Fill ``raw[:, 17:32]`` (raw is (N, 32), columns 0–16 already filled by
    ``kernels.morning``) and return the new (RHR window, response (N, 4), counts (N, 4)).

    ``ln_prev`` is the ln RMSSD window before this morning (the previous 28 days, oldest
    first); ``base_mean`` and ``base_sd`` its baseline (``kernels.morning``); ``current``
    today's readings (NaN = missing: a missing reading enters no estimate). Yesterday was
    hard exactly when ``consecutive_hard`` (up to yesterday) is positive.
    """
    n = current.shape[0]
    new_rhr = np.empty_like(rhr_hist)
    new_resp = response.copy()
    new_n = response_n.copy()
    for i in range(n):
        hrv_seen = math.isfinite(current[i, 0])
        rhr_seen = math.isfinite(current[i, 1])
        rec_seen = math.isfinite(current[i, 2])
        rhr_today = raw[i, 1]  # today's (possibly imputed) resting HR
        ln_today = math.log(max(raw[i, 0], 1.0))

        # resting-HR baseline of the previous 28 observed days
        count = total = 0.0
        for k in range(RHR_DAYS):
            v = rhr_hist[i, k]
            if math.isfinite(v):
                count += 1.0
                total += v
        rhr_base = total / count if count >= MIN_BASELINE_VALUES else rhr_today
        for k in range(RHR_DAYS - 1):
            new_rhr[i, k] = rhr_hist[i, k + 1]
        new_rhr[i, RHR_DAYS - 1] = rhr_today if rhr_seen else np.nan
        # short means include today (imputed if missing), like the 7-day HRV z-score
        s3 = c3 = s7 = c7 = 0.0
        for k in range(7):
            v = rhr_today if k == 6 else new_rhr[i, RHR_DAYS - 7 + k]
            if math.isfinite(v):
                s7 += v
                c7 += 1.0
                if k >= 4:
                    s3 += v
                    c3 += 1.0
        # the HRV baseline exists with >= 4 previous values (else every z-score is 0)
        days = ln_prev.shape[1]
        valid = 0
        for k in range(days):
            if math.isfinite(ln_prev[i, k]):
                valid += 1
        enough = valid >= MIN_BASELINE_VALUES
        h3 = hc3 = 0.0
        for k in range(3):
            v = ln_today if k == 2 else ln_prev[i, days - 2 + k]
            if math.isfinite(v):
                h3 += v
                hc3 += 1.0
        hrv_z3 = (h3 / hc3 - base_mean[i]) / base_sd[i] if enough else 0.0
        z_today = (ln_today - base_mean[i]) / base_sd[i] if enough else 0.0

        # how this athlete's mornings look after hard and after easy days
        after_hard = consecutive_hard[i] > 0
        slot = 0 if after_hard else 1
        if hrv_seen and enough:
            new_n[i, slot] += 1
            m = min(new_n[i, slot], RESPONSE_MEMORY)
            new_resp[i, slot] += (z_today - new_resp[i, slot]) / m
        if rec_seen:
            new_n[i, 2 + slot] += 1
            m = min(new_n[i, 2 + slot], RESPONSE_MEMORY)
            new_resp[i, 2 + slot] += (raw[i, 2] - new_resp[i, 2 + slot]) / m

        hard7 = 0.0
        for k in range(LOAD_DAYS):
            hard7 += hard[i, k]
        j = N_BASE
        raw[i, j], raw[i, j + 1], raw[i, j + 2] = (loads[i, LOAD_DAYS - 1],
                                                   loads[i, LOAD_DAYS - 2],
                                                   loads[i, LOAD_DAYS - 3])
        raw[i, j + 3] = hard7
        raw[i, j + 4] = float(min(days_since_hard[i], DAYS_SINCE_CAP))
        raw[i, j + 5] = float(min(days_since_rest[i], DAYS_SINCE_CAP))
        raw[i, j + 6] = hrv_z3
        raw[i, j + 7] = s3 / c3 - rhr_base
        raw[i, j + 8] = s7 / c7 - rhr_base
        for k in range(4):
            raw[i, j + 9 + k] = new_resp[i, k]
        raw[i, j + 13] = float(min(new_n[i, 2], RESPONSE_MEMORY))
        raw[i, j + 14] = strength[i]
    return new_rhr, new_resp, new_n


@njit(cache=True)
def record_day(load, action, high_intensity, loads, hard, days_since_hard, strength):
    """Today's load (NaN counts as 0) and whether it was hard (TEMPO/HIIT/STRENGTH; an
    unknown action −1 is not) enter the 7-day windows, and a strength session the strength
    count. Returns (loads, hard, days since the last hard day, counted up to today: 0 after
    a hard day, the strength count up to today)."""
    n = load.shape[0]
    new_loads, new_hard = np.empty_like(loads), np.empty_like(hard)
    new_since = np.empty(n, dtype=np.int64)
    new_strength = np.empty(n)
    for i in range(n):
        for k in range(LOAD_DAYS - 1):
            new_loads[i, k] = loads[i, k + 1]
            new_hard[i, k] = hard[i, k + 1]
        w = load[i] if math.isfinite(load[i]) else 0.0
        a = action[i]
        is_hard = a >= 0 and high_intensity[a]
        new_loads[i, LOAD_DAYS - 1] = w
        new_hard[i, LOAD_DAYS - 1] = 1.0 if is_hard else 0.0
        new_since[i] = 0 if is_hard else min(days_since_hard[i] + 1, DAYS_SINCE_CAP)
        new_strength[i] = strength[i] * STRENGTH_DECAY + (1.0 if a == STRENGTH else 0.0)
    return new_loads, new_hard, new_since, new_strength
