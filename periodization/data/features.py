"""The 17 features: the only implementation, incremental and batched over athletes.

The environment and the real-data path both call these two functions, day by day:

* ``morning(state, inputs)``: today's wearable readings arrive; returns the 17 raw features
  of today and the context the safety rules read, and pushes today into the history;
* ``record_day(state, load, action)``: today's session is done; updates the training load
  history (ATL, CTL, consecutive hard days, days since rest) and moves to tomorrow.

A whole table is computed by the same two calls with all athletes as the batch
(``features_for_table``), so features of a table equal features computed day by day.

| #  | name                     | definition (unit)                                              |
|----|--------------------------|----------------------------------------------------------------|
| 1  | hrv_rmssd_ms             | today's RMSSD (ms)                                              |
| 2  | resting_hr               | today's resting HR (bpm)                                        |
| 3  | recovery                 | today's recovery score (0–100)                                  |
| 4  | sleep_hours              | last night's sleep (h)                                          |
| 5  | sleep_efficiency         | last night's sleep efficiency (%)                               |
| 6  | atl                      | acute training load after yesterday (TSS/day, τ = 7 d)          |
| 7  | ctl                      | chronic training load after yesterday (TSS/day, τ = 42 d)       |
| 8  | tsb                      | training stress balance = CTL − ATL, both after yesterday       |
| 9  | hrv_z7                   | (7-day mean ln RMSSD − 28-day baseline mean) / baseline SD      |
| 10 | hrv_trend                | OLS slope of ln RMSSD over the last 7 days (% per day)          |
| 11 | recovery_trend           | OLS slope of recovery over the last 7 days (points per day)     |
| 12 | dow_sin                  | sin(2π·weekday/7), Monday = 0                                  |
| 13 | dow_cos                  | cos(2π·weekday/7)                                              |
| 14 | days_since_high_recovery | days since recovery ≥ 67 (0 today if green; capped at 28)      |
| 15 | consecutive_hard_days    | consecutive TEMPO/HIIT/STRENGTH days up to yesterday            |
| 16 | recovery_x_fatigue       | recovery/100 · ATL                                             |
| 17 | tsb_x_recovery           | TSB · recovery/100                                             |

ATL/CTL use GoldenCheetah's exponential form, ``X_d = X_{d−1}·e^{−1/τ} + load_d·(1 − e^{−1/τ})``,
and TSB is yesterday's CTL − ATL (the TrainingPeaks/WKO convention). The 28-day HRV baseline
excludes today. Missing history (NaN, or before the first day) is left out of every window
statistic; a window with too few values falls back to neutral values, so no feature is ever
NaN. Missing *current* readings are replaced by the 7-day mean (or the baseline) and
reported in ``MorningContext.imputed``; preprocessing normally fills them first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.athlete.actions import HIGH_INTENSITY, Action

FEATURE_NAMES: tuple[str, ...] = (
    "hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours", "sleep_efficiency",
    "atl", "ctl", "tsb", "hrv_z7", "hrv_trend", "recovery_trend", "dow_sin", "dow_cos",
    "days_since_high_recovery", "consecutive_hard_days", "recovery_x_fatigue", "tsb_x_recovery",
)  # fmt: skip
N_FEATURES = len(FEATURE_NAMES)
INPUT_COLUMNS = ("hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours", "sleep_efficiency")

BASELINE_DAYS = 28
SHORT_DAYS = 7
HIGH_RECOVERY = 67.0  # WHOOP green
DAYS_SINCE_CAP = 28
MIN_BASELINE_VALUES = 4
MIN_HRV_SD = 0.03  # ln units; avoids huge z-scores from a too-short, too-flat baseline
# Population-typical fallbacks for a reading with no history at all.
_FALLBACK = {"hrv_rmssd_ms": 55.0, "resting_hr": 55.0, "recovery": 60.0, "sleep_hours": 7.3,
             "sleep_efficiency": 86.0}  # fmt: skip

_X7 = np.arange(SHORT_DAYS, dtype=np.float64)


@dataclass(frozen=True)
class FeatureState:
    """Per-athlete history the features need (every field has leading shape (N,))."""

    atl: np.ndarray  # after yesterday, TSS/day
    ctl: np.ndarray
    ln_hrv: np.ndarray  # (N, 28) ln RMSSD of the previous 28 days, oldest first
    ln_hrv_ok: np.ndarray  # (N, 28) bool, value present
    recovery: np.ndarray  # (N, 7) recovery of the previous 7 days
    recovery_ok: np.ndarray  # (N, 7) bool
    recent: np.ndarray  # (N, 5) last valid value of each input column (NaN before any)
    days_since_high_recovery: np.ndarray  # int64
    consecutive_hard: np.ndarray  # int64, up to yesterday
    days_since_rest: np.ndarray  # int64, consecutive days without REST up to yesterday
    weekday: np.ndarray  # int64, today's weekday (0 = Monday)


@dataclass(frozen=True)
class MorningInputs:
    """Today's wearable readings, each shape (N,); NaN marks a missing reading."""

    hrv_rmssd_ms: np.ndarray
    resting_hr: np.ndarray
    recovery: np.ndarray
    sleep_hours: np.ndarray
    sleep_efficiency: np.ndarray


