"""``PeriodizationVectorEnv``: N athletes stepped at once through the batched world.

Same numbers as N single ``PeriodizationEnv`` with seeds ``seed, seed+1, …`` (each row has
its own start generator and its own counter-based noise stream), and the same info as
Gymnasium's ``SyncVectorEnv`` over those envs: every key of the single env's info batched
over rows, with a ``_key`` bool array marking the rows that have it.

Autoreset (``autoreset_mode``, Gymnasium's ``AutoresetMode``):

* ``SAME_STEP`` (default, what training uses): when a row's block ends, the step returns
  the new episode's first observation; the last observation and the ended episode's last
  info are in ``info["final_obs"]`` (an object array, ``None`` for other rows) and
  ``info["final_info"]``, with ``info["_final_obs"]``/``info["_final_info"]`` marking the
  rows. ``final_info`` holds the episode's summary: ``episode_return``,
  ``performance_change_pct`` (the outcome), ``violations``, ``days_overreached``,
  ``days_ill`` and the last ``action_mask``.
* ``NEXT_STEP``: the step that ends a block returns its last observation; the next step
  ignores that row's action and returns the new episode's first observation with reward 0
  (what Gymnasium's observation vector wrappers such as ``NormalizeObservation`` need).
* ``DISABLED`` (or ``autoreset=False``): rows run past their block until ``reset()``.

The world (``env.world``) holds the full true state for anyone who needs more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode

from periodization.cohort.dataset import PreparedCohort
from periodization.env import constraints as C
from periodization.env.constraints import SafetyConfig
from periodization.env.options import CohortReference, block_length, build_world, reset_needed
from periodization.env.reward import RewardConfig
from periodization.env.world import StepResult
from periodization.features.scaler import CLIP, FeatureScaler
from periodization.sim.actions import N_ACTIONS, Action
from periodization.sim.prior import Prior


class PeriodizationVectorEnv(CohortReference, gym.vector.VectorEnv):
    """N copies of ``Periodization-v1`` in lockstep (see ``PeriodizationEnv`` for the spec)."""

    metadata: ClassVar[dict[str, Any]] = {"autoreset_mode": AutoresetMode.SAME_STEP,
                                          "render_modes": []}

    def __init__(self, num_envs: int, *, cohort: str | Path | PreparedCohort | None = None,
                 split: str = "train", prior: str | Path | Prior | None = None,
                 reward: RewardConfig | dict | str | None = None,
                 safety: SafetyConfig | dict | None = None, strict: bool | None = None,
                 block_days: int | None = None, max_episode_steps: int | None = None,
                 scaler: FeatureScaler | None = None, autoreset: bool = True,
                 autoreset_mode: AutoresetMode | str = AutoresetMode.SAME_STEP) -> None:
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        self.num_envs = num_envs
        mode = AutoresetMode(autoreset_mode) if autoreset else AutoresetMode.DISABLED
        self.autoreset_mode = mode
        self.autoreset = mode != AutoresetMode.DISABLED
        self.metadata = {**type(self).metadata, "autoreset_mode": mode}
        self.world, self.starts, self.prepared = build_world(
            cohort=cohort, split=split, prior=prior, reward=reward, safety=safety,
            strict=strict, block_days=block_length(block_days, max_episode_steps),
            scaler=scaler)
        self._remember_source(cohort=cohort, split=split, prior=prior)
        self.single_action_space = gym.spaces.Discrete(N_ACTIONS)
        width = self.world.scaler.n_features  # the scaler's observation space (v1 17, v2 31)
        self.single_observation_space = gym.spaces.Box(-CLIP, CLIP, (width,), np.float32)
        self.action_space = gym.spaces.MultiDiscrete(np.full(num_envs, N_ACTIONS))
        self.observation_space = gym.spaces.Box(-CLIP, CLIP, (num_envs, width), np.float32)
        self._never = np.zeros(num_envs, dtype=bool)  # no episode ever terminates
        self._all = np.ones(num_envs, dtype=bool)
        self._pending = np.zeros(num_envs, dtype=bool)  # NEXT_STEP: rows to reset next step
        self._rngs: list[np.random.Generator] = [seeding.np_random(None)[0]
                                                 for _ in range(num_envs)]

    def reset(self, *, seed: int | list[int] | None = None, options: dict | None = None
              ) -> tuple[np.ndarray, dict[str, Any]]:
        if seed is not None:
            seeds = [seed + i for i in range(self.num_envs)] if isinstance(seed, int) else seed
            if len(seeds) != self.num_envs:
                raise ValueError(f"need {self.num_envs} seeds, got {len(seeds)}")
            self._rngs = [seeding.np_random(s)[0] for s in seeds]
        self.world.start(self.starts.sample(self._rngs))
        self._pending = np.zeros(self.num_envs, dtype=bool)
        return self.world.obs.copy(), _batched(self._morning(), self._all)

    def step(self, actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        w = self.world
        if w.n == 0:
            raise reset_needed("step()")
        pending = self._pending
        if pending.any():  # NEXT_STEP: these rows' actions are ignored (REST is always allowed)
            actions = np.where(pending, int(Action.REST), w.check_actions(actions))
        result = w.step(actions)
        ended = result.truncated & self.autoreset
        day = _day(result)
        if pending.any():
            rows = np.flatnonzero(pending)
            w.start(self.starts.sample([self._rngs[i] for i in rows]), rows)
            reward = np.where(pending, 0.0, result.reward)
            ended = ended & ~pending
            info = {**_batched(day, ~pending), **_batched(self._morning(), self._all)}
            self._pending = ended.copy()
            return w.obs, reward, self._never, ended, info
        if self.autoreset_mode == AutoresetMode.SAME_STEP and ended.any():
            rows = np.flatnonzero(ended)
            final_obs = np.full(self.num_envs, None, dtype=object)
            for i in rows:
                final_obs[i] = w.obs[i]  # the world builds fresh arrays: no copy needed
            final_info = _batched({**self._morning(), **day}, ended)
            w.start(self.starts.sample([self._rngs[i] for i in rows]), rows)
            info = {**_batched(day, ~ended), **_batched(self._morning(), self._all),
                    "final_obs": final_obs, "_final_obs": ended,
                    "final_info": final_info, "_final_info": ended}
            return w.obs, result.reward, self._never, ended, info
        if self.autoreset_mode == AutoresetMode.NEXT_STEP:
            self._pending = ended.copy()
        info = _batched({**self._morning(), **day}, self._all)
        return w.obs, result.reward, self._never, result.truncated, info

    def action_masks(self) -> np.ndarray:
        """Bool (N, 6), True = allowed."""
        if self.world.n == 0:
            raise reset_needed("action_masks()")
        return self.world.mask.copy()

    def _morning(self) -> dict[str, np.ndarray]:
        """What every info has (reset included), as of this morning, per row."""
        w = self.world  # counters are copied: a row's restart zeroes them in place
        return {"action_mask": w.mask, "mask_reasons": C.reason_matrix(w.fired),
                "athlete_id": w.athlete_id.copy(), "day_in_block": w.day_in_block.copy(),
                "violations": w.violations.copy(), "episode_return": w.episode_return.copy(),
                "days_overreached": w.days_overreached.copy(), "days_ill": w.days_ill.copy(),
                "days_injured": w.days_injured.copy()}


def _day(result: StepResult) -> dict[str, Any]:
    """What a step adds to the morning keys, per row (the single env's step-only keys)."""
    return {"reward_components": result.components, "performance": result.performance,
            "performance_change_pct": result.performance_change_pct,
            "violation": result.violation, "action_taken": result.action,
            "overreached": result.overreached, "ill": result.ill, "injured": result.injured,
            "load": result.load, "overreach_level": result.overreach_level}


def _batched(values: dict[str, Any], rows: np.ndarray) -> dict[str, Any]:
    """Gymnasium's vector info: each key with a ``_key`` bool array of the rows having it
    (nested dicts alike); no key at all when no row has it, as in Gymnasium."""
    if not rows.any():
        return {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = _batched(value, rows) if isinstance(value, dict) else value
        out[f"_{key}"] = rows
    return out
