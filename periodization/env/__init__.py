"""Gymnasium environments: ``Periodization-v0`` (single) and its batched vector form."""

from __future__ import annotations

import gymnasium as gym

ENV_ID = "Periodization-v0"

if ENV_ID not in gym.registry:
    gym.register(
        id=ENV_ID,
        entry_point="periodization.env.periodization_env:PeriodizationEnv",
        vector_entry_point="periodization.env.vector_env:PeriodizationVectorEnv",
        max_episode_steps=90,
    )