@dataclass(frozen=True)
class MorningContext:
    """What the safety rules and the reward read besides the features (shape (N,))."""

    recovery: np.ndarray
    ln_hrv: np.ndarray
    hrv_baseline_mean: np.ndarray  # ln RMSSD, previous 28 days
    hrv_baseline_sd: np.ndarray
    consecutive_hard: np.ndarray
    days_since_rest: np.ndarray
    imputed: np.ndarray  # bool, some current reading was missing and filled


def initial_state(n: int, *, atl: np.ndarray | float = 0.0, ctl: np.ndarray | float = 0.0,
                  weekday: np.ndarray | int = 0) -> FeatureState:
    """Empty history for ``n`` athletes with the given load seeds (morning of day 0)."""
    return FeatureState(
        atl=np.broadcast_to(np.asarray(atl, dtype=np.float64), (n,)).copy(),
        ctl=np.broadcast_to(np.asarray(ctl, dtype=np.float64), (n,)).copy(),
        ln_hrv=np.zeros((n, BASELINE_DAYS)),
        ln_hrv_ok=np.zeros((n, BASELINE_DAYS), dtype=bool),
        recovery=np.zeros((n, SHORT_DAYS)),
        recovery_ok=np.zeros((n, SHORT_DAYS), dtype=bool),
        recent=np.full((n, len(INPUT_COLUMNS)), np.nan),
        days_since_high_recovery=np.zeros(n, dtype=np.int64),
        consecutive_hard=np.zeros(n, dtype=np.int64),
        days_since_rest=np.zeros(n, dtype=np.int64),
        weekday=np.broadcast_to(np.asarray(weekday, dtype=np.int64), (n,)).copy(),
    )


def _push(window: np.ndarray, value: np.ndarray) -> np.ndarray:
    return np.concatenate([window[:, 1:], value[:, None]], axis=1)


