"""The batched core both environments use: N athletes stepping in lockstep.

``World`` holds the true parameters and state, the feature history, one random stream per
athlete and the current observation and mask. ``PeriodizationEnv`` is a World of one;
``PeriodizationVectorEnv`` is a World of N with autoreset. There is no second copy of the
model: speed comes from batching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.env import constraints as C
from periodization.env import kernels as EK
from periodization.env import mornings
from periodization.env.reward import COMPONENTS, RewardConfig
from periodization.env.starts import EpisodeStart
from periodization.features.scaler import FeatureScaler
from periodization.sim import day, dynamics
from periodization.sim.actions import N_ACTIONS, Action
from periodization.sim.batch import build, scatter
from periodization.sim.noise import KeyedRandom
from periodization.sim.projection import project_constant
from periodization.sim.state import AthleteState


class SafetyViolation(ValueError):
    """A masked action was chosen in strict mode."""


@dataclass(frozen=True)
class StepResult:
    """Everything one lockstep day produced (arrays of shape (N,) unless noted)."""

    obs: np.ndarray  # (N, F) float32, next morning (F: the scaler's width, 17 or 31)
    reward: np.ndarray
    truncated: np.ndarray  # bool: the block's last day is done
    component_rows: np.ndarray  # (9, N) in ``COMPONENTS`` order
    action: np.ndarray  # the action carried out (a masked choice becomes REST)
    violation: np.ndarray  # bool: the chosen action was masked
    performance: np.ndarray  # test performance next morning (``dynamics.test_performance``)
    start_performance: np.ndarray  # test performance on the block's first morning
    state: AthleteState  # true state next morning
    overreached_threshold: float

    @property
    def components(self) -> dict[str, np.ndarray]:
        return dict(zip(COMPONENTS, self.component_rows, strict=True))

    @property
    def performance_change_pct(self) -> np.ndarray:
        return 100.0 * (self.performance - self.start_performance) / self.start_performance

    @property
    def overreached(self) -> np.ndarray:
        return self.state.maladaptation > self.overreached_threshold

    @property
    def overreach_level(self) -> np.ndarray:
        """Maladaptation as a share of the overreached threshold (≥ 0; > 1 is overreached):
        the early warning a graded cost reads (``constraints.warning_from``)."""
        return self.state.maladaptation / self.overreached_threshold

    @property
    def ill(self) -> np.ndarray:
        return self.state.ill_days > 0

    @property
    def injured(self) -> np.ndarray:
        return self.state.injured_days > 0

    @property
    def load(self) -> np.ndarray:
        """Realised load today (TSS)."""
        return self.state.last_load


class World:
    """N athletes; each row is an episode that can restart on its own."""

    def __init__(self, *, scaler: FeatureScaler, reward: RewardConfig,
                 safety: C.SafetyConfig, block_days: int = 90) -> None:
        if block_days < 1:
            raise ValueError("block_days must be at least 1")
        self.scaler, self.reward, self.safety, self.block_days = scaler, reward, safety, block_days
        # Every reward term is computed by default (evaluation reports what each policy
        # would earn under the seed's rewards too). Training sets this to False: the terms
        # its reward does not pay (the projections, ~2/3 of a step) are then NaN.
        self.all_terms = True
        self.n = 0

    # --- episode starts ----------------------------------------------------------------
    def _tests(self, state, params) -> tuple[np.ndarray, np.ndarray]:
        """(N,) test performance after the outcome's 7-day taper and after the shaping
        taper, in one pass (``test_performance`` takes its tapers in ascending order, and a
        shaping taper may be shorter than the test's)."""
        test, shaping = dynamics.TEST_TAPER_DAYS, self.reward.shaping_taper_days
        rows = dynamics.test_performance(state, params, taper_days=tuple(sorted((test, shaping))))
        return (rows[0], rows[1]) if test <= shaping else (rows[1], rows[0])

    def start(self, start: EpisodeStart, rows: np.ndarray | None = None) -> None:
        """Begin new episodes: all rows (``rows=None``, sizes the world) or the given rows."""
        rng = KeyedRandom(start.noise_key)
        seen = mornings.see(start.features, day.wake(start.state, start.params, rng),
                            safety=self.safety)
        fstate, raw, ctx, fired, mask = (seen.features, seen.raw, seen.context, seen.fired,
                                         seen.mask)
        perf, capacity = self._tests(start.state, start.params)
        k = len(start.athlete_id)
        if rows is None:
            self.n = k
            self.params, self.state, self.fstate = start.params, start.state, fstate
            self.rng, self.context = rng, ctx
            self.raw, self.fired, self.mask = raw, fired, mask
            self.athlete_id = start.athlete_id.copy()
            self.start_performance, self.performance = perf, perf
            self.capacity = capacity
            self.day_in_block = np.zeros(k, dtype=np.int64)
            self.violations = np.zeros(k, dtype=np.int64)
            self.days_overreached = np.zeros(k, dtype=np.int64)
            self.days_ill = np.zeros(k, dtype=np.int64)
            self.days_injured = np.zeros(k, dtype=np.int64)
            self.episode_return = np.zeros(k)
            self._rows = np.arange(k)
        else:
            self.params = scatter(self.params, rows, start.params)
            self.state = scatter(self.state, rows, start.state)
            self.fstate = scatter(self.fstate, rows, fstate)
            self.context = scatter(self.context, rows, ctx)
            self.rng.replace(rows, start.noise_key)
            self.rng.counters[rows] = rng.counters
            self.raw = _set_rows(self.raw, rows, raw)
            self.fired = _set_rows(self.fired, rows, fired)
            self.mask = _set_rows(self.mask, rows, mask)
            self.athlete_id[rows] = start.athlete_id
            self.start_performance = _set_rows(self.start_performance, rows, perf)
            self.performance = _set_rows(self.performance, rows, perf)
            self.capacity = _set_rows(self.capacity, rows, capacity)
            self.day_in_block[rows] = 0
            self.violations[rows] = 0
            self.days_overreached[rows] = 0
            self.days_ill[rows] = 0
            self.days_injured[rows] = 0
            self.episode_return[rows] = 0.0
        self.obs = self.scaler.transform(self.raw)

    # --- one day ------------------------------------------------------------------------
    def check_actions(self, actions: object) -> np.ndarray:
        """Validate an action array of shape (N,): integers in 0–5, else ``ValueError``."""
        if self.n == 1 and type(actions) is int and 0 <= actions < N_ACTIONS:
            return np.array([actions], dtype=np.int64)  # the single environment's fast path
        a = np.asarray(actions)
        if a.shape != (self.n,) and not (self.n == 1 and a.size == 1):
            raise ValueError(f"expected {self.n} actions, got shape {a.shape}")
        if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
            raise ValueError(f"actions must be integers 0–{N_ACTIONS - 1}, got {a.dtype} {a!r}")
        a = a.reshape(self.n).astype(np.int64)
        if a.min() < 0 or a.max() >= N_ACTIONS:
            bad = a[(a < 0) | (a >= N_ACTIONS)][0]
            raise ValueError(f"invalid action {bad}: must be an integer in 0–{N_ACTIONS - 1}")
        return a

    def step(self, actions: object) -> StepResult:
        a = self.check_actions(actions)
        violation = ~self.mask[self._rows, a]
        if (violation[0] if self.n == 1 else violation.any()):
            if self.safety.strict:
                row = int(np.flatnonzero(violation)[0])
                raise SafetyViolation(f"action {Action(a[row]).name} is masked: "
                                      f"{C.mask_reasons(self.fired[row], self.safety)}")
            a = np.where(violation, int(Action.REST), a)
        params, before, ctx = self.params, self.state, self.context

        if self.all_terms or self.reward.pays_projection:
            perf_now, perf_long, ctl_medium = project_constant(
                before, a, params, performance_days=self.reward.long_days,
                ctl_days=self.reward.medium_days)
        else:  # not paid and not asked for: the medium and long terms come out NaN
            perf_now = perf_long = ctl_medium = np.full(self.n, np.nan)

        # the session, the next morning and what it shows (the order of ``sim.day``)
        morning = day.live(before, a, params, self.rng)
        state = morning.state
        seen = mornings.see(mornings.record(self.fstate, state, pop=params.pop), morning,
                            safety=self.safety)
        fstate, raw, nxt, fired, mask = (seen.features, seen.raw, seen.context, seen.fired,
                                         seen.mask)
        perf_next, capacity_next = self._tests(state, params)
        outlook = EK.Outlook(
            perf_before=self.performance, perf_after=perf_next,
            perf_start=self.start_performance, perf_long=perf_long, perf_now=perf_now,
            ctl_before=before.ctl, ctl_medium=ctl_medium, capacity_before=self.capacity,
            capacity_after=capacity_next, days_lost=morning.days_lost)
        rows, reward = EK.reward_components(
            a, ctx.record, nxt.record, outlook, self.safety.packed,
            self.reward.packed)

        if self.reward.w_violation:  # an unmasked agent sees its violations in the reward
            reward = reward - self.reward.w_violation * violation
        self.state, self.fstate, self.context, self.raw = state, fstate, nxt, raw
        self.fired, self.mask, self.performance = fired, mask, perf_next
        self.capacity = capacity_next
        self.obs = self.scaler.transform(raw)
        self.day_in_block = self.day_in_block + 1
        self.violations = self.violations + violation
        self.days_overreached = self.days_overreached + (
            state.maladaptation > params.pop.overreached_threshold)
        self.days_ill = self.days_ill + (state.ill_days > 0)
        self.days_injured = self.days_injured + (state.injured_days > 0)
        self.episode_return = self.episode_return + reward
        return build(
            StepResult, obs=self.obs, reward=reward, truncated=self.day_in_block >= self.block_days,
            component_rows=rows, action=a, violation=violation, performance=perf_next,
            start_performance=self.start_performance, state=state,
            overreached_threshold=params.pop.overreached_threshold,
        )

    def mask_reasons(self, row: int) -> dict[str, list[str]]:
        return C.mask_reasons(self.fired[row], self.safety)


def _set_rows(full: np.ndarray, rows: np.ndarray, part: np.ndarray) -> np.ndarray:
    out = full.copy()
    out[rows] = part
    return out

