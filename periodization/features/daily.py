"""The 32 features (17 of the morning, 15 of recent history): the only implementation,
incremental and batched over athletes.

The environment and the real-data path both call these two functions, day by day:

* ``morning(state, readings)``: today's wearable readings arrive; returns the 17 raw features
  of today and the context the safety rules read, and pushes today into the history;
* ``record_day(state, load, action)``: today's session is done; updates the training load
  history (ATL, CTL, consecutive hard days, days since rest, the 7-day session window)
  and moves to tomorrow.

A whole table is computed by the same two calls with all athletes as the batch
(``features_for_table``), so features of a table equal features computed day by day.

| #  | name                     | definition (unit)                                              |
|----|--------------------------|----------------------------------------------------------------|
| 1  | hrv_rmssd_ms             | today's RMSSD (ms)                                              |
| 2  | resting_hr               | today's resting HR (bpm)                                        |
| 3  | recovery                 | today's recovery score (0–100)                                  |
| 4  | sleep_hours              | last night's sleep (h)                                          |
| 5  | sleep_efficiency         | last night's sleep efficiency (%)                               |
| 6  | atl                      | acute training load after yesterday (TSS/day, τ = atl_days)     |
| 7  | ctl                      | chronic training load after yesterday (TSS/day, τ = ctl_days)   |
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
| 18 | load_1d                  | yesterday's load (TSS; unknown = 0)                            |
| 19 | load_2d                  | the load of the day before yesterday (TSS)                     |
| 20 | load_3d                  | the load three days ago (TSS)                                  |
| 21 | hard_days_7d             | TEMPO/HIIT/STRENGTH days among the last 7 (count)              |
| 22 | days_since_hard          | full days since the last hard day (0 = yesterday; cap 28)      |
| 23 | days_since_rest          | consecutive days without REST up to yesterday (cap 28)         |
| 24 | hrv_z3                   | (3-day mean ln RMSSD − 28-day baseline mean) / baseline SD      |
| 25 | rhr_delta3               | 3-day mean resting HR − 28-day resting-HR baseline (bpm)        |
| 26 | rhr_delta7               | 7-day mean resting HR − 28-day resting-HR baseline (bpm)        |
| 27 | hrv_after_hard           | running mean of the morning HRV z-score after hard days (SD)    |
| 28 | hrv_after_easy           | the same after any other day (SD)                               |
| 29 | recovery_after_hard      | running mean of the morning recovery after hard days (0–100)    |
| 30 | recovery_after_easy      | the same after any other day (0–100)                            |
| 31 | hard_mornings_seen       | mornings after a hard day behind #29 (count, cap 30)            |
| 32 | strength_28d             | STRENGTH days to yesterday, k days ago weighing e^(−k/28)       |

Features 18–31 (observation space v2) are what a coach learns about an athlete over time:
the last week's sessions, how readiness answers recent load, and a running
personal-response estimate (#27–#30: running means that become exponential
averages over the last 30 samples; the HRV z-score of a morning is today's ln RMSSD
against the 28-day baseline; before any sample they are 0 SD and 60 points). Feature 32
(observation space v3, ``FEATURES_VERSION`` 3) is the athlete's recent strength work,
which protects against injury for weeks. An older observation space reads the leading
columns it knows (v1: features 1–17, v2: 1–31; ``scaler.FeatureScaler``).

ATL/CTL use GoldenCheetah's exponential form, ``X_d = X_{d−1}·e^{−1/τ} + load_d·(1 − e^{−1/τ})``,
with τ the population's ``atl_days``/``ctl_days`` (7 and 42 in the packaged prior), and TSB
is yesterday's CTL − ATL (the TrainingPeaks/WKO convention). The 28-day HRV baseline
excludes today. Missing history (NaN, or before the first day) is left out of every window
statistic; a window with too few values falls back to neutral values, so no feature is ever
NaN. Missing *current* readings are replaced by the 7-day mean (or the baseline) and
reported in ``MorningContext.imputed``; preprocessing normally fills them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from periodization.features import history_kernels as H
from periodization.features import kernels as K
from periodization.sim.actions import HIGH_INTENSITY
from periodization.sim.batch import build, from_record, record_dtype, to_record
from periodization.sim.params import Population
from periodization.sim.state import READING_COLUMNS

FEATURE_NAMES: tuple[str, ...] = (
    "hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours", "sleep_efficiency",
    "atl", "ctl", "tsb", "hrv_z7", "hrv_trend", "recovery_trend", "dow_sin", "dow_cos",
    "days_since_high_recovery", "consecutive_hard_days", "recovery_x_fatigue", "tsb_x_recovery",
    "load_1d", "load_2d", "load_3d", "hard_days_7d", "days_since_hard", "days_since_rest",
    "hrv_z3", "rhr_delta3", "rhr_delta7", "hrv_after_hard", "hrv_after_easy",
    "recovery_after_hard", "recovery_after_easy", "hard_mornings_seen", "strength_28d",
)  # fmt: skip
N_FEATURES = len(FEATURE_NAMES)  # the width of every raw feature array (32)
MORNING_FEATURES = FEATURE_NAMES[:H.N_BASE]  # features 1–17, observation space v1
assert N_FEATURES == H.N_BASE + H.N_HISTORY
INPUT_COLUMNS = READING_COLUMNS  # hrv_rmssd_ms, resting_hr, recovery, sleep_hours, efficiency

BASELINE_DAYS = K.BASELINE_DAYS  # 28
SHORT_DAYS = K.SHORT_DAYS  # 7
HIGH_RECOVERY = K.HIGH_RECOVERY  # 67, WHOOP green
# A baseline needs ≥ 4 values; its SD is floored at 0.03 ln units (no huge z-scores from a
# short, flat history); a reading with no history at all falls back to population values.


@dataclass(frozen=True)
class FeatureState:
    """Per-athlete history the features need (every field has leading shape (N,))."""

    atl: np.ndarray  # after yesterday, TSS/day
    ctl: np.ndarray
    ln_hrv: np.ndarray  # (N, 28) ln RMSSD of the previous 28 days, oldest first; NaN = none
    recovery: np.ndarray  # (N, 7) recovery of the previous 7 days; NaN = none
    recent: np.ndarray  # (N, 5) last valid value of each input column (NaN before any)
    days_since_high_recovery: np.ndarray  # int64
    consecutive_hard: np.ndarray  # int64, up to yesterday
    days_since_rest: np.ndarray  # int64, consecutive days without REST up to yesterday
    weekday: np.ndarray  # int64, today's weekday (0 = Monday)
    rhr: np.ndarray  # (N, 28) resting HR of the previous 28 days, bpm; NaN = none
    loads: np.ndarray  # (N, 7) load of the last 7 days, TSS, oldest first (unknown = 0)
    hard: np.ndarray  # (N, 7) 1.0 where that day was TEMPO/HIIT/STRENGTH
    days_since_hard: np.ndarray  # int64, full days since the last hard day (cap 28)
    response: np.ndarray  # (N, 4) HRV z after hard, after easy; recovery after hard, easy
    response_n: np.ndarray  # (N, 4) int64 mornings behind each of them
    strength: np.ndarray  # STRENGTH days up to yesterday, exponentially weighted (τ 28 days)


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

    @cached_property
    def record(self) -> np.ndarray:
        """The context as one (N,) structured array (``MORNING_DTYPE``), the named record
        the compiled rules and reward read; ``morning`` makes its contexts with it."""
        return to_record(self, MORNING_DTYPE)


MORNING_DTYPE = record_dtype(MorningContext, ints=("consecutive_hard", "days_since_rest"),
                             bools=("imputed",))


def initial_state(n: int, *, atl: np.ndarray | float = 0.0, ctl: np.ndarray | float = 0.0,
                  weekday: np.ndarray | int = 0) -> FeatureState:
    """Empty history for ``n`` athletes with the given load seeds (morning of day 0)."""
    return FeatureState(
        atl=np.broadcast_to(np.asarray(atl, dtype=np.float64), (n,)).copy(),
        ctl=np.broadcast_to(np.asarray(ctl, dtype=np.float64), (n,)).copy(),
        ln_hrv=np.full((n, BASELINE_DAYS), np.nan),
        recovery=np.full((n, SHORT_DAYS), np.nan),
        recent=np.full((n, len(INPUT_COLUMNS)), np.nan),
        days_since_high_recovery=np.zeros(n, dtype=np.int64),
        consecutive_hard=np.zeros(n, dtype=np.int64),
        days_since_rest=np.zeros(n, dtype=np.int64),
        weekday=np.broadcast_to(np.asarray(weekday, dtype=np.int64), (n,)).copy(),
        rhr=np.full((n, H.RHR_DAYS), np.nan),
        loads=np.zeros((n, H.LOAD_DAYS)),
        hard=np.zeros((n, H.LOAD_DAYS)),
        days_since_hard=np.full(n, H.DAYS_SINCE_CAP, dtype=np.int64),
        response=np.tile([0.0, 0.0, H.NEUTRAL_RECOVERY, H.NEUTRAL_RECOVERY], (n, 1)),
        response_n=np.zeros((n, 4), dtype=np.int64),
        strength=np.zeros(n),
    )


def morning(state: FeatureState, readings: np.ndarray
            ) -> tuple[FeatureState, np.ndarray, MorningContext]:
    """Today's 32 raw features, shape (N, 32) float64, plus the rules' context.

    ``readings`` is (N, 5) in ``INPUT_COLUMNS`` order (NaN = missing reading).
    """
    current = np.ascontiguousarray(readings, dtype=np.float64)
    ctx = np.empty(current.shape[0], dtype=MORNING_DTYPE)
    recent, ln, rec, since, raw = K.morning(
        current, state.recent, state.ln_hrv, state.recovery, state.days_since_high_recovery,
        state.consecutive_hard, state.days_since_rest, state.weekday, state.atl, state.ctl,
        ctx, N_FEATURES)
    rhr, response, response_n = H.morning(
        current, raw, ctx["hrv_baseline_mean"], ctx["hrv_baseline_sd"], state.ln_hrv,
        state.rhr, state.loads, state.hard, state.days_since_hard, state.days_since_rest,
        state.consecutive_hard, state.response, state.response_n, state.strength)
    new_state = build(
        FeatureState, atl=state.atl, ctl=state.ctl, ln_hrv=ln, recovery=rec, recent=recent,
        days_since_high_recovery=since,
        consecutive_hard=state.consecutive_hard, days_since_rest=state.days_since_rest,
        weekday=state.weekday, rhr=rhr, loads=state.loads, hard=state.hard,
        days_since_hard=state.days_since_hard, response=response, response_n=response_n,
        strength=state.strength,
    )
    context = from_record(MorningContext, ctx)
    return new_state, raw, context


def record_day(state: FeatureState, load: np.ndarray, action: np.ndarray,
               *, pop: Population) -> FeatureState:
    """Fold in today's load (TSS, NaN counts as 0) and action ids (−1 = unknown), then advance.

    ATL and CTL decay with the population's own time constants (``pop.atl_decay``,
    ``pop.ctl_decay``, from ``atl_days``/``ctl_days`` of the prior), the same the athlete
    model's ATL and CTL use: there is no second copy of 7 and 42 days to drift apart.
    An unknown action counts as REST when the load is 0 and as not high-intensity otherwise.
    """
    load = np.ascontiguousarray(load, dtype=np.float64)
    action = np.ascontiguousarray(action, dtype=np.int64)
    f, i = K.record_day(
        load, action, HIGH_INTENSITY, state.atl, state.ctl, state.days_since_high_recovery,
        state.consecutive_hard, state.days_since_rest, state.weekday, pop.atl_decay,
        pop.ctl_decay)
    loads, hard, since_hard, strength = H.record_day(
        load, action, HIGH_INTENSITY, state.loads, state.hard, state.days_since_hard,
        state.strength)
    return build(
        FeatureState, atl=f[0], ctl=f[1], ln_hrv=state.ln_hrv, recovery=state.recovery,
        recent=state.recent,
        days_since_high_recovery=i[0], consecutive_hard=i[1], days_since_rest=i[2],
        weekday=i[3], rhr=state.rhr, loads=loads, hard=hard, days_since_hard=since_hard,
        response=state.response, response_n=state.response_n, strength=strength,
    )