def _masked_slope(y: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """OLS slope per row of ``y`` (N, 7) against day index, using only ``ok`` entries.

    Rows with fewer than 3 values get slope 0.
    """
    w = ok.astype(np.float64)
    n = w.sum(axis=1)
    sx, sy = w @ _X7, (w * y).sum(axis=1)
    sxx, sxy = w @ (_X7 * _X7), (w * y) @ _X7
    denom = n * sxx - sx * sx
    good = (n >= 3) & (denom > 0)
    return np.where(good, (n * sxy - sx * sy) / np.where(good, denom, 1.0), 0.0)


def morning(state: FeatureState, inputs: MorningInputs
            ) -> tuple[FeatureState, np.ndarray, MorningContext]:
    """Today's 17 raw features, shape (N, 17) float64, plus the rules' context."""
    current = np.stack([getattr(inputs, c) for c in INPUT_COLUMNS], axis=1).astype(np.float64)
    missing = ~np.isfinite(current)
    imputed = missing.any(axis=1)
    if imputed.any():
        fallback = np.where(np.isfinite(state.recent), state.recent,
                            np.array([_FALLBACK[c] for c in INPUT_COLUMNS]))
        current = np.where(missing, fallback, current)
    recent = current
    hrv, rhr, rec, sleep, eff = current.T
    ln_hrv = np.log(np.maximum(hrv, 1.0))

    # 28-day baseline of ln RMSSD (previous days only), from masked sums.
    okf = state.ln_hrv_ok.astype(np.float64)
    count = okf.sum(axis=1)
    s1 = (okf * state.ln_hrv).sum(axis=1)
    s2 = (okf * state.ln_hrv * state.ln_hrv).sum(axis=1)
    enough = count >= MIN_BASELINE_VALUES
    safe = np.maximum(count, 1.0)
    base_mean = np.where(enough, s1 / safe, ln_hrv)
    base_sd = np.where(enough, np.sqrt(np.maximum(s2 / safe - (s1 / safe) ** 2, 0.0)), 0.0)
    base_sd = np.maximum(base_sd, MIN_HRV_SD)

    ln_window = _push(state.ln_hrv, ln_hrv)
    ln_ok = _push(state.ln_hrv_ok, ~missing[:, 0])
    rec_window = _push(state.recovery, rec)
    rec_ok = _push(state.recovery_ok, ~missing[:, 2])
    # The current (possibly imputed) value always enters the short windows' statistics, so
    # they are defined from day one; only genuinely observed values enter the stored history.
    short_ln = ln_window[:, -SHORT_DAYS:]
    short_ok = ln_ok[:, -SHORT_DAYS:].copy()
    short_ok[:, -1] = True
    short_mean = (short_ln * short_ok).sum(axis=1) / short_ok.sum(axis=1)
    rec_ok_now = rec_ok.copy()
    rec_ok_now[:, -1] = True

    hrv_z7 = np.where(enough, (short_mean - base_mean) / base_sd, 0.0)
    hrv_trend = 100.0 * _masked_slope(short_ln, short_ok)
    rec_trend = _masked_slope(rec_window, rec_ok_now)
    since_high = np.where(rec >= HIGH_RECOVERY, 0,
                          np.minimum(state.days_since_high_recovery, DAYS_SINCE_CAP))
    angle = 2.0 * np.pi * state.weekday / 7.0
    tsb = state.ctl - state.atl
    raw = np.stack([
        hrv, rhr, rec, sleep, eff, state.atl, state.ctl, tsb, hrv_z7, hrv_trend, rec_trend,
        np.sin(angle), np.cos(angle), since_high.astype(np.float64),
        state.consecutive_hard.astype(np.float64), rec / 100.0 * state.atl, tsb * rec / 100.0,
    ], axis=1)  # fmt: skip

    new_state = FeatureState(
        atl=state.atl, ctl=state.ctl, ln_hrv=ln_window, ln_hrv_ok=ln_ok, recovery=rec_window,
        recovery_ok=rec_ok, recent=recent, days_since_high_recovery=since_high,
        consecutive_hard=state.consecutive_hard, days_since_rest=state.days_since_rest,
        weekday=state.weekday,
    )
    context = MorningContext(
        recovery=rec, ln_hrv=ln_hrv, hrv_baseline_mean=base_mean, hrv_baseline_sd=base_sd,
        consecutive_hard=state.consecutive_hard, days_since_rest=state.days_since_rest,
        imputed=imputed,
    )
    return new_state, raw, context


def record_day(state: FeatureState, load: np.ndarray, action: np.ndarray,
               *, atl_decay: float = float(np.exp(-1 / 7)),
               ctl_decay: float = float(np.exp(-1 / 42))) -> FeatureState:
    """Fold in today's load (TSS, NaN counts as 0) and action ids (−1 = unknown), then advance.

    An unknown action counts as REST when the load is 0 and as not high-intensity otherwise.
    """
    w = np.nan_to_num(np.asarray(load, dtype=np.float64), nan=0.0)
    a = np.asarray(action, dtype=np.int64)
    known = a >= 0
    hard = known & HIGH_INTENSITY[np.clip(a, 0, None)]
    rest = np.where(known, a == Action.REST, w <= 0.0)
    return FeatureState(
        atl=state.atl * atl_decay + w * (1.0 - atl_decay),
        ctl=state.ctl * ctl_decay + w * (1.0 - ctl_decay),
        ln_hrv=state.ln_hrv, ln_hrv_ok=state.ln_hrv_ok, recovery=state.recovery,
        recovery_ok=state.recovery_ok, recent=state.recent,
        days_since_high_recovery=state.days_since_high_recovery + 1,
        consecutive_hard=np.where(hard, state.consecutive_hard + 1, 0),
        days_since_rest=np.where(rest, 0, state.days_since_rest + 1),
        weekday=(state.weekday + 1) % 7,
    )
