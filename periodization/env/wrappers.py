"""Wrappers for libraries that read the action mask from the observation.

RLlib's action-masking RL module reads ``{"observations", "action_mask"}``; Tianshou's
DQN-family algorithms read ``obs.obs`` and ``obs.mask``. ``DictMaskObservation`` gives
either from ``Periodization-v1``, the mask as float32 0/1 (a ``Box`` every library batches).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from periodization.sim.actions import N_ACTIONS


class DictMaskObservation(gym.ObservationWrapper):
    """``Dict({obs_key: Box(17), mask_key: Box(0, 1, (6,))})``: the observation and today's
    mask (1 = allowed). Rewards and infos pass through unchanged.

    ``DictMaskObservation(env)`` is RLlib's layout; ``DictMaskObservation(env,
    obs_key="obs", mask_key="mask")`` is Tianshou's.
    """

    def __init__(self, env: gym.Env, *, obs_key: str = "observations",
                 mask_key: str = "action_mask") -> None:
        super().__init__(env)
        self.obs_key, self.mask_key = obs_key, mask_key
        self.observation_space = gym.spaces.Dict({
            obs_key: env.observation_space,
            mask_key: gym.spaces.Box(0.0, 1.0, (N_ACTIONS,), np.float32)})

    def observation(self, observation: np.ndarray) -> dict[str, Any]:
        mask = self.env.unwrapped.action_masks()
        return {self.obs_key: observation, self.mask_key: mask.astype(np.float32)}
