"""Compiled per-athlete loops of the 17 one-morning features (numba), behind ``daily.py``.

Definitions are documented in ``daily.py``; this is their one implementation.
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit

BASELINE_DAYS = 28
SHORT_DAYS = 7
HIGH_RECOVERY = 67.0
DAYS_SINCE_CAP = 28
MIN_BASELINE_VALUES = 4
MIN_HRV_SD = 0.03
FALLBACK = np.array([55.0, 55.0, 60.0, 7.3, 86.0])  # hrv, rhr, recovery, sleep h, efficiency
DOW_SIN = np.sin(2.0 * np.pi * np.arange(7) / 7.0)
DOW_COS = np.cos(2.0 * np.pi * np.arange(7) / 7.0)


@njit(inline="always")
def _slope(y: np.ndarray) -> float:
    """OLS slope of y against 0…len−1 over its finite entries; 0 with fewer than 3."""
    n = sx = sy = sxx = sxy = 0.0
    for k in range(y.shape[0]):
        v = y[k]
        if math.isfinite(v):
            n += 1.0
            sx += k
            sy += v
            sxx += k * k
            sxy += k * v
    denom = n * sxx - sx * sx
    if n < 3.0 or denom <= 0.0:
        return 0.0
    return (n * sxy - sx * sy) / denom


@njit(cache=True)
def morning(current, recent, ln_hist, rec_hist, since_high, consecutive_hard,
            days_since_rest, weekday, atl, ctl, ctx, width):
    """See ``features.morning``. History windows hold NaN where nothing was observed.

    Fills ``ctx`` (the ``MorningContext`` record, (N,)) and returns (recent, ln window,
    recovery window, days since high recovery, raw (N, width)); columns 17 and on are left
    for the history features (``history_kernels.morning``).
    """
    n = current.shape[0]
    new_recent = np.empty((n, 5))
    new_ln, new_rec = np.empty_like(ln_hist), np.empty_like(rec_hist)
    new_since = np.empty(n, dtype=np.int64)
    raw = np.empty((n, width))
    short = np.empty(SHORT_DAYS)
    cur = np.empty(5)
    first = BASELINE_DAYS - SHORT_DAYS
    for i in range(n):
        observed_hrv = observed_rec = True
        imputed = False
        for c in range(5):
            x = current[i, c]
            if not math.isfinite(x):
                imputed = True
                observed_hrv = observed_hrv and c != 0
                observed_rec = observed_rec and c != 2
                x = recent[i, c] if math.isfinite(recent[i, c]) else FALLBACK[c]
            cur[c] = x
            new_recent[i, c] = x
        hrv, rhr, rec, sleep, eff = cur[0], cur[1], cur[2], cur[3], cur[4]
        ln_hrv = math.log(max(hrv, 1.0))

        # 28-day baseline of ln RMSSD from the previous days only
        count = s1 = s2 = 0.0
        for k in range(BASELINE_DAYS):
            v = ln_hist[i, k]
            if math.isfinite(v):
                count += 1.0
                s1 += v
                s2 += v * v
        enough = count >= MIN_BASELINE_VALUES
        if enough:
            base_mean = s1 / count
            base_sd = max(math.sqrt(max(s2 / count - base_mean * base_mean, 0.0)), MIN_HRV_SD)
        else:
            base_mean, base_sd = ln_hrv, MIN_HRV_SD

        # Only observed values are stored as history ...
        for k in range(BASELINE_DAYS - 1):
            new_ln[i, k] = ln_hist[i, k + 1]
        new_ln[i, BASELINE_DAYS - 1] = ln_hrv if observed_hrv else np.nan
        for k in range(SHORT_DAYS - 1):
            new_rec[i, k] = rec_hist[i, k + 1]
        new_rec[i, SHORT_DAYS - 1] = rec if observed_rec else np.nan
        # ... but today's (possibly imputed) value always enters the short windows, so they
        # are defined from day one.
        total = valid = 0.0
        for k in range(SHORT_DAYS):
            v = ln_hrv if k == SHORT_DAYS - 1 else new_ln[i, first + k]
            short[k] = v
            if math.isfinite(v):
                total += v
                valid += 1.0
        hrv_z7 = (total / valid - base_mean) / base_sd if enough else 0.0
        hrv_trend = 100.0 * _slope(short)
        for k in range(SHORT_DAYS):
            short[k] = rec if k == SHORT_DAYS - 1 else new_rec[i, k]
        rec_trend = _slope(short)

        since = 0 if rec >= HIGH_RECOVERY else min(since_high[i], DAYS_SINCE_CAP)
        new_since[i] = since
        tsb = ctl[i] - atl[i]
        raw[i, 0], raw[i, 1], raw[i, 2], raw[i, 3], raw[i, 4] = hrv, rhr, rec, sleep, eff
        raw[i, 5], raw[i, 6], raw[i, 7] = atl[i], ctl[i], tsb
        raw[i, 8], raw[i, 9], raw[i, 10] = hrv_z7, hrv_trend, rec_trend
        raw[i, 11], raw[i, 12] = DOW_SIN[weekday[i]], DOW_COS[weekday[i]]
        raw[i, 13], raw[i, 14] = float(since), float(consecutive_hard[i])
        raw[i, 15], raw[i, 16] = rec / 100.0 * atl[i], tsb * rec / 100.0
        c = ctx[i]
        c["recovery"], c["ln_hrv"] = rec, ln_hrv
        c["hrv_baseline_mean"], c["hrv_baseline_sd"] = base_mean, base_sd
        c["consecutive_hard"], c["days_since_rest"] = consecutive_hard[i], days_since_rest[i]
        c["imputed"] = imputed
    return new_recent, new_ln, new_rec, new_since, raw


@njit(inline="always")
def day_counters(consecutive_hard: int, days_since_rest: int, a: int, w: float,
                 high_intensity: np.ndarray) -> tuple[int, int]:
    """(consecutive hard days, days without REST) after a day of action ``a`` (−1 unknown:
    REST if the load ``w`` is 0, not hard otherwise): the counters the safety rules read.
    The one implementation; the oracle's rollout counts its planned days with it too."""
    known = a >= 0
    hard = known and high_intensity[a]
    rest = (a == 0) if known else (w <= 0.0)
    return (consecutive_hard + 1 if hard else 0), (0 if rest else days_since_rest + 1)


