"""``PeriodizationVectorEnv``: N athletes stepped at once through the batched world.

Same numbers as N single ``PeriodizationEnv`` with seeds ``seed, seed+1, …`` (each row has
its own start generator and its own counter-based noise stream). Autoreset is
``SAME_STEP``: when a row's block ends, the step returns the new episode's first
observation; the last observation and the episode's summary (return, outcome, violations,
days overreached and ill, the final mask) are in ``info["final_obs"]`` and
``info["final_info"]`` (with ``info["_final_obs"]`` marking the rows). Every step's info
has the reward components, violations, the actions carried out and the next mask; the
world (``env.world``) holds the full true state for anyone who needs more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode

from periodization.cohort.dataset import PreparedCohort
from periodization.env.constraints import SafetyConfig
from periodization.env.options import build_world
from periodization.env.reward import RewardConfig
from periodization.features.daily import N_FEATURES
from periodization.features.scaler import CLIP, FeatureScaler
from periodization.sim.actions import N_ACTIONS
from periodization.sim.prior import Prior


class PeriodizationVectorEnv(gym.vector.VectorEnv):
    """N copies of ``Periodization-v0`` in lockstep (see ``PeriodizationEnv`` for the spec)."""

    metadata: ClassVar[dict[str, Any]] = {"autoreset_mode": AutoresetMode.SAME_STEP,
                                          "render_modes": []}

    def __init__(self, num_envs: int, *, cohort: str | Path | PreparedCohort | None = None,
                 split: str = "train", prior: str | Path | Prior | None = None,
                 reward: RewardConfig | dict | str | None = None,
                 safety: SafetyConfig | dict | None = None, strict: bool | None = None,
                 block_days: int = 90, scaler: FeatureScaler | None = None,
                 autoreset: bool = True) -> None:
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        self.num_envs = num_envs
        self.autoreset = autoreset
        self.world, self.starts, self.prepared = build_world(
            cohort=cohort, split=split, prior=prior, reward=reward, safety=safety,
            strict=strict, block_days=block_days, scaler=scaler)
        self.single_action_space = gym.spaces.Discrete(N_ACTIONS)
        self.single_observation_space = gym.spaces.Box(-CLIP, CLIP, (N_FEATURES,), np.float32)
        self.action_space = gym.spaces.MultiDiscrete(np.full(num_envs, N_ACTIONS))
        self.observation_space = gym.spaces.Box(-CLIP, CLIP, (num_envs, N_FEATURES), np.float32)
        self._never = np.zeros(num_envs, dtype=bool)  # no episode ever terminates
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
        return self.world.obs.copy(), {"action_mask": self.world.mask.copy()}

    def step(self, actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        w = self.world
        result = w.step(actions)
        ended = result.truncated
        info: dict[str, Any] = {
            "reward_components": result.components,
            "violation": result.violation,
            "action_taken": result.action,
        }
        if self.autoreset and ended.any():
            rows = np.flatnonzero(ended)
            final_obs = np.zeros_like(w.obs)
            final_obs[rows] = w.obs[rows]
            info["final_obs"], info["_final_obs"] = final_obs, ended
            info["final_info"] = {
                "episode_return": np.where(ended, w.episode_return, 0.0),
                "outcome_pct": np.where(ended, result.performance_change_pct, 0.0),
                "violations": np.where(ended, w.violations, 0),
                "days_overreached": np.where(ended, w.days_overreached, 0),
                "days_ill": np.where(ended, w.days_ill, 0),
                "athlete_id": np.where(ended, w.athlete_id, None),
                "final_mask": w.mask,
            }
            info["_final_info"] = ended
            w.start(self.starts.sample([self._rngs[i] for i in rows]), rows)
        # The world builds fresh arrays every step, so they are handed out without copying.
        info["action_mask"] = w.mask
        return w.obs, result.reward, self._never, ended, info

    def action_masks(self) -> np.ndarray:
        """Bool (N, 6), True = allowed."""
        return self.world.mask.copy()
