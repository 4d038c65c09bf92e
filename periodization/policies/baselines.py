"""Heuristic baselines: what coaches and apps do today (SPEC §7).

All read the morning features the agent sees (the first 17 of its 31, de-normalised) and respect
the mask: a masked preference falls back to the next easier allowed session.
"""

from __future__ import annotations

import numpy as np

from periodization.features.scaler import FeatureScaler
from periodization.policies.base import (
    AE,
    AR,
    HI,
    ST,
    TE,
    BasePolicy,
    FeatureReader,
    R,
    allowed_or_easier,
)


class RandomPolicy(BasePolicy):
    """Uniform over the allowed actions."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        return (self.rng.random(mask.shape) * mask).argmax(axis=1)


class RestPolicy(BasePolicy):
    """Always rest (detraining, but never a violation)."""

    name = "rest"

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        return np.zeros(len(mask), dtype=np.int64)


class FeaturePolicy(BasePolicy):
    """A heuristic that reasons in feature units: ``self.read(obs)`` de-normalises."""

    def __init__(self, scaler: FeatureScaler) -> None:
        self.read = FeatureReader(scaler)


class RulePolicy(FeaturePolicy):
    """Recovery thresholds: ≥ 80 HIIT, ≥ 65 tempo, ≥ 50 aerobic, ≥ 35 active recovery, else
    rest."""

    name = "rule"

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        rec = self.read(obs)["recovery"]
        preferred = np.select([rec >= 80, rec >= 65, rec >= 50, rec >= 35], [HI, TE, AE, AR], R)
        return allowed_or_easier(preferred, mask)


class WhoopPolicy(FeaturePolicy):
    """WHOOP colours: green (≥ 67) → hard (HIIT, or tempo after a hard day), yellow →
    aerobic, red (≤ 33) → active recovery (rest below 20)."""

    name = "whoop"

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        f = self.read(obs)
        rec, hard_yesterday = f["recovery"], f["consecutive_hard_days"] > 0.5
        green = np.where(hard_yesterday, TE, HI)
        preferred = np.select([rec >= 67, rec > 33, rec >= 20], [green, AE, AR], R)
        return allowed_or_easier(preferred, mask)


class HrvGuidedPolicy(FeaturePolicy):
    """HRV-guided training (Kiviniemi 2007; Vesterinen 2016): a hard session when the 7-day
    ln RMSSD is within the smallest worthwhile change of the 28-day baseline (z ≥ −0.5 SD)
    and HRV has not fallen two days running; low intensity otherwise; active recovery when
    well below (z < −1.5). Hard days alternate with aerobic days."""

    name = "hrv"

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        f = self.read(obs)
        z, trend = f["hrv_z7"], f["hrv_trend"]
        within = (z >= -0.5) & (trend > -3.0)  # % per day: not in a clear fall
        hard = np.where(f["consecutive_hard_days"] > 0.5, AE, np.where(z >= 0.0, HI, TE))
        preferred = np.select([within, z >= -1.5], [hard, AE], AR)
        return allowed_or_easier(preferred, mask)


class FixedPeriodizationPolicy(FeaturePolicy):
    """A fixed plan: three build weeks of rising load, then a deload week, on the calendar
    (Monday rest)."""

    name = "fixed"
    WEEKS = np.array([
        [R, AE, TE, AE, AR, HI, AE],  # build 1
        [R, AE, TE, AE, ST, HI, AE],  # build 2
        [R, TE, AE, HI, AE, HI, AE],  # build 3
        [R, AE, AR, AE, R, AE, AR],   # deload
    ])  # fmt: skip

    def __init__(self, scaler: FeatureScaler) -> None:
        super().__init__(scaler)
        self.days = np.zeros(0, dtype=np.int64)

    def reset(self, n: int) -> None:
        super().reset(n)
        self.days = np.zeros(n, dtype=np.int64)

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        if len(self.days) != len(mask):
            self.reset(len(mask))
        weekday = FeatureReader.weekday(self.read(obs))
        preferred = self.WEEKS[(self.days // 7) % 4, weekday]
        self.days = self.days + 1
        return allowed_or_easier(preferred, mask)