@njit(cache=True)
def record_day(load, action, high_intensity, atl, ctl, since_high, consecutive_hard,
               days_since_rest, weekday, atl_decay, ctl_decay):
    """See ``features.record_day``. Returns (atl, ctl, since_high, hard, since_rest, weekday)."""
    n = load.shape[0]
    out_f = np.empty((2, n))
    out_i = np.empty((4, n), dtype=np.int64)
    for i in range(n):
        w = load[i] if math.isfinite(load[i]) else 0.0
        out_f[0, i] = atl[i] * atl_decay + w * (1.0 - atl_decay)
        out_f[1, i] = ctl[i] * ctl_decay + w * (1.0 - ctl_decay)
        out_i[0, i] = since_high[i] + 1
        out_i[1, i], out_i[2, i] = day_counters(consecutive_hard[i], days_since_rest[i],
                                                action[i], w, high_intensity)
        out_i[3, i] = (weekday[i] + 1) % 7
    return out_f, out_i


@njit(cache=True)
def scale(raw, mean, inv_scale, clip):
    """(raw[:, :k] − mean) / scale, clipped to ±clip, as float32 (N, k), k = len(mean):
    a scaler of an older observation space reads the leading columns it knows."""
    n, k = raw.shape[0], mean.shape[0]
    out = np.empty((n, k), dtype=np.float32)
    for i in range(n):
        for j in range(k):
            z = (raw[i, j] - mean[j]) * inv_scale[j]
            out[i, j] = min(max(z, -clip), clip)
    return out
